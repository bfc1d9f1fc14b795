"""Judge the whole population against the policies in force, inside the database.

A run is a job, not a step of a caller's transaction: :func:`match_population` opens its own
sessions and commits after each policy, so a run of many policies never holds SQLite's write
lock for long, and a run cut short stays visibly unfinished (no ``finished_at``).
"""

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Engine
from sqlmodel import Session

from matcher.clock import now
from matcher.eligibility.results import Status
from matcher.policies.catalog import Catalog
from matcher.policies.compile import CompiledPolicy
from matcher.population.repository import MatchRepository
from matcher.population.state import reconcile
from matcher.population.tables import MatchRun


class UnknownPolicy(LookupError):
    """The policy asked for is not in the catalog, or not in force on the date."""

    def __init__(self, policy_id: str, in_catalog: bool) -> None:
        super().__init__(policy_id)
        self.policy_id = policy_id
        self.in_catalog = in_catalog


@dataclass(frozen=True, slots=True)
class PolicyTally:
    """What one run found for one policy."""

    policy_id: str
    title: str
    version: str
    eligible: int
    undetermined: int
    not_eligible: int
    waiting: int
    """Not eligible yet, but eligible from a known date."""
    eligible_amount: Decimal
    seconds: float


def policies_to_match(
    catalog: Catalog, as_of: date, policy_id: str | None = None
) -> tuple[CompiledPolicy, ...]:
    """The policies in force on ``as_of``, or only ``policy_id`` (:class:`UnknownPolicy`)."""
    in_force = catalog.in_force(as_of)
    if policy_id is None:
        return in_force
    chosen = tuple(p for p in in_force if p.id == policy_id)
    if not chosen:
        raise UnknownPolicy(policy_id, catalog.get(policy_id) is not None)
    return chosen


def policies_not_yet_matched(
    session: Session, policies: Sequence[CompiledPolicy]
) -> tuple[CompiledPolicy, ...]:
    """The policies whose current version no finished run has matched: newly published
    policies and new versions, which publishing matches alone."""
    matched = MatchRepository(session).matched_versions()
    return tuple(p for p in policies if p.version not in matched)


def _match_policy(
    repository: MatchRepository,
    run_id: int,
    enterprises: int,
    policy_no: int,
    policy: CompiledPolicy,
    as_of: date,
) -> PolicyTally:
    """Write one policy's snapshot rows for the run and count them."""
    started = time.perf_counter()
    matched = repository.add_policy(run_id, policy_no, policy)
    totals = repository.write_snapshot(run_id, policy_no, policy, as_of)
    eligible, amount = totals.get(Status.ELIGIBLE, (0, Decimal(0)))
    undetermined, _ = totals.get(Status.UNDETERMINED, (0, Decimal(0)))
    waiting, _ = totals.get(Status.NOT_ELIGIBLE, (0, Decimal(0)))
    matched.eligible, matched.undetermined, matched.waiting = eligible, undetermined, waiting
    matched.not_eligible = enterprises - eligible - undetermined
    matched.eligible_amount = amount
    return PolicyTally(
        policy_id=policy.id,
        title=policy.policy.title,
        version=policy.version,
        eligible=eligible,
        undetermined=undetermined,
        not_eligible=enterprises - eligible - undetermined,
        waiting=waiting,
        eligible_amount=amount,
        seconds=round(time.perf_counter() - started, 3),
    )


def match_population(
    engine: Engine,
    policies: Sequence[CompiledPolicy],
    as_of: date,
    connections: int = 1,
    on_step: Callable[[PolicyTally], None] | None = None,
) -> MatchRun:
    """Judge every enterprise on record under each of ``policies`` and bring the entitlement
    state in line (:func:`~matcher.population.state.reconcile`); the finished run (its
    tallies are its ``match_run_policies`` rows, :meth:`MatchRepository.tallies`).

    The policies are shared among ``connections`` connections, each committing after every
    policy. Writing snapshot rows keeps one server core busy per connection, so on PostgreSQL
    two connections on two cores cut a run by about a third. SQLite has one writer: use one.
    ``on_step`` is called after each policy from the workers' threads, one at a time.
    """
    with Session(engine, expire_on_commit=False) as session:
        repository = MatchRepository(session)
        run = repository.add_run(MatchRun(as_of=as_of, enterprises=repository.enterprise_count()))
        session.commit()
    run_id, enterprises = run.id, run.enterprises
    assert run_id is not None
    numbered = list(enumerate(policies, start=1))
    lock = threading.Lock()

    def work(share: list[tuple[int, CompiledPolicy]]) -> None:
        with Session(engine) as session:
            repository = MatchRepository(session)
            for policy_no, policy in share:
                tally = _match_policy(repository, run_id, enterprises, policy_no, policy, as_of)
                session.commit()
                if on_step is not None:
                    with lock:
                        on_step(tally)

    shares = [numbered[index::connections] for index in range(connections)]
    with ThreadPoolExecutor(max_workers=connections) as pool:
        for finished in [pool.submit(work, share) for share in shares if share]:
            finished.result()
    with Session(engine, expire_on_commit=False) as session:
        stored = session.get(MatchRun, run_id)
        assert stored is not None
        stored.finished_at = now()
        reconcile(session, stored)
        session.commit()
        return stored
