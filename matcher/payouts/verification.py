"""Verify a claim: recompute it under the policy version in force on the claim's date, with the
enterprise's facts as recorded on that date plus the claim's own facts, and check the payable
amount against the ledger's limits."""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlmodel import Session

from matcher import clock
from matcher.eligibility.evaluate import evaluate_one
from matcher.eligibility.results import Entitlement, Status
from matcher.enterprises.repository import EnterpriseRepository
from matcher.payouts.founder_keys import ID_HASH_SUFFIX
from matcher.payouts.ledger import limit_problems
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.tables import Claim
from matcher.policies.claims import parse_claim
from matcher.policies.compile import CompiledPolicy
from matcher.policies.versions import version_in_force
from matcher.profiles.facts import enterprise_facts
from matcher.profiles.model import EnterpriseProfile
from matcher.rules.ast import Value

BUDGET_BUCKET = "budget"
"""The bucket of a policy's whole budget; a year's budget is ``budget:<year>``."""


def is_budget(bucket: str) -> bool:
    """Whether ``bucket`` counts a policy's money (whole or one year's), not a fact's key."""
    return bucket == BUDGET_BUCKET or bucket.startswith(f"{BUDGET_BUCKET}:")


class NotInForce(ValueError):
    """No version of the policy governs the claim's date."""


@dataclass(frozen=True, slots=True)
class LimitCheck:
    """One ledger limit as it stands for this claim."""

    bucket: str
    label: str
    clause: str
    used_amount: Decimal
    used_count: int
    max_amount: Decimal | None
    max_count: int | None
    remaining: Decimal | None
    """What this claim may still receive under the limit; ``None`` for count limits."""
    exhausted: bool

    def fits(self, amount: Decimal | None) -> bool:
        """Whether a claim of ``amount`` (unknown: any amount) fits under the limit whole."""
        if self.exhausted:
            return False
        return self.remaining is None or amount is None or amount <= self.remaining


@dataclass(frozen=True, slots=True)
class LimitFit:
    """A limit as the claiming enterprise sees it: whether its claim fits, and nothing of what
    other claims (other enterprises') have used, nor the limit's key."""

    label: str
    clause: str
    fits: bool


@dataclass(frozen=True, slots=True)
class Verification:
    claim_id: int
    policy: CompiledPolicy
    profile: EnterpriseProfile
    entitlement: Entitlement
    computed_amount: Decimal | None
    payable_amount: Decimal | None
    limits: tuple[LimitCheck, ...]
    problems: tuple[str, ...] = field(default=())

    @property
    def fits(self) -> tuple[LimitFit, ...]:
        """Each limit as the claiming enterprise may see it."""
        return tuple(
            LimitFit(check.label, check.clause, check.fits(self.computed_amount))
            for check in self.limits
        )

    @property
    def approvable(self) -> bool:
        return (
            self.entitlement.status is Status.ELIGIBLE
            and bool(self.payable_amount)
            and not self.problems
        )


def _limits(
    repository: PayoutRepository,
    policy: CompiledPolicy,
    facts: dict[str, Value],
    claim_id: int | None,
    year: int,
) -> tuple[list[LimitCheck], list[str]]:
    """Each limit as it stands for a claim dated in ``year``: per key, the policy's whole
    budget, and the budget of the claim's year (what a year's money allows)."""
    checks, problems = [], []
    benefit = policy.policy.benefit
    rules = [
        (limit.per, limit.max_amount, limit.max_count, limit.clause) for limit in benefit.limits
    ]
    budgets: dict[str, str] = {}
    if benefit.budget is not None:
        rules.append((BUDGET_BUCKET, benefit.budget, None, "政策资金总额"))
        budgets[BUDGET_BUCKET] = "政策资金总额"
    for budget in benefit.budgets:
        if budget.year == year:
            bucket = f"{BUDGET_BUCKET}:{year}"
            rules.append((bucket, budget.amount, None, budget.source))
            budgets[bucket] = f"{year} 年度资金预算"
    for per, max_amount, max_count, clause in rules:
        if per in budgets:
            bucket, label = per, budgets[per]
        else:
            value = facts.get(per)
            spec = policy.schema.get(per)
            label = spec.label if spec else per
            if value is None:
                problems.append(f"缺少{label}，无法核对限额")
                continue
            bucket = f"{per}={value}"
        buckets = [bucket]
        if per.endswith(ID_HASH_SUFFIX) and isinstance(value, str):
            buckets += [f"{per}={old}" for old in repository.retired_pseudonyms(value)]
        used_amount, used_count = repository.bucket_totals(policy.id, buckets, claim_id)
        remaining = None if max_amount is None else max(max_amount - used_amount, Decimal("0.00"))
        exhausted = (max_count is not None and used_count >= max_count) or remaining == 0
        checks.append(
            LimitCheck(
                bucket,
                label,
                clause,
                used_amount,
                used_count,
                max_amount,
                max_count,
                remaining,
                exhausted,
            )
        )
    return checks, problems


def _founders_off_record(session: Session, claim: Claim) -> list[str]:
    """A founder's key that is no founder's on the enterprise's record: a claim filed before the
    window derived keys from the record (any text was taken then), or a founder since removed."""
    on_record = EnterpriseRepository(session).founder_id_hashes(claim.enterprise_id)
    keys = [v for name, v in claim.facts.items() if name.endswith(ID_HASH_SUFFIX)]
    if all(key in on_record for key in keys):
        return []
    return ["申请所列创业者不是本企业登记的创业者，不能批准；请先由工作人员凭材料补录"]


def verify(session: Session, claim: Claim) -> Verification:
    """Recompute ``claim`` as of its date; raises :class:`NotInForce` when no version governs it."""
    policy = version_in_force(session, claim.policy_id, claim.claim_date)
    if policy is None:
        raise NotInForce(f"政策 {claim.policy_id} 在申请日期 {claim.claim_date} 未生效")
    profile = EnterpriseRepository(session).profile_as_of(
        claim.uscc, clock.end_of_day(claim.claim_date), policy.declared
    )
    assert profile is not None, "a claim's enterprise is never deleted"
    entitlement = evaluate_one(policy, profile, claim.claim_date, claim.facts)
    facts, _ = enterprise_facts(profile)
    facts.update(parse_claim(policy.claim_model, claim.facts))
    computed = entitlement.amount if entitlement.status is Status.ELIGIBLE else None
    checks, problems = _limits(
        PayoutRepository(session), policy, facts, claim.id, claim.claim_date.year
    )
    problems.extend(_founders_off_record(session, claim))
    ledger = limit_problems(session, policy.id)
    if ledger:
        problems.append(f"限额账目与账本记录不符（{ledger[0]}），须先核查账本")
    payable = computed
    for check in checks:
        if check.max_count is not None and check.exhausted:
            payable = Decimal("0.00")
        elif check.remaining is not None and payable is not None:
            payable = min(payable, check.remaining)
    if entitlement.status is not Status.ELIGIBLE:
        problems.append("按申请日期的政策版本和企业信息重新计算，不符合条件或尚待确认")
    elif computed is None:
        problems.append("金额无法计算：" + "、".join(m.label for m in entitlement.missing_facts))
    return Verification(
        claim_id=claim.id or 0,
        policy=policy,
        profile=profile,
        entitlement=entitlement,
        computed_amount=computed,
        payable_amount=payable,
        limits=tuple(checks),
        problems=tuple(problems),
    )
