"""File claims and decide them. Services flush; the request commits.

Every decision runs with the ledger head taken first, so decisions are serialised: two
staff members approving the same claim, the same founder's subsidy, one project's cap or the
last of a budget at the same moment are decided one after the other, each against the totals
the previous one left.
"""

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from matcher import clock
from matcher.auth.service import Principal
from matcher.config import settings
from matcher.eligibility.evaluate import FEN, evaluate_one
from matcher.eligibility.results import Outcome, Status
from matcher.enterprises.repository import EnterpriseRepository
from matcher.errors import Conflict, DomainError, NotFound
from matcher.payouts.chain import Commitment, commitments_of, seal
from matcher.payouts.claim_dates import claim_date_for
from matcher.payouts.deadlines import add_working_days
from matcher.payouts.founder_keys import derive_founder_keys
from matcher.payouts.payee import Payee
from matcher.payouts.payee_seal import sealed_fingerprint, store_payee
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.tables import (
    CLAIM_STATUS_LABELS,
    OPEN_STATUSES,
    Claim,
    ClaimStatus,
    Decision,
    DecisionKind,
    LedgerHead,
)
from matcher.payouts.verification import NotInForce, Verification, verify
from matcher.policies.claims import parse_claim
from matcher.policies.compile import CompiledPolicy
from matcher.policies.model import BenefitKind
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
    *,
    payee: Payee | None,
) -> Claim:
    """Record a claim with its facts, as the policy's claim facts read them (a registration
    number normalised, an ID number as its hash); every fact the amount and criteria need must
    be present, and so must the payee account the money goes to (kept sealed:
    :mod:`payee_seal`). The claim is dated today unless staff date it back (:mod:`claim_dates`)."""
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
    _pays_cash(policy)
    parsed = _read_facts(
        policy, derive_founder_keys(facts, enterprises.founder_id_hashes(row["id"]))
    )
    missing = [
        FieldError(f"facts.{path.removeprefix('claim.')}", "missing", "必填")
        for path, value in parsed.items()
        if value is None
    ]
    if payee is None:
        missing.append(FieldError("payee", "missing", "必填：收款账户（户名、开户行、账号）"))
    if missing:
        raise ProfileError(missing)
    assert payee is not None, "refused above"
    claim_facts = {path.removeprefix("claim."): v for path, v in parsed.items()}
    _entitled(session, uscc, policy, claim_date, to_json_value(claim_facts))
    days = _processing_days(session, uscc, policy)
    due = None if days is None else add_working_days(claim_date, days)
    claim = Claim(
        enterprise_id=row["id"],
        uscc=uscc,
        policy_id=policy_id,
        claim_date=claim_date,
        facts=to_json_value(claim_facts),
        due_date=None if due is None else due.day,
        processing_days=days,
        due_date_estimated=due is not None and due.estimated,
        filed_by=actor.actor_id,
    )
    store_payee(claim, payee, settings().ledger_key)
    session.add(claim)
    session.flush()
    return claim


def _pays_cash(policy: CompiledPolicy) -> None:
    """Only a policy that pays money is claimed at the window; the others are enjoyed where
    their text says (a tax return, a procurement, a registry)."""
    if policy.policy.benefit.kind is not BenefitKind.CASH_SUBSIDY:
        how = policy.policy.apply.how or f"请向{policy.policy.apply.where.name}咨询办理"
        raise DomainError(
            "not_cash", f"“{policy.policy.title}”不发放资金，无需在兑现专窗申请兑现：{how}"
        )


