"""One claim as the window reviews it: the recomputation under the policy version of the claim
date, criterion by criterion beside its clause; the amount after each limit; what blocks
approval; and the decision record."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from matcher import clock
from matcher.api.errors import status_of
from matcher.auth.service import Principal, actor_names
from matcher.auth.tables import Role
from matcher.eligibility.results import CriterionResult
from matcher.errors import DomainError, NotFound
from matcher.payouts import service
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.tables import DECISION_LABELS, OPEN_STATUSES, Decision
from matcher.payouts.verification import LimitCheck, LimitFit, Verification, is_budget
from matcher.policies.catalog import Catalog
from matcher.policies.claims import parse_claim
from matcher.policies.compile import CompiledPolicy
from matcher.profiles.labels import show_money
from matcher.profiles.schema import fact_label
from matcher.rules.ast import Value
from matcher.web.claim_words import show_claim_value
from matcher.web.errors import PageError
from matcher.web.views.claims import ClaimRow, claim_rows
from matcher.web.views.entitlements import OUTCOME_MARKS, CriterionView, Seen
from matcher.web.views.policy import SHORT_VERSION


@dataclass(frozen=True, slots=True)
class LimitRow:
    """One limit in words: 技术合同登记编号 JY2021000001, at most 300,000.00 元, so much used,
    so much left."""

    label: str
    key: str | None
    """The limit's key for this claim (the project number); ``None`` for a policy's budget."""
    cap: str
    used: str
    remaining: str
    clause: str
    exhausted: bool


@dataclass(frozen=True, slots=True)
class DecisionRow:
    decision: Decision
    label: str
    reverses: int | None
    """For a reversal, the sequence number of the approval it undoes."""
    when: str
    short_hash: str
    by: str
    """Who decided, as pages show them (the record keeps their actor id)."""


@dataclass(frozen=True, slots=True)
class ClaimReview:
    row: ClaimRow
    filed_when: str
    filed_by: str
    """Who filed, as pages show them."""
    facts: tuple[Seen, ...]
    verification: Verification
    criteria: tuple[CriterionView, ...]
    limits: tuple[LimitRow, ...]
    """For staff: each limit with what other claims used; empty for the enterprise."""
    fits: tuple[LimitFit, ...]
    """For the enterprise: only whether its claim fits under each limit; empty for staff."""
    history: tuple[DecisionRow, ...]
    standing_approval: Decision | None

    @property
    def short_version(self) -> str:
        return self.verification.policy.version[:SHORT_VERSION]

    @property
    def open(self) -> bool:
        return self.row.claim.status in OPEN_STATUSES

    @property
    def payable_input(self) -> str:
        """The payable amount as the approval form is prefilled with it."""
        payable = self.verification.payable_amount
        return "" if payable is None else f"{payable:.2f}"


def _seen(policy: CompiledPolicy, values: dict[str, Value]) -> tuple[Seen, ...]:
    return tuple(
        Seen(fact_label(policy.schema, path), show_claim_value(policy, path, value))
        for path, value in values.items()
    )


def _criterion(criterion: CriterionResult, policy: CompiledPolicy) -> CriterionView:
    return CriterionView(
        criterion, OUTCOME_MARKS[criterion.result], _seen(policy, criterion.values)
    )


def _limit(check: LimitCheck, policy: CompiledPolicy) -> LimitRow:
    key = None
    if not is_budget(check.bucket):
        path, _, value = check.bucket.partition("=")
        key = show_claim_value(policy, path, value)
    if check.max_count is not None:
        left = max(check.max_count - check.used_count, 0)
        cap, used, remaining = f"{check.max_count} 次", f"{check.used_count} 次", f"{left} 次"
    else:
        cap = show_money(check.max_amount)
        used, remaining = show_money(check.used_amount), show_money(check.remaining)
    return LimitRow(check.label, key, cap, used, remaining, check.clause, check.exhausted)


def _when(moment: datetime) -> str:
    """A stored moment as the minute it was in China."""
    return clock.as_utc(moment).astimezone(clock.CHINA).strftime("%Y-%m-%d %H:%M")


def _history(decisions: list[Decision], names: dict[str, str]) -> tuple[DecisionRow, ...]:
    sequences = {d.id: d.sequence for d in decisions}
    return tuple(
        DecisionRow(
            d,
            DECISION_LABELS[d.kind],
            None if d.reverses is None else sequences.get(d.reverses),
            _when(d.decided_at),
            d.hash[:SHORT_VERSION],
            names[d.decided_by],
        )
        for d in decisions
    )


def load_review(
    session: Session, catalog: Catalog, claim_id: int, who: Principal, today: date
) -> ClaimReview:
    """The claim as ``who`` may see it; a page error when it is not there or not theirs."""
    try:
        claim, verification = service.verification_of(session, claim_id, who)
    except DomainError as error:
        title = "未找到该申请" if isinstance(error, NotFound) else "无法核验该申请"
        raise PageError(status_of(error), title, error.message) from None
    policy = verification.policy
    facts = _seen(policy, parse_claim(policy.claim_model, claim.facts))
    repository = PayoutRepository(session)
    staff = who.role is not Role.ENTERPRISE
    decisions = list(repository.decisions(claim_id))
    names = actor_names(session, [claim.filed_by, *(d.decided_by for d in decisions)])
    return ClaimReview(
        claim_rows(session, catalog, [claim], today)[0],
        _when(claim.filed_at),
        names[claim.filed_by],
        facts,
        verification,
        tuple(_criterion(c, policy) for c in verification.entitlement.criteria),
        tuple(_limit(check, policy) for check in verification.limits) if staff else (),
        () if staff else verification.fits,
        _history(decisions, names),
        repository.standing_approval(claim_id),
    )
