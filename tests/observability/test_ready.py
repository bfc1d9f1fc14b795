"""Readiness (``/api/v1/ready``) answers 200 only with the catalog loaded, the database
reachable and its schema at this release's head; liveness (``/api/v1/health``) asks none of
that."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine

from matcher.app import create_app
from matcher.config import Settings
from matcher.db import make_engine, scratch_database
from matcher.migrate import alembic_config, upgrade
from matcher.policies.catalog import default_catalog
from tests.conftest import POSTGRES_URL, Api
from tests.observability.conftest import Logs

READY = {"status": "ready", "checks": {"catalog": "ok", "database": "ok", "migrations": "ok"}}


def test_ready_at_head(api: Api) -> None:
    response = api.client.get("/api/v1/ready")
    assert (response.status_code, response.json()) == (200, READY)


@pytest.fixture
def behind(database_url: str) -> Iterator[Engine]:
    """A database of the same kind, migrated up to the revision before this release's head."""
    kind = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    with scratch_database(kind, POSTGRES_URL) as url:
        engine = make_engine(url)
        config = alembic_config()
        (head,) = ScriptDirectory.from_config(config).get_heads()
        previous = ScriptDirectory.from_config(config).get_revision(head).down_revision
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, str(previous))
        yield engine
        engine.dispose()


def test_not_ready_behind_head_then_ready_after_the_upgrade(behind: Engine) -> None:
    app = create_app(Settings(database_url="sqlite://"), behind, default_catalog())
    with TestClient(app) as client:
        response = client.get("/api/v1/ready")
        assert response.status_code == 503
        assert response.json() == {
            "error": {
                "code": "not_ready",
                "message": "服务尚未就绪",
                "details": [
                    {
                        "field": "migrations",
                        "code": "schema_not_at_head",
                        "message": "数据库结构与本版本不一致：请运行 matcher db upgrade",
                    }
                ],
            }
        }
        assert client.get("/api/v1/health").status_code == 200, "alive all the same"
        upgrade(behind)
        assert client.get("/api/v1/ready").json() == READY


def test_an_unreachable_database_is_named_and_logged_under_the_request(
    api: Api, logs: Logs, tmp_path: Path
) -> None:
    api.client.app.state.engine = create_engine(f"sqlite:///{tmp_path}/missing/db.sqlite3")
    response = api.client.get("/api/v1/ready", headers={"X-Request-ID": "probe-1"})
    assert response.status_code == 503
    assert [(d["field"], d["code"]) for d in response.json()["error"]["details"]] == [
        ("database", "database_unreachable")
    ]
    health = api.client.get("/api/v1/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    (warning,) = [line for line in logs.lines() if line["level"] == "WARNING"]
    assert warning["message"] == "readiness: database unreachable"
    assert warning["request_id"] == "probe-1", "the id reaches the route's worker thread"
