"""Which changes of the entitlement state make a notice, in one SQL statement.

Every run that brings the state up to date (:mod:`matcher.population.state`) logs each change
with the entitlement before and after. Only an entitlement held now can give rise to a notice;
which one is :class:`NoticeKind`: the enterprise was never judged before, so this is the first
it hears of its entitlements (``initial``, not "new": a policy in force for years is not new
to it); the policy was new to the state (``published``); the enterprise held nothing,
or something undetermined, before (``entitled``) or was waiting for a date (``date_reached``);
or it was eligible before too, under another version (``policy_changed``) or for another
amount (``amount_changed``). Any other change yields no row.

Each row carries an event key, which with the enterprise, version, kind and channel makes a
notice's identity: the new amount (in fen) and the run for ``amount_changed``, so an amount
that changes again under the same version is told again; empty for the other kinds, which
a version can give rise to once.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, Select, String, case, cast, func, literal, null, select
from sqlmodel import Session, col

from matcher.eligibility.results import Status
from matcher.notices.tables import NoticeKind
from matcher.population.tables import EntitlementChange, StatePolicy, StateRun
from matcher.population.verdict import STATUS_CODES


def unnotified_runs(session: Session) -> list[int]:
    """The finished state runs whose changes are not enqueued yet, oldest first."""
    listed = (
        select(col(StateRun.id))
        .where(col(StateRun.finished_at).is_not(None), col(StateRun.notified_at).is_(None))
        .order_by(col(StateRun.id))
    )
    return [run_id for run_id in session.execute(listed).scalars() if run_id is not None]


def _event_key(kind: Any, run_id: Any, amount: Any) -> Any:
    """``<amount in fen>@<run>`` for an amount changed; empty otherwise."""
    fen = func.coalesce(cast(cast(func.round(amount * 100), Integer), String), "none")
    changed = fen + "@" + cast(run_id, String)
    return case((kind == NoticeKind.AMOUNT_CHANGED.value, changed), else_=literal("", String))


def changes(run_ids: Sequence[int]) -> Select[Any]:
    """One row per change to tell, of the runs ``run_ids``: run_id, enterprise_id,
    policy_id, policy_version, kind, amount, apply_from, event_key."""
    change = EntitlementChange.metadata.tables["entitlement_changes"]
    policy = StatePolicy.metadata.tables["state_policies"]
    eligible, undetermined, not_eligible = (
        STATUS_CODES[s] for s in (Status.ELIGIBLE, Status.UNDETERMINED, Status.NOT_ELIGIBLE)
    )
    prior = change.c.prior_status
    kind = case(
        (change.c.newcomer, NoticeKind.INITIAL.value),
        (change.c.published, NoticeKind.PUBLISHED.value),
        (prior.is_(None), NoticeKind.ENTITLED.value),
        (prior == undetermined, NoticeKind.ENTITLED.value),
        (prior == not_eligible, NoticeKind.DATE_REACHED.value),
        (change.c.prior_version != change.c.policy_version, NoticeKind.POLICY_CHANGED.value),
        (change.c.prior_amount.is_distinct_from(change.c.amount), NoticeKind.AMOUNT_CHANGED.value),
        else_=null(),
    )
    apply_from = case((prior == not_eligible, change.c.prior_eligible_from), else_=null())
    found = (
        select(
            change.c.run_id,
            change.c.enterprise_id,
            policy.c.policy_id,
            change.c.policy_version,
            kind.label("kind"),
            change.c.amount,
            apply_from.label("apply_from"),
        )
        .join(policy, policy.c.policy_no == change.c.policy_no)
        .where(change.c.run_id.in_(list(run_ids)), change.c.status == eligible)
        .subquery("found")
    )
    return select(
        found, _event_key(found.c.kind, found.c.run_id, found.c.amount).label("event_key")
    ).where(found.c.kind.is_not(None))
