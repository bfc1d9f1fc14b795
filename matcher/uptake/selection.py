"""What the dashboard shows: which policies (one, or a unit's), which enterprises (an industry
cluster, a size class) and which months, parsed once at the edge."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement

from matcher import clock
from matcher.enterprises.tables import enterprises
from matcher.errors import DomainError
from matcher.payouts.claim_filter import start_of_day
from matcher.payouts.desk import month_of
from matcher.policies.model import Policy

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True, slots=True)
class Months:
    """From the first day of one month to the last of another; either end may be open."""

    first: date | None
    last: date | None


@dataclass(frozen=True, slots=True)
class UptakeFilter:
    policy_ids: tuple[str, ...]
    """The policies shown, already narrowed to the one chosen or the chosen unit's."""
    cluster: str | None = None
    size_class: str | None = None
    months: Months = Months(None, None)
    """The days of the chosen months: when a notice was sent, a claim filed, an approval
    taken. Eligibility is as the latest run found it, whatever the months."""

    def enterprise_conditions(self) -> list[ColumnElement[bool]]:
        """The conditions on ``enterprises`` for the chosen cluster and size class."""
        where = []
        if self.cluster is not None:
            where.append(enterprises.c.industry_cluster == self.cluster)
        if self.size_class is not None:
            where.append(enterprises.c.size_class == self.size_class)
        return where

    def on_days(self, day: Any) -> list[ColumnElement[bool]]:
        """A date column within the chosen months."""
        first, last = self.months.first, self.months.last
        return [
            *([] if first is None else [day >= first]),
            *([] if last is None else [day <= last]),
        ]

    def at_moments(self, moment: Any) -> list[ColumnElement[bool]]:
        """A moment (UTC) on a day of the chosen months in China."""
        first, last = self.months.first, self.months.last
        return [
            *([] if first is None else [moment >= start_of_day(first)]),
            *([] if last is None else [moment < clock.end_of_day(last)]),
        ]


def policies_shown(
    policies: Iterable[Policy], policy_id: str | None, unit: str | None
) -> tuple[str, ...]:
    """The ids of ``policies`` that are ``policy_id`` and led by ``unit``, where given."""
    return tuple(
        policy.id
        for policy in policies
        if policy_id in (None, policy.id) and unit in (None, policy.lead_unit)
    )


def parse_month(text: str) -> date:
    """The first day of the month ``YYYY-MM``."""
    found = _MONTH.fullmatch(text.strip())
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
        raise DomainError("invalid_month", f"月份“{text}”有误，应为“2026-01”这样的年-月")
    return date(int(found.group(1)), int(found.group(2)), 1)


def month_range(first: str | None, last: str | None) -> Months:
    """The days from the first of month ``first`` to the last of month ``last``; an end not
    given is open."""
    start = parse_month(first) if first else None
    end = month_of(parse_month(last)).last if last else None
    if start is not None and end is not None and start > end:
        raise DomainError("invalid_month_range", "起始月份不能晚于截止月份")
    return Months(start, end)
