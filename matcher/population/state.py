"""The entitlement state: every enterprise's current entitlements, kept by change.

The state holds the rows a snapshot would keep (:class:`~matcher.population.tables.Entitlement`)
for each policy it knows (:class:`~matcher.population.tables.StatePolicy`, at one version).
Judging compares fresh verdicts with the state rows of the enterprises it covers, in SQL: every
difference becomes an :class:`~matcher.population.tables.EntitlementChange` of the run, and the
state is brought in line from those changes alone. A pair that did not change writes nothing,
so the cost of a run follows what changed, not the size of the population.

Fresh verdicts come from the rules (:func:`~matcher.population.verdict.kept_verdicts`) or from
a full run's snapshot (:func:`reconcile`). Which enterprises a run covers is an id query, or
every enterprise.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    Numeric,
    Select,
    SmallInteger,
    String,
    and_,
    cast,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from matcher.clock import now
from matcher.eligibility.results import Status
from matcher.enterprises.tables import enterprises
from matcher.population.tables import (
    Entitlement,
    EntitlementChange,
    EntitlementSnapshot,
    JudgedEnterprise,
    MatchRun,
    MatchRunPolicy,
    StatePolicy,
    StateRun,
)
from matcher.population.verdict import STATUS_CODES

SWEEPS = ("nightly", "match")
"""The causes of runs that re-judge every enterprise written since the previous one."""
STATE = Entitlement.metadata.tables["entitlements"]
CHANGES = EntitlementChange.metadata.tables["entitlement_changes"]
CHANGE_COLUMNS = (
    "run_id",
    "enterprise_id",
    "policy_no",
    "prior_status",
    "status",
    "prior_amount",
    "amount",
    "prior_eligible_from",
    "eligible_from",
    "prior_version",
    "policy_version",
    "newcomer",
    "published",
)


@dataclass(frozen=True, slots=True)
class Judging:
    """One policy to judge in a run: its number and version in the state, the version the
    state held before (``None`` if the policy is new to it), and whom it covers."""

    number: int
    version: str
    prior_version: str | None
    enterprises: Select[tuple[int]] | None
    """The ids of the enterprises covered; ``None``: every enterprise."""


class StateRepository:
    """Every query of the entitlement state."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def policies(self) -> dict[str, StatePolicy]:
        """The policies the state holds, by id."""
        rows = self.session.execute(select(StatePolicy)).scalars()
        return {row.policy_id: row for row in rows}

    def hold(self, policy_id: str, version: str, as_of: date) -> tuple[StatePolicy, str | None]:
        """The state's record of ``policy_id``, now at ``version`` and judged on ``as_of`` (a
        new number if the state did not hold it), and the version it held before."""
        held = self.session.execute(
            select(StatePolicy).where(col(StatePolicy.policy_id) == policy_id)
        ).scalar_one_or_none()
        if held is None:
            last = self.session.execute(select(func.max(col(StatePolicy.policy_no)))).scalar()
            held = StatePolicy(
                policy_no=(last or 0) + 1,
                policy_id=policy_id,
                policy_version=version,
                judged_on=as_of,
            )
            self.session.add(held)
            self.session.flush()
            return held, None
        prior = held.policy_version
        held.policy_version, held.judged_on = version, as_of
        self.session.flush()
        return held, prior

    def start(self, cause: str, as_of: date) -> StateRun:
        run = StateRun(cause=cause, as_of=as_of)
        self.session.add(run)
        self.session.flush()
        return run

    def finish(self, run: StateRun, covered: Select[tuple[int]] | None) -> StateRun:
        """Record the run's counts, and that it judged the enterprises ``covered`` (every one
        on record when ``None``: then the run's start is the mark, see :meth:`judge`)."""
        assert run.id is not None
        counted = select(func.count()).select_from(CHANGES).where(CHANGES.c.run_id == run.id)
        run.changed = int(self.session.execute(counted).scalar_one())
        run.finished_at = now()
        if covered is not None:  # ids of enterprises already: no need to read enterprises
            listed = covered.subquery("covered")
            [covered_id] = listed.c
            ids = select(covered_id, literal(run.as_of, Date())).where(
                ~exists().where(col(JudgedEnterprise.enterprise_id) == covered_id)
            )
            judged = self._insert(JudgedEnterprise).from_select(["enterprise_id", "judged_on"], ids)
            with self._planned_for_few(True):
                self.session.execute(judged.on_conflict_do_nothing())
        self.session.flush()
        return run

    def last_sweep(self) -> StateRun | None:
        """The latest finished run that covered every enterprise whose facts changed: a
        nightly or a full run."""
        return self.session.execute(
            select(StateRun)
            .where(
                col(StateRun.cause).in_(("nightly", "match")),
                col(StateRun.finished_at).is_not(None),
            )
            .order_by(col(StateRun.id).desc())
            .limit(1)
        ).scalar_one_or_none()

    def judge(self, run: StateRun, judging: Judging, fresh: Select[Any], published: bool) -> int:
        """Compare ``fresh`` verdicts (enterprise_id, status, amount, eligible_from) with the
        state rows of the enterprises ``judging`` covers; log each difference as a change of
        ``run`` and bring the state in line. The number of changes."""
        assert run.id is not None
        with self._planned_for_few(judging.enterprises is not None):
            return self._judge(run, judging, fresh, published)

    @contextmanager
    def _planned_for_few(self, few: bool) -> Iterator[None]:
        """Judging some enterprises reads a few rows through indexes, but PostgreSQL prices
        its plans by the whole tables and compiles them (JIT) for about 90 ms a statement:
        more than the statement takes. The JIT is off while judging few, and back to the
        server's setting after."""
        if not few or self.session.get_bind().dialect.name != "postgresql":
            yield
            return
        self.session.execute(text("SET LOCAL jit = off"))
        yield
        self.session.execute(text("SET LOCAL jit TO DEFAULT"))

    def _judge(self, run: StateRun, judging: Judging, fresh: Select[Any], published: bool) -> int:
        assert run.id is not None
        number = judging.number
        newly = fresh.subquery("fresh")
        rows = select(STATE).where(STATE.c.policy_no == number)
        if judging.enterprises is not None:
            rows = rows.where(STATE.c.enterprise_id.in_(judging.enterprises))
        held = rows.subquery("held")
        version_changed = judging.prior_version not in (None, judging.version)
        prior_version = cast(literal(judging.prior_version), String)
        newcomer: ColumnElement[bool] = ~exists().where(
            col(JudgedEnterprise.enterprise_id) == newly.c.enterprise_id
        )
        sweep = self.last_sweep()
        if sweep is not None:  # every enterprise on record when it began was judged by then
            created = select(enterprises.c.created_at).where(
                enterprises.c.id == newly.c.enterprise_id
            )
            newcomer &= created.scalar_subquery() >= sweep.started_at
        # Fresh verdicts and held rows side by side (a full join: a pair on one side only is
        # new or lost), keeping the pairs that differ.
        fresh_amount = cast(newly.c.amount, Numeric(18, 2))
        differing = (
            select(
                literal(run.id),
                func.coalesce(newly.c.enterprise_id, held.c.enterprise_id),
                literal(number, SmallInteger()),
                held.c.status,
                newly.c.status,
                held.c.amount,
                fresh_amount,
                held.c.eligible_from,
                newly.c.eligible_from,
                prior_version,
                literal(judging.version, String),
                and_(newly.c.enterprise_id.is_not(None), newcomer),
                literal(published, Boolean()),
            )
            .select_from(newly.join(held, held.c.enterprise_id == newly.c.enterprise_id, full=True))
            .where(
                or_(
                    held.c.enterprise_id.is_(None),
                    newly.c.enterprise_id.is_(None),
                    held.c.status != newly.c.status,
                    held.c.amount.is_distinct_from(fresh_amount),
                    held.c.eligible_from.is_distinct_from(newly.c.eligible_from),
                    true() if version_changed else false(),
                )
            )
        )
        statement = (
            insert(CHANGES)
            .from_select(CHANGE_COLUMNS, differing)
            .execution_options(preserve_rowcount=True)
        )
        logged: int = self.session.connection().execute(statement).rowcount
        if logged:
            self._apply(run.id, number)
        return logged

    def _apply(self, run_id: int, number: int) -> None:
        """Bring the state of policy ``number`` in line with the changes run ``run_id`` logged."""
        mine = and_(CHANGES.c.run_id == run_id, CHANGES.c.policy_no == number)
        ended = select(CHANGES.c.enterprise_id).where(mine, CHANGES.c.status.is_(None))
        self.session.execute(
            delete(STATE).where(STATE.c.policy_no == number, STATE.c.enterprise_id.in_(ended))
        )
        held = select(
            CHANGES.c.policy_no,
            CHANGES.c.enterprise_id,
            CHANGES.c.status,
            CHANGES.c.amount,
            CHANGES.c.eligible_from,
        ).where(mine, CHANGES.c.status.is_not(None))
        upsert = self._insert(Entitlement).from_select(
            ["policy_no", "enterprise_id", "status", "amount", "eligible_from"], held
        )
        self.session.execute(
            upsert.on_conflict_do_update(
                index_elements=["policy_no", "enterprise_id"],
                set_={
                    "status": upsert.excluded.status,
                    "amount": upsert.excluded.amount,
                    "eligible_from": upsert.excluded.eligible_from,
                },
            )
        )

    def _insert(self, table: type[Entitlement] | type[JudgedEnterprise]):  # type: ignore[no-untyped-def]
        dialect = self.session.get_bind().dialect.name
        return (sqlite_insert if dialect == "sqlite" else pg_insert)(table)

    def mark_notified(self, run_ids: Sequence[int]) -> None:
        """Record that the changes of ``run_ids`` were enqueued as notices."""
        if run_ids:
            self.session.execute(
                update(StateRun)
                .where(col(StateRun.id).in_(list(run_ids)))
                .values(notified_at=now())
            )

    def waiting_reached(self, number: int, as_of: date) -> Select[tuple[int]]:
        """The enterprises whose wait under policy ``number`` ends on or before ``as_of``."""
        return select(STATE.c.enterprise_id).where(
            STATE.c.policy_no == number, STATE.c.eligible_from <= as_of
        )

    def holds_rows(self, number: int) -> bool:
        held = self.session.execute(select(exists().where(STATE.c.policy_no == number)))
        return bool(held.scalar_one())

    def eligible_count(self) -> int:
        """Eligible (enterprise, policy) pairs in the state."""
        eligible = STATE.c.status == STATUS_CODES[Status.ELIGIBLE]
        return int(
            self.session.execute(
                select(func.count()).select_from(STATE).where(eligible)
            ).scalar_one()
        )


