"""What the contact pages show of each contact, in words people read."""

from dataclasses import dataclass

from sqlmodel import Session

from matcher.auth.service import Principal, actor_names
from matcher.notices.addresses import display
from matcher.notices.contacts import ContactBook, book_of, topics_of
from matcher.notices.tables import (
    CHANNEL_LABELS,
    OPT_OUT_LABELS,
    TOPIC_LABELS,
    Channel,
    NoticeContact,
    NoticeTopic,
    OptOutVia,
)


@dataclass(frozen=True, slots=True)
class ContactRow:
    id: int
    channel: str
    channel_label: str
    address: str
    status: str
    topics: frozenset[NoticeTopic]
    topic_labels: str
    confirmed: bool
    awaiting_code: bool
    """An SMS code was sent and may be typed in."""
    subscribed: bool
    added: str
    """Who added it and how."""


def contact_row(contact: NoticeContact, names: dict[str, str]) -> ContactRow:
    assert contact.id is not None
    channel = Channel(contact.channel)
    topics = frozenset(topics_of(contact))
    if contact.unsubscribed_at is not None:
        via = OptOutVia(contact.unsubscribed_via) if contact.unsubscribed_via else None
        status = "已退订" + (f"（{OPT_OUT_LABELS[via]}）" if via else "")
    elif contact.confirmed_at is not None:
        status = "已确认，接收通知"
    elif contact.secret_sent_at is not None:
        status = "待确认：已发送确认信息"
    else:
        status = "待确认：尚未发送确认信息"
    return ContactRow(
        id=contact.id,
        channel=channel.value,
        channel_label=CHANNEL_LABELS[channel],
        address=display(channel, contact.address),
        status=status,
        topics=topics,
        topic_labels="、".join(TOPIC_LABELS[t] for t in NoticeTopic if t in topics) or "无",
        confirmed=contact.confirmed_at is not None,
        awaiting_code=channel is Channel.SMS
        and contact.confirmed_at is None
        and contact.secret_hash is not None,
        subscribed=contact.unsubscribed_at is None,
        added=names[contact.added_by],
    )


def contact_rows(book: ContactBook) -> list[ContactRow]:
    """The book's contacts as pages show them, with who added each by name."""
    contacts = list(book.contacts())
    names = actor_names(book.session, [c.added_by for c in contacts])
    return [contact_row(c, names) for c in contacts]


def enterprise_contacts(session: Session, uscc: str, viewer: Principal) -> list[ContactRow]:
    """The contacts of the enterprise ``uscc`` as its page shows them."""
    return contact_rows(book_of(session, uscc, viewer))
