"""Month by month (in China): pairs notified, claims filed, approvals taken and their amount."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from matcher.enterprises.tables import enterprises
from matcher.notices.tables import NoticeStatus, OutboxNotice
from matcher.payouts.repository import standing_approvals
from matcher.payouts.tables import Claim, Decision
from matcher.uptake.selection import UptakeFilter
from matcher.uptake.sql import china_day, month_of_day
from matcher.uptake.stages import ENTITLEMENT_KINDS, money


@dataclass(frozen=True, slots=True)
class MonthFigures:
    month: str
    """``YYYY-MM``."""
    notified: int
    """Pairs sent an entitlement notice that month."""
    claimed: int
    """Claims filed (dated) that month."""
    approved: int
    """Approvals taken that month that stand."""
    approved_amount: Decimal


def _of_enterprises(statement: Any, enterprise_id: Any, chosen: UptakeFilter) -> Any:
    if not chosen.enterprise_conditions():
        return statement
    return statement.join(enterprises, enterprises.c.id == enterprise_id).where(
        *chosen.enterprise_conditions()
    )


def month_figures(session: Session, chosen: UptakeFilter) -> list[MonthFigures]:
    """The months with any of the figures, earliest first."""
    sent = month_of_day(china_day(col(OutboxNotice.sent_at))).label("month")
    notified_pairs = _of_enterprises(
        select(sent, col(OutboxNotice.enterprise_id), col(OutboxNotice.policy_id))
        .where(
            col(OutboxNotice.policy_id).in_(chosen.policy_ids),
            col(OutboxNotice.status) == NoticeStatus.SENT,
            col(OutboxNotice.kind).in_(ENTITLEMENT_KINDS),
            *chosen.at_moments(col(OutboxNotice.sent_at)),
        )
        .distinct(),
        col(OutboxNotice.enterprise_id),
        chosen,
    ).subquery("notified")
    notified = session.execute(
        select(notified_pairs.c.month, func.count()).group_by(notified_pairs.c.month)
    ).all()
    filed = month_of_day(col(Claim.claim_date))
    claimed = session.execute(
        _of_enterprises(
            select(filed, func.count()).where(
                col(Claim.policy_id).in_(chosen.policy_ids),
                *chosen.on_days(col(Claim.claim_date)),
            ),
            col(Claim.enterprise_id),
            chosen,
        ).group_by(filed)
    ).all()
    decided = month_of_day(china_day(col(Decision.decided_at)))
    approved = session.execute(
        _of_enterprises(
            select(decided, func.count(), func.sum(Decision.amount))
            .join(Claim, col(Claim.id) == col(Decision.claim_id))
            .where(
                col(Claim.policy_id).in_(chosen.policy_ids),
                standing_approvals(),
                *chosen.at_moments(col(Decision.decided_at)),
            ),
            col(Claim.enterprise_id),
            chosen,
        ).group_by(decided)
    ).all()
    months: dict[str, list[Any]] = {}
    for index, rows in enumerate((notified, claimed)):
        for month, count in rows:
            months.setdefault(month, [0, 0, 0, money(0)])[index] = int(count)
    for month, count, amount in approved:
        months.setdefault(month, [0, 0, 0, money(0)])[2:] = [int(count), money(amount)]
    return [MonthFigures(month, *figures) for month, figures in sorted(months.items())]
