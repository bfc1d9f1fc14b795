"""The documents of a claim and the check of a verification code.

A 受理回执 states a claim as filed; its code covers the claim's id, the enterprise's code, the
policy, the claim date and the moment it was filed. A 决定书 states one decision record; its
code covers the record's hash, which covers everything the record holds and the records
before it. Checking a code recomputes it from the database, and for a 决定书 also recomputes
the record's seal under the ledger key: a record changed in the database after the document
was printed no longer verifies, whatever its code.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from matcher import clock
from matcher.auth.service import Principal
from matcher.config import settings
from matcher.documents.codes import Code, DocumentKind, format_code, mac_of, matches, parse_code
from matcher.documents.masking import mask_name
from matcher.enterprises.repository import EnterpriseRepository
from matcher.errors import NotFound
from matcher.notices.context import PublishedPolicies
from matcher.payouts.chain import GENESIS, seal
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.tables import Claim, Decision, DecisionKind
from matcher.policies.model import Policy
from matcher.policies.versions import version_in_force

CERTIFIED = (DecisionKind.APPROVE, DecisionKind.REJECT, DecisionKind.REQUEST_MATERIALS)
"""The decisions an enterprise receives a 决定书 for; a reversal is the window correcting its
own record, shown on the verification page of the approval it undoes."""


def _receipt_mac(claim: Claim) -> str:
    facts = {
        "claim_id": claim.id,
        "uscc": claim.uscc,
        "policy_id": claim.policy_id,
        "claim_date": claim.claim_date.isoformat(),
        "filed_at": clock.as_utc(claim.filed_at).isoformat(),
    }
    return mac_of(settings().ledger_key, DocumentKind.RECEIPT, facts)


def _decision_mac(decision: Decision) -> str:
    return mac_of(settings().ledger_key, DocumentKind.DECISION, {"hash": decision.hash})


def receipt_code(claim: Claim) -> str:
    return format_code(DocumentKind.RECEIPT, claim.id or 0, _receipt_mac(claim))


def decision_code(decision: Decision) -> str:
    return format_code(DocumentKind.DECISION, decision.sequence, _decision_mac(decision))


@dataclass(frozen=True, slots=True)
class Receipt:
    claim: Claim
    enterprise: str
    policy: Policy
    """The version in force on the claim date: the one the claim is decided under."""
    code: str


@dataclass(frozen=True, slots=True)
class DecisionLetter:
    claim: Claim
    decision: Decision
    enterprise: str
    policy: Policy
    """The version the decision was taken under."""
    code: str


def _claim_of(session: Session, claim_id: int, viewer: Principal) -> Claim:
    claim = PayoutRepository(session).claim(claim_id)
    if claim is None or not viewer.may_see(claim.uscc):
        raise NotFound("申请")
    return claim


def _name(session: Session, uscc: str) -> str:
    row = EnterpriseRepository(session).row(uscc)
    return uscc if row is None else str(row["name"])


def _filed_under(session: Session, claim: Claim) -> Policy:
    compiled = version_in_force(session, claim.policy_id, claim.claim_date)
    assert compiled is not None, "a claim is filed only under a version in force"
    return compiled.policy


def _decided_under(session: Session, decision: Decision) -> Policy:
    policy = PublishedPolicies(session).get(decision.policy_version)
    assert policy is not None, "a decision is taken under a published version"
    return policy


def _decision_name(session: Session, decision: Decision, uscc: str) -> str:
    """The name the enterprise had when decided, as the record holds it."""
    name = (decision.snapshot or {}).get("profile", {}).get("name")
    return name if isinstance(name, str) and name else _name(session, uscc)


def receipt(session: Session, claim_id: int, viewer: Principal) -> Receipt:
    """The 受理回执 of a claim ``viewer`` may see; :class:`NotFound` for any other."""
    claim = _claim_of(session, claim_id, viewer)
    return Receipt(
        claim, _name(session, claim.uscc), _filed_under(session, claim), receipt_code(claim)
    )


def decision_letter(
    session: Session, claim_id: int, decision_id: int, viewer: Principal
) -> DecisionLetter:
    """The 决定书 of one of the claim's decisions (not a reversal); :class:`NotFound` when
    the claim is not the viewer's or the decision is not the claim's."""
    claim = _claim_of(session, claim_id, viewer)
    decision = PayoutRepository(session).decision(decision_id)
    if decision is None or decision.claim_id != claim.id or decision.kind not in CERTIFIED:
        raise NotFound("决定书")
    return DecisionLetter(
        claim,
        decision,
        _decision_name(session, decision, claim.uscc),
        _decided_under(session, decision),
        decision_code(decision),
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a genuine code certifies, with nothing private: the name masked, no code of the
    enterprise, no reason."""

    kind: DocumentKind
    code: str
    policy_title: str
    enterprise: str
    """Masked (:func:`matcher.documents.masking.mask_name`)."""
    day: date
    """The claim date of a 受理回执; the day (in China) a decision was taken."""
    claim_id: int
    sequence: int | None = None
    decision: DecisionKind | None = None
    amount: Decimal | None = None
    """For an approval: the amount approved."""
    reversed_on: date | None = None
    """For an approval: the day it was reversed, if it was."""


