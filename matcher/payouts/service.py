"""File claims and decide them. Services flush; the request commits.

Every decision runs with the ledger head taken first, so decisions are serialised: two
staff members approving the same claim, the same founder's subsidy, one project's cap or the
last of a budget at the same moment are decided one after the other, each against the totals
the previous one left.
"""

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from matcher import clock
from matcher.auth.service import Principal
from matcher.config import settings
from matcher.eligibility.evaluate import FEN
from matcher.enterprises.founders import valid_id_hash
from matcher.enterprises.repository import EnterpriseRepository
from matcher.errors import Conflict, DomainError, NotFound
from matcher.payouts.chain import record_hash
from matcher.payouts.deadlines import add_working_days
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.tables import (
    CLAIM_STATUS_LABELS,
    OPEN_STATUSES,
    Claim,
    ClaimStatus,
    Decision,
    DecisionKind,
    LedgerEntry,
    LedgerHead,
)
from matcher.payouts.verification import NotInForce, Verification, verify
from matcher.policies.claims import parse_claim
from matcher.policies.compile import CompiledPolicy
from matcher.policies.versions import version_in_force
from matcher.profiles.errors import FieldError, ProfileError
from matcher.profiles.facts import enterprise_facts
from matcher.serialization import to_json_value

ID_NUMBER_SUFFIX, ID_HASH_SUFFIX = "_id_number", "_id_hash"


def _hash_id_numbers(facts: dict[str, Any]) -> dict[str, Any]:
    """A claim may give ``<x>_id_number`` for a declared ``<x>_id_hash``: checked (GB 11643)
    and hashed on arrival, so the number itself is never stored."""
    result, errors = {}, []
    for name, value in facts.items():
        if not name.endswith(ID_NUMBER_SUFFIX):
            result[name] = value
            continue
        hashed = valid_id_hash(value)
        if hashed is None:
            errors.append(FieldError(f"facts.{name}", "invalid_id_number", "身份证号码无效"))
        result[name.removesuffix(ID_NUMBER_SUFFIX) + ID_HASH_SUFFIX] = hashed
    if errors:
        raise ProfileError(errors)
    return result


def file_claim(
    session: Session,
    uscc: str,
    policy_id: str,
    facts: dict[str, Any],
    claim_date: date,
    actor: Principal,
) -> Claim:
    """Record a claim with its facts; every fact the amount and criteria need must be present."""
    if not actor.may_see(uscc):
        raise NotFound("企业")
    row = EnterpriseRepository(session).row(uscc)
    if row is None:
        raise NotFound("企业")
    policy = version_in_force(session, policy_id, claim_date)
    if policy is None:
        raise DomainError(
            "policy_not_in_force", f"政策 {policy_id} 在申请日期 {claim_date} 未生效或不存在"
        )
    facts = _hash_id_numbers(facts)
    parsed = parse_claim(policy.claim_model, facts)
    missing = [
        FieldError(f"facts.{path.removeprefix('claim.')}", "missing", "必填")
        for path, value in parsed.items()
        if value is None
    ]
    if missing:
        raise ProfileError(missing)
    due = add_working_days(claim_date, _processing_days(session, uscc, policy))
    claim = Claim(
        enterprise_id=row["id"],
        uscc=uscc,
        policy_id=policy_id,
        claim_date=claim_date,
        facts=to_json_value(facts),
        due_date=due.day,
        due_date_estimated=due.estimated,
        filed_by=actor.name,
    )
    session.add(claim)
    session.flush()
    return claim


def _processing_days(session: Session, uscc: str, policy: CompiledPolicy) -> int:
    """The policy's time limit for this enterprise, or the window's default when it sets none."""
    profile = EnterpriseRepository(session).get(uscc)
    if policy.working_days is not None and profile is not None:
        days = policy.working_days.evaluate(enterprise_facts(profile)[0])
        if isinstance(days, int):
            return days
    return settings().default_processing_days


def verification_of(
    session: Session, claim_id: int, viewer: Principal
) -> tuple[Claim, Verification]:
    claim = PayoutRepository(session).claim(claim_id)
    if claim is None or not viewer.may_see(claim.uscc):
        raise NotFound("申请")
    try:
        return claim, verify(session, claim)
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
) -> Decision:
    """Write one decision at the head of the chain (``head``, already taken)."""
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
        prev_hash=head.last_hash,
        hash="",
    )
    decision.hash = record_hash(decision, head.last_hash)
    session.add(decision)
    head.sequence, head.last_hash = decision.sequence, decision.hash
    session.add(head)
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
    if kind is DecisionKind.REVERSAL:
        raise DomainError("use_reversal", "冲正请使用冲正接口")
    if kind is not DecisionKind.APPROVE and not (reason and reason.strip()):
        raise DomainError("reason_required", "驳回或要求补充材料须说明理由")
    _, verification = verification_of(session, claim_id, actor)
    if kind is DecisionKind.APPROVE:
        _check_approval(verification, amount)
        amount = Decimal(amount or 0).quantize(FEN)
    decision = _append(session, head, claim, kind, verification, actor, amount, reason)
    if kind is DecisionKind.APPROVE:
        assert amount is not None
        for bucket in (check.bucket for check in verification.limits):
            session.add(
                LedgerEntry(
                    decision_id=decision.id or 0,
                    policy_id=claim.policy_id,
                    bucket=bucket,
                    amount=amount,
                    count=1,
                )
            )
        claim.status = ClaimStatus.APPROVED
    elif kind is DecisionKind.REJECT:
        claim.status = ClaimStatus.REJECTED
    else:
        claim.status = ClaimStatus.MATERIALS_REQUESTED
    session.add(claim)
    session.flush()
    return decision


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
    reversal = _append(
        session,
        head,
        claim,
        DecisionKind.REVERSAL,
        None,
        actor,
        -(original.amount or Decimal(0)),
        reason,
        original,
    )
    for entry in repository.entries_of(original.id or 0):
        session.add(
            LedgerEntry(
                decision_id=reversal.id or 0,
                policy_id=entry.policy_id,
                bucket=entry.bucket,
                amount=-entry.amount,
                count=-entry.count,
            )
        )
    claim.status = ClaimStatus.PENDING
    session.add(claim)
    session.flush()
    return reversal
