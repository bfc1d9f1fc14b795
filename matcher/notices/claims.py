"""Claim notices: how an enterprise's claim stands, told in the transaction that decided it.

The policy window (:mod:`matcher.payouts`) knows nothing of notices, which sit above it; the
routes that file and decide claims call :func:`claim_filed` and :func:`claim_decided` in the
same session, so a notice is committed with its decision or not at all. A claim notice is
one event, not a nightly batch: it is rendered here and enqueued due at once. In-app the
enterprise is always told (the row is the message, delivered as written); by e-mail and SMS,
each confirmed contact that wants claim notices.

Each notice is keyed by (enterprise, version, kind, channel, contact, event), the event being
the claim, and the decision for a decision: enqueueing is ``ON CONFLICT DO NOTHING``, so
telling the same event twice (a retried request) adds nothing.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlmodel import Session, col

from matcher import clock
from matcher.enterprises.tables import enterprises
from matcher.notices.contacts import reachable
from matcher.notices.context import ClaimNoticeContext, PublishedPolicies
from matcher.notices.outbox import OutboxRepository, idempotency_key
from matcher.notices.render import render
from matcher.notices.settings import notice_settings
from matcher.notices.sms_templates import sms_templates
from matcher.notices.tables import (
    Channel,
    ClaimNoticeKind,
    NoticeContact,
    NoticeStatus,
    NoticeTopic,
)
from matcher.payouts.tables import Claim, Decision, DecisionKind
from matcher.policies.versions import version_in_force

DECISION_NOTICES = {
    DecisionKind.APPROVE: ClaimNoticeKind.APPROVED,
    DecisionKind.REJECT: ClaimNoticeKind.REJECTED,
    DecisionKind.REQUEST_MATERIALS: ClaimNoticeKind.MATERIALS_REQUESTED,
}
"""The decisions an enterprise is told of; a reversal (staff correcting themselves, the
claim back in the queue) is not one of them."""


@dataclass(frozen=True, slots=True)
class ClaimEvent:
    kind: ClaimNoticeKind
    claim: Claim
    policy_version: str
    event_key: str
    """The claim, and the decision or payment that moved it."""
    amount: Decimal | None = None
    reason: str | None = None
    respond_by: date | None = None


def claim_filed(session: Session, claim: Claim) -> int:
    """受理: ``claim`` was filed (under the version in force on its date); notices enqueued."""
    policy = version_in_force(session, claim.policy_id, claim.claim_date)
    assert policy is not None, "a claim is filed only under a version in force"
    event = ClaimEvent(ClaimNoticeKind.RECEIVED, claim, policy.version, _key(claim))
    return _enqueue(session, event)


def claim_decided(session: Session, decision: Decision, respond_by: date | None = None) -> int:
    """Tell the enterprise of ``decision``: approved with the amount, rejected with the
    reason, or materials requested (what, and ``respond_by`` when the window sets a day);
    notices enqueued, none for a reversal."""
    kind = DECISION_NOTICES.get(decision.kind)
    claim = session.get(Claim, decision.claim_id)
    if kind is None or claim is None:
        return 0
    event = ClaimEvent(
        kind,
        claim,
        decision.policy_version,
        _key(claim, f"d{decision.id}"),
        amount=decision.amount if kind is ClaimNoticeKind.APPROVED else None,
        reason=None if kind is ClaimNoticeKind.APPROVED else decision.reason,
        respond_by=respond_by if kind is ClaimNoticeKind.MATERIALS_REQUESTED else None,
    )
    return _enqueue(session, event)


def claim_paid(session: Session, claim: Claim, policy_version: str, amount: Decimal) -> int:
    """资金已拨付: for the stage that records a payment (the window has none yet); once per
    claim."""
    event = ClaimEvent(ClaimNoticeKind.PAID, claim, policy_version, _key(claim, "paid"), amount)
    return _enqueue(session, event)


def _key(claim: Claim, *parts: str) -> str:
    return "-".join([f"c{claim.id}", *parts])


def _context(session: Session, event: ClaimEvent) -> ClaimNoticeContext:
    claim = event.claim
    assert claim.id is not None
    policy = PublishedPolicies(session).get(event.policy_version)
    assert policy is not None, "a claim is filed and decided under a published version"
    name = session.execute(
        select(enterprises.c.name).where(enterprises.c.id == claim.enterprise_id)
    ).scalar_one()
    return ClaimNoticeContext(
        kind=event.kind,
        enterprise_name=name,
        policy_title=policy.title,
        claim_id=claim.id,
        claim_date=claim.claim_date,
        amount=event.amount,
        reason=event.reason,
        respond_by=event.respond_by,
        due_date=claim.due_date if event.kind is ClaimNoticeKind.RECEIVED else None,
        page_url=f"{notice_settings().page_url}/claims/{claim.id}",
    )


def _enqueue(session: Session, event: ClaimEvent) -> int:
    """Render the notices of ``event`` and add those not in the outbox; how many were added."""
    context = _context(session, event)
    contacts = session.execute(
        reachable(NoticeTopic.CLAIMS).where(
            col(NoticeContact.enterprise_id) == event.claim.enterprise_id
        )
    ).all()
    recipients: list[tuple[Channel, str | None, int | None]] = [(Channel.IN_APP, None, None)]
    recipients += [(Channel(c.channel), c.address, c.contact_id) for c in contacts]
    moment, templates = clock.now(), sms_templates()
    rows = []
    for channel, address, contact_id in recipients:
        rendered = render(channel, context)
        delivered = channel is Channel.IN_APP  # the row is the message the page shows
        rows.append(
            {
                "enterprise_id": event.claim.enterprise_id,
                "claim_id": event.claim.id,
                "policy_id": event.claim.policy_id,
                "policy_version": event.policy_version,
                "kind": event.kind.value,
                "channel": channel.value,
                "event_key": event.event_key,
                "address": address,
                "contact_id": contact_id,
                "amount": event.amount,
                "idempotency_key": idempotency_key(
                    event.claim.enterprise_id,
                    event.policy_version,
                    event.kind,
                    channel,
                    contact_id,
                    event.event_key,
                ),
                "subject": rendered.subject,
                "body_text": rendered.text,
                "body_html": rendered.html,
                "segments": rendered.segments,
                "sms_template": templates.message(context) if channel is Channel.SMS else None,
                "status": NoticeStatus.SENT if delivered else NoticeStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": moment,
                "sent_at": moment if delivered else None,
                "created_at": moment,
            }
        )
    return OutboxRepository(session).add_rendered(rows)
