"""The dashboard's figures computed again in Python from the raw rows, knowing nothing of its
queries: what each figure must equal."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from matcher import clock
from matcher.enterprises.tables import enterprises
from matcher.notices.tables import NoticeKind, OutboxNotice
from matcher.payouts.holidays import default_calendar
from matcher.payouts.tables import Claim, Decision, LedgerEntry
from matcher.population.tables import EntitlementSnapshot, MatchRun, MatchRunPolicy

Pair = tuple[int, str]


def china(moment: datetime) -> date:
    return clock.as_utc(moment).astimezone(clock.CHINA).date()


@dataclass
class Raw:
    eligible: dict[Pair, Decimal | None]
    first_notice: dict[Pair, datetime]
    notices: list[OutboxNotice]
    claims: list[Claim]
    decisions: list[Decision]
    entries: list[LedgerEntry]
    firms: dict[int, dict[str, Any]]
    standing: list[Decision] = field(default_factory=list)

    def __post_init__(self) -> None:
        reversed_ids = {d.reverses for d in self.decisions if d.reverses is not None}
        self.standing = [
            d for d in self.decisions if d.kind == "approve" and d.id not in reversed_ids
        ]

    def claim(self, claim_id: int) -> Claim:
        return next(c for c in self.claims if c.id == claim_id)


def read(session: Session) -> Raw:
    finished = {r.id for r in session.scalars(select(MatchRun)) if r.finished_at is not None}
    latest: dict[str, MatchRunPolicy] = {}
    for row in session.scalars(select(MatchRunPolicy)):
        if row.run_id in finished and (
            row.policy_id not in latest or row.run_id > latest[row.policy_id].run_id
        ):
            latest[row.policy_id] = row
    numbers = {(r.run_id, r.policy_no): r.policy_id for r in latest.values()}
    eligible = {
        (s.enterprise_id, numbers[(s.run_id, s.policy_no)]): s.amount
        for s in session.scalars(select(EntitlementSnapshot))
        if (s.run_id, s.policy_no) in numbers and s.status == 1
    }
    notices = list(session.scalars(select(OutboxNotice)))
    first: dict[Pair, datetime] = {}
    for n in notices:
        if n.status == "sent" and n.kind in set(NoticeKind) and n.sent_at is not None:
            pair = (n.enterprise_id, n.policy_id)
            first[pair] = min(first.get(pair, n.sent_at), n.sent_at)
    firms = {row["id"]: dict(row) for row in session.execute(select(enterprises)).mappings()}
    return Raw(
        eligible,
        first,
        notices,
        list(session.scalars(select(Claim))),
        list(session.scalars(select(Decision))),
        list(session.scalars(select(LedgerEntry))),
        firms,
    )


@dataclass
class Chosen:
    policy_ids: set[str]
    cluster: str | None = None
    size_class: str | None = None
    first: date | None = None
    last: date | None = None

    def firm(self, raw: Raw, enterprise_id: int) -> bool:
        row = raw.firms[enterprise_id]
        return (self.cluster is None or row["industry_cluster"] == self.cluster) and (
            self.size_class is None or row["size_class"] == self.size_class
        )

    def day(self, day: date) -> bool:
        return (self.first is None or day >= self.first) and (self.last is None or day <= self.last)


def stage_flags(raw: Raw, chosen: Chosen) -> dict[Pair, dict[str, Any]]:
    pairs: dict[Pair, dict[str, Any]] = defaultdict(
        lambda: {"e": 0, "n": 0, "c": 0, "a": 0, "owed": Decimal(0), "paid": Decimal(0)}
    )
    for pair, amount in raw.eligible.items():
        if pair[1] in chosen.policy_ids:
            pairs[pair]["e"] = 1
            pairs[pair]["owed"] += amount or 0
    for n in raw.notices:
        if (
            n.status == "sent"
            and n.kind in set(NoticeKind)
            and n.policy_id in chosen.policy_ids
            and n.sent_at is not None
            and chosen.day(china(n.sent_at))
        ):
            pairs[(n.enterprise_id, n.policy_id)]["n"] = 1
    for c in raw.claims:
        if c.policy_id in chosen.policy_ids and chosen.day(c.claim_date):
            pairs[(c.enterprise_id, c.policy_id)]["c"] = 1
    for d in raw.standing:
        c = raw.claim(d.claim_id)
        if c.policy_id in chosen.policy_ids and chosen.day(china(d.decided_at)):
            pairs[(c.enterprise_id, c.policy_id)]["a"] = 1
            pairs[(c.enterprise_id, c.policy_id)]["paid"] += d.amount or 0
    return {pair: flags for pair, flags in pairs.items() if chosen.firm(raw, pair[0])}


def working_days(start: date, end: date) -> int:
    """Working days after ``start`` up to ``end``, counted one day at a time."""
    calendar, count, day = default_calendar(), 0, start
    while day < end:
        day += timedelta(days=1)
        known = calendar.is_workday(day)
        count += int(day.weekday() < 5 if known is None else known)
    return count
