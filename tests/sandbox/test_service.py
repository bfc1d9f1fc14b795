"""The sandbox against an independent computation (the evaluator in Python, enterprise by
enterprise), read-only, and refusing a bad draft exactly as publishing does."""

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from matcher.config import DEMO_ENTERPRISE
from matcher.policies.catalog import default_catalog
from matcher.policies.issues import CatalogError
from matcher.population.service import match_population
from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.parse import parse_profile, parse_profile_json
from matcher.sandbox.report import Change, SandboxReport, Verdict
from matcher.sandbox.service import run_sandbox
from tests.population.factories import JIYUAN, ZHENGZHOU, replace_population, uscc
from tests.sandbox.conftest import (
    AS_OF,
    DRAFTS,
    POPULATIONS,
    STARTUP,
    edited,
    profiles_of,
    published,
)
from tests.sandbox.oracle import Judged, direction, figures, judge

DEMO = parse_profile_json(DEMO_ENTERPRISE.read_text("utf-8"))
DraftOf = Callable[[str], tuple[str, str]]
EVERYONE = 1000
"""A ``top`` above any drawn population: every change is listed."""


def _by(judged: list[Judged], key: Callable[[Judged], str | None]) -> dict[str | None, Any]:
    groups: dict[str | None, list[Judged]] = defaultdict(list)
    for one in judged:
        groups[key(one)].append(one)
    return {value: figures(members) for value, members in groups.items()}


def _shown(one: Judged) -> Decimal | None:
    """The amount beside a verdict: none for an enterprise that is not eligible."""
    return one.amount if one.verdict in (Verdict.ELIGIBLE, Verdict.UNDETERMINED) else None


def _expected_changes(old: list[Judged], new: list[Judged], side: int) -> set[Change]:
    return {
        Change(
            uscc=n.uscc,
            name="",
            old_verdict=o.verdict,
            old_amount=_shown(o),
            new_verdict=n.verdict,
            new_amount=_shown(n),
            delta=n.stake - o.stake,
        )
        for o, n in zip(old, new, strict=True)
        if direction(o, n) == side
    }


def _changes(listed: tuple[Change, ...]) -> set[Change]:
    return {
        Change(c.uscc, "", c.old_verdict, c.old_amount, c.new_verdict, c.new_amount, c.delta)
        for c in listed
    }


def _check_against_evaluator(
    report: SandboxReport, old: list[Judged], new: list[Judged], tmp_version: str
) -> None:
    assert report.version == tmp_version
    assert report.enterprises == len(new)
    assert report.figures == figures(new)
    assert {g.value: g.figures for g in report.by_cluster} == _by(new, lambda j: j.cluster)
    assert {g.value: g.figures for g in report.by_size} == _by(new, lambda j: j.size)
    comparison = report.comparison
    assert comparison is not None
    assert comparison.current == figures(old)
    sides = [direction(o, n) for o, n in zip(old, new, strict=True)]
    assert (comparison.gaining, comparison.losing, comparison.unchanged) == (
        sides.count(1),
        sides.count(-1),
        sides.count(0),
    )
    assert _changes(comparison.gainers) == _expected_changes(old, new, 1)
    assert _changes(comparison.losers) == _expected_changes(old, new, -1)
    deltas = [n.stake - o.stake for o, n in zip(old, new, strict=True)]
    assert comparison.delta == sum(deltas, Decimal(0))
    gains = [abs(c.delta) for c in comparison.gainers]
    assert gains == sorted(gains, reverse=True), "largest first"


def _fixed_population() -> list[EnterpriseProfile]:
    """The demo enterprise as eligible, undetermined, refused, waiting and elsewhere."""
    demo = DEMO.model_dump()
    variants: list[dict[str, Any]] = [
        {"facts": {"founder_target_group": "student_graduate"}},
        {"facts": {"founder_target_group": "student_graduate"}, "industry_cluster": "food"},
        {"facts": {"founder_target_group": "student_graduate"}, "employees": 5},
        {},
        {"industry_cluster": None},
        {"facts": {"founder_target_group": "none"}},
        {"facts": {"founder_target_group": "student_graduate"}, "in_incubation_base": False},
        {"facts": {"founder_target_group": "student_graduate"}, "registered_on": "2025-06-01"},
        {"registration_area": ZHENGZHOU, "uscc_region": ZHENGZHOU},
    ]
    profiles = []
    for serial, variant in enumerate(variants, start=1):
        region = variant.pop("uscc_region", JIYUAN)
        data = demo | variant | {"uscc": uscc(region, serial), "name": f"测试企业{serial}"}
        profiles.append(parse_profile(data, default_catalog().facts))
    return profiles


