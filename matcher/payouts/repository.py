"""Every query of the policy window: claims, decisions, ledger totals and the ledger head."""

from collections.abc import Collection, Sequence
from decimal import Decimal

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from matcher.payouts.tables import (
    OPEN_STATUSES,
    Claim,
    ClaimStatus,
    Decision,
    DecisionKind,
    FounderKeyAlias,
    LedgerEntry,
    LedgerHead,
)


class PayoutRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(self, claim_id: int) -> Claim | None:
        return self.session.get(Claim, claim_id)

    def decision(self, decision_id: int) -> Decision | None:
        return self.session.get(Decision, decision_id)

    def queue(
        self,
        uscc: str | None = None,
        open_only: bool = False,
        offset: int = 0,
        limit: int | None = None,
    ) -> Sequence[Claim]:
        """Claims by due date, earliest first and those without one last; one enterprise's
        when ``uscc`` is given; ``limit`` of them from ``offset`` on."""
        due = col(Claim.due_date)
        statement = _queued(uscc, open_only).order_by(due.is_(None), due, col(Claim.id))
        return self.session.exec(statement.offset(offset).limit(limit)).all()

    def queue_length(self, uscc: str | None = None, open_only: bool = False) -> int:
        """How many claims :meth:`queue` holds, all pages together."""
        counted = _queued(uscc, open_only).subquery()
        return self.session.exec(select(func.count()).select_from(counted)).one()

    def decisions(self, claim_id: int | None = None) -> Sequence[Decision]:
        statement = select(Decision).order_by(col(Decision.sequence))
        if claim_id is not None:
            statement = statement.where(Decision.claim_id == claim_id)
        return self.session.exec(statement).all()

    def standing_approval(self, claim_id: int) -> Decision | None:
        """The claim's approval that has not been reversed, if any."""
        reversed_ids = select(Decision.reverses).where(col(Decision.reverses).is_not(None))
        return self.session.exec(
            select(Decision).where(
                Decision.claim_id == claim_id,
                Decision.kind == DecisionKind.APPROVE,
                col(Decision.id).not_in(reversed_ids),
            )
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

    def decisions_of_policy(self, policy_id: str) -> Sequence[Decision]:
        statement = select(Decision).where(Decision.policy_id == policy_id)
        return self.session.exec(statement.order_by(col(Decision.sequence))).all()

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


def _queued(uscc: str | None, open_only: bool) -> SelectOfScalar[Claim]:
    """The claims of the queue, in no order: one enterprise's when ``uscc`` is given."""
    statement = select(Claim)
    if uscc is not None:
        statement = statement.where(Claim.uscc == uscc)
    if open_only:
        statement = statement.where(col(Claim.status).in_(OPEN_STATUSES))
    return statement
