"""The days on which time alone can change an expression, for the nightly run."""

from datetime import date

import pytest

from matcher.rules.parser import parse
from matcher.rules.time_boundaries import ANY_DAY, time_boundaries


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("enterprise.employees > 10", set()),
        ('as_of >= date("2021-08-04")', {date(2021, 8, 4)}),
        ('as_of > date("2021-08-04")', {date(2021, 8, 5)}),
        ('as_of < date("2021-08-04") or enterprise.debts_settled', {date(2021, 8, 4)}),
        ('date("2021-08-04") >= as_of', {date(2021, 8, 5)}),
        ("years_between(enterprise.registered_on, as_of) >= 1", set()),  # each its own day
        ("claim.loan_date <= as_of", set()),  # a population has no claim facts
        (
            'enterprise.sales < (if as_of >= date("2026-01-01") then 100 else 50)',
            {date(2026, 1, 1)},
        ),
    ],
)
def test_known_days(text: str, days: set[date]) -> None:
    assert time_boundaries(parse(text), ("claim.",)) == days


@pytest.mark.parametrize(
    "text",
    [
        "not (years_between(enterprise.registered_on, as_of) >= 1)",  # turns false with time
        "years_between(enterprise.registered_on, as_of) <= 3",
        "days_between(enterprise.registered_on, as_of) * 2 > 10",
        "claim.loan_date <= as_of",  # where claim facts have values
    ],
)
def test_any_day(text: str) -> None:
    assert time_boundaries(parse(text)) is ANY_DAY
