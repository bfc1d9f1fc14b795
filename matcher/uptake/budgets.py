"""Budget use: what the ledger has committed against each policy's budget, whole and this
year's, exactly as the window's limits count it (:mod:`matcher.payouts.verification`)."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlmodel import Session, col

from matcher.payouts.tables import LedgerEntry
from matcher.payouts.verification import BUDGET_BUCKET
from matcher.policies.model import Policy
from matcher.uptake.stages import money


@dataclass(frozen=True, slots=True)
class BudgetUse:
    policy_id: str
    label: str
    """政策资金总额, or the year's budget."""
    budget: Decimal
    used: Decimal

    @property
    def share(self) -> Decimal:
        """The part used, in per cent (one decimal)."""
        return (self.used * 100 / self.budget).quantize(Decimal("0.1"))


def budget_use(session: Session, policies: list[Policy], year: int) -> list[BudgetUse]:
    """Each budget of ``policies`` (the whole, and ``year``'s) and what approvals that stand
    have used of it; a policy without a budget has no row."""
    wanted = {
        (policy.id, BUDGET_BUCKET): ("政策资金总额", policy.benefit.budget)
        for policy in policies
        if policy.benefit.budget is not None
    }
    wanted |= {
        (policy.id, f"{BUDGET_BUCKET}:{year}"): (f"{year} 年度资金预算", budget.amount)
        for policy in policies
        for budget in policy.benefit.budgets
        if budget.year == year
    }
    if not wanted:
        return []
    used = dict(
        (((policy_id, bucket), amount))
        for policy_id, bucket, amount in session.execute(
            select(
                col(LedgerEntry.policy_id), col(LedgerEntry.bucket), func.sum(LedgerEntry.amount)
            )
            .where(
                col(LedgerEntry.policy_id).in_({policy_id for policy_id, _ in wanted}),
                col(LedgerEntry.bucket).in_({bucket for _, bucket in wanted}),
            )
            .group_by(col(LedgerEntry.policy_id), col(LedgerEntry.bucket))
        ).all()
    )
    return [
        BudgetUse(policy_id, label, amount, money(used.get((policy_id, bucket))))
        for (policy_id, bucket), (label, amount) in wanted.items()
    ]
