"""What changed for each enterprise between two match runs, in one SQL statement.

The latest finished run (on or before a date) is compared, policy by policy, with the latest
earlier finished run that matched the same policy: a run of one policy alone (``match-all
--policy``) then neither hides nor repeats the others. Runs are ordered by their matching date,
then by id. A pair a finished run has no row for was not eligible in it.

Only an entitlement held now can give rise to a notice; which one is :class:`NoticeKind`:
the policy was never matched before (``published``); the enterprise was absent, undetermined
(``entitled``) or waiting for a date (``date_reached``) before; or it was eligible before too,
under another version (``policy_changed``) or for another amount (``amount_changed``).
Anything else, unchanged pairs included, yields no row.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, null, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from matcher.eligibility.results import Status
from matcher.notices.tables import NoticeKind
from matcher.population.tables import EntitlementSnapshot, MatchRun


@dataclass(frozen=True, slots=True)
class Comparison:
    """The run to notify from and, per policy it matched, the run to compare with."""

    run: MatchRun
    baselines: Mapping[str, int | None]
    """Policy id → the earlier run that matched it; ``None`` if none did."""

    @property
    def eligible(self) -> int:
        """Eligible (enterprise, policy) pairs in the run."""
        return sum(int(entry["eligible"]) for entry in self.run.catalog)


def _policies(run: MatchRun) -> list[str]:
    return [str(entry["policy_id"]) for entry in run.catalog]


def comparison(session: Session, as_of: date) -> Comparison | None:
    """The latest finished run on or before ``as_of`` and its baselines; ``None`` if no run."""
    runs = (
        session.execute(
            select(MatchRun)
            .where(col(MatchRun.finished_at).is_not(None), col(MatchRun.as_of) <= as_of)
            .order_by(col(MatchRun.as_of), col(MatchRun.id))
        )
        .scalars()
        .all()
    )
    if not runs:
        return None
    *earlier, latest = runs
    baselines = {
        policy_id: next((r.id for r in reversed(earlier) if policy_id in _policies(r)), None)
        for policy_id in _policies(latest)
    }
    return Comparison(latest, baselines)


def _baseline_run(policy_id: Any, baselines: Mapping[str, int | None]) -> Any:
    compared = {p: run for p, run in baselines.items() if run is not None}
    return case(compared, value=policy_id, else_=null()) if compared else null()


def changes(compared: Comparison) -> Select[Any]:
    """One row per change: run_id, enterprise_id, policy_id, policy_version, kind, amount,
    apply_from."""
    latest = aliased(EntitlementSnapshot, name="latest")
    prior = aliased(EntitlementSnapshot, name="prior")
    first_time = [p for p, run in compared.baselines.items() if run is None]
    kind = case(
        (col(latest.policy_id).in_(first_time), NoticeKind.PUBLISHED.value),
        (col(prior.status).is_(None), NoticeKind.ENTITLED.value),
        (col(prior.status) == Status.UNDETERMINED.value, NoticeKind.ENTITLED.value),
        (col(prior.status) == Status.NOT_ELIGIBLE.value, NoticeKind.DATE_REACHED.value),
        (col(prior.policy_version) != col(latest.policy_version), NoticeKind.POLICY_CHANGED.value),
        (col(prior.amount).is_distinct_from(col(latest.amount)), NoticeKind.AMOUNT_CHANGED.value),
        else_=null(),
    )
    apply_from = case(
        (col(prior.status) == Status.NOT_ELIGIBLE.value, col(prior.eligible_from)),
        else_=null(),
    )
    found = (
        select(
            col(latest.run_id),
            col(latest.enterprise_id),
            col(latest.policy_id),
            col(latest.policy_version),
            kind.label("kind"),
            col(latest.amount),
            apply_from.label("apply_from"),
        )
        .select_from(latest)
        .outerjoin(
            prior,
            and_(
                col(prior.run_id) == _baseline_run(col(latest.policy_id), compared.baselines),
                col(prior.policy_id) == col(latest.policy_id),
                col(prior.enterprise_id) == col(latest.enterprise_id),
            ),
        )
        .where(
            col(latest.run_id) == compared.run.id,
            col(latest.status) == Status.ELIGIBLE.value,
        )
        .subquery("found")
    )
    return select(found).where(found.c.kind.is_not(None))
