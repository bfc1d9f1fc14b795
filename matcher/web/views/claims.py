"""Claims in a list, for the staff queue and an enterprise's own list: the policy's title, the
enterprise's name, the status in words, the due date with whether it has passed, and the amount.

The amount of an approved claim is the amount approved; of any other, the policy's formula on
the claim's own facts, when it needs no other (a fixed sum, a share of the contract's value):
before limits, and without the recomputation a review does, which is too slow for a list."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session

from matcher.eligibility.evaluate import FEN
from matcher.enterprises.repository import EnterpriseRepository
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.schemas import ClaimPublic
from matcher.payouts.tables import CLAIM_STATUS_LABELS, Claim
from matcher.policies.catalog import Catalog
from matcher.policies.claims import parse_claim
from matcher.policies.compile import CompiledPolicy
from matcher.profiles.errors import ProfileError


@dataclass(frozen=True, slots=True)
class ClaimRow:
    claim: ClaimPublic
    """With ``overdue`` worked out as the API does."""
    title: str
    enterprise: str
    status_label: str
    amount: Decimal | None
    """Approved, or expected (see the module's note); ``None`` when a list cannot tell."""
    approved: bool


def expected_amount(policy: CompiledPolicy, claim: Claim) -> Decimal | None:
    """The policy's formula on the claim's own facts; ``None`` when it needs any other fact."""
    formula = policy.amount
    if formula is None or not all(path.startswith("claim.") for path in formula.fields):
        return None
    try:
        value = formula.evaluate(parse_claim(policy.claim_model, claim.facts))
    except ProfileError:
        return None
    if not isinstance(value, int | Decimal) or isinstance(value, bool):
        return None
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def claim_rows(
    session: Session, catalog: Catalog, claims: Sequence[Claim], today: date
) -> tuple[ClaimRow, ...]:
    """``claims`` in the given order, each with its words looked up."""
    names = EnterpriseRepository(session).names({c.uscc for c in claims})
    approved = PayoutRepository(session).standing_amounts([c.id for c in claims if c.id])
    rows = []
    for claim in claims:
        compiled = catalog.get(claim.policy_id)
        amount = approved.get(claim.id or 0)
        if amount is None and compiled is not None:
            amount = expected_amount(compiled, claim)
        rows.append(
            ClaimRow(
                ClaimPublic.of(claim, today),
                compiled.policy.title if compiled is not None else claim.policy_id,
                names.get(claim.uscc, claim.uscc),
                CLAIM_STATUS_LABELS[claim.status],
                amount,
                claim.id in approved,
            )
        )
    return tuple(rows)
