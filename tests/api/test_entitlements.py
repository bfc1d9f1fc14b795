"""GET /enterprises/{uscc}/entitlements: one query, and answers kept per version of the facts.

A kept answer must be the answer: after every kind of write of an enterprise's facts the
endpoint answers what a fresh evaluation of the stored profile answers, never the answer kept
from before.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, Select, event, select, text
from sqlmodel import Session

from matcher.auth.service import (
    Principal,
    authenticate_token,
    create_account,
    disable_account,
    issue_account_token,
)
from matcher.auth.tables import Role
from matcher.db import session_scope
from matcher.eligibility.answers import AnswerCache
from matcher.eligibility.evaluate import evaluate
from matcher.eligibility.serialize import to_json_bytes
from matcher.enterprises import service
from matcher.enterprises.repository import EnterpriseRepository
from matcher.enterprises.tables import enterprises
from matcher.enterprises.viewing import VIEWING
from matcher.policies.catalog import default_catalog
from tests.conftest import ENTERPRISE_USCC, OTHER_USCC, Api
from tests.enterprises.test_endpoints import PROFILE as ENDPOINTS_PROFILE

PROFILE: dict[str, Any] = {**ENDPOINTS_PROFILE, "facts": {"vat_taxpayer_type": "small_scale"}}
PATH = f"/api/v1/enterprises/{ENTERPRISE_USCC}/entitlements"
AS_OF = {"as_of": "2026-11-01"}
CATALOG = default_catalog()


@pytest.fixture
def seeded(api: Api) -> Api:
    created = api.client.post(
        "/api/v1/enterprises",
        json={"source": "registration", "profile": PROFILE},
        headers=api.headers("staff"),
    )
    assert created.status_code == 201, created.text
    return api


def fresh(api: Api, as_of: str = AS_OF["as_of"]) -> bytes:
    """The entitlement list evaluated now, from the profile as the repository reads it."""
    with session_scope(api.engine) as session:
        profile = EnterpriseRepository(session).get(ENTERPRISE_USCC, CATALOG.facts)
    assert profile is not None
    return to_json_bytes(evaluate(profile, date.fromisoformat(as_of), CATALOG))


def answers(api: Api) -> AnswerCache:
    cache: AnswerCache = api.client.app.state.answers  # type: ignore[attr-defined]
    return cache


def entitlements(api: Api, **params: str) -> bytes:
    response = api.client.get(PATH, params=params or AS_OF, headers=api.headers("staff"))
    assert response.status_code == 200, response.text
    return response.content


def version(engine: Engine) -> int:
    with engine.connect() as connection:
        found = select(enterprises.c.version).where(enterprises.c.uscc == ENTERPRISE_USCC)
        return int(connection.execute(found).scalar_one())


def test_the_kept_answer_is_the_fresh_one(seeded: Api) -> None:
    first = entitlements(seeded)
    assert len(answers(seeded)) == 1
    again = entitlements(seeded)
    assert len(answers(seeded)) == 1
    assert again == first == fresh(seeded)
    assert b'"uscc":"91419001MA4000000C"' in first


def test_another_date_is_another_answer(seeded: Api) -> None:
    november = entitlements(seeded, as_of="2026-11-01")
    earlier = entitlements(seeded, as_of="2020-08-01")
    assert len(answers(seeded)) == 2
    assert november != earlier
    assert earlier == fresh(seeded, "2020-08-01")
    assert entitlements(seeded, as_of="2026-11-01") == november


def _put(api: Api, **changes: Any) -> None:
    response = api.client.put(
        f"/api/v1/enterprises/{ENTERPRISE_USCC}",
        json={"source": "tax", "profile": {**PROFILE, **changes}},
        headers=api.headers("staff"),
    )
    assert response.status_code == 200, response.text


def _patch(api: Api, who: str, facts: dict[str, Any], note: str | None = None) -> None:
    body: dict[str, Any] = {"facts": facts} | ({"note": note} if note else {})
    response = api.client.patch(
        f"/api/v1/enterprises/{ENTERPRISE_USCC}/facts", json=body, headers=api.headers(who)
    )
    assert response.status_code == 200, response.text


def _import(api: Api) -> None:
    csv = f"uscc,name,employees\n{ENTERPRISE_USCC},{PROFILE['name']},450\n"
    response = api.client.post(
        "/api/v1/enterprises/import",
        content=csv.encode("utf-8"),
        headers={**api.headers("staff"), "Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.text


def _confirm_industry(api: Api) -> None:
    with session_scope(api.engine) as session:
        staff = _staff(session, api)
        service.confirm_industry(session, ENTERPRISE_USCC, "I6510", staff, CATALOG.facts)


def _confirm_declared_facts(api: Api) -> None:
    with session_scope(api.engine) as session:
        staff = _staff(session, api)
        service.confirm_declared_facts(
            session, ENTERPRISE_USCC, {"vat_taxpayer_type": "general"}, staff, CATALOG.facts
        )


def _staff(session: Session, api: Api) -> Principal:
    principal = authenticate_token(session, api.tokens["staff"])
    assert principal is not None
    return principal


WRITES: dict[str, Callable[[Api], None]] = {
    "profile replaced": lambda api: _put(api, employees=450, operating_revenue="950000000.00"),
    "founders replaced": lambda api: _put(
        api, founders=[{"id_number": "11010519491231002X", "first_time_founder": False}]
    ),
    "declared fact replaced": lambda api: _put(api, facts={"vat_taxpayer_type": "general"}),
    "corrected by the enterprise": lambda api: _patch(api, "enterprise", {"employees": 450}),
    "corrected by staff": lambda api: _patch(
        api, "staff", {"registered_on": "2024-09-18"}, "凭营业执照核验"
    ),
    "CSV import": _import,
    "industry confirmed by staff": _confirm_industry,
    "declared facts confirmed by staff": _confirm_declared_facts,
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_of_the_facts_moves_the_answer_on(
    seeded: Api, write: Callable[[Api], None]
) -> None:
    before, kept_version = entitlements(seeded), version(seeded.engine)
    write(seeded)
    assert version(seeded.engine) > kept_version
    after = entitlements(seeded)
    assert after != before
    assert after == fresh(seeded)


def test_one_query_a_request_and_no_evaluation_for_a_kept_answer(
    seeded: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The only statement is the awaited read (on SQLite, run on the app's engine)."""
    entitlements(seeded)
    reads, statements = seeded.client.app.state.reads, []  # type: ignore[attr-defined]
    read = reads.rows

    async def counted(statement: Select[Any], params: dict[str, Any]) -> Any:
        statements.append(statement)
        return await read(statement, params)

    executed: list[str] = []

    def count(*args: Any) -> None:
        executed.append(args[2])

    monkeypatch.setattr(reads, "rows", counted)
    monkeypatch.setattr(
        "matcher.api.routes.enterprises.evaluate", lambda *_: pytest.fail("evaluated")
    )
    event.listen(seeded.engine, "before_cursor_execute", count)
    try:
        entitlements(seeded)
    finally:
        event.remove(seeded.engine, "before_cursor_execute", count)
    assert statements == [VIEWING]
    assert len(executed) == (1 if seeded.engine.dialect.name == "sqlite" else 0), executed


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_pooled_connection_the_server_ended_is_replaced_unseen(seeded: Api) -> None:
    """The reads' connections are not pinged before use: the one found dead is retried."""
    before = entitlements(seeded)
    name = seeded.client.app.state.reads.connect_args["application_name"]  # type: ignore[attr-defined]
    with seeded.engine.begin() as connection:
        ended = connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = :name"
            ),
            {"name": name},
        )
        assert ended.scalars().all() == [True]
    assert entitlements(seeded) == before


