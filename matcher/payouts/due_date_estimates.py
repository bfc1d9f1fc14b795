"""Estimated due dates counted again once their year's holidays are published.

A due date that reached into a year without a published holiday arrangement was counted
Monday to Friday there and marked estimated. When the year becomes known (a chinese-calendar
release, or the year entered in the holidays file), counting the claim's processing days
again from its claim date (or its latest resubmission) gives the exact date and clears the
mark; a date whose year is still unknown stays an estimate.
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from matcher.payouts.deadlines import DueDate, add_working_days
from matcher.payouts.holidays import HolidayCalendar
from matcher.payouts.tables import Claim


@dataclass(frozen=True, slots=True)
class Recomputed:
    claim_id: int
    was: date
    now: DueDate


def recompute_due_dates(
    session: Session, calendar: HolidayCalendar | None = None
) -> list[Recomputed]:
    """Every estimated due date counted again, whatever the claim's status (a decided claim's
    date shows whether it was decided in time), by claim id."""
    estimated = select(Claim).where(col(Claim.due_date_estimated)).order_by(col(Claim.id))
    results = []
    for claim in session.exec(estimated):
        assert claim.id is not None and claim.due_date is not None
        assert claim.processing_days is not None, "an estimated due date has its days"
        due = add_working_days(claim.counted_from, claim.processing_days, calendar)
        results.append(Recomputed(claim.id, claim.due_date, due))
        claim.due_date, claim.due_date_estimated = due.day, due.estimated
    session.flush()
    return results
