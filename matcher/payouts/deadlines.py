"""Due dates in working days, with mainland China's public holidays and adjusted working days.

The days of a year whose arrangement is not published yet (:mod:`matcher.payouts.holidays`)
are counted Monday to Friday, and the due date is marked estimated until it is recomputed
(:mod:`matcher.payouts.due_date_estimates`).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from matcher.payouts.holidays import HolidayCalendar, default_calendar


@dataclass(frozen=True, slots=True)
class DueDate:
    day: date
    estimated: bool
    """True when part of the count fell in a year whose holidays are not yet published."""


def add_working_days(start: date, days: int, calendar: HolidayCalendar | None = None) -> DueDate:
    """The ``days``-th working day after ``start`` (the start day itself does not count)."""
    known = calendar or default_calendar()
    day, counted, estimated = start, 0, False
    while counted < days:
        day += timedelta(days=1)
        workday = known.is_workday(day)
        if workday is None:
            workday, estimated = day.weekday() < 5, True
        counted += workday
    return DueDate(day, estimated)