def test_etag_answers_304_until_the_facts_change(seeded: Api) -> None:
    first = seeded.client.get(PATH, params=AS_OF, headers=seeded.headers("staff"))
    etag = first.headers["ETag"]
    held = {**seeded.headers("staff"), "If-None-Match": etag}
    unchanged = seeded.client.get(PATH, params=AS_OF, headers=held)
    assert (unchanged.status_code, unchanged.content, unchanged.headers["ETag"]) == (304, b"", etag)
    _put(seeded, employees=450)
    changed = seeded.client.get(PATH, params=AS_OF, headers=held)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        (None, 401, "unauthorized"),
        ("revoked", 401, "invalid_token"),
        ("other", 404, "not_found"),
    ],
)
def test_who_may_ask(seeded: Api, who: str | None, status: int, code: str) -> None:
    response = seeded.client.get(PATH, params=AS_OF, headers=seeded.headers(who))
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)


def test_an_enterprise_sees_its_own_and_nobody_sees_one_that_does_not_exist(seeded: Api) -> None:
    own = seeded.client.get(PATH, params=AS_OF, headers=seeded.headers("enterprise"))
    assert own.status_code == 200
    unknown = f"/api/v1/enterprises/{OTHER_USCC}/entitlements"
    missing = seeded.client.get(unknown, params=AS_OF, headers=seeded.headers("staff"))
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")


def test_a_token_of_a_disabled_account_is_refused(seeded: Api) -> None:
    with session_scope(seeded.engine) as session:
        create_account(session, "clerk", "a-long-password", Role.STAFF, "窗口")
        token, _ = issue_account_token(session, "clerk", "program")
    headers = {"Authorization": f"Bearer {token}"}
    assert seeded.client.get(PATH, params=AS_OF, headers=headers).status_code == 200
    with session_scope(seeded.engine) as session:
        disable_account(session, "clerk")
    refused = seeded.client.get(PATH, params=AS_OF, headers=headers)
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "invalid_token")
