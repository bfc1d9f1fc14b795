"""Stage counts and the funnel equal what the raw rows say, on both databases, under every
grouping and filter."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import Session

from matcher.policies.model import BenefitKind
from matcher.uptake.selection import Months, UptakeFilter, policies_shown
from matcher.uptake.stages import Dimension, Funnel, StageCounts, funnel, stage_counts
from tests.uptake.conftest import LOAN, STARTUP, TODAY, Population
from tests.uptake.raw import Chosen, read, stage_flags


def _expected(
    flags: dict[tuple[int, str], dict[str, Any]],
    firms: dict[int, Any],
    by: Dimension,
    kinds: dict[str, BenefitKind],
) -> list[StageCounts]:
    """The stages counted per group; what eligible pairs are owed summed apart for cash and
    tax relief policies (and not at all for other kinds)."""
    groups: dict[Any, list[Any]] = defaultdict(lambda: [0, 0, 0, 0] + [Decimal(0)] * 3)
    owed_column = {BenefitKind.CASH_SUBSIDY: 4, BenefitKind.TAX_PREFERENCE: 5}
    for (enterprise_id, policy_id), f in flags.items():
        key = policy_id if by is Dimension.POLICY else firms[enterprise_id][by.value]
        group = groups[key]
        for index, flag in enumerate("enca"):
            group[index] += f[flag]
        if kinds[policy_id] in owed_column:
            group[owed_column[kinds[policy_id]]] += f["owed"]
        group[6] += f["paid"]
    return [
        StageCounts(key, *g[:4], *(Decimal(sum_).quantize(Decimal("0.01")) for sum_ in g[4:]))
        for key, g in sorted(groups.items(), key=lambda item: (item[0] is not None, item[0] or ""))
    ]


def _kinds(population: Population) -> dict[str, BenefitKind]:
    return {p.id: p.policy.benefit.kind for p in population.catalog}


def _sorted(rows: list[StageCounts]) -> list[StageCounts]:
    return sorted(rows, key=lambda row: (row.key is not None, row.key or ""))


CASES = {
    "everything": {},
    "steel": {"cluster": "steel"},
    "small firms": {"size_class": "small"},
    "last 25 days": {"first": TODAY - timedelta(days=25)},
    "before the last 25 days": {"last": TODAY - timedelta(days=26)},
    "one month": {"first": TODAY - timedelta(days=50), "last": TODAY - timedelta(days=20)},
}


@pytest.mark.parametrize("by", list(Dimension))
def test_stage_counts_are_the_raw_rows_counted(population: Population, by: Dimension) -> None:
    ids = tuple(p.id for p in population.catalog)
    with Session(population.engine) as session:
        raw = read(session)
        for case, given in CASES.items():
            chosen = UptakeFilter(
                ids,
                given.get("cluster"),
                given.get("size_class"),
                Months(given.get("first"), given.get("last")),
            )
            flags = stage_flags(raw, Chosen(set(ids), **given))
            counted = stage_counts(session, chosen, by, _kinds(population))
            assert _sorted(counted) == _expected(flags, raw.firms, by, _kinds(population)), case
            eligible = [f for f in flags.values() if f["e"]]
            notified = [f for f in eligible if f["n"]]
            claimed = [f for f in notified if f["c"]]
            approved = [f for f in claimed if f["a"]]
            shape = Funnel(len(eligible), len(notified), len(claimed), len(approved))
            assert funnel(session, chosen) == shape, case


def test_the_population_reaches_every_stage(population: Population) -> None:
    """The fixture is worth testing against: each stage holds pairs, and not the same ones."""
    chosen = UptakeFilter((STARTUP,))
    with Session(population.engine) as session:
        (row,) = stage_counts(session, chosen, Dimension.POLICY, _kinds(population))
        shape = funnel(session, chosen)
    assert row.key == STARTUP
    assert (row.eligible, row.notified, row.claimed, row.approved) == (8, 7, 5, 2)
    assert row.approved_amount == Decimal("9000.00")
    assert row.cash_amount == Decimal("40000.00")
    assert row.tax_relief_amount == Decimal("0.00")
    assert shape == Funnel(8, 7, 5, 2)


def test_cash_and_tax_relief_are_never_added_together(population: Population) -> None:
    """A group holding both a 资金补贴 and a 税收优惠 policy shows each sum apart, and a
    policy's amounts fall under its own kind alone: a loan's, under neither."""
    ids, kinds = tuple(p.id for p in population.catalog), _kinds(population)
    with Session(population.engine) as session:
        by_cluster = stage_counts(session, UptakeFilter(ids), Dimension.CLUSTER, kinds)
        by_policy = stage_counts(session, UptakeFilter(ids), Dimension.POLICY, kinds)
        owed = read(session).eligible
    assert kinds[LOAN] is BenefitKind.LOAN_FINANCING
    assert any(amount for (_, policy_id), amount in owed.items() if policy_id == LOAN)
    steel = next(row for row in by_cluster if row.key == "steel")
    assert steel.cash_amount > 0 and steel.tax_relief_amount > 0
    for row in by_policy:
        kind = kinds[str(row.key)]
        if kind is not BenefitKind.CASH_SUBSIDY:
            assert row.cash_amount == 0, row
        if kind is not BenefitKind.TAX_PREFERENCE:
            assert row.tax_relief_amount == 0, row
    assert sum(r.cash_amount for r in by_cluster) == sum(r.cash_amount for r in by_policy)
    assert sum(r.tax_relief_amount for r in by_cluster) == sum(
        r.tax_relief_amount for r in by_policy
    )


def test_a_unit_chooses_the_policies_it_leads(population: Population) -> None:
    policies = [p.policy for p in population.catalog]
    units = {p.id: p.lead_unit for p in policies}
    unit = units[STARTUP]
    shown = policies_shown(policies, None, unit)
    assert set(shown) == {policy_id for policy_id, lead in units.items() if lead == unit}
    assert policies_shown(policies, STARTUP, unit) == (STARTUP,)
    assert policies_shown(policies, STARTUP, "不存在的单位") == ()
    with Session(population.engine) as session:
        counted = stage_counts(session, UptakeFilter(shown), Dimension.POLICY, _kinds(population))
        raw = read(session)
        flags = stage_flags(raw, Chosen(set(shown)))
        expected = _expected(flags, raw.firms, Dimension.POLICY, _kinds(population))
    assert _sorted(counted) == expected
    assert {row.key for row in counted} <= set(shown)
