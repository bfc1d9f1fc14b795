"""A claim's due date counts working days: public holidays off, adjusted working days on."""

from datetime import date

from matcher.payouts.deadlines import add_working_days


def test_national_day_holidays_and_an_adjusted_working_saturday() -> None:
    due = add_working_days(date(2020, 9, 29), 2)
    assert (due.day, due.estimated) == (date(2020, 10, 9), False)  # Saturday 10 October worked


def test_years_the_calendar_does_not_cover_count_monday_to_friday() -> None:
    due = add_working_days(date(2099, 1, 2), 2)  # a Friday
    assert (due.day, due.estimated) == (date(2099, 1, 6), True)
