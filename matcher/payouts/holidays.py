"""Which days are working days in mainland China, year by year.

The State Council publishes each year's public holidays and adjusted working days (调休) in a
notice late in the year before. chinese-calendar carries them up to the last year of its
release; a year published after that is entered as data from its notice
(``matcher/catalog/standards/holidays.yaml``, or the file ``MATCHER_HOLIDAYS_FILE`` names),
each year citing the notice. A year in neither is unknown: callers count it Monday to Friday
and say the result is an estimate.
"""

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from matcher.config import settings
from matcher.policies.issues import CatalogError, CatalogIssue, validation_issues
from matcher.policies.yaml_source import Location, YamlSyntaxError, load_yaml

_WEEKDAYS = "一二三四五六日"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Notice(_Model):
    """The notice a year's arrangement comes from."""

    title: str = Field(min_length=1)
    number: str = Field(min_length=1)
    """Its document number, e.g. 国办发明电〔2025〕7号."""
    issued: date
    url: HttpUrl | None = None


class Period(_Model):
    """Days off (放假调休), both ends included."""

    name: str = Field(min_length=1)
    first: date
    last: date

    def days(self) -> Iterator[date]:
        day = self.first
        while day <= self.last:
            yield day
            day += timedelta(days=1)


class Workday(_Model):
    """A Saturday or Sunday worked (调休上班) to make up for a holiday."""

    day: date
    holiday: str = Field(min_length=1)


class YearEntry(_Model):
    year: int = Field(ge=2000, le=2999)
    notice: Notice
    holidays: tuple[Period, ...] = Field(min_length=1)
    workdays: tuple[Workday, ...] = ()


class HolidayFile(_Model):
    years: tuple[YearEntry, ...]


@dataclass(frozen=True, slots=True)
class Arrangement:
    """One year's days off and days worked, as its notice sets them."""

    notice: Notice
    days_off: frozenset[date]
    days_worked: frozenset[date]

    def is_workday(self, day: date) -> bool:
        return day in self.days_worked or (day.weekday() < 5 and day not in self.days_off)


@dataclass(frozen=True, slots=True)
class HolidayCalendar:
    """chinese-calendar's years, then the years entered as data."""

    published: Mapping[int, Arrangement]

    def is_workday(self, day: date) -> bool | None:
        """Whether ``day`` is a working day; ``None`` when its year's arrangement is unknown."""
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            arrangement = self.published.get(day.year)
            return None if arrangement is None else arrangement.is_workday(day)


def load_holidays(path: Path) -> HolidayCalendar:
    """The calendar with the years in ``path``; :class:`CatalogError` lists every problem."""
    try:
        document = load_yaml(path)
    except YamlSyntaxError as error:
        raise CatalogError([CatalogIssue(path, error.line, None, "", error.message)]) from None
    try:
        entries = HolidayFile.model_validate(document.data).years
    except ValidationError as error:
        raise CatalogError(validation_issues(error, document, path, None)) from None
    issues = [
        CatalogIssue(path, document.line_of(location), None, _field(location), message)
        for location, message in _problems(entries)
    ]
    if issues:
        raise CatalogError(issues)
    return HolidayCalendar({entry.year: _arrangement(entry) for entry in entries})


def default_calendar() -> HolidayCalendar:
    """The calendar with the configured file's years, read once per file."""
    return _cached(settings().holidays_file)


@functools.cache
def _cached(path: Path) -> HolidayCalendar:
    return load_holidays(path)


def _arrangement(entry: YearEntry) -> Arrangement:
    days_off = frozenset(day for period in entry.holidays for day in period.days())
    return Arrangement(entry.notice, days_off, frozenset(w.day for w in entry.workdays))


def _problems(entries: tuple[YearEntry, ...]) -> Iterator[tuple[Location, str]]:
    seen: set[int] = set()
    for index, entry in enumerate(entries):
        if entry.year in seen:
            yield ("years", index, "year"), f"{entry.year} 年重复"
        seen.add(entry.year)
        yield from _entry_problems(("years", index), entry)


def _entry_problems(at: Location, entry: YearEntry) -> Iterator[tuple[Location, str]]:
    """Days outside the entry's year, periods ending before they start, days both off and
    worked, and worked days that are not weekend days."""
    for position, period in enumerate(entry.holidays):
        where = (*at, "holidays", position)
        if period.first > period.last:
            yield (*where, "last"), f"{period.last} 早于开始日期 {period.first}"
        for end, day in (("first", period.first), ("last", period.last)):
            if day.year != entry.year:
                yield (*where, end), f"{day} 不在 {entry.year} 年"
    days_off = _arrangement(entry).days_off
    for position, workday in enumerate(entry.workdays):
        where, day = (*at, "workdays", position, "day"), workday.day
        if day.year != entry.year:
            yield where, f"{day} 不在 {entry.year} 年"
        if day in days_off:
            yield where, f"{day} 既是放假日又是调休上班日"
        if day.weekday() < 5:
            yield where, f"{day} 是星期{_WEEKDAYS[day.weekday()]}，调休上班日应是星期六或星期日"


def _field(location: Location) -> str:
    return ".".join(map(str, location))
