"""Non-take-up (未申领): eligible pairs whose enterprise was told at least N days ago and has
not claimed, longest waiting first, for staff to follow up."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlmodel import Session, col

from matcher import clock
from matcher.enterprises.tables import enterprises
from matcher.errors import DomainError
from matcher.notices.tables import NoticeStatus, OutboxNotice
from matcher.payouts.tables import Claim
from matcher.uptake.eligible import eligible_pairs
from matcher.uptake.selection import UptakeFilter
from matcher.uptake.stages import ENTITLEMENT_KINDS

DEFAULT_DAYS = 30
"""How long after its first notice an unclaimed entitlement is listed: the dashboard's own
default, which staff change on the page."""
MAX_DAYS = 3650
"""Ten years: the longest wait the list may be asked for."""


@dataclass(frozen=True, slots=True)
class Unclaimed:
    enterprise_id: int
    uscc: str
    name: str
    policy_id: str
    first_notified: datetime
    amount: Decimal | None

    @property
    def notified_on(self) -> date:
        """The day of the first notice, in China."""
        return clock.as_utc(self.first_notified).astimezone(clock.CHINA).date()

    def waiting_days(self, today: date) -> int:
        return (today - self.notified_on).days


def check_days(days: int) -> int:
    if not 0 <= days <= MAX_DAYS:
        raise DomainError("invalid_days", f"天数须为 0 至 {MAX_DAYS} 之间的整数")
    return days


def _unclaimed(chosen: UptakeFilter, days: int, today: date) -> Select[Any]:
    """Every listed pair, as ``enterprise_id, policy_id, first_notified, amount``."""
    eligible = eligible_pairs().subquery("eligible")
    first = (
        select(
            col(OutboxNotice.enterprise_id),
            col(OutboxNotice.policy_id),
            func.min(OutboxNotice.sent_at).label("first_notified"),
        )
        .where(
            col(OutboxNotice.status) == NoticeStatus.SENT,
            col(OutboxNotice.kind).in_(ENTITLEMENT_KINDS),
        )
        .group_by(col(OutboxNotice.enterprise_id), col(OutboxNotice.policy_id))
        .subquery("first_notices")
    )
    claimed = select(col(Claim.id)).where(
        col(Claim.enterprise_id) == eligible.c.enterprise_id,
        col(Claim.policy_id) == eligible.c.policy_id,
    )
    return (
        select(
            eligible.c.enterprise_id,
            eligible.c.policy_id,
            first.c.first_notified,
            eligible.c.amount,
        )
        .join(
            first,
            (first.c.enterprise_id == eligible.c.enterprise_id)
            & (first.c.policy_id == eligible.c.policy_id),
        )
        .join(enterprises, enterprises.c.id == eligible.c.enterprise_id)
        .where(
            eligible.c.policy_id.in_(chosen.policy_ids),
            first.c.first_notified < clock.end_of_day(today - timedelta(days=days)),
            ~exists(claimed),
            *chosen.enterprise_conditions(),
        )
    )


def unclaimed_count(session: Session, chosen: UptakeFilter, days: int, today: date) -> int:
    listed = _unclaimed(chosen, days, today).subquery()
    return int(session.execute(select(func.count()).select_from(listed)).scalar_one())


def unclaimed(
    session: Session, chosen: UptakeFilter, days: int, today: date, offset: int, limit: int
) -> list[Unclaimed]:
    """``limit`` of the listed pairs from ``offset`` on, longest waiting first."""
    listed = _unclaimed(chosen, days, today).subquery()
    rows = session.execute(
        select(listed, enterprises.c.uscc, enterprises.c.name)
        .join(enterprises, enterprises.c.id == listed.c.enterprise_id)
        .order_by(listed.c.first_notified, listed.c.enterprise_id, listed.c.policy_id)
        .offset(offset)
        .limit(limit)
    ).all()
    return [
        Unclaimed(
            row.enterprise_id, row.uscc, row.name, row.policy_id, row.first_notified, row.amount
        )
        for row in rows
    ]