def _entitled(
    session: Session, uscc: str, policy: CompiledPolicy, claim_date: date, facts: dict[str, Any]
) -> None:
    """Refuse a claim the enterprise's recorded facts rule out on its date: a criterion that
    fails now (one that time will satisfy says from when). A claim whose facts are only
    unknown is taken: the window verifies them from the materials before any approval."""
    profile = EnterpriseRepository(session).profile_as_of(
        uscc, clock.end_of_day(claim_date), policy.declared
    )
    if profile is None:
        raise DomainError(
            "not_on_record", f"申请日期 {claim_date} 时尚无该企业的档案，不能按该日期申请"
        )
    entitlement = evaluate_one(policy, profile, claim_date, facts)
    if entitlement.status is not Status.NOT_ELIGIBLE:
        return
    failed = [c for c in entitlement.criteria if c.result is Outcome.FAIL]
    reasons = "；".join(
        c.label if c.satisfied_on is None else f"{c.label}（{c.satisfied_on} 起满足）"
        for c in failed
    )
    if entitlement.eligible_from is not None:
        raise DomainError(
            "not_yet_entitled",
            f"申请日期 {claim_date} 尚不符合条件，"
            f"可于 {entitlement.eligible_from} 起申请：{reasons}",
        )
    raise DomainError(
        "not_entitled", f"按企业登记的信息不符合“{policy.policy.title}”的条件：{reasons}"
    )


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
        "payee": sealed_fingerprint(claim.payee_sealed, settings().ledger_key),
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
    answers: Decision | None = None,
) -> Decision:
    """Write one decision at the head of the chain (``head``, already taken), with what it
    commits against limits and the claim's status after it. A record written without a
    verification carries the policy version, snapshot and trace of the record it reverses or
    ``answers``."""
    if verification is not None:
        version, policy_id = verification.policy.version, verification.policy.id
        snapshot, trace = _snapshot(verification, claim), _trace(verification)
    else:
        carried = reverses or answers
        assert carried is not None
        version, policy_id, snapshot, trace = (
            carried.policy_version,
            carried.policy_id,
            carried.snapshot,
            carried.trace,
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
        decided_by=actor.actor_id,
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
    respond_by: date | None = None,
) -> Decision:
    """Approve, reject or ask for materials (by ``respond_by``, when staff set a day). Nothing
    is written unless every check passes."""
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
    if kind is DecisionKind.RESUBMIT:
        raise DomainError("use_resubmit", "补正后重新提交请使用重新提交接口")
    if kind is not DecisionKind.APPROVE and not (reason and reason.strip()):
        raise DomainError("reason_required", "驳回或要求补充材料须说明理由")
    _check_respond_by(kind, respond_by, clock.today())
    verification = _verified(session, claim)  # the claim locked above, not fetched again
    commitments: list[Commitment] = []
    if kind is DecisionKind.APPROVE:
        _check_approval(verification, amount)
        amount = Decimal(amount or 0).quantize(FEN)
        commitments = [
            Commitment(claim.policy_id, check.bucket, amount, 1) for check in verification.limits
        ]
    claim.respond_by = respond_by
    return _append(
        session, head, claim, kind, verification, actor, amount, reason, None, commitments
    )


RESPOND_WITHIN_DAYS = 60
"""The latest 补正期限 staff may set, in calendar days from today: the window's own reading.
《中华人民共和国行政许可法》第三十二条 has the office tell the applicant everything to
补正 at once, but no text sets how long the applicant has; a day after today and within
60 days keeps a request from being due at once or left open for a season."""


def _check_respond_by(kind: DecisionKind, respond_by: date | None, today: date) -> None:
    if respond_by is None:
        return
    if kind is not DecisionKind.REQUEST_MATERIALS:
        raise DomainError("respond_by_unexpected", "只有要求补充材料时才能设定补正期限")
    if respond_by <= today:
        raise DomainError("respond_by_past", f"补正期限须晚于今天（{today}）")
    if respond_by > today + timedelta(days=RESPOND_WITHIN_DAYS):
        latest = today + timedelta(days=RESPOND_WITHIN_DAYS)
        raise DomainError(
            "respond_by_too_far", f"补正期限至多为今天起 {RESPOND_WITHIN_DAYS} 天（{latest}）"
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


def resubmit(session: Session, claim_id: int, actor: Principal) -> Decision:
    """补正后重新提交: the enterprise (or staff on its behalf) hands the claim back after a
    materials request, as a new record of the ledger carrying the request's verification.

    《中华人民共和国行政许可法》第三十二条（五）: "申请事项属于本行政机关职权范围，申请材料齐全、
    符合法定形式，或者申请人按照本行政机关的要求提交全部补正申请材料的，应当受理行政许可申请。"
    The claim is taken (受理) afresh on the day of the resubmission, so its time limit counts
    from that day: the due date is the policy's working days after it.
    """
    repository = PayoutRepository(session)
    head = repository.lock_head()
    claim = repository.claim(claim_id)
    if claim is None or not actor.may_see(claim.uscc):
        raise NotFound("申请")
    session.refresh(claim)
    if claim.status is not ClaimStatus.MATERIALS_REQUESTED:
        raise Conflict("not_materials_requested", "该申请不在待补充材料状态，无需重新提交")
    request = repository.decisions(claim_id)[-1]
    assert request.kind is DecisionKind.REQUEST_MATERIALS, "the status follows the last record"
    today = clock.today()
    claim.restarted_on, claim.respond_by = today, None
    if claim.processing_days is not None:
        due = add_working_days(today, claim.processing_days)
        claim.due_date, claim.due_date_estimated = due.day, due.estimated
    return _append(session, head, claim, DecisionKind.RESUBMIT, None, actor, answers=request)
