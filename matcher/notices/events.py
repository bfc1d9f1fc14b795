"""Notices of one event at the window (a claim filed or decided, a payable list published),
rendered and enqueued in the transaction that made the event.

In-app the enterprise is always told (the row is the message, delivered as written); by e-mail
and SMS, each confirmed contact that wants notices of the topic. Each notice is keyed by
(enterprise, version, kind, channel, contact, event): enqueueing is ``ON CONFLICT DO NOTHING``,
so telling the same event twice (a retried request) adds nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, col

from matcher import clock
from matcher.notices.contacts import reachable
from matcher.notices.outbox import OutboxRepository, idempotency_key
from matcher.notices.render import Notice, render
from matcher.notices.sms_templates import sms_templates
from matcher.notices.tables import Channel, NoticeContact, NoticeStatus, NoticeTopic


@dataclass(frozen=True, slots=True)
class WindowEvent:
    """Who is told of what, and under which identity."""

    enterprise_id: int
    policy_id: str
    policy_version: str
    event_key: str
    """The event's own part of each notice's key: the claim and its decision, or the list."""
    context: Notice
    topic: NoticeTopic
    claim_id: int | None = None
    amount: Decimal | None = None


def enqueue_event(session: Session, event: WindowEvent) -> int:
    """Render the notices of ``event`` and add those not in the outbox; how many were added."""
    contacts = session.execute(
        reachable(event.topic).where(col(NoticeContact.enterprise_id) == event.enterprise_id)
    ).all()
    recipients: list[tuple[Channel, str | None, int | None]] = [(Channel.IN_APP, None, None)]
    recipients += [(Channel(c.channel), c.address, c.contact_id) for c in contacts]
    moment, templates, kind = clock.now(), sms_templates(), event.context.kind
    rows = []
    for channel, address, contact_id in recipients:
        rendered = render(channel, event.context)
        delivered = channel is Channel.IN_APP  # the row is the message the page shows
        rows.append(
            {
                "enterprise_id": event.enterprise_id,
                "claim_id": event.claim_id,
                "policy_id": event.policy_id,
                "policy_version": event.policy_version,
                "kind": kind.value,
                "channel": channel.value,
                "event_key": event.event_key,
                "address": address,
                "contact_id": contact_id,
                "amount": event.amount,
                "idempotency_key": idempotency_key(
                    event.enterprise_id,
                    event.policy_version,
                    kind,
                    channel,
                    contact_id,
                    event.event_key,
                ),
                "subject": rendered.subject,
                "body_text": rendered.text,
                "body_html": rendered.html,
                "segments": rendered.segments,
                "sms_template": templates.message(event.context)
                if channel is Channel.SMS
                else None,
                "status": NoticeStatus.SENT if delivered else NoticeStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": moment,
                "sent_at": moment if delivered else None,
                "created_at": moment,
            }
        )
    return OutboxRepository(session).add_rendered(rows)
