"""The stages of every pair (enterprise, policy) the filter selects, counted per group.

One query: each stage's pairs (see :mod:`matcher.uptake`) are stacked with ``UNION ALL`` and
folded into one row per pair with a flag per stage, then counted per policy, industry
cluster or size class. Counts are of pairs: under one policy, of enterprises.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, case, cast, func, literal_column, null, select, union_all
from sqlmodel import Session, col

from matcher.enterprises.tables import enterprises
from matcher.notices.tables import NoticeKind, NoticeStatus, OutboxNotice
from matcher.payouts.repository import standing_approvals
from matcher.payouts.tables import MONEY, Claim, Decision
from matcher.policies.model import BenefitKind
from matcher.uptake.eligible import eligible_pairs
from matcher.uptake.selection import UptakeFilter

CENT = Decimal("0.01")
FLAGS = ("e", "n", "c", "a")
"""The stage flags of a pair: eligible, notified, claimed, approved."""
ENTITLEMENT_KINDS = tuple(kind.value for kind in NoticeKind)
"""Notices that tell an enterprise what it is entitled to (not how its claim goes)."""


class Dimension(StrEnum):
    POLICY = "policy"
    CLUSTER = "industry_cluster"
    SIZE_CLASS = "size_class"


@dataclass(frozen=True, slots=True)
class StageCounts:
    key: str | None
    """The policy id, cluster or size class; ``None``: not known for the enterprise."""
    eligible: int
    notified: int
    claimed: int
    approved: int
    cash_amount: Decimal
    """What the eligible pairs of 资金补贴 policies are owed together, as the state holds it."""
    tax_relief_amount: Decimal
    """The tax the eligible pairs of 税收优惠 policies are estimated to be spared: never paid
    out of a budget, so never added to ``cash_amount``."""
    approved_amount: Decimal
    """The standing approvals of the pairs, together."""


@dataclass(frozen=True, slots=True)
class Funnel:
    """Eligible pairs, and of them those notified, of those those who claimed, then approved."""

    eligible: int
    notified: int
    claimed: int
    approved: int


def money(value: Any) -> Decimal:
    """A sum as the database returns it (SQLite: a float) in yuan and fen."""
    return Decimal(str(value or 0)).quantize(CENT)


def _stage(statement: Select[int, str], flag: str, amount: Any = None) -> Any:
    """``statement``'s pairs with ``flag`` set and ``amount`` (yuan) beside it."""
    flags: list[Any] = [literal_column(str(int(name == flag))).label(name) for name in FLAGS]
    return statement.add_columns(
        *flags, cast(null() if amount is None else amount, MONEY).label("amount")
    )


def pair_stages(chosen: UptakeFilter) -> Any:
    """One row per pair: ``enterprise_id, policy_id, e, n, c, a`` (1 where the pair reached
    the stage), ``eligible_amount`` and ``approved_amount``."""
    eligible = eligible_pairs().subquery("eligible")
    notices = col(OutboxNotice.policy_id)
    claims = col(Claim.policy_id)
    stacked = union_all(
        _stage(
            select(eligible.c.enterprise_id, eligible.c.policy_id).where(
                eligible.c.policy_id.in_(chosen.policy_ids)
            ),
            "e",
            eligible.c.amount,
        ),
        _stage(
            select(col(OutboxNotice.enterprise_id), notices).where(
                notices.in_(chosen.policy_ids),
                col(OutboxNotice.status) == NoticeStatus.SENT,
                col(OutboxNotice.kind).in_(ENTITLEMENT_KINDS),
                *chosen.at_moments(col(OutboxNotice.sent_at)),
            ),
            "n",
        ),
        _stage(
            select(col(Claim.enterprise_id), claims).where(
                claims.in_(chosen.policy_ids), *chosen.on_days(col(Claim.claim_date))
            ),
            "c",
        ),
        _stage(
            select(col(Claim.enterprise_id), claims)
            .join(Decision, col(Decision.claim_id) == col(Claim.id))
            .where(
                claims.in_(chosen.policy_ids),
                standing_approvals(),
                *chosen.at_moments(col(Decision.decided_at)),
            ),
            "a",
            col(Decision.amount),
        ),
    ).subquery("stages")
    return (
        select(
            stacked.c.enterprise_id,
            stacked.c.policy_id,
            *(func.max(stacked.c[flag]).label(flag) for flag in FLAGS),
            func.sum(case((stacked.c.e == 1, stacked.c.amount))).label("eligible_amount"),
            func.sum(case((stacked.c.a == 1, stacked.c.amount))).label("approved_amount"),
        )
        .group_by(stacked.c.enterprise_id, stacked.c.policy_id)
        .subquery("pairs")
    )


def _with_enterprises(pairs: Any) -> Any:
    return pairs.join(enterprises, enterprises.c.id == pairs.c.enterprise_id)


def stage_counts(
    session: Session, chosen: UptakeFilter, by: Dimension, kinds: Mapping[str, BenefitKind]
) -> list[StageCounts]:
    """The stages counted per group of ``by``, in the order of the group's key; the eligible
    pairs' amounts summed apart by their policy's benefit kind (``kinds``, by policy id):
    cash and estimated tax relief. Other kinds' amounts (a loan's principal, say) are neither."""
    pairs = pair_stages(chosen)
    key = pairs.c.policy_id if by is Dimension.POLICY else enterprises.c[by.value]

    def owed(kind: BenefitKind) -> Any:
        of_kind = [policy_id for policy_id, its in kinds.items() if its is kind]
        return func.sum(case((pairs.c.policy_id.in_(of_kind), pairs.c.eligible_amount)))

    rows = session.execute(
        select(
            key,
            *(func.sum(pairs.c[flag]) for flag in FLAGS),
            owed(BenefitKind.CASH_SUBSIDY),
            owed(BenefitKind.TAX_PREFERENCE),
            func.sum(pairs.c.approved_amount),
        )
        .select_from(_with_enterprises(pairs))
        .where(*chosen.enterprise_conditions())
        .group_by(key)
        .order_by(key)
    ).all()
    return [
        StageCounts(
            key,
            int(eligible),
            int(notified),
            int(claimed),
            int(approved),
            money(cash),
            money(tax_relief),
            money(paid),
        )
        for key, eligible, notified, claimed, approved, cash, tax_relief, paid in rows
    ]


def funnel(session: Session, chosen: UptakeFilter) -> Funnel:
    """How many eligible pairs got each stage further, each stage within the one before."""
    pairs = pair_stages(chosen)
    reached = pairs.c.e
    counts = []
    for flag in ("n", "c", "a"):
        counts.append(func.coalesce(func.sum(case((reached == 1, 1), else_=0)), 0))
        reached = reached * pairs.c[flag]
    counts.append(func.coalesce(func.sum(case((reached == 1, 1), else_=0)), 0))
    row = session.execute(
        select(*counts).select_from(_with_enterprises(pairs)).where(*chosen.enterprise_conditions())
    ).one()
    return Funnel(*(int(n) for n in row))
