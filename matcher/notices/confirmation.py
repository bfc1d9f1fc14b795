"""Send a contact its confirmation: a code by SMS, a link by e-mail.

A confirmation is sent at once through the channel's sender, not through the outbox. The
person is waiting for it, and a code is short-lived: a retried message arriving hours later
would carry a dead code, and each new confirmation replaces the secret of the one before. So
it is sent at most once per request; if it is lost, the person asks again (no sooner than
``MATCHER_CONFIRMATION_INTERVAL_SECONDS`` after the last one). Each has an idempotency key of
its own (``confirm.<contact id>.<time sent>``), so a receiver never merges two.
"""

from dataclasses import replace

from sqlalchemy import select
from sqlmodel import Session

from matcher import clock
from matcher.enterprises.tables import enterprises
from matcher.errors import DomainError
from matcher.notices.channels import DeliveryError, open_senders
from matcher.notices.consent import confirmation_url
from matcher.notices.contacts import (
    CODE_LIFETIME,
    LINK_LIFETIME,
    Actor,
    ContactBook,
    ContactWrite,
    new_secret,
)
from matcher.notices.outbox import ClaimedNotice
from matcher.notices.render import Rendered, sms
from matcher.notices.settings import NoticeSettings
from matcher.notices.sms_templates import sms_templates
from matcher.notices.tables import Channel, NoticeContact
from matcher.templating import render_template


def _text(name: str, values: dict[str, object]) -> str:
    return render_template(f"notices/{name}", values).strip()


def confirmation_message(
    contact: NoticeContact, secret: str, enterprise_name: str, config: NoticeSettings
) -> Rendered:
    if contact.channel == Channel.SMS:
        minutes = int(CODE_LIFETIME.total_seconds() // 60)
        values: dict[str, object] = {
            "secret": secret,
            "enterprise_name": enterprise_name,
            "minutes": minutes,
        }
        registered = sms_templates().confirmation
        template = registered.message(secret, minutes) if registered else None
        return replace(sms(_text("confirm_sms.txt", values)), sms_template=template)
    values = {
        "enterprise_name": enterprise_name,
        "url": confirmation_url(config, secret),
        "hours": int(LINK_LIFETIME.total_seconds() // 3600),
    }
    return Rendered(
        subject=_text("confirm_email_subject.txt", values),
        text=_text("confirm_email.txt", values) + "\n",
    )


def send_confirmation(
    session: Session,
    book: ContactBook,
    contact: NoticeContact,
    config: NoticeSettings,
    actor: Actor,
) -> None:
    """Send ``contact`` a new confirmation, then store its secret; :class:`DomainError`, with
    nothing written, if it may not be sent yet or the channel cannot take it."""
    book.check_may_send(contact, config.confirmation_interval)
    channel = Channel(contact.channel)
    secret = new_secret(channel)
    name = session.execute(
        select(enterprises.c.name).where(enterprises.c.id == contact.enterprise_id)
    ).scalar_one()
    rendered = confirmation_message(contact, secret, name, config)
    moment = clock.now()
    message = ClaimedNotice(
        id=0,
        attempts=1,
        channel=channel,
        address=contact.address,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=None,
        segments=rendered.segments,
        sms_template=rendered.sms_template,
        idempotency_key=f"confirm.{contact.id}.{int(moment.timestamp())}",
        lease_expires_at=moment,
    )
    with open_senders(config) as senders:
        sender = senders.get(channel)
        if sender is None:
            raise DomainError("channel_unavailable", "暂时无法发送确认信息：发送通道未配置")
        try:
            sender.send(message)
        except DeliveryError as error:
            raise DomainError(
                "confirmation_not_sent", f"确认信息发送失败，请稍后重试（{error.reason}）"
            ) from None
    book.store_secret(contact, secret, actor)


def add_and_confirm(
    session: Session,
    book: ContactBook,
    write: ContactWrite,
    config: NoticeSettings,
    actor: Actor,
) -> tuple[NoticeContact, str | None]:
    """Add a contact and send its confirmation; the contact, and why the confirmation was
    not sent (``None`` if it was). The contact is kept either way: it receives nothing
    until confirmed, and the confirmation can be asked for again."""
    contact = book.add(write.channel, write.address, write.topics, actor)
    try:
        send_confirmation(session, book, contact, config, actor)
    except DomainError as error:
        return contact, error.message
    return contact, None
