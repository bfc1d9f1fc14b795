"""Notice contacts, their consent, and the outbox.

The outbox holds one row per message, identified by its idempotency key (unique): enterprise,
policy version, kind, channel, the contact for e-mail and SMS, and an event key where those
cannot tell two messages apart — the new amount and the run that found it for an amount
changed under the same version, the claim and its decision for a claim notice. However often
the same change is found, it is enqueued once. An entitlement notice is written by
``INSERT … SELECT`` without its text and without a ``next_attempt_at``; rendering points it at
its shape's texts (``notice_bodies``, stored once for every notice of the shape) or, for a
shape that cannot be rendered once for all, fills in its own texts, and makes it due. A
delivery worker then claims it: ``pending`` → ``sending`` (under a lease until
``lease_expires_at``) → ``sent``, or back to ``pending`` with a later ``next_attempt_at``, or
``failed`` with the reason in ``last_error``. ``attempts`` counts claims and doubles as the
fencing token of a lease: a worker records an outcome only while the row still carries the
count it claimed it with.

Every queue query (rows to render, due rows, leases run out) is an equality on status and
channel, then ``next_attempt_at`` (empty, or up to now) in order, or the few rows in flight:
it walks one index and stops at its limit, whatever the size of the backlog.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Numeric, Text, UniqueConstraint
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

    INITIAL = "initial"
    """Eligible, and the enterprise was in none of the runs compared with: the first time it
    hears of its entitlements ("您可享受以下政策"), whether or not the policy is new."""
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


class ClaimNoticeKind(StrEnum):
    """What happened to a claim the enterprise filed (its 办理进度)."""

    RECEIVED = "claim_received"
    MATERIALS_REQUESTED = "claim_materials_requested"
    APPROVED = "claim_approved"
    REJECTED = "claim_rejected"
    PAID = "claim_paid"


class ListNoticeKind(StrEnum):
    """What a 免申即享 payable list (:mod:`matcher.no_application`) means for the enterprise."""

    LISTED = "no_application_listed"
    """Published for its 公示 with the enterprise on it: confirm the account to be paid to."""


KIND_LABELS: dict[str, str] = {
    NoticeKind.INITIAL: "可享受政策",
    NoticeKind.PUBLISHED: "新政策发布",
    NoticeKind.ENTITLED: "新符合条件",
    NoticeKind.DATE_REACHED: "已到可申请日期",
    NoticeKind.POLICY_CHANGED: "政策内容更新",
    NoticeKind.AMOUNT_CHANGED: "可享金额调整",
    ClaimNoticeKind.RECEIVED: "申请已受理",
    ClaimNoticeKind.MATERIALS_REQUESTED: "申请需补正材料",
    ClaimNoticeKind.APPROVED: "申请已批准",
    ClaimNoticeKind.REJECTED: "申请未获批准",
    ClaimNoticeKind.PAID: "资金已拨付",
    ListNoticeKind.LISTED: "列入免申即享名单",
}


class NoticeStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DROPPED = "dropped"
    """Not sent: its contact opted out, was corrected or removed before it went."""


STATUS_LABELS = {
    NoticeStatus.PENDING: "待发送",
    NoticeStatus.SENDING: "发送中",
    NoticeStatus.SENT: "已发送",
    NoticeStatus.FAILED: "发送失败",
    NoticeStatus.DROPPED: "未发送（联系人已退订或变更）",
}


class NoticeTopic(StrEnum):
    """What a contact may choose to hear about."""

    ENTITLEMENTS = "entitlements"
    """What the enterprise has become entitled to (the kinds of :class:`NoticeKind`)."""
    CLAIMS = "claims"
    """How its claims at the window go."""


TOPIC_LABELS = {NoticeTopic.ENTITLEMENTS: "可享政策变化", NoticeTopic.CLAIMS: "申请办理进度"}


class ContactOrigin(StrEnum):
    """Who put an address on file."""

    SELF = "self"
    STAFF = "staff"
    IMPORT = "import"


class OptOutVia(StrEnum):
    """How a contact stopped its notices."""

    LINK = "link"
    """The unsubscribe link (or one-click POST) of an e-mail."""
    TD = "td"
    """A reply of TD (退订) to an SMS."""
    SELF = "self"
    """The enterprise, on its page or with its token."""
    STAFF = "staff"
    """Window staff, at the enterprise's request."""


OPT_OUT_LABELS = {
    OptOutVia.LINK: "邮件退订链接",
    OptOutVia.TD: "短信回复退订",
    OptOutVia.SELF: "企业自行退订",
    OptOutVia.STAFF: "工作人员代为退订",
}


