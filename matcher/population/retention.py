"""Old runs go: full runs' snapshots and the change log of state runs already told.

The state itself is never pruned: it is the current answer. A full run's snapshot serves
audits and the differential check; the change log serves notices, and once they are enqueued,
the record of what changed when. Both grow with every run, so both are kept for a set number
of days (``MATCHER_RUN_RETENTION_DAYS``); the latest full run, and the latest run that swept
for facts written behind the state's back (the next nightly run starts from it), are kept
whatever their age.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from matcher.population.state import SWEEPS
from matcher.population.tables import (
    EntitlementChange,
    EntitlementSnapshot,
    MatchRun,
    MatchRunPolicy,
    StateRun,
)


@dataclass(frozen=True, slots=True)
class Pruned:
    match_runs: int
    state_runs: int


def prune(session: Session, before: datetime) -> Pruned:
    """Delete the full runs finished before ``before`` (but the latest) with their snapshots,
    and the state runs told before ``before`` (but the latest sweep) with their changes."""
    latest = select(func.max(col(MatchRun.id))).where(col(MatchRun.finished_at).is_not(None))
    old_runs = select(col(MatchRun.id)).where(
        col(MatchRun.finished_at) < before, col(MatchRun.id) != latest.scalar_subquery()
    )
    match_runs = list(session.execute(old_runs).scalars())
    if match_runs:
        session.execute(
            delete(EntitlementSnapshot).where(col(EntitlementSnapshot.run_id).in_(match_runs))
        )
        session.execute(delete(MatchRunPolicy).where(col(MatchRunPolicy.run_id).in_(match_runs)))
        session.execute(delete(MatchRun).where(col(MatchRun.id).in_(match_runs)))
    last_sweep = select(func.max(col(StateRun.id))).where(
        col(StateRun.cause).in_(SWEEPS), col(StateRun.finished_at).is_not(None)
    )
    told = select(col(StateRun.id)).where(
        col(StateRun.notified_at) < before, col(StateRun.id) != last_sweep.scalar_subquery()
    )
    state_runs = list(session.execute(told).scalars())
    if state_runs:
        session.execute(
            delete(EntitlementChange).where(col(EntitlementChange.run_id).in_(state_runs))
        )
        session.execute(delete(StateRun).where(col(StateRun.id).in_(state_runs)))
    return Pruned(len(match_runs), len(state_runs))
