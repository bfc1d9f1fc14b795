"""An enterprise's in-app messages: newest first, read or unread, each linking to what it is
about (the policy, or the claim). Served by 企业专属主页 and by the API alike."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from matcher import clock
from matcher.errors import NotFound
from matcher.notices.bodies import BodyRepository
from matcher.notices.outbox import OutboxRepository
from matcher.notices.render import Rendered
from matcher.notices.tables import KIND_LABELS, OutboxNotice


@dataclass(frozen=True, slots=True)
class InAppMessage:
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    policy_id: str
    claim_id: int | None
    link: str
    """The page it is about on this site: the claim's, or the policy's."""
    created_at: datetime
    read_at: datetime | None


@dataclass(frozen=True, slots=True)
class InboxPage:
    messages: list[InAppMessage]
    total: int
    unread: int


def link_of(notice: OutboxNotice) -> str:
    if notice.claim_id is not None:
        return f"/me/claims/{notice.claim_id}"
    return f"/policies/{notice.policy_id}"


def _messages(session: Session, notices: Sequence[OutboxNotice]) -> list[InAppMessage]:
    """The messages of ``notices``, each with its own texts or its shape's, named."""
    texts = BodyRepository(session).texts(notices)
    return [_message(n, t) for n, t in zip(notices, texts, strict=True)]


def _message(notice: OutboxNotice, texts: Rendered) -> InAppMessage:
    assert notice.id is not None
    return InAppMessage(
        id=notice.id,
        kind=notice.kind,
        kind_label=KIND_LABELS[notice.kind],
        title=texts.subject or "",
        body=texts.text,
        policy_id=notice.policy_id,
        claim_id=notice.claim_id,
        link=link_of(notice),
        created_at=clock.as_utc(notice.created_at),
        read_at=None if notice.read_at is None else clock.as_utc(notice.read_at),
    )


def inbox(session: Session, enterprise_id: int, limit: int, offset: int = 0) -> InboxPage:
    """A page of the enterprise's messages, newest first, with how many there are and how
    many are unread."""
    repository = OutboxRepository(session)
    total, unread = repository.in_app_counts(enterprise_id)
    notices = repository.in_app(enterprise_id, limit, offset)
    return InboxPage(_messages(session, notices), total, unread)


def open_message(session: Session, enterprise_id: int, message_id: int) -> InAppMessage:
    """The enterprise's message ``message_id``, marked read (the first time it is opened)."""
    notice = OutboxRepository(session).in_app_message(enterprise_id, message_id)
    if notice is None:
        raise NotFound("消息")
    if notice.read_at is None:
        notice.read_at = clock.now()
        session.add(notice)
        session.flush()
    return _messages(session, [notice])[0]


def mark_all_read(session: Session, enterprise_id: int) -> int:
    """全部标为已读; how many messages were unread."""
    marked = OutboxRepository(session).mark_in_app_read(enterprise_id, clock.now())
    session.flush()
    return marked
