from datetime import date
from decimal import Decimal

import pytest
import typer
from sqlalchemy import Engine, func, select
from sqlmodel import Session, col
from typer.testing import CliRunner

import matcher.console
import matcher.population.cli
from matcher.config import DEMO_ENTERPRISE
from matcher.enterprises.repository import EnterpriseRepository
from matcher.policies.catalog import default_catalog
from matcher.population.repository import MatchRepository
from matcher.population.service import (
    PolicyTally,
    UnknownPolicy,
    match_population,
    policies_to_match,
)
from matcher.population.tables import EntitlementSnapshot, MatchRun, MatchRunPolicy
from matcher.population.verdict import STATUSES
from matcher.profiles.parse import parse_profile_json
from tests.population.factories import uscc

DEMO = parse_profile_json((DEMO_ENTERPRISE).read_text("utf-8"))
DAY = date(2020, 8, 1)


@pytest.fixture
def population(engine: Engine) -> Engine:
    """The demo enterprise and two others, saved the way the API saves them."""
    with Session(engine) as session:
        repository = EnterpriseRepository(session)
        repository.save(DEMO, "registration", "test")
        small = DEMO.model_copy(update={"uscc": uscc("419001", 1), "employees": 5})
        repository.save(small, "registration", "test")
        unknown = DEMO.model_copy(
            update={"uscc": uscc("410100", 2), "registration_area": "410100", "registered_on": None}
        )
        repository.save(unknown, "registration", "test")
        session.commit()
    return engine


def test_a_run_records_its_catalog_and_tallies(population: Engine) -> None:
    steps: list[PolicyTally] = []
    run = match_population(population, default_catalog().in_force(DAY), DAY, on_step=steps.append)
    assert run.finished_at is not None and run.enterprises == 3
    assert [t.policy_id for t in steps] == [p.id for p in default_catalog().in_force(DAY)]
    with Session(population) as session:
        assert run.id is not None
        stored = MatchRepository(session).tallies(run.id)
    assert [t.policy_id for t in stored] == [t.policy_id for t in steps]
    by_id = {t.policy_id: t for t in steps}
    for tally in stored:
        step = by_id[tally.policy_id]
        assert (tally.policy_version, tally.eligible, tally.undetermined) == (
            step.version,
            step.eligible,
            step.undetermined,
        )
        assert (tally.not_eligible, tally.waiting, tally.eligible_amount) == (
            step.not_eligible,
            step.waiting,
            step.eligible_amount,
        )
    tally = next(t for t in steps if t.policy_id == "small-low-profit-income-tax")
    assert (tally.eligible, tally.undetermined, tally.not_eligible) == (3, 0, 0)
    assert tally.eligible_amount == Decimal("1230000.00")
    rnd = next(t for t in steps if t.policy_id == "rnd-super-deduction")
    # The demo does not say how its income tax is collected (查账征收 or 核定征收).
    assert (rnd.eligible, rnd.undetermined, rnd.not_eligible) == (0, 3, 0)
    startup = next(t for t in steps if t.policy_id == "startup-subsidy")
    assert (startup.eligible, startup.not_eligible, startup.waiting) == (0, 3, 2)
    with Session(population) as session:
        stored = session.execute(
            select(EntitlementSnapshot)
            .join(
                MatchRunPolicy,
                (col(MatchRunPolicy.run_id) == col(EntitlementSnapshot.run_id))
                & (col(MatchRunPolicy.policy_no) == col(EntitlementSnapshot.policy_no)),
            )
            .where(MatchRunPolicy.policy_id == "startup-subsidy")
        ).scalars()
        waiting = {(STATUSES[r.status].value, r.amount, r.eligible_from) for r in stored}
    assert waiting == {("not_eligible", Decimal("5000.00"), date(2020, 9, 16))}


def test_one_policy_only(population: Engine) -> None:
    policies = policies_to_match(default_catalog(), DAY, "startup-subsidy")
    run = match_population(population, policies, DAY)
    with Session(population) as session:
        policy_ids = session.execute(
            select(MatchRunPolicy.policy_id)
            .join(
                EntitlementSnapshot,
                (col(MatchRunPolicy.run_id) == col(EntitlementSnapshot.run_id))
                & (col(MatchRunPolicy.policy_no) == col(EntitlementSnapshot.policy_no)),
            )
            .distinct()
            .where(EntitlementSnapshot.run_id == run.id)
        ).scalars()
        assert list(policy_ids) == ["startup-subsidy"]
        (version,) = session.execute(
            select(MatchRunPolicy.policy_version).where(MatchRunPolicy.run_id == run.id)
        ).scalars()
        assert version == policies[0].version


