from datetime import date

import pytest

from matcher.rules import Schema, compile_expression
from matcher.rules.timing import date_satisfied

REGISTERED = {"enterprise.registered_on": date(2020, 3, 15), "as_of": date(2020, 12, 1)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("years_between(enterprise.registered_on, as_of) >= 1", date(2021, 3, 15)),
        ("years_between(enterprise.registered_on, as_of) > 1", date(2022, 3, 15)),
        ("1 <= years_between(enterprise.registered_on, as_of)", date(2021, 3, 15)),
        ("months_between(enterprise.registered_on, as_of) >= 12", date(2021, 3, 15)),
        ("days_between(enterprise.registered_on, as_of) >= 365", date(2021, 3, 15)),
        ('as_of >= date("2021-01-01")', date(2021, 1, 1)),
        ('as_of > date("2021-01-01")', date(2021, 1, 2)),
        (
            "enterprise.registered_on <= as_of"
            " and years_between(enterprise.registered_on, as_of) >= 2",
            date(2022, 3, 15),
        ),
    ],
)
def test_waiting_periods_are_solved(schema: Schema, text: str, expected: date) -> None:
    expression = compile_expression(text, schema)
    assert expression.evaluate(REGISTERED) is False
    assert date_satisfied(expression.node, REGISTERED) == expected
    assert expression.evaluate({**REGISTERED, "as_of": expected}) is True


@pytest.mark.parametrize(
    "text",
    [
        "years_between(enterprise.registered_on, as_of) <= 0",  # time makes it false, not true
        "enterprise.red_listed and years_between(enterprise.registered_on, as_of) >= 1",
        "enterprise.employees > 10",
    ],
)
def test_no_date_when_time_alone_cannot_help(schema: Schema, text: str) -> None:
    facts = {**REGISTERED, "enterprise.red_listed": False, "enterprise.employees": 3}
    expression = compile_expression(text, schema)
    assert date_satisfied(expression.node, facts) is None


def test_leap_day_anniversary_falls_on_first_of_march(schema: Schema) -> None:
    expression = compile_expression("years_between(enterprise.registered_on, as_of) >= 1", schema)
    facts = {"enterprise.registered_on": date(2020, 2, 29), "as_of": date(2020, 6, 1)}
    assert date_satisfied(expression.node, facts) == date(2021, 3, 1)
    assert expression.evaluate({**facts, "as_of": date(2021, 2, 28)}) is False
    assert expression.evaluate({**facts, "as_of": date(2021, 3, 1)}) is True
