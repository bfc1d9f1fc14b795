"""A claim's due date counts working days: public holidays off, adjusted working days on."""

from datetime import date
from pathlib import Path

from matcher.payouts.deadlines import DueDate, add_working_days
from matcher.payouts.holidays import load_holidays
from tests.payouts.holiday_files import YEAR_2098, YEAR_2099, write_holidays


def test_national_day_holidays_and_an_adjusted_working_saturday() -> None:
    due = add_working_days(date(2020, 9, 29), 2)
    assert (due.day, due.estimated) == (date(2020, 10, 9), False)  # Saturday 10 October worked


def test_years_the_calendar_does_not_cover_count_monday_to_friday() -> None:
    due = add_working_days(date(2099, 1, 2), 2)  # a Friday
    assert (due.day, due.estimated) == (date(2099, 1, 6), True)


def test_a_year_entered_from_its_notice_makes_the_estimate_exact(tmp_path: Path) -> None:
    filed = date(2098, 12, 30)  # a Tuesday; 2098 and 2099 are beyond chinese-calendar
    before = load_holidays(write_holidays(tmp_path, YEAR_2098))
    assert add_working_days(filed, 3, before) == DueDate(date(2099, 1, 2), True)
    after = load_holidays(write_holidays(tmp_path, YEAR_2098, YEAR_2099))
    assert add_working_days(filed, 3, after) == DueDate(date(2099, 1, 5), False)
