"""Judge the whole population against the policies in force, inside the database.

Services flush; the job commits. ``match_population`` calls back after each policy so that a
job may commit there: a run of many policies then never holds SQLite's write lock for long,
and a run cut short stays visibly unfinished (no ``finished_at``).
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from matcher.clock import now
from matcher.eligibility.results import Status
from matcher.policies.catalog import Catalog
from matcher.policies.compile import CompiledPolicy
from matcher.population.repository import MatchRepository
from matcher.population.tables import MatchRun
from matcher.serialization import to_json_value


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


def match_population(
    session: Session,
    policies: Sequence[CompiledPolicy],
    as_of: date,
    on_step: Callable[[PolicyTally], None] | None = None,
) -> MatchRun:
    """Judge every enterprise on record under each of ``policies``; the run with its tallies."""
    repository = MatchRepository(session)
    run = repository.add_run(MatchRun(as_of=as_of, enterprises=repository.enterprise_count()))
    assert run.id is not None
    tallies = []
    for policy_no, policy in enumerate(policies, start=1):
        started = time.perf_counter()
        repository.add_policy(run.id, policy_no, policy)
        totals = repository.write_snapshot(run.id, policy_no, policy, as_of)
        eligible, amount = totals.get(Status.ELIGIBLE, (0, Decimal(0)))
        undetermined, _ = totals.get(Status.UNDETERMINED, (0, Decimal(0)))
        waiting, _ = totals.get(Status.NOT_ELIGIBLE, (0, Decimal(0)))
        tally = PolicyTally(
            policy_id=policy.id,
            title=policy.policy.title,
            version=policy.version,
            eligible=eligible,
            undetermined=undetermined,
            not_eligible=run.enterprises - eligible - undetermined,
            waiting=waiting,
            eligible_amount=amount,
            seconds=round(time.perf_counter() - started, 3),
        )
        tallies.append(tally)
        run.catalog = [to_json_value(asdict(t)) for t in tallies]
        session.flush()
        if on_step is not None:
            on_step(tally)
    run.finished_at = now()
    session.flush()
    return run
