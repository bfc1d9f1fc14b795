"""Tables of the policy window.

``decisions`` is append-only: a correction is a reversal, never an update; each
record carries the hash of the one before it, its ledger entries and an HMAC under the ledger
key. ``ledger_entries`` index those entries (the amounts and counts that decisions commit
against limits: per founder, per project, a policy's budget) for the limit totals; `ledger
verify` checks them, and each claim's status, against the chain. ``ledger_head`` is one row
that serialises decisions and holds the chain's last hash.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ColumnElement, Index, Numeric, UniqueConstraint, and_
from sqlmodel import Field, SQLModel, col

from matcher.clock import now
from matcher.db import UtcDateTime

MONEY = Numeric(18, 2)


class ClaimStatus(StrEnum):
    PENDING = "pending"
    MATERIALS_REQUESTED = "materials_requested"
    APPROVED = "approved"
    REJECTED = "rejected"


CLAIM_STATUS_LABELS = {
    ClaimStatus.PENDING: "待审核",
    ClaimStatus.MATERIALS_REQUESTED: "待补充材料",
    ClaimStatus.APPROVED: "已批准",
    ClaimStatus.REJECTED: "已驳回",
}
OPEN_STATUSES = (ClaimStatus.PENDING, ClaimStatus.MATERIALS_REQUESTED)
TIMED_STATUSES = (ClaimStatus.PENDING,)
"""The statuses in which a claim's due date runs: the one definition of overdue, used by
:meth:`Claim.is_overdue` and, as SQL, by :func:`overdue`. While materials are requested the
clock waits for the enterprise; it counts afresh from the resubmission
(:func:`matcher.payouts.service.resubmit`)."""


class DecisionKind(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_MATERIALS = "request_materials"
    REVERSAL = "reversal"
    RESUBMIT = "resubmit"
    """The enterprise (or staff for it) hands in what a materials request asked for."""


WINDOW_DECISIONS = (DecisionKind.APPROVE, DecisionKind.REJECT, DecisionKind.REQUEST_MATERIALS)
"""What the window decides on a claim: not a reversal (staff correcting themselves) nor a
resubmission (the enterprise answering a request)."""

DECISION_LABELS = {
    DecisionKind.APPROVE: "批准",
    DecisionKind.REJECT: "驳回",
    DecisionKind.REQUEST_MATERIALS: "要求补充材料",
    DecisionKind.REVERSAL: "冲正",
    DecisionKind.RESUBMIT: "补正后重新提交",
}
STATUS_AFTER = {
    DecisionKind.APPROVE: ClaimStatus.APPROVED,
    DecisionKind.REJECT: ClaimStatus.REJECTED,
    DecisionKind.REQUEST_MATERIALS: ClaimStatus.MATERIALS_REQUESTED,
    DecisionKind.REVERSAL: ClaimStatus.PENDING,
    DecisionKind.RESUBMIT: ClaimStatus.PENDING,
}
"""A claim's status after its latest decision (a claim without one is pending)."""


