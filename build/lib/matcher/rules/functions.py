"""The built-in functions of the rule language.

Each function has a typing rule and a pure implementation. Implementations only ever see
known arguments: an unknown argument makes the call unknown (SQL's NULL propagation).
Every function here has a direct SQL counterpart, which the population matcher relies on.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from matcher.rules.types import BOOL, DECIMAL, INT, Kind, Type


class SignatureError(Exception):
    """Raised by a typing rule; the type checker adds the position."""


@dataclass(frozen=True, slots=True)
class Function:
    name: str
    summary: str
    result_type: Callable[[Sequence[Type]], Type]
    apply: Callable[..., Any]


def years_between(start: date, end: date) -> int:
    """Whole years from ``start`` to ``end``: an anniversary counts on its day."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end``."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (end.day < start.day)


def days_between(start: date, end: date) -> int:
    return (end - start).days


def year(day: date) -> int:
    """The calendar year of ``day`` (a tax year, say)."""
    return day.year


def starts_with(text: str, prefix: str) -> bool:
    """Whether ``text`` begins with ``prefix``, character for character (case counts)."""
    return text.startswith(prefix)


def add_years(start: date, years: int) -> date:
    """The day ``years`` anniversaries after ``start``; 29 February falls on 1 March."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return date(start.year + years, 3, 1)


def add_months(start: date, months: int) -> date:
    """The day ``months`` months after ``start``; a missing day falls on the next month's first."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    try:
        return date(year, month + 1, start.day)
    except ValueError:
        return date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)


def _two_dates(args: Sequence[Type]) -> Type:
    if len(args) != 2 or any(a.kind is not Kind.DATE for a in args):
        raise SignatureError("需要两个日期参数")
    return INT


def _one_date(args: Sequence[Type]) -> Type:
    if len(args) != 1 or args[0].kind is not Kind.DATE:
        raise SignatureError("需要一个日期参数")
    return INT


def _two_texts(args: Sequence[Type]) -> Type:
    if len(args) != 2 or any(a.kind is not Kind.TEXT for a in args):
        raise SignatureError("需要两个文本参数")
    return BOOL


def _numbers(args: Sequence[Type]) -> Type:
    if len(args) < 2 or not all(a.is_numeric for a in args):
        raise SignatureError("需要至少两个数值参数")
    return INT if all(a.kind is Kind.INT for a in args) else DECIMAL


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("years_between", "两个日期之间的整年数", _two_dates, years_between),
        Function("months_between", "两个日期之间的整月数", _two_dates, months_between),
        Function("days_between", "两个日期之间的天数", _two_dates, days_between),
        Function("year", "日期所在的公历年份", _one_date, year),
        Function("starts_with", "文本是否以给定前缀开头", _two_texts, starts_with),
        Function("min", "最小值", _numbers, min),
        Function("max", "最大值", _numbers, max),
    )
}

# For a criterion that only the passing of time can satisfy: the first date on which
# ``fn(start, as_of) >= n`` holds.
DATE_OF_THRESHOLD: dict[str, Callable[[date, int], date]] = {
    "years_between": add_years,
    "months_between": add_months,
    "days_between": lambda start, n: start + timedelta(days=n),
}
