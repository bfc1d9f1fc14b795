"""Reading the dashboard's filter: months, and which policies a unit leads."""

from datetime import date

import pytest

from matcher.errors import DomainError
from matcher.policies.catalog import default_catalog
from matcher.uptake.selection import Months, month_range, parse_month, policies_shown


def test_a_month_range_runs_from_a_first_day_to_a_last_day() -> None:
    assert month_range("2026-01", "2026-02") == Months(date(2026, 1, 1), date(2026, 2, 28))
    assert month_range("2024-02", "2024-02") == Months(date(2024, 2, 1), date(2024, 2, 29))
    assert month_range(None, "2026-12") == Months(None, date(2026, 12, 31))
    assert month_range("2026-03", None) == Months(date(2026, 3, 1), None)
    assert month_range(None, None) == Months(None, None)


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-00", "2026-1", "26-01", "1999-12", "二〇二六-01", ""]
)
def test_a_month_that_is_no_month_is_refused(text: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_month(text)
    assert (refused.value.code, refused.value.message) == (
        "invalid_month",
        f"月份“{text}”有误，应为“2026-01”这样的年-月",
    )


def test_a_range_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        month_range("2026-05", "2026-04")
    assert (refused.value.code, refused.value.message) == (
        "invalid_month_range",
        "起始月份不能晚于截止月份",
    )


def test_a_unit_shows_the_policies_it_leads() -> None:
    policies = [compiled.policy for compiled in default_catalog()]
    tax = policies_shown(policies, None, "税务局")
    assert tax and all(p.lead_unit == "税务局" for p in policies if p.id in tax)
    assert len(policies_shown(policies, None, None)) == len(policies)
