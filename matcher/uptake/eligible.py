"""Who is eligible under which policy: the one place the dashboard reads entitlements from."""

from typing import Any

from sqlalchemy import Select, select
from sqlmodel import col

from matcher.eligibility.results import Status
from matcher.population.tables import Entitlement, StatePolicy
from matcher.population.verdict import STATUS_CODES


def eligible_pairs() -> Select[Any, Any, Any]:
    """``(enterprise_id, policy_id, amount)`` of every enterprise eligible under a policy now:
    the entitlement state, kept by change (:mod:`matcher.population.state`)."""
    return (
        select(
            col(Entitlement.enterprise_id).label("enterprise_id"),
            col(StatePolicy.policy_id).label("policy_id"),
            col(Entitlement.amount).label("amount"),
        )
        .join(StatePolicy, col(StatePolicy.policy_no) == col(Entitlement.policy_no))
        .where(col(Entitlement.status) == STATUS_CODES[Status.ELIGIBLE])
    )