class Claim(SQLModel, table=True):
    __tablename__ = "claims"

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprises.id", index=True)
    uscc: str = Field(max_length=18, index=True)
    policy_id: str = Field(max_length=100, index=True)
    claim_date: date
    facts: Any = Field(sa_type=JSON)
    status: ClaimStatus = Field(default=ClaimStatus.PENDING, max_length=24, index=True)
    due_date: date | None = Field(default=None, index=True)
    """The policy's time limit in working days from the claim date; ``None`` when no text
    sets one (never a default of the window's own)."""
    processing_days: int | None = None
    """That time limit, as the policy set it when the claim was filed: what an estimated due
    date is counted again from once its year's holidays are published."""
    due_date_estimated: bool = False
    """Part of the count fell in a year whose holidays were not published: shown as 预计."""
    filed_by: str = Field(max_length=100)
    filed_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)
    payee_holder: str | None = Field(default=None, max_length=100)
    payee_bank: str | None = Field(default=None, max_length=100)
    payee_account_masked: str | None = Field(default=None, max_length=24)
    payee_sealed: str | None = Field(default=None, max_length=2000)
    """The account money is paid to, sealed (:mod:`matcher.payouts.payee_seal`); the three
    columns before it are its masked form for pages. ``None`` on claims filed before accounts
    were asked for."""
    respond_by: date | None = None
    """The day the open materials request is to be answered by, when staff set one."""
    restarted_on: date | None = None
    """The day of the latest resubmission: the time limit counts from it, not the claim date."""

    @property
    def counted_from(self) -> date:
        """The day the time limit counts from."""
        return self.restarted_on or self.claim_date

    def is_overdue(self, today: date) -> bool:
        """Past its due date while the window's clock runs (:func:`overdue`, in Python)."""
        return self.status in TIMED_STATUSES and self.due_date is not None and self.due_date < today

    def record(self, kind: "DecisionKind") -> None:
        """Move to the status a decision of ``kind`` leaves: the one way a status changes."""
        self.status = STATUS_AFTER[kind]


def overdue(today: date) -> ColumnElement[bool]:
    """:meth:`Claim.is_overdue` as a condition of a query (a claim without a due date never is)."""
    return and_(col(Claim.status).in_(TIMED_STATUSES), col(Claim.due_date) < today)


class Decision(SQLModel, table=True):
    """One immutable record of the ledger."""

    __tablename__ = "decisions"

    id: int | None = Field(default=None, primary_key=True)
    sequence: int = Field(unique=True)
    claim_id: int = Field(foreign_key="claims.id", index=True)
    kind: DecisionKind = Field(max_length=24)
    amount: Decimal | None = Field(default=None, sa_column=Column(MONEY))
    reason: str | None = Field(default=None, max_length=1000)
    reverses: int | None = Field(default=None, foreign_key="decisions.id")
    policy_id: str = Field(max_length=100)
    policy_version: str = Field(max_length=64)
    snapshot: Any = Field(sa_type=JSON)
    trace: Any = Field(sa_type=JSON)
    decided_by: str = Field(max_length=100)
    decided_at: datetime = Field(sa_type=UtcDateTime)
    entries: Any = Field(sa_type=JSON)
    """What the decision commits against limits, as ``ledger_entries`` must hold it."""
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
    mac: str = Field(max_length=64)


class LedgerEntry(SQLModel, table=True):
    """What an approval commits (or a reversal releases) against one limit bucket."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_bucket", "policy_id", "bucket"),)

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decisions.id", index=True)
    policy_id: str = Field(max_length=100)
    bucket: str = Field(max_length=200)
    amount: Decimal = Field(sa_column=Column(MONEY, nullable=False))
    count: int


class LedgerHead(SQLModel, table=True):
    """A single row: writing it first makes every decision transaction wait its turn."""

    __tablename__ = "ledger_head"
    __table_args__ = (UniqueConstraint("singleton"),)

    id: int | None = Field(default=None, primary_key=True)
    singleton: int = 1
    sequence: int = 0
    last_hash: str = Field(default="0" * 64, max_length=64)


class FounderKeyAlias(SQLModel, table=True):
    """A founder's pseudonym under a retired founder key, as ledger entries hold it, and the
    same founder's pseudonym now. ``matcher founders rekey`` writes them, so that founder limits
    still count what the ledger, which is never rewritten, committed under the old key."""

    __tablename__ = "founder_key_aliases"

    retired: str = Field(primary_key=True, max_length=64)
    current: str = Field(max_length=64, index=True)


class LedgerVerification(SQLModel, table=True):
    """A whole-ledger verification that found the ledger intact (``matcher ledger verify``,
    a checkpoint, an export): when the chain was last known good, for the metrics."""

    __tablename__ = "ledger_verifications"

    id: int | None = Field(default=None, primary_key=True)
    verified_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)
    records: int = Field(ge=0)
    """Decision records checked."""
