"""A change of an enterprise's facts is judged, and its notices enqueued, in the transaction
that writes it: what the enterprise is told agrees with what the API says it may have."""

import json
from datetime import date

from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from matcher import clock
from matcher.config import DEMO_ENTERPRISE
from matcher.notices.tables import Channel, OutboxNotice
from matcher.policies.catalog import default_catalog
from matcher.population.service import match_population
from matcher.population.tables import StateRun
from tests.conftest import Api

PROFILE = json.loads(DEMO_ENTERPRISE.read_text("utf-8"))
USCC = PROFILE["uscc"]


def _start_state(engine: Engine, as_of: date) -> None:
    """The first full run, on an empty population: the state holds every policy in force."""
    match_population(engine, default_catalog().in_force(as_of), as_of)


def _in_app(engine: Engine) -> dict[str, str]:
    """Policy → kind of each in-app notice in the outbox."""
    with Session(engine) as session:
        rows = session.execute(
            select(col(OutboxNotice.policy_id), col(OutboxNotice.kind)).where(
                col(OutboxNotice.channel) == Channel.IN_APP.value
            )
        )
        return {policy_id: kind for policy_id, kind in rows}


def _eligible(api: Api) -> set[str]:
    answer = api.client.get(
        f"/api/v1/enterprises/{USCC}/entitlements", headers=api.headers("staff")
    )
    assert answer.status_code == 200, answer.text
    return {
        item["policy_id"] for item in answer.json()["entitlements"] if item["status"] == "eligible"
    }


def _write(api: Api, method: str, profile: dict[str, object]) -> int:
    body = {"source": "registration", "profile": profile}
    path = "/api/v1/enterprises" + ("" if method == "post" else f"/{USCC}")
    return api.client.request(method, path, json=body, headers=api.headers("staff")).status_code


def test_a_new_enterprise_hears_at_once_what_it_may_have(api: Api) -> None:
    _start_state(api.engine, clock.today())
    assert _write(api, "post", PROFILE) == 201
    told = _in_app(api.engine)
    assert told and set(told) == _eligible(api)
    assert set(told.values()) == {"initial"}


def test_a_change_that_gains_an_entitlement_is_told_once(api: Api) -> None:
    _start_state(api.engine, clock.today())
    too_large = PROFILE | {"annual_taxable_income": 90_000_000}  # not a small low-profit one
    assert _write(api, "post", too_large) == 201
    first = _in_app(api.engine)
    assert _write(api, "put", PROFILE) == 200
    gained = {p: k for p, k in _in_app(api.engine).items() if p not in first}
    assert gained == {
        "small-low-profit-income-tax": "entitled",
        "six-taxes-two-fees-halved": "entitled",
    }
    assert set(first) | set(gained) == _eligible(api)
    assert _write(api, "put", PROFILE) == 200  # the same facts again: nothing new
    assert len(_in_app(api.engine)) == len(first) + len(gained)


def test_a_refused_write_judges_and_tells_nothing(api: Api) -> None:
    _start_state(api.engine, clock.today())
    assert _write(api, "post", PROFILE | {"employees": -1}) == 422
    with Session(api.engine) as session:
        runs = session.execute(select(func.count()).select_from(StateRun)).scalar_one()
    assert runs == 1 and _in_app(api.engine) == {}


def test_without_a_first_full_run_nothing_is_judged(api: Api) -> None:
    assert _write(api, "post", PROFILE) == 201
    assert _in_app(api.engine) == {}
