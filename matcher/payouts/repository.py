"""Every query of the policy window: claims, decisions, ledger totals and the ledger head."""

from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from matcher.payouts.claim_filter import ClaimFilter, ClaimSort, conditions
from matcher.payouts.tables import (
    Claim,
    ClaimStatus,
    Decision,
    DecisionKind,
    FounderKeyAlias,
    LedgerEntry,
    LedgerHead,
)

EVERY_CLAIM = ClaimFilter()


class PayoutRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(self, claim_id: int) -> Claim | None:
        return self.session.get(Claim, claim_id)

    def decision(self, decision_id: int) -> Decision | None:
        return self.session.get(Decision, decision_id)

    def queue(
        self, chosen: ClaimFilter = EVERY_CLAIM, offset: int = 0, limit: int | None = None
    ) -> Sequence[Claim]:
        """The claims ``chosen`` selects, in its order (ties by number); ``limit`` of them from
        ``offset`` on."""
        statement = select(Claim).where(*conditions(chosen)).order_by(*_order(chosen.sort))
        return self.session.exec(statement.offset(offset).limit(limit)).all()

    def queue_length(self, chosen: ClaimFilter = EVERY_CLAIM) -> int:
        """How many claims :meth:`queue` holds, all pages together."""
        counted = select(func.count()).select_from(Claim).where(*conditions(chosen))
        return self.session.exec(counted).one()

    def standing_amounts(self, claim_ids: Collection[int]) -> dict[int, Decimal]:
        """The approved amount of each of ``claim_ids`` that has a standing approval."""
        rows = self.session.exec(
            select(Decision.claim_id, col(Decision.amount)).where(
                col(Decision.claim_id).in_(claim_ids), standing_approvals()
            )
        ).all()
        return {claim_id: amount for claim_id, amount in rows if amount is not None}

    def decisions(self, claim_id: int | None = None) -> Sequence[Decision]:
        statement = select(Decision).order_by(col(Decision.sequence))
        if claim_id is not None:
            statement = statement.where(Decision.claim_id == claim_id)
        return self.session.exec(statement).all()

    def standing_approval(self, claim_id: int) -> Decision | None:
        """The claim's approval that has not been reversed, if any."""
        return self.session.exec(
            select(Decision).where(Decision.claim_id == claim_id, standing_approvals())
        ).first()

    def bucket_totals(
        self, policy_id: str, buckets: Collection[str], other_than_claim: int | None = None
    ) -> tuple[Decimal, int]:
        """The amount and count committed against one limit (its bucket, and the buckets of
        the same founder under retired founder keys), by claims other than
        ``other_than_claim`` (so an approved claim does not count against itself)."""
        statement = select(
            func.coalesce(func.sum(LedgerEntry.amount), 0),
            func.coalesce(func.sum(LedgerEntry.count), 0),
        ).where(LedgerEntry.policy_id == policy_id, col(LedgerEntry.bucket).in_(buckets))
        if other_than_claim is not None:
            own = select(Decision.id).where(Decision.claim_id == other_than_claim)
            statement = statement.where(col(LedgerEntry.decision_id).not_in(own))
        amount, count = self.session.exec(statement).one()
        return Decimal(amount).quantize(Decimal("0.01")), int(count)

    def retired_pseudonyms(self, current: str) -> Sequence[str]:
        """The pseudonyms the founder known now as ``current`` had under retired keys."""
        statement = select(FounderKeyAlias.retired).where(FounderKeyAlias.current == current)
        return self.session.exec(statement).all()

    def entries(self, policy_id: str | None = None) -> Sequence[LedgerEntry]:
        statement = select(LedgerEntry)
        if policy_id is not None:
            statement = statement.where(LedgerEntry.policy_id == policy_id)
        return self.session.exec(statement).all()

    def entries_of(self, decision_ids: Collection[int]) -> Sequence[LedgerEntry]:
        statement = select(LedgerEntry).where(col(LedgerEntry.decision_id).in_(decision_ids))
        return self.session.exec(statement).all()

    def decisions_of_policy(self, policy_id: str, after: int = 0) -> Sequence[Decision]:
        """The policy's decisions in sequence order, those after sequence ``after`` only."""
        statement = select(Decision).where(Decision.policy_id == policy_id)
        statement = statement.where(Decision.sequence > after)
        return self.session.exec(statement.order_by(col(Decision.sequence))).all()

    def sealed_payees(self, claim_ids: Collection[int]) -> dict[int, str | None]:
        """The sealed payee account of each of ``claim_ids`` (``None``: filed without one)."""
        statement = select(Claim.id, Claim.payee_sealed).where(col(Claim.id).in_(claim_ids))
        return {
            claim_id: sealed
            for claim_id, sealed in self.session.exec(statement).all()
            if claim_id is not None
        }

    def claim_statuses(self) -> dict[int, ClaimStatus]:
        rows = self.session.exec(select(Claim.id, Claim.status)).all()
        return {claim_id: ClaimStatus(status) for claim_id, status in rows if claim_id is not None}

    def lock_head(self) -> LedgerHead:
        """Take the ledger's turn: the first write of a decision transaction, so that decisions
        run one at a time (a row lock on PostgreSQL, the write lock on SQLite)."""
        insert = sqlite_insert if self.session.get_bind().dialect.name == "sqlite" else pg_insert
        self.session.execute(insert(LedgerHead).values(singleton=1).on_conflict_do_nothing())
        self.session.execute(
            update(LedgerHead)
            .where(col(LedgerHead.singleton) == 1)
            .values(sequence=LedgerHead.sequence)
        )
        head = self.session.exec(select(LedgerHead).where(LedgerHead.singleton == 1)).one()
        self.session.refresh(head)
        return head


def standing_approvals() -> ColumnElement[bool]:
    """A decision that is an approval no reversal undoes."""
    reversed_ids = select(Decision.reverses).where(col(Decision.reverses).is_not(None))
    return and_(col(Decision.kind) == DecisionKind.APPROVE, col(Decision.id).not_in(reversed_ids))


def _order(sort: ClaimSort) -> tuple[Any, ...]:
    filed, number = col(Claim.claim_date), col(Claim.id)
    if sort is ClaimSort.FILED:
        return filed, number
    return col(Claim.due_date).asc().nulls_last(), number
