"""Dates and times. Business dates ("today", a claim's date) are dates in China's time zone;
stored moments are UTC. Nothing else in the package calls ``date.today()``."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current moment, in UTC (how moments are stored)."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in China."""
    return datetime.now(CHINA).date()


def end_of_day(day: date) -> datetime:
    """The first moment after ``day`` in China, in UTC: what was recorded before, was known."""
    return (datetime.combine(day, time.min, CHINA) + timedelta(days=1)).astimezone(UTC)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive value (as SQLite returns it) is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