def snapshot_rows(run_id: int, policy_no: int) -> Select[Any]:
    """The rows one policy of a full run kept: fresh verdicts for :meth:`StateRepository.judge`."""
    table = EntitlementSnapshot.metadata.tables["entitlement_snapshots"]
    return select(
        table.c.enterprise_id, table.c.status, table.c.amount, table.c.eligible_from
    ).where(table.c.run_id == run_id, table.c.policy_no == policy_no)


def reconcile(session: Session, run: MatchRun) -> StateRun:
    """Bring the state in line with a finished full run, policy by policy (the run judged
    every enterprise): the repair after anything that bypassed the incremental path."""
    assert run.id is not None
    repository = StateRepository(session)
    state_run = repository.start("match", run.as_of)
    state_run.started_at = run.started_at  # what was written after the run began, it may miss
    matched: Sequence[MatchRunPolicy] = (
        session.execute(
            select(MatchRunPolicy)
            .where(col(MatchRunPolicy.run_id) == run.id)
            .order_by(col(MatchRunPolicy.policy_no))
        )
        .scalars()
        .all()
    )
    for policy in matched:
        held, prior = repository.hold(policy.policy_id, policy.policy_version, run.as_of)
        judging = Judging(held.policy_no, policy.policy_version, prior, None)
        repository.judge(
            state_run, judging, snapshot_rows(run.id, policy.policy_no), published=prior is None
        )
    return repository.finish(state_run, None)


def in_scope(ids: Select[tuple[int]] | None) -> ColumnElement[bool] | None:
    """The condition on ``enterprises`` that selects ``ids`` (``None``: every enterprise)."""
    return None if ids is None else enterprises.c.id.in_(ids)
