"""The SQL back end and the evaluator agree on every status, amount and date of the seed catalog."""

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from matcher.eligibility.evaluate import evaluate_policy
from matcher.policies.catalog import default_catalog
from matcher.population.verdict import STATUSES
from matcher.profiles.facts import enterprise_facts
from matcher.profiles.model import EnterpriseProfile
from tests.population.factories import AS_OF, PROFILES, full_match, profile, replace_population

Verdict = tuple[str, Decimal | None, date | None]
NOT_ELIGIBLE: Verdict = ("not_eligible", None, None)


def _sql_verdicts(engine: Engine, as_of: date) -> dict[tuple[int, str], Verdict]:
    return {
        pair: (STATUSES[status].value, amount, eligible_from)
        for pair, (status, amount, eligible_from) in full_match(engine, as_of).items()
    }


def _python_verdicts(
    profiles: list[EnterpriseProfile], as_of: date
) -> dict[tuple[int, str], Verdict]:
    verdicts = {}
    for enterprise_id, enterprise in enumerate(profiles, start=1):
        facts, derivation = enterprise_facts(enterprise)
        facts["as_of"] = as_of
        for policy in default_catalog().in_force(as_of):
            found = evaluate_policy(policy, facts, derivation)
            verdicts[enterprise_id, policy.id] = (
                found.status.value,
                found.amount,
                found.eligible_from,
            )
    return verdicts


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # every example replaces the population itself
        HealthCheck.large_base_example,  # a population, not one profile, is the unit here
        HealthCheck.too_slow,
    ],
)
@given(as_of=st.sampled_from(AS_OF), drawn=st.lists(PROFILES, min_size=40, max_size=60))
def test_sql_and_evaluator_agree_on_every_entitlement(
    engine: Engine, as_of: date, drawn: list[dict[str, Any]]
) -> None:
    profiles = [profile(data, serial) for serial, data in enumerate(drawn)]
    with engine.begin() as connection:
        replace_population(connection, profiles)
    sql = _sql_verdicts(engine, as_of)
    expected = _python_verdicts(profiles, as_of)
    assert {key: sql.get(key, NOT_ELIGIBLE) for key in expected} == expected
    assert set(sql) <= set(expected)