@pytest.mark.parametrize("name", sorted(DRAFTS))
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # every example replaces the population itself
        HealthCheck.large_base_example,
        HealthCheck.too_slow,
    ],
)
@given(drawn=POPULATIONS, as_of=st.sampled_from([AS_OF, date(2024, 2, 29)]))
def test_figures_and_changes_match_the_evaluator(
    engine: Engine,
    tmp_path_factory: pytest.TempPathFactory,
    draft_of: DraftOf,
    name: str,
    drawn: list[dict[str, Any]],
    as_of: date,
) -> None:
    profiles = profiles_of(drawn)
    with engine.begin() as connection:
        replace_population(connection, profiles)
    relative, text = draft_of(name)
    drafted = published(tmp_path_factory.mktemp("published"), relative, text)
    draft = drafted.get(Path(relative).stem)
    current = default_catalog().get(Path(relative).stem)
    assert draft is not None and current is not None

    report = run_sandbox(engine, default_catalog(), text, as_of, top=EVERYONE)

    old, new = judge(current, profiles, as_of), judge(draft, profiles, as_of)
    _check_against_evaluator(report, old, new, draft.version)


def test_doubling_the_amount_shows_exactly_the_enterprises_whose_amount_changes(
    engine: Engine, draft_of: DraftOf
) -> None:
    profiles = _fixed_population()
    with engine.begin() as connection:
        replace_population(connection, profiles)
    _, text = draft_of("doubled-amount")
    current = default_catalog().get("startup-subsidy")
    assert current is not None

    report = run_sandbox(engine, default_catalog(), text, AS_OF, top=EVERYONE)

    old = judge(current, profiles, AS_OF)
    changed = {
        o.uscc: (o.amount, o.verdict)
        for o in old
        if o.verdict in (Verdict.ELIGIBLE, Verdict.UNDETERMINED) and o.amount is not None
    }
    assert changed, "the population holds enterprises the subsidy may pay"
    comparison = report.comparison
    assert comparison is not None
    assert {c.uscc for c in comparison.gainers} == set(changed)
    assert comparison.losers == ()
    for change in comparison.gainers:
        amount, verdict = changed[change.uscc]
        assert change.old_verdict == change.new_verdict == verdict
        assert (change.old_amount, change.new_amount, change.delta) == (amount, 2 * amount, amount)
    assert comparison.unchanged == len(profiles) - len(changed)
    assert report.figures.undetermined_amount == 2 * comparison.current.undetermined_amount


def _every_row(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in a stable order."""
    with engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(select(table))), key=repr)
            for table in SQLModel.metadata.sorted_tables
        }


def test_nothing_is_written(engine: Engine, draft_of: DraftOf) -> None:
    profiles = _fixed_population()
    with engine.begin() as connection:
        replace_population(connection, profiles)
    match_population(engine, default_catalog().in_force(AS_OF), AS_OF)
    before = _every_row(engine)
    assert before["entitlement_snapshots"] and before["match_runs"]

    report = run_sandbox(engine, default_catalog(), draft_of("doubled-amount")[1], AS_OF)

    assert report.comparison is not None and report.comparison.gaining
    assert _every_row(engine) == before


def test_a_new_policy_is_judged_alone(engine: Engine) -> None:
    profiles = _fixed_population()
    with engine.begin() as connection:
        replace_population(connection, profiles)
    text = edited(STARTUP, "id: startup-subsidy", "id: startup-subsidy-2027")
    text = text.replace('amount: "5000"', 'amount: "8000"\n  budgets:\n' + BUDGET_2026)

    report = run_sandbox(engine, default_catalog(), text, AS_OF)

    assert (report.policy_id, report.comparison) == ("startup-subsidy-2027", None)
    current = default_catalog().get("startup-subsidy")
    assert current is not None
    expected = figures(judge(current, profiles, AS_OF))
    assert report.figures.eligible == expected.eligible > 0
    assert report.figures.eligible_amount == expected.eligible * 8000
    assert report.budget is not None
    assert (report.budget.year, report.budget.budget) == (2026, Decimal(20000))
    assert report.budget.used == report.figures.eligible_amount


BUDGET_2026 = """    - year: 2025
      amount: 10000
      source: 测试预算（非政策数据）
    - year: 2026
      amount: 20000
      source: 测试预算（非政策数据）
"""


def test_a_draft_with_a_type_error_is_refused_as_publishing_refuses_it(
    engine: Engine, tmp_path: Path
) -> None:
    profiles = _fixed_population()
    with engine.begin() as connection:
        replace_population(connection, profiles)
    before = _every_row(engine)
    text = edited(STARTUP, 'amount: "5000"', "amount: enterprise.name")
    with pytest.raises(CatalogError) as publishing:
        published(tmp_path, STARTUP, text)

    with pytest.raises(CatalogError) as sandbox:
        run_sandbox(engine, default_catalog(), text, AS_OF)

    assert sandbox.value.issues == publishing.value.issues
    assert [str(i) for i in sandbox.value.issues] == [
        "catalog/jiyuan-2020/startup-subsidy.yaml:30: [startup-subsidy] benefit.amount: "
        "第 1 列：此处需要数值，表达式的结果是文本（表达式：enterprise.name）"
    ]
    assert _every_row(engine) == before
