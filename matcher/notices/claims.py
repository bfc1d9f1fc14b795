"""Claim notices: how an enterprise's claim stands, told in the transaction that decided it.

The policy window (:mod:`matcher.payouts`) knows nothing of notices, which sit above it; the
routes that file and decide claims call :func:`claim_filed` and :func:`claim_decided` in the
same session, so a notice is committed with its decision or not at all. A claim notice is
one event, not a nightly batch: it is rendered here and enqueued due at once. Who is told, and how
each notice is keyed (the event being the claim, and the decision for a decision), is
:mod:`matcher.notices.events`.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlmodel import Session

from matcher.enterprises.tables import enterprises
from matcher.notices.context import ClaimNoticeContext, PublishedPolicies
from matcher.notices.events import WindowEvent, enqueue_event
from matcher.notices.settings import notice_settings
from matcher.notices.tables import ClaimNoticeKind, NoticeTopic
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
    claim = event.claim
    assert claim.id is not None
    return enqueue_event(
        session,
        WindowEvent(
            enterprise_id=claim.enterprise_id,
            policy_id=claim.policy_id,
            policy_version=event.policy_version,
            event_key=event.event_key,
            context=_context(session, event),
            topic=NoticeTopic.CLAIMS,
            claim_id=claim.id,
            amount=event.amount,
        ),
    )
