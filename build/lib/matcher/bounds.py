"""What a number or a date from outside may be: the range the database holds and the domain
knows, defined once and used at every edge (API, pages, CSV, command line).

Integers: the ids, counts and offsets a request names are 32-bit in the database (PostgreSQL's
``integer``); a larger number names nothing and would fail in the query, so it is refused.

Dates: a claim, an evaluation date or a registration date lies between
:data:`FIRST_DAY` and :data:`LAST_DAY`. The first day is the founding of the People's
Republic (1949-10-01): no enterprise registration, policy or claim this service deals in is
older. The last day, 2100-12-31, is the same horizon as a profile's ``fiscal_year``; it keeps
every date the service derives (a due date some working days later) far from ``date.max``.
Dates are written ``YYYY-MM-DD`` and nothing else: not a Unix timestamp (pydantic would read
``0`` as 1970-01-01), not ISO's basic form ``20200801`` (which ``date.fromisoformat`` takes).
"""

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

INT32_MAX = 2**31 - 1
"""The largest value of a PostgreSQL ``integer`` column (SQLite's are wider)."""

Int32 = Annotated[int, Field(ge=-(2**31), le=INT32_MAX)]
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]

FIRST_DAY = date(1949, 10, 1)
LAST_DAY = date(2100, 12, 31)

DATE_FORMAT_MESSAGE = "应为日期（YYYY-MM-DD）"
NO_SUCH_DAY_MESSAGE = "日期不存在，请检查年、月、日"
RANGE_MESSAGE = f"日期应在 {FIRST_DAY} 至 {LAST_DAY} 之间"

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class DayInvalid(ValueError):
    """Text that is not a date in range; ``code`` for programs, the message for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def in_range(day: date) -> date:
    """``day``, or :class:`DayInvalid` when it lies outside ``FIRST_DAY``..``LAST_DAY``."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DayInvalid("date_out_of_range", RANGE_MESSAGE)
    return day


def parse_iso_day(text: str) -> date:
    """A date written exactly ``YYYY-MM-DD`` (any range); :class:`DayInvalid` otherwise."""
    if not _ISO_DAY.fullmatch(text):
        raise DayInvalid("date_format", DATE_FORMAT_MESSAGE)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DayInvalid("date_nonexistent", NO_SUCH_DAY_MESSAGE) from None


def parse_day(text: str) -> date:
    """A date written exactly ``YYYY-MM-DD`` within the range; :class:`DayInvalid` otherwise."""
    return in_range(parse_iso_day(text))


def _pydantic(error: DayInvalid) -> PydanticCustomError:
    return PydanticCustomError(error.code, str(error))


def _iso_day(value: object) -> object:
    """Before pydantic's own date parsing: only a date or ``YYYY-MM-DD`` text gets through."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("date_format", DATE_FORMAT_MESSAGE)
    try:
        return parse_iso_day(value)
    except DayInvalid as error:
        raise _pydantic(error) from None


def _in_range(value: date | None) -> date | None:
    if value is None:
        return None
    try:
        return in_range(value)
    except DayInvalid as error:
        raise _pydantic(error) from None


IsoDay = BeforeValidator(_iso_day)
"""Strict ``YYYY-MM-DD`` parsing, for a field that adds checks of its own before the range."""
DayInRange = AfterValidator(_in_range)

Day = Annotated[date, IsoDay, DayInRange]
"""A date from outside: ``YYYY-MM-DD`` between ``FIRST_DAY`` and ``LAST_DAY``."""
