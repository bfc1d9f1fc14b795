"""The window clerk's day at a glance: how many claims wait, fall due this week, are overdue,
were decided today, and how much was approved this month. Days, weeks and months are China's.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, case, func
from sqlmodel import Session, col, select

from matcher import clock
from matcher.payouts.claim_filter import start_of_day
from matcher.payouts.repository import standing_approvals
from matcher.payouts.tables import (
    TIMED_STATUSES,
    WINDOW_DECISIONS,
    Claim,
    ClaimStatus,
    Decision,
    overdue,
)


@dataclass(frozen=True, slots=True)
class Period:
    first: date
    last: date


@dataclass(frozen=True, slots=True)
class DeskCounts:
    today: date
    week: Period
    """Monday to Sunday of the current week."""
    month: Period
    pending: int
    """待审核."""
    due_this_week: int
    """Claims whose clock runs (not those awaiting 补正) due in :attr:`week`."""
    overdue: int
    decided_today: int
    """Claims with a decision (not a reversal) taken today."""
    approved_this_month: Decimal
    """The amounts of the approvals taken this month that stand (not reversed)."""


def week_of(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period(monday, monday + timedelta(days=6))


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=31)).replace(day=1)
    return Period(first, following - timedelta(days=1))


def _between(period: Period) -> ColumnElement[bool]:
    """A decision taken on one of the days of ``period``."""
    decided = col(Decision.decided_at)
    return and_(decided >= start_of_day(period.first), decided < clock.end_of_day(period.last))


def _counted(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def desk_counts(session: Session, today: date) -> DeskCounts:
    """The counts as of ``today``: one query over the claims, one over the ledger's records."""
    week, month, due = week_of(today), month_of(today), col(Claim.due_date)
    pending, due_this_week, late = session.exec(
        select(
            _counted(col(Claim.status) == ClaimStatus.PENDING),
            _counted(
                and_(col(Claim.status).in_(TIMED_STATUSES), due.between(week.first, week.last))
            ),
            _counted(overdue(today)),
        )
    ).one()
    decided_today = session.exec(
        select(func.count(func.distinct(Decision.claim_id))).where(
            col(Decision.kind).in_(WINDOW_DECISIONS), _between(Period(today, today))
        )
    ).one()
    approved = session.exec(
        select(func.coalesce(func.sum(Decision.amount), 0)).where(
            standing_approvals(), _between(month)
        )
    ).one()
    return DeskCounts(
        today,
        week,
        month,
        int(pending),
        int(due_this_week),
        int(late),
        int(decided_today),
        Decimal(approved or 0).quantize(Decimal("0.01")),
    )
