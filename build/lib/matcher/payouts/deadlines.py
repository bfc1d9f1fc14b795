"""Due dates in working days, with mainland China's public holidays and adjusted working days.

chinese-calendar knows the State Council's holiday arrangements up to the last year it has
data for; beyond that, Monday to Friday are counted and the due date is marked estimated.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar


@dataclass(frozen=True, slots=True)
class DueDate:
    day: date
    estimated: bool
    """True when part of the count fell in a year whose holidays are not yet published."""


def _is_workday(day: date) -> tuple[bool, bool]:
    """Whether ``day`` is a working day, and whether that is only an estimate."""
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        return day.weekday() < 5, True


def add_working_days(start: date, days: int) -> DueDate:
    """The ``days``-th working day after ``start`` (the start day itself does not count)."""
    day, counted, estimated = start, 0, False
    while counted < days:
        day += timedelta(days=1)
        workday, guessed = _is_workday(day)
        estimated = estimated or guessed
        counted += workday
    return DueDate(day, estimated)
