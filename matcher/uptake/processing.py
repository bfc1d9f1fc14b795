"""How fast the window decides, against each policy's time limit, and what is overdue.

Working days are counted as due dates are (:mod:`matcher.payouts.deadlines`): a small
calendar of the days concerned numbers each by the working days up to it, and the database
subtracts the number of the day the time limit counts from from that of the decision's day.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Integer, case, column, func, or_, select, values
from sqlmodel import Session, col

from matcher.enterprises.tables import enterprises
from matcher.payouts.holidays import default_calendar
from matcher.payouts.repository import standing_approvals
from matcher.payouts.tables import OPEN_STATUSES, Claim, Decision, DecisionKind, overdue
from matcher.policies.model import Policy
from matcher.uptake.selection import UptakeFilter
from matcher.uptake.sql import china_day


@dataclass(frozen=True, slots=True)
class ProcessingFigures:
    policy_id: str
    decided: int
    """Claims approved or rejected (the approval standing)."""
    average_days: Decimal
    """Working days from filing (or the latest resubmission) to the decision, on average."""
    limited: int
    """Of them, claims with a time limit."""
    average_limit: Decimal | None
    """The time limit in working days, on average over the claims that have one."""
    on_time: int
    """Claims with a time limit decided by their due date."""


@dataclass(frozen=True, slots=True)
class UnitLoad:
    unit: str
    """The lead unit (牵头单位) of the policies."""
    open: int
    overdue: int


def _decided_claims(chosen: UptakeFilter) -> Any:
    """``counted_from, decided_on, due_date, processing_days, policy_id`` of each claim the
    window decided: rejected, or approved by an approval that stands."""
    return (
        select(
            func.coalesce(col(Claim.restarted_on), col(Claim.claim_date)).label("counted_from"),
            china_day(col(Decision.decided_at)).label("decided_on"),
            col(Claim.due_date),
            col(Claim.processing_days),
            col(Claim.policy_id),
        )
        .join(Decision, col(Decision.claim_id) == col(Claim.id))
        .join(enterprises, enterprises.c.id == col(Claim.enterprise_id))
        .where(
            col(Claim.policy_id).in_(chosen.policy_ids),
            or_(col(Decision.kind) == DecisionKind.REJECT, standing_approvals()),
            *chosen.at_moments(col(Decision.decided_at)),
            *chosen.enterprise_conditions(),
        )
        .subquery("decided")
    )


def working_day_numbers(first: date, last: date) -> list[tuple[date, int]]:
    """Each day from ``first`` to ``last`` with the working days from ``first`` up to it."""
    calendar, numbered, count, day = default_calendar(), [], 0, first
    while day <= last:
        workday = calendar.is_workday(day)
        count += day.weekday() < 5 if workday is None else workday
        numbered.append((day, count))
        day += timedelta(days=1)
    return numbered


def processing_times(session: Session, chosen: UptakeFilter) -> list[ProcessingFigures]:
    """Per policy with a decided claim, in id order."""
    decided = _decided_claims(chosen)
    first, last = session.execute(
        select(func.min(decided.c.counted_from), func.max(decided.c.decided_on))
    ).one()
    if first is None:
        return []
    numbered = working_day_numbers(_day(first), _day(last))
    calendar = values(column("day", Date), column("n", Integer), name="calendar")
    numbers = calendar.data(numbered).cte("calendar")
    start, end = numbers.alias("start"), numbers.alias("finish")
    limited = decided.c.processing_days.is_not(None)
    rows = session.execute(
        select(
            decided.c.policy_id,
            func.count(),
            func.avg(end.c.n - start.c.n),
            func.count(decided.c.processing_days),
            func.avg(decided.c.processing_days),
            func.sum(case((limited & (decided.c.decided_on <= decided.c.due_date), 1), else_=0)),
        )
        .select_from(decided)
        .join(start, start.c.day == decided.c.counted_from)
        .join(end, end.c.day == decided.c.decided_on)
        .group_by(decided.c.policy_id)
        .order_by(decided.c.policy_id)
    ).all()
    return [
        ProcessingFigures(
            policy_id,
            int(count),
            _average(average),
            int(with_limit),
            None if limit is None else _average(limit),
            int(on_time),
        )
        for policy_id, count, average, with_limit, limit, on_time in rows
    ]


def _day(value: date | str) -> date:
    """A day as the database returns an expression's (SQLite: text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _average(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"))


def unit_loads(
    session: Session, chosen: UptakeFilter, policies: list[Policy], today: date
) -> list[UnitLoad]:
    """Claims open and overdue on ``today``, per lead unit of their policy; units with none
    are left out."""
    rows = session.execute(
        select(
            col(Claim.policy_id),
            func.sum(case((col(Claim.status).in_(OPEN_STATUSES), 1), else_=0)),
            func.sum(case((overdue(today), 1), else_=0)),
        )
        .join(enterprises, enterprises.c.id == col(Claim.enterprise_id))
        .where(col(Claim.policy_id).in_(chosen.policy_ids), *chosen.enterprise_conditions())
        .group_by(col(Claim.policy_id))
    ).all()
    units = {policy.id: policy.lead_unit for policy in policies}
    opened: Counter[str] = Counter()
    late: Counter[str] = Counter()
    for policy_id, open_count, overdue_count in rows:
        opened[units[policy_id]] += int(open_count)
        late[units[policy_id]] += int(overdue_count)
    return [
        UnitLoad(unit, opened[unit], late[unit])
        for unit in sorted(opened)
        if opened[unit] or late[unit]
    ]
