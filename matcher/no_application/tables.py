"""The payable lists of 免申即享 policies and their entries.

A list is proposed for one policy version on one day (``as_of``), published for its 公示
period, and approved into the ledger after it ends: each entry then holds the claim the system
filed for it, whose approval is an ordinary record of the decision ledger. An entry that the
window may not pay without an application keeps why (``excluded_reason``): the enterprise
claims it the ordinary way.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from matcher.clock import now
from matcher.db import UtcDateTime
from matcher.payouts.tables import MONEY


class ListStatus(StrEnum):
    DRAFT = "draft"
    PUBLIC_NOTICE = "public_notice"
    APPROVED = "approved"


LIST_STATUS_LABELS = {
    ListStatus.DRAFT: "草稿",
    ListStatus.PUBLIC_NOTICE: "公示中",
    ListStatus.APPROVED: "已批准",
}


class PayableList(SQLModel, table=True):
    __tablename__ = "payable_lists"

    id: int | None = Field(default=None, primary_key=True)
    policy_id: str = Field(max_length=100, index=True)
    policy_version: str = Field(max_length=64)
    as_of: date
    status: ListStatus = Field(default=ListStatus.DRAFT, max_length=24)
    proposed_by: str = Field(max_length=100)
    proposed_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)
    notice_from: date | None = None
    notice_until: date | None = None
    """The last day of the 公示, included: the list is approved from the day after."""
    notice_basis: str | None = Field(default=None, max_length=500)
    """Where the length of the 公示 comes from: the policy's clause, or the window's setting."""
    published_by: str | None = Field(default=None, max_length=100)
    approved_by: str | None = Field(default=None, max_length=100)
    approved_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class PayableEntry(SQLModel, table=True):
    """One enterprise of a list: the amount and the evidence of every criterion, or why it is
    not paid without an application."""

    __tablename__ = "payable_entries"
    __table_args__ = (UniqueConstraint("list_id", "enterprise_id"),)

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="payable_lists.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprises.id", index=True)
    uscc: str = Field(max_length=18, index=True)
    name: str = Field(max_length=200)
    amount: Decimal | None = Field(default=None, sa_column=Column(MONEY))
    evidence: Any = Field(sa_type=JSON)
    excluded_reason: str | None = Field(default=None, max_length=1000)
    payee_holder: str | None = Field(default=None, max_length=100)
    payee_bank: str | None = Field(default=None, max_length=100)
    payee_account_masked: str | None = Field(default=None, max_length=24)
    payee_sealed: str | None = Field(default=None, max_length=2000)
    """The account the enterprise confirmed (sealed as a claim's is); copied onto the claim at
    approval, whose decision snapshot then carries its fingerprint."""
    payee_confirmed_by: str | None = Field(default=None, max_length=100)
    payee_confirmed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    claim_id: int | None = Field(default=None, foreign_key="claims.id", unique=True)
