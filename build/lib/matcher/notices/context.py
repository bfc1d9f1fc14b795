"""The typed context every notice template renders from, and where its policy texts come from.

A notice quotes the policy version the match run judged under, so the texts are read from
the published version (``policy_versions``), not from whatever catalog is loaded now.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from matcher.notices.tables import Channel, NoticeKind
from matcher.policies.model import Policy
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


@dataclass(frozen=True, slots=True)
class NoticeContext:
    kind: NoticeKind
    enterprise_name: str
    policy_title: str
    benefit: str
    """The benefit in the policy's words, e.g. 一次性开业补贴5000元."""
    amount: Decimal | None
    apply_where: str
    materials: tuple[str, ...]
    apply_from: date | None
    """The "可于 … 起申请" date now reached (``date_reached`` only)."""
    deadline: date | None
    """The policy's last day, if it has one."""
    page_url: str
    """The enterprise's own page (``/me``)."""


def notice_context(facts: NoticeFacts, policy: Policy, page_url: str) -> NoticeContext:
    return NoticeContext(
        kind=facts.kind,
        enterprise_name=facts.enterprise_name,
        policy_title=policy.title,
        benefit=policy.benefit.description,
        amount=facts.amount,
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
