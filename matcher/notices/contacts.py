"""An enterprise's contacts: the addresses it receives notices at, and its consent.

An enterprise has any number of contacts, each a mobile number or an e-mail address with the
topics it wants (:class:`NoticeTopic`). A new or changed address receives nothing but its
confirmation until it is confirmed: a code by SMS, typed on the enterprise's page, or the
secret of an e-mail link. Opting out (the e-mail link, an SMS reply of TD, the enterprise
itself, or staff at its request) takes effect at once; only the enterprise may opt back in.
Every change is recorded in ``notice_contact_events`` with who and when.

Enqueueing selects recipients in SQL with :func:`reachable`.
"""

import hashlib
import secrets
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, select, update
from sqlmodel import Session, col

from matcher import clock
from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.enterprises.csv_import import CsvContact
from matcher.enterprises.tables import enterprises
from matcher.errors import Conflict, DomainError, NotFound
from matcher.notices.addresses import display, normalise
from matcher.notices.tables import (
    OPT_OUT_LABELS,
    Channel,
    ContactOrigin,
    NoticeContact,
    NoticeContactEvent,
    NoticeStatus,
    NoticeTopic,
    OptOutVia,
    OutboxNotice,
)

CODE_LIFETIME = timedelta(minutes=10)
LINK_LIFETIME = timedelta(hours=24)
WRONG_CODE = "验证码不正确"
MAX_CODE_FAILURES = 5
"""Wrong codes before the code is spent and a new one must be sent."""
TOPIC_COLUMNS = {
    NoticeTopic.ENTITLEMENTS: col(NoticeContact.wants_entitlements),
    NoticeTopic.CLAIMS: col(NoticeContact.wants_claims),
}


