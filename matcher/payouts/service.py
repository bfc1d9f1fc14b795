"""File claims and decide them. Services flush; the request commits.

Every decision runs with the ledger head taken first, so decisions are serialised: two
staff members approving the same claim, the same founder's subsidy, one project's cap or the
last of a budget at the same moment are decided one after the other, each against the totals
the previous one left.
"""

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from matcher import clock
from matcher.auth.service import Principal
from matcher.config import settings
from matcher.eligibility.evaluate import FEN
from matcher.enterprises.repository import EnterpriseRepository
from matcher.errors import Conflict, DomainError, NotFound
from matcher.payouts.chain import Commitment, commitments_of, seal
from matcher.payouts.claim_dates import claim_date_for
from matcher.payouts.deadlines import add_working_days
from matcher.payouts.founder_keys import derive_founder_keys
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.tables import (
    CLAIM_STATUS_LABELS,
    OPEN_STATUSES,
    Claim,
    Decision,
    DecisionKind,
    LedgerHead,
)
from matcher.payouts.verification import NotInForce, Verification, verify
from matcher.policies.claims import parse_claim
from matcher.policies.compile import CompiledPolicy
from matcher.policies.versions import version_in_force
from matcher.profiles.errors import FieldError, ProfileError
from matcher.profiles.facts import enterprise_facts
from matcher.rules.ast import Value
from matcher.serialization import to_json_value


def file_claim(
    session: Session,
    uscc: str,
    policy_id: str,
    facts: dict[str, Any],
    requested_date: date | None,
    actor: Principal,
) -> Claim:
    """Record a claim with its facts, as the policy's claim facts read them (a registration
    number normalised, an ID number as its hash); every fact the amount and criteria need must
    be present. The claim is dated today unless staff date it back (:mod:`claim_dates`)."""
    if not actor.may_see(uscc):
        raise NotFound("企业")
    enterprises = EnterpriseRepository(session)
    row = enterprises.row(uscc)
    if row is None:
        raise NotFound("企业")
    claim_date = claim_date_for(requested_date, actor, clock.today())
    policy = version_in_force(session, policy_id, claim_date)
    if policy is None:
        raise DomainError(
            "policy_not_in_force", f"政策 {policy_id} 在申请日期 {claim_date} 未生效或不存在"
        )
    parsed = _read_facts(
        policy, derive_founder_keys(facts, enterprises.founder_id_hashes(row["id"]))
    )
    missing = [
        FieldError(f"facts.{path.removeprefix('claim.')}", "missing", "必填")
        for path, value in parsed.items()
        if value is None
    ]
    if missing:
        raise ProfileError(missing)
    days = _processing_days(session, uscc, policy)
    due = None if days is None else add_working_days(claim_date, days)
    claim = Claim(
        enterprise_id=row["id"],
        uscc=uscc,
        policy_id=policy_id,
        claim_date=claim_date,
        facts=to_json_value({path.removeprefix("claim."): v for path, v in parsed.items()}),
        due_date=None if due is None else due.day,
        processing_days=days,
        due_date_estimated=due is not None and due.estimated,
        filed_by=actor.name,
    )
    session.add(claim)
    session.flush()
    return claim


def _read_facts(policy: CompiledPolicy, facts: dict[str, Any]) -> dict[str, Value]:
    """The claim facts as the policy's types read them; errors named as in the request."""
    try:
        return parse_claim(policy.claim_model, facts)
    except ProfileError as error:
        raise ProfileError(
            [FieldError(f"facts.{e.field}", e.code, e.message) for e in error.errors]
        ) from None


def _processing_days(session: Session, uscc: str, policy: CompiledPolicy) -> int | None:
    """The policy's time limit for this enterprise; ``None`` when no text sets one or the
    facts it turns on are unknown: a claim then has no due date rather than an invented one."""
    profile = EnterpriseRepository(session).get(uscc, policy.declared)
    if policy.working_days is None or profile is None:
        return None
    days = policy.working_days.evaluate(enterprise_facts(profile)[0])
    return days if isinstance(days, int) else None


def verification_of(
    session: Session, claim_id: int, viewer: Principal
) -> tuple[Claim, Verification]:
    claim = PayoutRepository(session).claim(claim_id)
    if claim is None or not viewer.may_see(claim.uscc):
        raise NotFound("申请")
    return claim, _verified(session, claim)


def _verified(session: Session, claim: Claim) -> Verification:
    """``claim`` verified as it stands; a policy not in force on its date is a refusal."""
    try:
        return verify(session, claim)
    except NotInForce as error:
        raise DomainError("policy_not_in_force", str(error)) from None


def _snapshot(verification: Verification, claim: Claim) -> dict[str, Any]:
    return {
        "claim_date": claim.claim_date.isoformat(),
        "profile": verification.profile.model_dump(mode="json"),
        "claim_facts": claim.facts,
    }


