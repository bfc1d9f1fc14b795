"""Approve a payable list after its 公示, into the decision ledger.

Each entry becomes a claim the system files and an approval written by
:func:`matcher.payouts.service.decide`, the one path money takes: the same ledger head taken
first, the same limits, the same hash chain. The policy of a 免申即享 list pays an enterprise
once (its compile check requires a per-enterprise count limit), so an enterprise's ordinary
claim and its list entry can never both be approved: whichever is decided second finds the
limit used. Entries are checked afresh on the day of approval; one whose facts changed, whose
amount no longer matches the 公示, or whose enterprise has claimed meanwhile is left to the
ordinary way, with the reason on the list.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session

from matcher import clock
from matcher.auth.service import Principal
from matcher.errors import Conflict, DomainError, NotFound
from matcher.no_application.evidence import assess_on_record
from matcher.no_application.lists import claimed_reason, no_application_policy
from matcher.no_application.repository import PayableRepository
from matcher.no_application.tables import ListStatus, PayableEntry, PayableList
from matcher.notices.claims import claim_decided
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.service import decide
from matcher.payouts.tables import Claim, DecisionKind
from matcher.payouts.verification import verify
from matcher.policies.compile import CompiledPolicy

SYSTEM_FILER = "system:no_application"
"""Who filed a claim a payable list made: no person, the list."""


@dataclass(slots=True)
class BatchResult:
    approved: list[PayableEntry] = field(default_factory=list)
    awaiting_payee: list[PayableEntry] = field(default_factory=list)
    excluded: list[PayableEntry] = field(default_factory=list)


def approve(session: Session, list_id: int, actor: Principal, today: date) -> BatchResult:
    """Approve every entry whose enterprise has confirmed its account; the others wait for it
    (approving the list again later pays them). Refused whole before the 公示 ends."""
    PayoutRepository(session).lock_head()
    repository = PayableRepository(session)
    payable = repository.payable_list(list_id)
    if payable is None:
        raise NotFound("名单")
    session.refresh(payable)
    _check_approvable(payable, today)
    policy = no_application_policy(session, payable.policy_id, today)
    if policy.version != payable.policy_version:
        raise DomainError(
            "policy_changed",
            "政策已发布新版本，名单按旧版本公示，不能批准；请按现行版本重新生成名单",
        )
    result = BatchResult()
    for entry in repository.entries(list_id):
        session.refresh(entry)
        if entry.claim_id is not None or entry.excluded_reason is not None:
            continue
        if entry.payee_sealed is None:
            result.awaiting_payee.append(entry)
            continue
        entry.excluded_reason = _refusal(session, repository, policy, entry, today)
        if entry.excluded_reason is None:
            _pay(session, entry, policy.id, actor, today)
            result.approved.append(entry)
        else:
            result.excluded.append(entry)
        session.add(entry)
    if payable.status is ListStatus.PUBLIC_NOTICE:
        payable.status, payable.approved_by = ListStatus.APPROVED, actor.actor_id
        payable.approved_at = clock.now()
        session.add(payable)
    session.flush()
    return result


def _check_approvable(payable: PayableList, today: date) -> None:
    if payable.status is ListStatus.DRAFT or payable.notice_until is None:
        raise Conflict("not_published", "名单尚未公示，不能批准")
    if today <= payable.notice_until:
        raise DomainError(
            "public_notice_running",
            f"公示期至 {payable.notice_until} 结束，"
            f"{payable.notice_until + timedelta(days=1)} 起方可批准",
        )


def _refusal(
    session: Session,
    repository: PayableRepository,
    policy: CompiledPolicy,
    entry: PayableEntry,
    today: date,
) -> str | None:
    """Why ``entry`` is not paid today, if it is not."""
    claimed = claimed_reason(repository.standing_claim(entry.enterprise_id, policy.id))
    if claimed is not None:
        return claimed
    assessment = assess_on_record(session, policy, entry.uscc, today)
    if assessment is None:
        return f"按批准日（{today}）登记的信息已不符合条件，请按普通申请办理"
    if assessment.excluded_reason is not None:
        return assessment.excluded_reason
    if assessment.amount != entry.amount:
        return (
            f"按批准日（{today}）计算的金额 {assessment.amount} 元与公示的 {entry.amount} 元不符，"
            "请按普通申请办理"
        )
    verification = verify(session, _claim(entry, policy.id, today))
    if not verification.approvable or (verification.payable_amount or 0) < (entry.amount or 0):
        problems = "；".join(verification.problems) or "已达到限额"
        return f"不能批准：{problems}"
    return None


def _claim(entry: PayableEntry, policy_id: str, today: date) -> Claim:
    """The claim the list files for ``entry``, with the account the enterprise confirmed."""
    return Claim(
        enterprise_id=entry.enterprise_id,
        uscc=entry.uscc,
        policy_id=policy_id,
        claim_date=today,
        facts={},
        filed_by=SYSTEM_FILER,
        payee_holder=entry.payee_holder,
        payee_bank=entry.payee_bank,
        payee_account_masked=entry.payee_account_masked,
        payee_sealed=entry.payee_sealed,
    )


def _pay(
    session: Session, entry: PayableEntry, policy_id: str, actor: Principal, today: date
) -> None:
    """File the entry's claim and approve it through the ledger; the enterprise is told in
    the same transaction (once: the notice is keyed by the decision)."""
    claim = _claim(entry, policy_id, today)
    session.add(claim)
    session.flush()
    decision = decide(session, claim.id or 0, DecisionKind.APPROVE, actor, entry.amount)
    entry.claim_id = claim.id
    claim_decided(session, decision)
