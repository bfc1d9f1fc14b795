"""The 工作台's counts (issue 13) against the same counts worked out here from the raw rows, on
both databases: claims due across week and month boundaries, decisions around midnight in
Beijing, approvals reversed and approvals standing; and the queue's filters that the counts
link to select the same claims."""

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.payouts.claim_filter import ClaimFilter
from matcher.payouts.desk import DeskCounts, desk_counts, month_of, week_of
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.tables import (
    TIMED_STATUSES,
    WINDOW_DECISIONS,
    Claim,
    ClaimStatus,
    Decision,
    DecisionKind,
)
from matcher.policies.catalog import default_catalog
from matcher.profiles.parse import parse_profile
from tests.conftest import ENTERPRISE_USCC
from tests.payouts.conftest import SECOND_USCC, enterprise

BEIJING = ZoneInfo("Asia/Shanghai")
DAYS = (
    date(2026, 11, 4),  # a Wednesday
    date(2026, 11, 1),  # a Sunday, the first of the month
    date(2026, 11, 30),  # a Monday, the last of the month
    date(2027, 1, 1),  # a Friday: the week began in the year before
)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_scope(engine) as opened:
        repository = EnterpriseRepository(opened)
        for uscc in (ENTERPRISE_USCC, SECOND_USCC):
            repository.save(parse_profile(enterprise(uscc), default_catalog().facts), "test", "t")
        yield opened


