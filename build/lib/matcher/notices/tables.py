"""Notice contacts, opt-outs and the outbox.

The outbox holds one row per message: (enterprise, policy version, kind, channel) is unique,
so however often the same change is found, it is enqueued once. A row is written by
``INSERT … SELECT`` without its text and without a ``next_attempt_at``; rendering fills in the
text and makes it due. A delivery worker then claims it: ``pending`` → ``sending`` (under a
lease until ``lease_expires_at``) → ``sent``, or back to ``pending`` with a later
``next_attempt_at``, or ``failed`` with the reason in ``last_error``. ``attempts`` counts
claims and doubles as the fencing token of a lease: a worker records an outcome only while the
row still carries the count it claimed it with.

Every queue query (rows to render, due rows, leases run out) is an equality on status and
channel, then ``next_attempt_at`` (empty, or up to now) in order, or the few rows in flight:
it walks one index and stops at its limit, whatever the size of the backlog.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Index, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from matcher.clock import now
from matcher.db import UtcDateTime


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    IN_APP = "in_app"


CHANNEL_LABELS = {Channel.EMAIL: "电子邮件", Channel.SMS: "短信", Channel.IN_APP: "站内消息"}


class NoticeKind(StrEnum):
    """What changed for the enterprise between two match runs."""

    PUBLISHED = "published"
    """A policy matched for the first time: the enterprise qualifies under it."""
    ENTITLED = "entitled"
    """Eligible now, not (or not yet known to be) before."""
    DATE_REACHED = "date_reached"
    """Waiting for a date before ("可于 … 起申请"), eligible now."""
    POLICY_CHANGED = "policy_changed"
    """Eligible before and now, under a new version of the policy."""
    AMOUNT_CHANGED = "amount_changed"
    """Eligible before and now under the same version, for another amount."""


KIND_LABELS = {
    NoticeKind.PUBLISHED: "新政策发布",
    NoticeKind.ENTITLED: "新符合条件",
    NoticeKind.DATE_REACHED: "已到可申请日期",
    NoticeKind.POLICY_CHANGED: "政策内容更新",
    NoticeKind.AMOUNT_CHANGED: "可享金额调整",
}


class NoticeStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


STATUS_LABELS = {
    NoticeStatus.PENDING: "待发送",
    NoticeStatus.SENDING: "发送中",
    NoticeStatus.SENT: "已发送",
    NoticeStatus.FAILED: "发送失败",
}


class NoticeContact(SQLModel, table=True):
    """Where an enterprise wants its notices: one e-mail address and one mobile number."""

    __tablename__ = "notice_contacts"

    enterprise_id: int = Field(primary_key=True, foreign_key="enterprises.id", ondelete="CASCADE")
    email: str | None = Field(default=None, max_length=254)
    mobile: str | None = Field(default=None, max_length=11)
    updated_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)


class NoticeOptOut(SQLModel, table=True):
    """An enterprise that wants no notices on one channel."""

    __tablename__ = "notice_opt_outs"

    enterprise_id: int = Field(primary_key=True, foreign_key="enterprises.id", ondelete="CASCADE")
    channel: str = Field(primary_key=True, max_length=8)
    created_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)


class OutboxNotice(SQLModel, table=True):
    """One message to one enterprise on one channel, and how its delivery went."""

    __tablename__ = "notice_outbox"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "policy_version", "kind", "channel"),
        Index("ix_notice_outbox_queue", "status", "channel", "next_attempt_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprises.id", ondelete="CASCADE")
    run_id: int
    """The match run that found the change."""
    policy_id: str = Field(max_length=64)
    policy_version: str = Field(max_length=64)
    kind: str = Field(max_length=16)
    channel: str = Field(max_length=8)
    address: str | None = Field(default=None, max_length=254)
    amount: Decimal | None = Field(default=None, sa_column=Column(Numeric(18, 2)))
    apply_from: date | None = None
    """For ``date_reached``: the "可于 … 起申请" date the previous run named."""
    idempotency_key: str = Field(max_length=120, unique=True)
    subject: str | None = Field(default=None, max_length=200)
    body_text: str | None = Field(default=None, sa_column=Column(Text))
    body_html: str | None = Field(default=None, sa_column=Column(Text))
    segments: int | None = None
    """SMS only: how many concatenated segments the text takes."""
    status: str = Field(default=NoticeStatus.PENDING, max_length=8)
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    """When a pending notice is due; empty until it is rendered."""
    lease_expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    failed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