@dataclass(frozen=True, slots=True)
class Altered:
    """A genuine 决定书 code whose ledger record no longer verifies: changed in the database
    after it was written. Nothing the record now says is certified."""

    code: str
    sequence: int


def check_code(session: Session, typed: str) -> Verdict | Altered | None:
    """What the code ``typed`` certifies; ``None`` for anything that is not a genuine code
    (malformed, a record that does not exist, a wrong MAC: one answer for all)."""
    code = parse_code(typed)
    if code is None:
        return None
    if code.kind is DocumentKind.RECEIPT:
        return _check_receipt(session, code)
    return _check_decision(session, code)


def _check_receipt(session: Session, code: Code) -> Verdict | None:
    claim = PayoutRepository(session).claim(code.number)
    if claim is None or not matches(code, _receipt_mac(claim)):
        return None
    return Verdict(
        DocumentKind.RECEIPT,
        receipt_code(claim),
        _filed_under(session, claim).title,
        mask_name(_name(session, claim.uscc)),
        claim.claim_date,
        code.number,
    )


def _check_decision(session: Session, code: Code) -> Verdict | Altered | None:
    decision = session.exec(select(Decision).where(Decision.sequence == code.number)).first()
    if decision is None or decision.kind not in CERTIFIED:
        return None
    if not matches(code, _decision_mac(decision)):
        return None
    if not _intact(session, decision):
        return Altered(decision_code(decision), decision.sequence)
    claim = PayoutRepository(session).claim(decision.claim_id)
    assert claim is not None, "a decision's claim is never removed"
    reversal = session.exec(select(Decision).where(col(Decision.reverses) == decision.id)).first()
    return Verdict(
        DocumentKind.DECISION,
        decision_code(decision),
        _decided_under(session, decision).title,
        mask_name(_decision_name(session, decision, claim.uscc)),
        china_day(decision),
        decision.claim_id,
        decision.sequence,
        decision.kind,
        decision.amount if decision.kind is DecisionKind.APPROVE else None,
        None if reversal is None else china_day(reversal),
    )


def china_day(decision: Decision) -> date:
    """The day (in China) ``decision`` was taken."""
    return clock.as_utc(decision.decided_at).astimezone(clock.CHINA).date()


def _intact(session: Session, decision: Decision) -> bool:
    """The record's seal recomputes under the ledger key, and it follows the record before it."""
    if seal(decision, decision.prev_hash, settings().ledger_key) != (decision.hash, decision.mac):
        return False
    if decision.sequence == 1:
        return decision.prev_hash == GENESIS
    before = session.exec(
        select(Decision.hash).where(Decision.sequence == decision.sequence - 1)
    ).first()
    return before == decision.prev_hash
