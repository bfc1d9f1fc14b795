"""Bring the entitlement state up to date with what changed: an enterprise's facts, or time.

:func:`judge_enterprises` re-judges enterprises whose facts were just written, under every
policy the state holds at its current version (a new version waits for publishing, which
judges it whole). :func:`advance` is the nightly run: it judges whole only the policies that
are new, changed, or whose :func:`~matcher.rules.time_boundaries.time_boundaries` fall since
the state was last brought up; for the rest, only the enterprises written since the last such
run (whatever path wrote them) and those whose wait ends. Policies that left force lose their
rows.
"""

from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Integer, Numeric, Select, SmallInteger, cast, false, null
from sqlalchemy import select as sql_select
from sqlmodel import Session

from matcher.enterprises.tables import enterprises
from matcher.policies.catalog import Catalog
from matcher.policies.compile import CompiledPolicy
from matcher.population.state import Judging, StateRepository, in_scope
from matcher.population.tables import StateRun
from matcher.population.verdict import kept_verdicts
from matcher.rules.time_boundaries import time_boundaries

ABSENT_IN_POPULATION = ("claim.",)
"""Facts a population has no value for: a population run judges no claim."""


def judge_enterprises(
    session: Session, catalog: Catalog, ids: Collection[int], as_of: date
) -> StateRun | None:
    """Re-judge the enterprises ``ids`` under the policies the state holds at their current
    version; ``None`` if the state holds none yet (the first full run fills it)."""
    repository = StateRepository(session)
    held = repository.policies()
    if not held or not ids:
        return None
    listed = sql_select(enterprises.c.id).where(enterprises.c.id.in_(sorted(ids))).cte("covered")
    covered = sql_select(listed.c.id)
    run = repository.start("facts", as_of)
    for policy in catalog.in_force(as_of):
        record = held.get(policy.id)
        if record is None or record.policy_version != policy.version:
            continue
        judging = Judging(record.policy_no, policy.version, policy.version, covered)
        fresh = kept_verdicts(policy, as_of, in_scope(covered))
        repository.judge(run, judging, fresh, published=False)
    return repository.finish(run, covered)


def crosses_boundary(policy: CompiledPolicy, since: date, as_of: date) -> bool:
    """Whether time alone may have changed verdicts of ``policy`` between ``since`` and
    ``as_of`` for enterprises not waiting for a day of their own."""
    effective = policy.policy.effective
    days: set[date] = {effective.start}
    if effective.until is not None:
        days.add(effective.until + timedelta(days=1))
    nodes = [c.expression.node for c in policy.criteria]
    if policy.amount is not None:
        nodes.append(policy.amount.node)
    for node in nodes:
        found = time_boundaries(node, ABSENT_IN_POPULATION)
        if found is None:
            return True
        days |= found
    return any(since < day <= as_of for day in days)


def _nothing() -> Select[Any, Any, Any, Any]:
    """No fresh verdicts: every row of the policy ends."""
    return sql_select(
        cast(null(), Integer).label("enterprise_id"),
        cast(null(), SmallInteger).label("status"),
        cast(null(), Numeric(18, 2)).label("amount"),
        cast(null(), Date).label("eligible_from"),
    ).where(false())


def advance(session: Session, catalog: Catalog, as_of: date) -> StateRun:
    """The nightly run: bring the state up to ``as_of`` judging only what may have changed."""
    repository = StateRepository(session)
    held = repository.policies()
    sweep = repository.last_sweep()
    written: Select[tuple[int]] | None = None
    if sweep is not None:
        written = sql_select(enterprises.c.id).where(enterprises.c.updated_at >= sweep.started_at)
    run = repository.start("nightly", as_of)
    in_force = {policy.id: policy for policy in catalog.in_force(as_of)}
    for policy in in_force.values():
        record = held.get(policy.id)
        whole = (
            written is None
            or record is None
            or record.policy_version != policy.version
            or crosses_boundary(policy, record.judged_on, as_of)
        )
        current, prior = repository.hold(policy.id, policy.version, as_of)
        covered = None
        if not whole and written is not None:
            due = written.union(repository.waiting_reached(current.policy_no, as_of))
            covered = sql_select(due.cte("covered").c.id)  # read twice: computed once
        judging = Judging(current.policy_no, policy.version, prior, covered)
        fresh = kept_verdicts(policy, as_of, in_scope(covered))
        repository.judge(run, judging, fresh, published=prior is None)
    for policy_id, record in held.items():
        if policy_id in in_force or not repository.holds_rows(record.policy_no):
            continue
        judging = Judging(record.policy_no, record.policy_version, record.policy_version, None)
        repository.judge(run, judging, _nothing(), published=False)
    return repository.finish(run, written)