def _moment(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A moment of ``day`` in Beijing, in UTC as stored."""
    return datetime.combine(day, time(hour, minute, second), BEIJING).astimezone(UTC)


class Seeder:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.sequence = itertools.count(1)
        self.ids = {
            uscc: row["id"]
            for uscc in (ENTERPRISE_USCC, SECOND_USCC)
            if (row := EnterpriseRepository(session).row(uscc)) is not None
        }

    def claim(self, status: ClaimStatus, due: date | None, filed: date, uscc: str) -> Claim:
        claim = Claim(
            enterprise_id=self.ids[uscc],
            uscc=uscc,
            policy_id="tech-transfer-subsidy",
            claim_date=filed,
            facts={},
            status=status,
            due_date=due,
            filed_by="test",
        )
        self.session.add(claim)
        self.session.flush()
        return claim

    def decision(
        self,
        claim: Claim,
        kind: DecisionKind,
        at: datetime,
        amount: str | None = None,
        reverses: Decision | None = None,
    ) -> Decision:
        """A ledger record as the counts read it (the chain's fields are not checked here)."""
        number = next(self.sequence)
        assert claim.id is not None
        record = Decision(
            sequence=number,
            claim_id=claim.id,
            kind=kind,
            amount=None if amount is None else Decimal(amount),
            reverses=None if reverses is None else reverses.id,
            policy_id=claim.policy_id,
            policy_version="v",
            snapshot={},
            trace={},
            decided_by="account:1",
            decided_at=at,
            entries=[],
            prev_hash=f"{number - 1:064x}",
            hash=f"{number:064x}",
            mac="0" * 64,
        )
        self.session.add(record)
        self.session.flush()
        return record


def _seed(session: Session, today: date) -> None:
    """Claims of every status due around this week, and decisions around today and this month."""
    seed = Seeder(session)
    monday = today - timedelta(days=today.weekday())
    dues = (
        None,
        today - timedelta(days=40),
        today - timedelta(days=1),
        today,
        today + timedelta(days=1),
        monday,
        monday - timedelta(days=1),
        monday + timedelta(days=6),
        monday + timedelta(days=7),
        today + timedelta(days=35),
    )
    for n, (status, due) in enumerate(itertools.product(ClaimStatus, dues)):
        seed.claim(
            status, due, today - timedelta(days=n % 9), (ENTERPRISE_USCC, SECOND_USCC)[n % 2]
        )
    first = today.replace(day=1)
    yesterday, month_before = today - timedelta(days=1), first - timedelta(days=1)
    approved = ClaimStatus.APPROVED

    def decided(status: ClaimStatus, *records: tuple[DecisionKind, datetime, str | None]) -> None:
        claim, previous = seed.claim(status, today, today, ENTERPRISE_USCC), None
        for kind, at, amount in records:
            reverses = previous if kind is DecisionKind.REVERSAL else None
            previous = seed.decision(claim, kind, at, amount, reverses)

    A, R, J, M = (DecisionKind.APPROVE, DecisionKind.REVERSAL, DecisionKind.REJECT,
                  DecisionKind.REQUEST_MATERIALS)  # fmt: skip
    decided(approved, (A, _moment(today, 0, 0, 0), "200000.00"))  # the first second of today
    decided(approved, (A, _moment(today, 23, 59, 59), "0.01"))
    decided(approved, (A, _moment(yesterday, 23, 59, 59), "5000.00"))
    decided(approved, (A, _moment(first, 0, 0, 0), "1234.56"))
    decided(approved, (A, _moment(month_before, 23, 59, 59), "777.00"))  # last month
    decided(ClaimStatus.PENDING, (A, _moment(today, 9), "300000.00"), (R, _moment(today, 10), None))
    decided(
        approved,
        (A, _moment(month_before, 9), "8000.00"),
        (R, _moment(today, 8), None),
        (A, _moment(today, 11), "6000.00"),
    )
    decided(
        ClaimStatus.PENDING, (A, _moment(month_before, 9), "9000.00"), (R, _moment(today, 8), None)
    )
    decided(ClaimStatus.REJECTED, (J, _moment(today, 15), None))
    decided(ClaimStatus.MATERIALS_REQUESTED, (M, _moment(yesterday, 16), None))
    decided(
        ClaimStatus.MATERIALS_REQUESTED,
        (M, _moment(today, 16), None),
        (M, _moment(today, 17), None),
    )


def _expected(session: Session, today: date) -> DeskCounts:
    """The counts from every row, in Python, with its own calendar arithmetic."""
    claims = session.exec(select(Claim)).all()
    records = session.exec(select(Decision)).all()
    year, week, _ = today.isocalendar()

    def local(record: Decision) -> date:
        return record.decided_at.astimezone(BEIJING).date()

    reversed_ids = {r.reverses for r in records if r.reverses is not None}
    return DeskCounts(
        today,
        week_of(today),
        month_of(today),
        pending=sum(c.status == ClaimStatus.PENDING for c in claims),
        due_this_week=sum(
            c.status in TIMED_STATUSES
            and c.due_date is not None
            and c.due_date.isocalendar()[:2] == (year, week)
            for c in claims
        ),
        overdue=sum(c.is_overdue(today) for c in claims),
        decided_today=len(
            {r.claim_id for r in records if r.kind in WINDOW_DECISIONS and local(r) == today}
        ),
        approved_this_month=sum(
            (
                r.amount or Decimal(0)
                for r in records
                if r.kind == DecisionKind.APPROVE
                and r.id not in reversed_ids
                and (local(r).year, local(r).month) == (today.year, today.month)
            ),
            Decimal("0.00"),
        ),
    )


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_counts_match_the_rows(session: Session, today: date) -> None:
    _seed(session, today)
    counts = desk_counts(session, today)
    assert counts == _expected(session, today)
    first_of_month = today.day == 1  # then yesterday's approval was last month's
    assert counts.decided_today == 6 + first_of_month
    assert counts.approved_this_month == Decimal("207234.57" if first_of_month else "212234.57")
    assert counts.pending == 10 + 2 and counts.overdue > 0 and counts.due_this_week > 0


def test_week_and_month_bounds() -> None:
    assert week_of(date(2026, 11, 4)) == week_of(date(2026, 11, 8))
    assert (week_of(date(2027, 1, 1)).first, week_of(date(2027, 1, 1)).last) == (
        date(2026, 12, 28),
        date(2027, 1, 3),
    )
    assert (month_of(date(2026, 2, 14)).first, month_of(date(2026, 2, 14)).last) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    assert month_of(date(2028, 2, 29)).last == date(2028, 2, 29)
    assert month_of(date(2026, 12, 31)).last == date(2026, 12, 31)


def test_an_empty_window_counts_nothing(session: Session) -> None:
    counts = desk_counts(session, DAYS[0])
    assert (counts.pending, counts.due_this_week, counts.overdue, counts.decided_today) == (
        0,
        0,
        0,
        0,
    )
    assert counts.approved_this_month == Decimal("0.00")


@pytest.mark.parametrize("today", DAYS[:2], ids=str)
def test_each_count_links_to_the_claims_it_counts(session: Session, today: date) -> None:
    """The queue's filters that the 工作台 links to select exactly the claims counted."""
    _seed(session, today)
    counts, repository = desk_counts(session, today), PayoutRepository(session)

    def chosen(claims: ClaimFilter) -> list[Claim]:
        return list(repository.queue(claims))

    assert len(chosen(ClaimFilter(statuses=(ClaimStatus.PENDING,)))) == counts.pending
    week = ClaimFilter(statuses=TIMED_STATUSES, due_from=counts.week.first, due_to=counts.week.last)
    assert len(chosen(week)) == counts.due_this_week
    assert len(chosen(ClaimFilter(overdue_on=today))) == counts.overdue
    today_only = ClaimFilter(decided_from=today, decided_to=today)
    assert len(chosen(today_only)) == counts.decided_today
    month = chosen(
        ClaimFilter(
            statuses=(ClaimStatus.APPROVED,),
            decided_from=counts.month.first,
            decided_to=counts.month.last,
        )
    )
    amounts = repository.standing_amounts([c.id for c in month if c.id is not None])
    assert sum(amounts.values(), Decimal("0.00")) == counts.approved_this_month