def test_an_unknown_or_expired_policy_is_refused() -> None:
    with pytest.raises(UnknownPolicy) as unknown:
        policies_to_match(default_catalog(), DAY, "no-such-policy")
    assert not unknown.value.in_catalog
    with pytest.raises(UnknownPolicy) as not_yet:
        policies_to_match(default_catalog(), date(2020, 1, 1), "startup-subsidy")
    assert not_yet.value.in_catalog


def test_match_all_command(population: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matcher.console, "default_engine", lambda: population)
    app, policies = typer.Typer(), typer.Typer()
    matcher.population.cli.register(app, policies)
    app.add_typer(policies, name="policies")
    runner = CliRunner()

    result = runner.invoke(app, ["match-all", "--as-of", "2020-08-01"])
    assert result.exit_code == 0, result.output
    assert f"匹配完成：政策 {len(default_catalog().in_force(DAY))} 项" in result.stdout
    assert "匹配日期 2020-08-01" in result.stdout

    result = runner.invoke(
        app, ["match-all", "--as-of", "2020-08-01", "--policy", "startup-subsidy"]
    )
    assert result.exit_code == 0, result.output
    assert "匹配完成：政策 1 项" in result.stdout
    with Session(population) as session:
        runs = session.execute(select(func.count()).select_from(MatchRun)).scalar_one()
    assert runs == 2

    result = runner.invoke(app, ["match-all", "--policy", "no-such-policy"])
    assert result.exit_code == 2
    assert "政策 no-such-policy 不在政策目录中" in result.stderr
    result = runner.invoke(app, ["match-all", "--as-of", "2020-13-01"])
    assert result.exit_code == 2
    assert "日期无效" in result.stderr

    result = runner.invoke(app, ["policies", "publish", "--as-of", "2020-08-01"])
    assert result.exit_code == 0, result.output
    assert "已发布：一次性开业补贴（版本" in result.stdout
    assert "没有需要匹配的新政策或新版本。" in result.stdout


def _snapshot(engine: Engine, run_id: int) -> set[tuple[object, ...]]:
    with Session(engine) as session:
        rows = session.execute(
            select(
                MatchRunPolicy.policy_id,
                MatchRunPolicy.policy_version,
                EntitlementSnapshot.enterprise_id,
                EntitlementSnapshot.status,
                EntitlementSnapshot.amount,
                EntitlementSnapshot.eligible_from,
            )
            .join(
                MatchRunPolicy,
                (col(MatchRunPolicy.run_id) == col(EntitlementSnapshot.run_id))
                & (col(MatchRunPolicy.policy_no) == col(EntitlementSnapshot.policy_no)),
            )
            .where(col(EntitlementSnapshot.run_id) == run_id)
        ).all()
    return {tuple(row) for row in rows}


def _counts(tally: MatchRunPolicy) -> tuple[object, ...]:
    return (
        tally.policy_id,
        tally.policy_version,
        tally.eligible,
        tally.undetermined,
        tally.not_eligible,
        tally.waiting,
        tally.eligible_amount,
    )


@pytest.mark.parametrize("connections", [1, 2, 3])
def test_a_run_on_several_connections_writes_the_same_snapshot(
    population: Engine, connections: int
) -> None:
    policies = default_catalog().in_force(DAY)
    alone = match_population(population, policies, DAY)
    seen: list[str] = []
    shared = match_population(
        population, policies, DAY, connections, lambda t: seen.append(t.policy_id)
    )
    assert alone.id is not None and shared.id is not None
    assert shared.finished_at is not None
    assert sorted(seen) == sorted(p.id for p in policies)
    with Session(population) as session:
        repository = MatchRepository(session)
        counted = [_counts(t) for t in repository.tallies(shared.id)]
        assert counted == [_counts(t) for t in repository.tallies(alone.id)]
    assert [policy_id for policy_id, *_ in counted] == [p.id for p in policies]
    assert _snapshot(population, shared.id) == _snapshot(population, alone.id)
    assert _snapshot(population, alone.id)
