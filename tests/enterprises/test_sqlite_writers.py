"""Two writers on SQLite at once: the second waits for the first's write lock (a long import)
instead of failing with "database is locked"; past the busy timeout it is told to retry (503)."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from matcher.app import create_app
from matcher.auth.service import issue_token
from matcher.auth.tables import Role
from matcher.config import Settings
from matcher.db import make_engine, session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.enterprises.tables import enterprises
from matcher.policies.catalog import default_catalog
from matcher.profiles.parse import parse_profile
from tests.conftest import ENTERPRISE_USCC, OTHER_USCC, Api

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

BODY = {"source": "registration", "profile": {"uscc": OTHER_USCC, "name": "乙公司"}}


@contextmanager
def writer_holding_the_lock(engine: Engine, seconds: float) -> Iterator[threading.Thread]:
    """A transaction that has written a row and holds SQLite's write lock for ``seconds``,
    as a long import does."""
    holding = threading.Event()

    def hold() -> None:
        with session_scope(engine) as session:
            profile = parse_profile({"uscc": ENTERPRISE_USCC, "name": "甲公司"})
            EnterpriseRepository(session).save(profile, "registration", "import")
            session.flush()
            holding.set()
            time.sleep(seconds)

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(10)
    try:
        yield thread
    finally:
        thread.join()


def _codes(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(select(enterprises.c.uscc)).scalars())


def test_a_writer_waits_for_a_long_import(api: Api) -> None:
    """The import holds the lock longer than the old ten-second busy timeout."""
    with writer_holding_the_lock(api.engine, 12):
        started = time.monotonic()
        response = api.client.post("/api/v1/enterprises", json=BODY, headers=api.headers("staff"))
        waited = time.monotonic() - started
    assert response.status_code == 201, response.text
    assert waited > 5, "it waited for the lock"
    assert _codes(api.engine) == {ENTERPRISE_USCC, OTHER_USCC}


def test_a_writer_that_waits_too_long_is_told_to_retry(engine: Engine) -> None:
    impatient = make_engine(engine.url.render_as_string(hide_password=False), busy_timeout=0.5)
    with session_scope(engine) as session:
        token = issue_token(session, Role.STAFF, "staff")[0]
    app = create_app(Settings(database_url="sqlite://"), impatient, default_catalog())
    with TestClient(app) as client, writer_holding_the_lock(engine, 3):
        response = client.post(
            "/api/v1/enterprises", json=BODY, headers={"Authorization": f"Bearer {token}"}
        )
    impatient.dispose()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json()["error"] == {
        "code": "database_busy",
        "message": "系统正忙，请稍后再试",
        "details": [],
    }
    assert _codes(engine) == {ENTERPRISE_USCC}
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(enterprises)).scalar_one() == 1
