"""Old full runs and told changes go after the retention period; the latest of each stays."""

from datetime import date, timedelta

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from matcher import clock
from matcher.notices.service import enqueue, notice_plan
from matcher.policies.catalog import default_catalog
from matcher.population.incremental import advance
from matcher.population.retention import prune
from matcher.population.service import match_population
from matcher.population.tables import EntitlementSnapshot, MatchRun, StateRun
from tests.population.factories import profile, replace_population
from tests.population.test_incremental import _examples

DAY = date(2024, 3, 1)


def test_runs_older_than_the_period_go_but_the_latest_stay(engine: Engine) -> None:
    profiles = [profile(data, serial) for serial, data in enumerate(_examples(10))]
    with engine.begin() as connection:
        replace_population(connection, profiles)
    for day in (DAY, DAY + timedelta(days=1)):
        match_population(engine, default_catalog().in_force(day), day)
        with Session(engine) as session:
            enqueue(session, notice_plan(session))
            session.commit()
    with Session(engine) as session:
        advance(session, default_catalog(), DAY + timedelta(days=2))
        enqueue(session, notice_plan(session))
        session.commit()
        latest_run = session.execute(select(func.max(MatchRun.id))).scalar_one()
        pruned = prune(session, clock.now() + timedelta(seconds=1))
        session.commit()
        assert (pruned.match_runs, pruned.state_runs) == (1, 2)
        assert session.execute(select(MatchRun.id)).scalars().all() == [latest_run]
        assert {r.cause for r in session.execute(select(StateRun)).scalars()} == {"nightly"}
        snapshots = session.execute(
            select(func.count())
            .select_from(EntitlementSnapshot)
            .where(EntitlementSnapshot.run_id != latest_run)
        ).scalar_one()
        assert snapshots == 0
        nothing_old = prune(session, clock.now() - timedelta(days=1))
        assert (nothing_old.match_runs, nothing_old.state_runs) == (0, 0)