class NoticeContact(SQLModel, table=True):
    """One address (a mobile number or an e-mail address) an enterprise receives notices at.

    It receives nothing but its confirmation until ``confirmed_at`` is set, and nothing at all
    once ``unsubscribed_at`` is. Only the SHA-256 of the confirmation secret is kept.
    """

    __tablename__ = "notice_contacts"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "channel", "address"),
        Index("ix_notice_contacts_address", "channel", "address"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprises.id", ondelete="CASCADE")
    channel: str = Field(max_length=8)
    address: str = Field(max_length=254)
    """E.164 for a mobile number (``+8613800138000``), the normalised address for e-mail."""
    wants_entitlements: bool = True
    wants_claims: bool = True
    origin: str = Field(max_length=8)
    added_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)
    updated_by: str = Field(max_length=100)
    updated_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)
    confirmed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    secret_hash: str | None = Field(default=None, max_length=64, index=True)
    """SHA-256 of the latest confirmation code or link secret; empty once confirmed."""
    secret_sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    secret_failures: int = 0
    """Wrong codes entered against the current secret."""
    unsubscribed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    unsubscribed_via: str | None = Field(default=None, max_length=8)


class NoticeContactEvent(SQLModel, table=True):
    """What happened to a contact, by whom and when: the record of consent. Kept when the
    contact is removed."""

    __tablename__ = "notice_contact_events"

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprises.id", ondelete="CASCADE", index=True)
    contact_id: int
    channel: str = Field(max_length=8)
    address: str = Field(max_length=254)
    action: str = Field(max_length=24)
    detail: str | None = Field(default=None, max_length=200)
    actor: str = Field(max_length=100)
    at: datetime = Field(default_factory=now, sa_type=UtcDateTime)


class NoticeBody(SQLModel, table=True):
    """The texts of every notice of one shape (channel, kind, policy version, amount, date),
    stored once with :data:`matcher.notices.stencils.PLACEHOLDER` where the enterprise's name
    goes; a notice of the shape points here and gets its name when it is sent or shown.
    Identified by the digest of its channel and texts, so the same texts are stored once."""

    __tablename__ = "notice_bodies"

    id: int | None = Field(default=None, primary_key=True)
    digest: str = Field(max_length=64, unique=True)
    channel: str = Field(max_length=8)
    subject: str | None = Field(default=None, max_length=200)
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str | None = Field(default=None, sa_column=Column(Text))
    sms_template: Any = Field(default=None, sa_type=JSON)
    created_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)


class OutboxNotice(SQLModel, table=True):
    """One message to one enterprise on one channel, and how its delivery went."""

    __tablename__ = "notice_outbox"
    __table_args__ = (
        Index("ix_notice_outbox_queue", "status", "channel", "next_attempt_at", "id"),
        Index("ix_notice_outbox_inbox", "enterprise_id", "channel", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprises.id", ondelete="CASCADE")
    run_id: int | None = None
    """The match run that found the change; empty for a claim notice."""
    claim_id: int | None = Field(default=None, foreign_key="claims.id", ondelete="CASCADE")
    """The claim a claim notice is about."""
    policy_id: str = Field(max_length=64)
    policy_version: str = Field(max_length=64)
    kind: str = Field(max_length=32)
    channel: str = Field(max_length=8)
    event_key: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})
    address: str | None = Field(default=None, max_length=254)
    contact_id: int | None = Field(
        default=None, foreign_key="notice_contacts.id", ondelete="SET NULL"
    )
    """The contact the address came from (e-mail and SMS); its unsubscribe link."""
    amount: Decimal | None = Field(default=None, sa_column=Column(Numeric(18, 2)))
    apply_from: date | None = None
    """For ``date_reached``: the "可于 … 起申请" date the previous run named."""
    idempotency_key: str = Field(max_length=200, unique=True)
    body_id: int | None = Field(default=None, foreign_key="notice_bodies.id")
    """Rendered by shape: the texts, with the name still to put in. Otherwise the texts are
    the row's own (``subject``, ``body_text`` …)."""
    subject: str | None = Field(default=None, max_length=200)
    body_text: str | None = Field(default=None, sa_column=Column(Text))
    body_html: str | None = Field(default=None, sa_column=Column(Text))
    segments: int | None = None
    """SMS only: how many concatenated segments the text takes."""
    sms_template: Any = Field(default=None, sa_type=JSON)
    """SMS only: ``{"code", "params"}``, the registered template and its values, for a
    gateway that sends templates (``MATCHER_SMS_MODE=template``)."""
    status: str = Field(default=NoticeStatus.PENDING, max_length=8)
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    """When a pending notice is due; empty until it is rendered."""
    lease_expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    failed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    """In-app only: when the enterprise opened the message (or marked all read)."""


class JobRun(SQLModel, table=True):
    """One run of a scheduled job for one day, claimed by inserting its row.

    The key (job, day) lets one worker in: another that inserts the same row gets a unique
    violation and leaves the job alone. The holder renews ``lease_expires_at`` while it works;
    a row whose holder died unfinished may be taken over once the lease has run out.
    """

    __tablename__ = "job_runs"

    job: str = Field(primary_key=True, max_length=32)
    day: date = Field(primary_key=True)
    """The date (China time) the run is for."""
    holder: str = Field(max_length=120)
    """Who runs it: ``host:pid``."""
    started_at: datetime = Field(sa_type=UtcDateTime)
    lease_expires_at: datetime = Field(sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    error: str | None = Field(default=None, sa_column=Column(Text))
