"""What changed for each enterprise between two match runs, in one SQL statement.

The latest finished run (on or before a date) is compared, policy by policy, with the latest
earlier finished run that matched the same policy: a run of one policy alone (``match-all
--policy``) then neither hides nor repeats the others. Runs are ordered by their matching date,
then by id; the policies a run matched, and under which version, are its
``match_run_policies``. A pair a finished run has no row for was not eligible in it.

Only an entitlement held now can give rise to a notice; which one is :class:`NoticeKind`:
the enterprise was judged in none of the runs compared with (it was recorded after the
last of them began, or there is none), so this is the first it hears of its entitlements
(``initial``, not "new": a policy in force for years is not new to it); the
policy was never matched before (``published``); the enterprise was absent, undetermined
(``entitled``) or waiting for a date (``date_reached``) before; or it was eligible before too,
under another version (``policy_changed``) or for another amount (``amount_changed``).
Anything else, unchanged pairs included, yields no row.

Each row carries an event key, which with the enterprise, version, kind and channel makes a
notice's identity: the new amount (in fen) and the run for ``amount_changed``, so an amount
that changes again under the same version is told again; empty for the other kinds, which
a version can give rise to once.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Integer, Select, String, and_, case, cast, func, literal, null, select, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from matcher.eligibility.results import Status
from matcher.enterprises.tables import enterprises
from matcher.notices.tables import NoticeKind
from matcher.population.tables import EntitlementSnapshot, MatchRun, MatchRunPolicy
from matcher.population.verdict import STATUS_CODES


@dataclass(frozen=True, slots=True)
class Comparison:
    """The run to notify from and, per policy it matched, the run to compare with."""

    run: MatchRun
    baselines: Mapping[str, int | None]
    """Policy id → the earlier run that matched it; ``None`` if none did."""
    eligible: int
    """Eligible (enterprise, policy) pairs in the run."""


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
    matched: dict[int, list[str]] = {}
    eligible = 0
    listed = select(
        col(MatchRunPolicy.run_id), col(MatchRunPolicy.policy_id), col(MatchRunPolicy.eligible)
    ).where(col(MatchRunPolicy.run_id).in_([r.id for r in runs]))
    for run_id, policy_id, count in session.execute(listed.order_by(col(MatchRunPolicy.policy_no))):
        matched.setdefault(run_id, []).append(policy_id)
        eligible += count if run_id == latest.id else 0
    baselines = {
        policy_id: next(
            (r.id for r in reversed(earlier) if policy_id in matched.get(r.id or 0, ())), None
        )
        for policy_id in matched.get(latest.id or 0, [])
    }
    return Comparison(latest, baselines, eligible)


def _baseline_run(policy_id: Any, baselines: Mapping[str, int | None]) -> Any:
    compared = {p: run for p, run in baselines.items() if run is not None}
    return case(compared, value=policy_id, else_=null()) if compared else null()


def _newcomer(compared: Comparison) -> Any:
    """True for an enterprise no baseline run judged: recorded after the last one began."""
    runs = sorted({run for run in compared.baselines.values() if run is not None})
    if not runs:
        return true()
    began = select(func.max(col(MatchRun.started_at))).where(col(MatchRun.id).in_(runs))
    return enterprises.c.created_at > began.scalar_subquery()


def _event_key(kind: Any, run_id: Any, amount: Any) -> Any:
    """``<amount in fen>@<run>`` for an amount changed; empty otherwise."""
    fen = func.coalesce(cast(cast(func.round(amount * 100), Integer), String), "none")
    changed = fen + "@" + cast(run_id, String)
    return case((kind == NoticeKind.AMOUNT_CHANGED.value, changed), else_=literal("", String))


def changes(compared: Comparison) -> Select[Any]:
    """One row per change: run_id, enterprise_id, policy_id, policy_version, kind, amount,
    apply_from, event_key."""
    latest = aliased(EntitlementSnapshot, name="latest")
    prior = aliased(EntitlementSnapshot, name="prior")
    matched = aliased(MatchRunPolicy, name="matched")
    baseline = aliased(MatchRunPolicy, name="baseline")
    first_time = [p for p, run in compared.baselines.items() if run is None]
    eligible, undetermined, not_eligible = (
        STATUS_CODES[s] for s in (Status.ELIGIBLE, Status.UNDETERMINED, Status.NOT_ELIGIBLE)
    )
    kind = case(
        (_newcomer(compared), NoticeKind.INITIAL.value),
        (col(matched.policy_id).in_(first_time), NoticeKind.PUBLISHED.value),
        (col(prior.status).is_(None), NoticeKind.ENTITLED.value),
        (col(prior.status) == undetermined, NoticeKind.ENTITLED.value),
        (col(prior.status) == not_eligible, NoticeKind.DATE_REACHED.value),
        (
            col(baseline.policy_version) != col(matched.policy_version),
            NoticeKind.POLICY_CHANGED.value,
        ),
        (col(prior.amount).is_distinct_from(col(latest.amount)), NoticeKind.AMOUNT_CHANGED.value),
        else_=null(),
    )
    apply_from = case(
        (col(prior.status) == not_eligible, col(prior.eligible_from)),
        else_=null(),
    )
    found = (
        select(
            col(latest.run_id),
            col(latest.enterprise_id),
            col(matched.policy_id),
            col(matched.policy_version),
            kind.label("kind"),
            col(latest.amount),
            apply_from.label("apply_from"),
        )
        .select_from(latest)
        .join(enterprises, enterprises.c.id == col(latest.enterprise_id))
        .join(
            matched,
            and_(
                col(matched.run_id) == col(latest.run_id),
                col(matched.policy_no) == col(latest.policy_no),
            ),
        )
        .outerjoin(
            baseline,
            and_(
                col(baseline.run_id) == _baseline_run(col(matched.policy_id), compared.baselines),
                col(baseline.policy_id) == col(matched.policy_id),
            ),
        )
        .outerjoin(
            prior,
            and_(
                col(prior.run_id) == col(baseline.run_id),
                col(prior.policy_no) == col(baseline.policy_no),
                col(prior.enterprise_id) == col(latest.enterprise_id),
            ),
        )
        .where(
            col(latest.run_id) == compared.run.id,
            col(latest.status) == eligible,
        )
        .subquery("found")
    )
    return select(
        found, _event_key(found.c.kind, found.c.run_id, found.c.amount).label("event_key")
    ).where(found.c.kind.is_not(None))