@dataclass(frozen=True, slots=True)
class ContactWrite:
    """A contact to add, as given: the address is checked and normalised on the way in."""

    channel: Channel
    address: str
    topics: frozenset[NoticeTopic] = frozenset(NoticeTopic)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who changes a contact, as recorded: a principal's actor id (or, for a confirmation that
    arrives by itself, how it came), and how they came to it."""

    name: str
    origin: ContactOrigin

    @classmethod
    def of(cls, principal: Principal) -> "Actor":
        origin = ContactOrigin.SELF if principal.role is Role.ENTERPRISE else ContactOrigin.STAFF
        return cls(principal.actor_id, origin)


def reachable(topic: NoticeTopic) -> Select[int, int, str, str]:
    """(contact id, enterprise id, channel, address) of every confirmed contact, not opted
    out, that wants ``topic``."""
    return select(
        col(NoticeContact.id).label("contact_id"),
        col(NoticeContact.enterprise_id),
        col(NoticeContact.channel),
        col(NoticeContact.address),
    ).where(
        col(NoticeContact.confirmed_at).is_not(None),
        col(NoticeContact.unsubscribed_at).is_(None),
        TOPIC_COLUMNS[topic].is_(True),
    )


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret(channel: Channel) -> str:
    """Six digits to type from an SMS; an unguessable link secret for e-mail."""
    if channel is Channel.SMS:
        return f"{secrets.randbelow(10**6):06d}"
    return secrets.token_urlsafe(32)


def lifetime(channel: Channel) -> timedelta:
    return CODE_LIFETIME if channel is Channel.SMS else LINK_LIFETIME


class ContactBook:
    """The contacts of one enterprise. Flushes; the caller commits."""

    def __init__(self, session: Session, enterprise_id: int) -> None:
        self.session = session
        self.enterprise_id = enterprise_id

    def contacts(self) -> Sequence[NoticeContact]:
        statement = (
            select(NoticeContact)
            .where(col(NoticeContact.enterprise_id) == self.enterprise_id)
            .order_by(col(NoticeContact.channel), col(NoticeContact.id))
        )
        return self.session.execute(statement).scalars().all()

    def get(self, contact_id: int, for_update: bool = False) -> NoticeContact:
        contact = self.session.get(NoticeContact, contact_id, with_for_update=for_update)
        if contact is None or contact.enterprise_id != self.enterprise_id:
            raise NotFound("联系方式")
        return contact

    def add(
        self, channel: Channel, address: str, topics: Collection[NoticeTopic], actor: Actor
    ) -> NoticeContact:
        """A new, unconfirmed contact; :class:`Conflict` if the address is already on file."""
        normalised = normalise(channel, address)
        self._refuse_duplicate(channel, normalised)
        contact = NoticeContact(
            enterprise_id=self.enterprise_id,
            channel=channel.value,
            address=normalised,
            origin=actor.origin.value,
            added_by=actor.name,
            updated_by=actor.name,
        )
        self._set_topics(contact, topics)
        self.session.add(contact)
        self.session.flush()
        self._record(contact, "added", actor, _topics_text(topics))
        return contact

    def change(
        self,
        contact: NoticeContact,
        actor: Actor,
        address: str | None = None,
        topics: Collection[NoticeTopic] | None = None,
        subscribed: bool | None = None,
    ) -> NoticeContact:
        """Correct the address (which must then be confirmed again), choose the topics, opt
        out or (the enterprise itself) back in; what is ``None`` stays as it is."""
        if address is not None:
            normalised = normalise(Channel(contact.channel), address)
            if normalised != contact.address:
                self._refuse_duplicate(Channel(contact.channel), normalised)
                previous = contact.address
                contact.address = normalised
                contact.confirmed_at = contact.secret_hash = contact.secret_sent_at = None
                contact.secret_failures = 0
                self._withdraw(contact, "联系地址已更正")
                self._record(contact, "corrected", actor, f"原为 {previous}")
        if topics is not None and set(topics) != set(topics_of(contact)):
            self._set_topics(contact, topics)
            self._record(contact, "topics", actor, _topics_text(topics))
        if subscribed is False:
            via = OptOutVia.SELF if actor.origin is ContactOrigin.SELF else OptOutVia.STAFF
            self.unsubscribe(contact, via, actor)
        elif subscribed is True:
            self.resubscribe(contact, actor)
        return self._touch(contact, actor)

    def remove(self, contact: NoticeContact, actor: Actor) -> None:
        self._withdraw(contact, "联系方式已删除")
        self._record(contact, "removed", actor)
        self.session.delete(contact)
        self.session.flush()

    def unsubscribe(self, contact: NoticeContact, via: OptOutVia, actor: Actor) -> NoticeContact:
        """Stop every notice to ``contact`` now; again is a no-op."""
        if contact.unsubscribed_at is None:
            contact.unsubscribed_at, contact.unsubscribed_via = clock.now(), via.value
            self._withdraw(contact, f"联系人已退订（{OPT_OUT_LABELS[via]}）")
            self._record(contact, "unsubscribed", actor, via.value)
            self._touch(contact, actor)
        return contact

    def resubscribe(self, contact: NoticeContact, actor: Actor) -> NoticeContact:
        """Receive notices again: the enterprise's own choice, never staff's."""
        if actor.origin is not ContactOrigin.SELF:
            raise DomainError("consent_required", "恢复接收通知须由企业本人操作")
        if contact.unsubscribed_at is not None:
            contact.unsubscribed_at = contact.unsubscribed_via = None
            self._record(contact, "resubscribed", actor)
            self._touch(contact, actor)
        return contact

    def check_may_send(self, contact: NoticeContact, interval: timedelta) -> None:
        """Refuse a confirmation to a confirmed contact, or sooner than ``interval`` after
        the last one."""
        if contact.confirmed_at is not None:
            raise Conflict("already_confirmed", "该联系方式已确认，无需再次确认")
        if contact.secret_sent_at is not None:
            wait = clock.as_utc(contact.secret_sent_at) + interval - clock.now()
            if wait > timedelta(0):
                seconds = int(wait.total_seconds()) + 1
                raise DomainError(
                    "confirmation_too_soon", f"确认信息发送过于频繁，请 {seconds} 秒后再试"
                )

    def store_secret(self, contact: NoticeContact, secret: str, actor: Actor) -> None:
        """``secret`` was sent: it, and only it, confirms the contact from now on."""
        contact.secret_hash, contact.secret_sent_at = secret_hash(secret), clock.now()
        contact.secret_failures = 0
        self._record(contact, "confirmation_sent", actor)
        self._touch(contact, actor)

    def confirm_code(self, contact: NoticeContact, code: str, actor: Actor) -> bool:
        """Confirm a mobile number with the code sent to it; ``False`` for a wrong code.

        A wrong code is counted (the caller commits it: it is not an error that undoes
        anything), and after :data:`MAX_CODE_FAILURES` the code is spent.
        """
        if contact.confirmed_at is not None:
            return True
        _check_live(contact)
        if secrets.compare_digest(secret_hash(code.strip()), contact.secret_hash or ""):
            self.mark_confirmed(contact, actor)
            return True
        contact.secret_failures += 1
        if contact.secret_failures >= MAX_CODE_FAILURES:
            contact.secret_hash = None
        self.session.add(contact)
        self.session.flush()
        return False

    def mark_confirmed(self, contact: NoticeContact, actor: Actor) -> NoticeContact:
        """The address is proven: from now on it receives the notices it wants."""
        contact.confirmed_at = clock.now()
        contact.secret_hash = None
        self._record(contact, "confirmed", actor)
        return self._touch(contact, actor)

    def has(self, channel: Channel, address: str) -> bool:
        """Whether the normalised ``address`` is on file for ``channel``."""
        taken = self.session.execute(
            select(col(NoticeContact.id)).where(
                col(NoticeContact.enterprise_id) == self.enterprise_id,
                col(NoticeContact.channel) == channel.value,
                col(NoticeContact.address) == address,
            )
        ).first()
        return taken is not None

    def _refuse_duplicate(self, channel: Channel, address: str) -> None:
        if self.has(channel, address):
            raise Conflict("contact_exists", f"{display(channel, address)} 已在联系方式中")

    @staticmethod
    def _set_topics(contact: NoticeContact, topics: Collection[NoticeTopic]) -> None:
        contact.wants_entitlements = NoticeTopic.ENTITLEMENTS in topics
        contact.wants_claims = NoticeTopic.CLAIMS in topics

    def _withdraw(self, contact: NoticeContact, reason: str) -> None:
        """Drop the messages still waiting for ``contact``: an opt-out takes effect at once,
        not after the queue has run dry (a message already in a worker's hands may go)."""
        self.session.execute(
            update(OutboxNotice)
            .where(
                col(OutboxNotice.contact_id) == contact.id,
                col(OutboxNotice.status) == NoticeStatus.PENDING,
            )
            .values(status=NoticeStatus.DROPPED, last_error=reason, failed_at=clock.now())
        )

    def _touch(self, contact: NoticeContact, actor: Actor) -> NoticeContact:
        contact.updated_at, contact.updated_by = clock.now(), actor.name
        self.session.add(contact)
        self.session.flush()
        return contact

    def _record(
        self, contact: NoticeContact, action: str, actor: Actor, detail: str | None = None
    ) -> None:
        assert contact.id is not None
        self.session.add(
            NoticeContactEvent(
                enterprise_id=contact.enterprise_id,
                contact_id=contact.id,
                channel=contact.channel,
                address=contact.address,
                action=action,
                detail=detail,
                actor=actor.name,
            )
        )


def topics_of(contact: NoticeContact) -> list[NoticeTopic]:
    wanted = {
        NoticeTopic.ENTITLEMENTS: contact.wants_entitlements,
        NoticeTopic.CLAIMS: contact.wants_claims,
    }
    return [topic for topic, wants in wanted.items() if wants]


def _topics_text(topics: Collection[NoticeTopic]) -> str:
    return ",".join(sorted(topic.value for topic in topics))


def _check_live(contact: NoticeContact) -> None:
    """Refuse a spent or expired confirmation secret."""
    sent = contact.secret_sent_at
    if contact.secret_hash is None or sent is None:
        raise DomainError("no_confirmation_pending", "请先发送确认信息")
    if clock.now() - clock.as_utc(sent) > lifetime(Channel(contact.channel)):
        raise DomainError("confirmation_expired", "确认信息已过期，请重新发送")


def contact_by_id(session: Session, contact_id: int) -> NoticeContact | None:
    return session.get(NoticeContact, contact_id)


def confirm_link(session: Session, secret: str) -> NoticeContact:
    """Confirm the e-mail address whose confirmation link carries ``secret``."""
    contact = session.execute(
        select(NoticeContact).where(
            col(NoticeContact.secret_hash) == secret_hash(secret),
            col(NoticeContact.channel) == Channel.EMAIL,
        )
    ).scalar_one_or_none()
    if contact is None:
        raise NotFound("确认链接")
    _check_live(contact)
    book = ContactBook(session, contact.enterprise_id)
    return book.mark_confirmed(contact, Actor("邮件确认链接", ContactOrigin.SELF))


def unsubscribe_mobile(session: Session, mobile: str, via: OptOutVia) -> int:
    """Opt out every contact with the mobile number ``mobile`` (E.164); how many were."""
    contacts = (
        session.execute(
            select(NoticeContact).where(
                col(NoticeContact.channel) == Channel.SMS,
                col(NoticeContact.address) == mobile,
                col(NoticeContact.unsubscribed_at).is_(None),
            )
        )
        .scalars()
        .all()
    )
    actor = Actor(f"短信回复（{display(Channel.SMS, mobile)}）", ContactOrigin.SELF)
    for contact in contacts:
        ContactBook(session, contact.enterprise_id).unsubscribe(contact, via, actor)
    return len(contacts)


def book_of(session: Session, uscc: str, viewer: Principal) -> ContactBook:
    """The contacts of the enterprise ``uscc``, if ``viewer`` may see them (that enterprise,
    or staff); :class:`NotFound` otherwise, as for an enterprise that does not exist."""
    if not viewer.may_see(uscc):
        raise NotFound("企业")
    enterprise_id = session.execute(
        select(enterprises.c.id).where(enterprises.c.uscc == uscc)
    ).scalar_one_or_none()
    if enterprise_id is None:
        raise NotFound("企业")
    return ContactBook(session, enterprise_id)


def import_contacts(session: Session, contacts: Iterable[CsvContact], actor: Actor) -> int:
    """Add the contacts of an import to their enterprises, unconfirmed; an address already
    on file is left as it is. How many were added."""
    ids: dict[str, int] = {}
    added = 0
    for contact in contacts:
        if contact.uscc not in ids:
            ids[contact.uscc] = session.execute(
                select(enterprises.c.id).where(enterprises.c.uscc == contact.uscc)
            ).scalar_one()
        book = ContactBook(session, ids[contact.uscc])
        if not book.has(Channel(contact.channel), contact.address):
            book.add(Channel(contact.channel), contact.address, frozenset(NoticeTopic), actor)
            added += 1
    return added