def _trace(verification: Verification) -> Any:
    """The whole verification as plain data: every criterion with its evidence, every limit."""
    entitlement = verification.entitlement
    return to_json_value(
        {
            "status": entitlement.status,
            "computed_amount": verification.computed_amount,
            "payable_amount": verification.payable_amount,
            "criteria": [asdict(criterion) for criterion in entitlement.criteria],
            "limits": [asdict(check) for check in verification.limits],
            "problems": list(verification.problems),
        }
    )


def _append(
    session: Session,
    head: LedgerHead,
    claim: Claim,
    kind: DecisionKind,
    verification: Verification | None,
    actor: Principal,
    amount: Decimal | None = None,
    reason: str | None = None,
    reverses: Decision | None = None,
    commitments: Sequence[Commitment] = (),
) -> Decision:
    """Write one decision at the head of the chain (``head``, already taken), with what it
    commits against limits and the claim's status after it."""
    if verification is not None:
        version, policy_id = verification.policy.version, verification.policy.id
        snapshot, trace = _snapshot(verification, claim), _trace(verification)
    else:
        assert reverses is not None
        version, policy_id, snapshot, trace = (
            reverses.policy_version,
            reverses.policy_id,
            reverses.snapshot,
            reverses.trace,
        )
    decision = Decision(
        sequence=head.sequence + 1,
        claim_id=claim.id or 0,
        kind=kind,
        amount=amount,
        reason=reason,
        reverses=None if reverses is None else reverses.id,
        policy_id=policy_id,
        policy_version=version,
        snapshot=snapshot,
        trace=trace,
        decided_by=actor.name,
        decided_at=clock.now().replace(microsecond=0),
        entries=[commitment.to_json() for commitment in sorted(commitments)],
        prev_hash=head.last_hash,
        hash="",
        mac="",
    )
    decision.hash, decision.mac = seal(decision, head.last_hash, settings().ledger_key)
    session.add(decision)
    head.sequence, head.last_hash = decision.sequence, decision.hash
    session.add(head)
    session.flush()
    session.add_all(commitment.entry(decision.id or 0) for commitment in commitments)
    claim.record(kind)
    session.add(claim)
    session.flush()
    return decision


def decide(
    session: Session,
    claim_id: int,
    kind: DecisionKind,
    actor: Principal,
    amount: Decimal | None = None,
    reason: str | None = None,
) -> Decision:
    """Approve, reject or ask for materials. Nothing is written unless every check passes."""
    repository = PayoutRepository(session)
    head = repository.lock_head()
    claim = repository.claim(claim_id)
    if claim is None:
        raise NotFound("申请")
    session.refresh(claim)
    if claim.status not in OPEN_STATUSES:
        label = CLAIM_STATUS_LABELS[claim.status]
        raise Conflict("already_decided", f"该申请已{label.removeprefix('已')}，不能再次决定")
    if repository.standing_approval(claim_id) is not None:
        # The chain, not the status column, says whether the claim stands approved.
        raise Conflict("already_decided", "该申请已批准，不能再次决定")
    if kind is DecisionKind.REVERSAL:
        raise DomainError("use_reversal", "冲正请使用冲正接口")
    if kind is not DecisionKind.APPROVE and not (reason and reason.strip()):
        raise DomainError("reason_required", "驳回或要求补充材料须说明理由")
    verification = _verified(session, claim)  # the claim locked above, not fetched again
    commitments: list[Commitment] = []
    if kind is DecisionKind.APPROVE:
        _check_approval(verification, amount)
        amount = Decimal(amount or 0).quantize(FEN)
        commitments = [
            Commitment(claim.policy_id, check.bucket, amount, 1) for check in verification.limits
        ]
    return _append(
        session, head, claim, kind, verification, actor, amount, reason, None, commitments
    )


def _check_approval(verification: Verification, amount: Decimal | None) -> None:
    if verification.problems:
        raise DomainError("not_approvable", "；".join(verification.problems))
    payable = verification.payable_amount
    if amount is None or amount <= 0:
        raise DomainError("amount_required", "批准须填写大于 0 的金额")
    if payable is None or payable <= 0:
        exhausted = [c.label for c in verification.limits if c.exhausted]
        raise DomainError("limit_reached", "已达到限额：" + "、".join(exhausted))
    if amount > payable:
        raise DomainError("amount_over_cap", f"批准金额 {amount} 元超过可支付金额 {payable} 元")


def reverse(session: Session, decision_id: int, reason: str, actor: Principal) -> Decision:
    """Undo a standing approval with a new record; the claim returns to the queue."""
    repository = PayoutRepository(session)
    head = repository.lock_head()
    original = session.get(Decision, decision_id)
    if original is None:
        raise NotFound("决定")
    if not reason.strip():
        raise DomainError("reason_required", "冲正须说明理由")
    standing = repository.standing_approval(original.claim_id)
    if original.kind is not DecisionKind.APPROVE or standing is None or standing.id != original.id:
        raise Conflict("not_reversible", "只能冲正尚未冲正的批准决定")
    claim = repository.claim(original.claim_id)
    assert claim is not None
    return _append(
        session,
        head,
        claim,
        DecisionKind.REVERSAL,
        None,
        actor,
        -(original.amount or Decimal(0)),
        reason,
        original,
        [commitment.released() for commitment in commitments_of(original)],
    )
