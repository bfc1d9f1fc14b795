"""The state kept by change equals a full re-match: after facts written behind its back, after
days that end waits and cross a policy's dated boundaries, and after a policy leaves force."""

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, update
from sqlmodel import Session, col

from matcher.enterprises.repository import row_values
from matcher.enterprises.tables import enterprises
from matcher.policies.catalog import default_catalog
from matcher.population.incremental import advance, crosses_boundary, judge_enterprises
from matcher.population.service import match_population
from matcher.population.tables import (
    Entitlement,
    StatePolicy,
    StateRun,
)
from tests.population.factories import (
    AS_OF,
    PROFILES,
    Snapshot,
    full_match,
    profile,
    replace_population,
)


def _state(session: Session) -> Snapshot:
    rows = session.execute(
        select(Entitlement, StatePolicy.policy_id).join(
            StatePolicy, col(StatePolicy.policy_no) == col(Entitlement.policy_no)
        )
    )
    return {
        (r.enterprise_id, policy_id): (r.status, r.amount, r.eligible_from) for r, policy_id in rows
    }


def _start_state(engine: Engine, as_of: date) -> None:
    match_population(engine, default_catalog().in_force(as_of), as_of)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # every example replaces the population itself
        HealthCheck.large_base_example,
        HealthCheck.too_slow,
    ],
)
@given(
    start=st.sampled_from(AS_OF),
    days=st.sampled_from([1, 30, 200, 400, 1500]),
    drawn=st.lists(PROFILES, min_size=30, max_size=40),
    rewritten=st.lists(st.tuples(st.integers(0, 29), PROFILES), max_size=6),
)
def test_advancing_by_change_equals_afull_match(
    engine: Engine,
    start: date,
    days: int,
    drawn: list[dict[str, Any]],
    rewritten: list[tuple[int, dict[str, Any]]],
) -> None:
    profiles = [profile(data, serial) for serial, data in enumerate(drawn)]
    with engine.begin() as connection:
        replace_population(connection, profiles)
    _start_state(engine, start)
    with engine.begin() as connection:  # written behind the state's back: no hook follows
        for index, data in rewritten:
            changed = profile(data, index).model_copy(update={"uscc": profiles[index].uscc})
            connection.execute(
                update(enterprises)
                .where(enterprises.c.id == index + 1)
                .values(**row_values(changed))
            )
    later = start + timedelta(days=days)
    with Session(engine) as session:
        advance(session, default_catalog(), later)
        session.commit()
        held = _state(session)
    assert held == full_match(engine, later)


def test_a_nightly_run_judges_only_what_may_have_changed(engine: Engine) -> None:
    profiles = [profile(data, serial) for serial, data in enumerate(_examples(20))]
    with engine.begin() as connection:
        replace_population(connection, profiles)
    start = date(2024, 3, 1)
    _start_state(engine, start)
    with Session(engine) as session:
        run = advance(session, default_catalog(), start + timedelta(days=1))
        session.commit()
        assert run.changed == 0
        before = _state(session)
        again = advance(session, default_catalog(), start + timedelta(days=1))
        assert (again.changed, _state(session)) == (0, before)


def test_re_judging_an_enterprise_touches_only_it(engine: Engine) -> None:
    profiles = [profile(data, serial) for serial, data in enumerate(_examples(10))]
    with engine.begin() as connection:
        replace_population(connection, profiles)
    day = date(2024, 3, 1)
    _start_state(engine, day)
    with Session(engine) as session:
        before = _state(session)
        session.execute(
            update(enterprises).where(enterprises.c.id == 3).values(registration_area="410100")
        )
        run = judge_enterprises(session, default_catalog(), {3}, day)
        assert run is not None and run.cause == "facts"
        session.commit()
        after = _state(session)
    assert {k: v for k, v in after.items() if k[0] != 3} == {
        k: v for k, v in before.items() if k[0] != 3
    }
    assert after == full_match(engine, day)


def test_a_policy_is_judged_whole_only_on_the_days_its_boundaries_are_crossed() -> None:
    threshold = default_catalog().get("small-scale-vat-threshold")
    assert threshold is not None
    assert crosses_boundary(threshold, date(2025, 12, 31), date(2026, 1, 1))
    assert not crosses_boundary(threshold, date(2026, 1, 1), date(2026, 6, 1))
    startup = default_catalog().get("startup-subsidy")
    assert startup is not None
    assert not crosses_boundary(startup, date(2025, 1, 1), date(2025, 12, 31))


def test_the_state_is_empty_until_a_first_full_run(engine: Engine) -> None:
    with Session(engine) as session:
        assert judge_enterprises(session, default_catalog(), {1}, date(2024, 3, 1)) is None
        assert session.execute(select(StateRun)).first() is None


def _examples(count: int) -> list[dict[str, Any]]:
    """``count`` profiles drawn once, the same every time."""
    found: list[dict[str, Any]] = []

    @settings(max_examples=1, database=None, derandomize=True)
    @given(st.lists(PROFILES, min_size=count, max_size=count))
    def draw(drawn: list[dict[str, Any]]) -> None:
        found[:] = drawn

    draw()
    return found
