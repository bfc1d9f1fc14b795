"""Budget use is what the standing approvals of the year and in all have committed."""

from decimal import Decimal

from sqlmodel import Session

from matcher.uptake.budgets import BudgetUse, budget_use
from tests.uptake.conftest import STARTUP, YEAR, Population
from tests.uptake.raw import read


def test_budget_use_is_the_standing_approvals(population: Population) -> None:
    policies = [p.policy for p in population.catalog]
    with Session(population.engine) as session:
        raw = read(session)
        used = budget_use(session, policies, YEAR)
    standing = [d for d in raw.standing if raw.claim(d.claim_id).policy_id == STARTUP]
    this_year = [d for d in standing if raw.claim(d.claim_id).claim_date.year == YEAR]
    whole = sum((d.amount or Decimal(0) for d in standing), Decimal("0.00"))
    year = sum((d.amount or Decimal(0) for d in this_year), Decimal("0.00"))
    assert whole == Decimal("9000.00")
    assert used == [
        BudgetUse(STARTUP, "政策资金总额", Decimal("100000"), whole),
        BudgetUse(STARTUP, f"{YEAR} 年度资金预算", Decimal("12000"), year),
    ]
    assert used[0].share == Decimal("9.0")


def test_a_policy_without_a_budget_has_no_row(population: Population) -> None:
    others = [p.policy for p in population.catalog if p.id != STARTUP]
    with Session(population.engine) as session:
        assert budget_use(session, others, YEAR) == []
