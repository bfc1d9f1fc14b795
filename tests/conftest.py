"""Shared fixtures: a real database, SQLite and PostgreSQL, migrated with Alembic.

Every database test runs on both. PostgreSQL is the server at 127.0.0.1:5432 (override with
MATCHER_TEST_POSTGRES_URL); each test session works in a schema of its own, so parallel runs
never see each other's rows. Under CI (CI=true) an unreachable PostgreSQL fails the run.
"""

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

import matcher.tables  # noqa: F401
from matcher.api.ratelimit import RedisLimiter
from matcher.app import create_app
from matcher.auth.service import authenticate_token, issue_token, revoke_token
from matcher.auth.tables import Role
from matcher.config import BUNDLED_CATALOG, Settings, settings
from matcher.db import make_engine, private_schema, session_scope
from matcher.migrate import upgrade
from matcher.policies.catalog import Catalog, default_catalog

BROWSER_TESTS = Path(__file__).parent / "browser"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark database and browser tests by what they use, so ``-m`` can leave them out."""
    for item in items:
        if "database_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)


POSTGRES_URL = os.environ.get(
    "MATCHER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_schema_url() -> Iterator[str]:
    try:
        with private_schema(POSTGRES_URL, "test") as url:
            yield url
    except OperationalError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}: {error}")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated, empty database of each kind, once per test session."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        yield f"sqlite:///{path}"
    else:
        yield from _postgres_schema_url()


@pytest.fixture(scope="session")
def migrated_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


REDIS_URL = os.environ.get("MATCHER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_prefix() -> str:
    """This test's own Redis key prefix, so parallel workers never count each other's hits."""
    return f"matcher-test-{uuid.uuid4().hex}"


@pytest.fixture
def redis_limiter(redis_prefix: str) -> Iterator[RedisLimiter]:
    """A rate limiter on the real Redis under the test's key prefix; its keys are deleted
    afterwards. Under CI an unreachable Redis fails the run."""
    try:
        limiter = RedisLimiter(REDIS_URL, key_prefix=redis_prefix)
    except ConnectionError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(error))
    yield limiter
    server = redis.Redis.from_url(REDIS_URL)
    for key in server.scan_iter(f"{redis_prefix}*"):
        server.delete(key)
    server.close()


@pytest.fixture
def ledger_checkpoints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """This test's ledger checkpoint file (``MATCHER_LEDGER_CHECKPOINTS``), never the
    checkout's ``var/``: checkpoints belong to one database's ledger."""
    path = tmp_path / "ledger-checkpoints.log"
    monkeypatch.setenv("MATCHER_LEDGER_CHECKPOINTS", str(path))
    settings.cache_clear()
    yield path
    settings.cache_clear()


@pytest.fixture
def engine(migrated_engine: Engine, ledger_checkpoints: Path) -> Engine:
    """The session's database, emptied of rows before the test, with a checkpoint file of its
    own."""
    with migrated_engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    return migrated_engine


@dataclass(frozen=True)
class Api:
    """A client of the app on the test database, with a token per role."""

    client: TestClient
    engine: Engine
    tokens: dict[str, str]

    def headers(self, who: str | None) -> dict[str, str]:
        return {} if who is None else {"Authorization": f"Bearer {self.tokens[who]}"}

    def actor(self, who: str) -> str:
        """The actor id records keep for what ``who``'s token did (``token:<id>``)."""
        with session_scope(self.engine) as session:
            principal = authenticate_token(session, self.tokens[who])
        assert principal is not None, who
        return principal.actor_id


ENTERPRISE_USCC = "91419001MA4000000C"
OTHER_USCC = "91110000600037341L"


@pytest.fixture
def api_catalog() -> Catalog:
    """The catalog the ``api`` app serves; a test package may override it."""
    return default_catalog()


@pytest.fixture
def api(engine: Engine, api_catalog: Catalog) -> Iterator[Api]:
    """The app with tokens for staff, admin and two enterprises (``enterprise``, ``other``)."""
    config = Settings(database_url="sqlite://", calculator_rate_limit=1000)
    with session_scope(engine) as session:
        tokens = {
            "staff": issue_token(session, Role.STAFF, "staff")[0],
            "admin": issue_token(session, Role.ADMIN, "admin")[0],
            "enterprise": issue_token(session, Role.ENTERPRISE, "ent", ENTERPRISE_USCC)[0],
            "other": issue_token(session, Role.ENTERPRISE, "other", OTHER_USCC)[0],
        }
        revoked, record = issue_token(session, Role.STAFF, "revoked")
        assert record.id is not None
        revoke_token(session, record.id)
        tokens["revoked"] = revoked
    with TestClient(create_app(config, engine, api_catalog)) as client:
        yield Api(client, engine, tokens)


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed catalog: ``<tmp>/policies``."""
    root = tmp_path / "policies"
    shutil.copytree(BUNDLED_CATALOG, root)
    return root


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def replace_in() -> Callable[[Path, str, str], None]:
    """Edit a file in place: the first ``old`` becomes ``new``."""
    return _replace_in
