"""The typed contexts notice templates render from, and where their policy texts come from.

A notice quotes the policy version the match run judged under, so the texts are read from
the published version (``policy_versions``), not from whatever catalog is loaded now.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from matcher.notices.tables import Channel, ClaimNoticeKind, ListNoticeKind, NoticeKind
from matcher.policies.model import BenefitKind, Policy
from matcher.policies.tables import PolicyVersion


@dataclass(frozen=True, slots=True)
class NoticeFacts:
    """What an outbox row (or, in a dry run, a candidate row) says before it is rendered."""

    channel: Channel
    kind: NoticeKind
    enterprise_name: str
    policy_version: str
    amount: Decimal | None
    apply_from: date | None

    @property
    def shape(self) -> "NoticeShape":
        return NoticeShape(
            self.channel, self.kind, self.policy_version, self.amount, self.apply_from
        )


@dataclass(frozen=True, slots=True)
class NoticeShape:
    """What every notice of one shape says alike: its facts but the enterprise's name."""

    channel: Channel
    kind: NoticeKind
    policy_version: str
    amount: Decimal | None
    apply_from: date | None

    def facts(self, enterprise_name: str) -> NoticeFacts:
        return NoticeFacts(
            self.channel,
            self.kind,
            enterprise_name,
            self.policy_version,
            self.amount,
            self.apply_from,
        )


@dataclass(frozen=True, slots=True)
class NoticeContext:
    kind: NoticeKind
    enterprise_name: str
    policy_title: str
    benefit: str
    """The benefit in the policy's words, e.g. 一次性开业补贴5000元."""
    amount: Decimal | None
    tax_saving: bool
    """The amount is tax the enterprise need not pay ("可减免税额约"), never cash paid out."""
    apply_where: str
    materials: tuple[str, ...]
    apply_from: date | None
    """The "可于 … 起申请" date now reached (``date_reached`` only)."""
    deadline: date | None
    """The policy's last day, if it has one."""
    page_url: str
    """The enterprise's own page (``/me``)."""


@dataclass(frozen=True, slots=True)
class ClaimNoticeContext:
    """What a claim notice says: how the enterprise's claim stands at the window."""

    kind: ClaimNoticeKind
    enterprise_name: str
    policy_title: str
    claim_id: int
    claim_date: date
    amount: Decimal | None
    """Approved or paid: the amount decided."""
    reason: str | None
    """Rejected: why; materials requested: what to bring."""
    respond_by: date | None
    """Materials requested: the day to bring them by, when the window set one."""
    due_date: date | None
    """Received: the day the window commits to decide by, when a text sets one."""
    page_url: str
    """The claim's page on the enterprise's site."""


@dataclass(frozen=True, slots=True)
class ListedNoticeContext:
    """What the notice of a published 免申即享 list says to an enterprise on it."""

    kind: ListNoticeKind
    enterprise_name: str
    policy_title: str
    amount: Decimal
    """The amount the list shows for the enterprise."""
    notice_from: date
    notice_until: date
    """The 公示's days: the earliest approval is the day after."""
    page_url: str
    """The enterprise's 免申即享 page, where it confirms its account."""


def notice_context(facts: NoticeFacts, policy: Policy, page_url: str) -> NoticeContext:
    return NoticeContext(
        kind=facts.kind,
        enterprise_name=facts.enterprise_name,
        policy_title=policy.title,
        benefit=policy.benefit.description,
        amount=facts.amount,
        tax_saving=policy.benefit.kind is BenefitKind.TAX_PREFERENCE,
        apply_where=policy.apply.where.name,
        materials=tuple(m.item for m in policy.apply.materials),
        apply_from=facts.apply_from,
        deadline=policy.effective.until,
        page_url=page_url,
    )


class PublishedPolicies:
    """Published policy versions by content hash, each read once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._read: dict[str, Policy | None] = {}

    def get(self, version: str) -> Policy | None:
        if version not in self._read:
            record = self.session.exec(
                select(PolicyVersion).where(PolicyVersion.version == version)
            ).first()
            self._read[version] = None if record is None else Policy.model_validate(record.content)
        return self._read[version]
