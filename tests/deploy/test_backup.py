"""The backup drill (issue 14) on PostgreSQL: the nightly job (``deploy/matcher-backup``)
verifies and checkpoints the ledger and dumps the database; a dump restored into a new
database verifies against the checkpoints and answers exactly as the original did. A dump
older than the last checkpoint is caught as a rewound ledger: the decisions after it must be
entered again. A ledger that does not verify fails the job, with no checkpoint but a dump.
The roles and their privileges are the guide's (``deploy/postgresql/grants.sql``).
"""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

import matcher.tables  # noqa: F401
from matcher import clock
from matcher.app import create_app
from matcher.auth.service import issue_token
from matcher.auth.tables import Role
from matcher.config import Settings, settings
from matcher.db import make_engine, session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.policies.catalog import Catalog
from matcher.profiles.parse import parse_profile
from tests.conftest import ENTERPRISE_USCC, OTHER_USCC, POSTGRES_URL, Api
from tests.payouts.conftest import (
    CONTRACT,
    FOUNDER,
    JIYUAN,
    PAYEE,
    SECOND_USCC,
    catalog_in_force,
    decide,
    enterprise,
)

pytestmark = [pytest.mark.slow, pytest.mark.db]

ROOT = Path(__file__).resolve().parents[2]
BACKUP = ROOT / "deploy" / "matcher-backup"
GRANTS = ROOT / "deploy" / "postgresql" / "grants.sql"
USCCS = (ENTERPRISE_USCC, SECOND_USCC, OTHER_USCC)
STARTUP = ("startup-subsidy", {"founder_id_number": FOUNDER})


def _libpq(url: str) -> str:
    """A SQLAlchemy URL as pg_dump and pg_restore read it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass(frozen=True)
class Roles:
    """The database's owner (migrations) and the service's role (rows only)."""

    owner: str
    service: str


@pytest.fixture
def roles() -> Iterator[Roles]:
    """Two new login roles on the test server, dropped after the test's databases."""
    suffix = uuid.uuid4().hex[:12]
    made = Roles(f"drill_owner_{suffix}", f"drill_service_{suffix}")
    try:
        with _admin() as connection:
            for role in (made.owner, made.service):
                connection.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
    except OperationalError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}: {error}")
    yield made
    with _admin() as connection:
        for role in (made.owner, made.service):
            connection.execute(sa.text(f'DROP ROLE "{role}"'))


@contextmanager
def _admin() -> Iterator[sa.Connection]:
    engine = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Database:
    name: str

    def url(self, role: str | None = None) -> str:
        """The database as ``role`` reaches it (the test server's user by default)."""
        url = make_url(POSTGRES_URL).set(database=self.name)
        return (url if role is None else url.set(username=role)).render_as_string(False)


@contextmanager
def _new_database(roles: Roles) -> Iterator[Database]:
    """A new, empty database owned by ``roles.owner`` with deploy/postgresql/grants.sql applied,
    as the guide creates one; dropped on exit."""
    database = Database(f"drill_{uuid.uuid4().hex[:12]}")
    with _admin() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{database.name}" OWNER "{roles.owner}"'))
    try:
        variables = {"owner": roles.owner, "service": roles.service, "database": database.name}
        subprocess.run(
            ["psql", "--quiet", "-v", "ON_ERROR_STOP=1", f"--dbname={_libpq(database.url())}",
             *(f"--variable={name}={value}" for name, value in variables.items()),
             f"--file={GRANTS}"],
            check=True,
        )  # fmt: skip
        yield database
    finally:
        with _admin() as connection:
            connection.execute(sa.text(f'DROP DATABASE "{database.name}" WITH (FORCE)'))


@pytest.fixture
def production(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Catalog]:
    """The environment of /etc/matcher/matcher.env for this process and the commands it runs,
    on a catalog in which the window's 2020 measure still takes claims."""
    catalog = catalog_in_force(tmp_path / "policies")
    environment = {
        "MATCHER_ENVIRONMENT": "production",
        "MATCHER_SECRET_KEY": "drill-secret",
        "MATCHER_LEDGER_KEY": "drill-ledger-key",
        "MATCHER_FOUNDER_KEY": "drill-founder-key",
        "MATCHER_LEDGER_CHECKPOINTS": str(tmp_path / "ledger" / "checkpoints.log"),
        "MATCHER_POLICIES_DIR": str(catalog.root),
        "MATCHER_BACKUP_DIR": str(tmp_path / "backups"),
        "MATCHER_BACKUP_KEEP": "2",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "ledger").mkdir()
    (tmp_path / "backups").mkdir()
    settings.cache_clear()
    yield catalog
    settings.cache_clear()


@contextmanager
def _window(url: str, catalog: Catalog) -> Iterator[Api]:
    """The API on the database at ``url``, with a staff token issued there."""
    with _engine(url) as engine:
        with session_scope(engine) as session:
            token = issue_token(session, Role.STAFF, "drill")[0]
        with TestClient(create_app(Settings(database_url=url), engine, catalog)) as client:
            yield Api(client, engine, {"staff": token})


@contextmanager
def _engine(url: str) -> Iterator[sa.Engine]:
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _record_enterprises(url: str, catalog: Catalog) -> None:
    """The three enterprises of the window's tests, recorded in the database at ``url``."""
    with _engine(url) as engine, session_scope(engine) as session:
        repository = EnterpriseRepository(session)
        for uscc in USCCS:
            profile = parse_profile(enterprise(uscc, registration_area=JIYUAN), catalog.facts)
            repository.save(profile, "tax", "drill")


def _file(api: Api, policy_id: str, facts: dict[str, Any], uscc: str) -> int:
    body = {"uscc": uscc, "policy_id": policy_id, "facts": facts, "payee": PAYEE}
    response = api.client.post("/api/v1/claims", json=body, headers=api.headers("staff"))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _decided(api: Api, claim_id: int, **body: Any) -> None:
    response = decide(api, claim_id, **body)
    assert response.status_code == 201, response.text


def _run(command: list[str], url: str) -> subprocess.CompletedProcess[str]:
    """``command`` in the production environment, on the database at ``url``."""
    environment = {**os.environ, "MATCHER_DATABASE_URL": url}
    return subprocess.run(command, env=environment, capture_output=True, text=True)


def _matcher(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    return _run(["matcher", *args], url)


def _backup(url: str) -> subprocess.CompletedProcess[str]:
    """One night's run of the backup job; dumps are named by the second they were taken."""
    time.sleep(1.1)
    return _run([str(BACKUP)], url)


def _execute(url: str, statement: str) -> None:
    with _engine(url) as engine, engine.begin() as connection:
        connection.execute(sa.text(statement))


def _restore(dump: Path, database: Database, roles: Roles) -> None:
    """The guide's restore: the dump's objects owned by the owner role, its grants kept."""
    subprocess.run(
        ["pg_restore", "--no-owner", f"--role={roles.owner}", "--exit-on-error",
         f"--dbname={_libpq(database.url())}", str(dump)],
        check=True,
    )  # fmt: skip


def _answers(api: Api, day: date) -> dict[str, Any]:
    """What the service tells: each enterprise's entitlements, the claims, the payout export."""
    get = api.client.get
    staff = api.headers("staff")
    answers: dict[str, Any] = {
        uscc: get(f"/api/v1/enterprises/{uscc}/entitlements?as_of={day}", headers=staff).json()
        for uscc in USCCS
    }
    answers["claims"] = get("/api/v1/claims", headers=staff).json()
    answers["export"] = get("/api/v1/payouts/export?format=csv", headers=staff).text
    return answers


def _rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    with _engine(url) as engine, engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(sa.select(table).order_by(*table.primary_key))
            ]
            for table in SQLModel.metadata.sorted_tables
        }


def test_a_restored_backup_verifies_and_answers_alike(production: Catalog, roles: Roles) -> None:
    """Migrated by the owner role, run and backed up by the service role with the guide's
    grants, restored as the guide restores."""
    today = clock.today()
    with _new_database(roles) as source_database:
        migrated = _matcher("db", "upgrade", url=source_database.url(roles.owner))
        assert migrated.returncode == 0, migrated.stderr
        source = source_database.url(roles.service)
        _record_enterprises(source, production)
        matched = _matcher("match-all", "--as-of", str(today), url=source)
        assert matched.returncode == 0, matched.stderr
        with _window(source, production) as api:
            asked = _file(api, *STARTUP, uscc=SECOND_USCC)
            rejected = _file(api, *STARTUP, uscc=OTHER_USCC)
            approved = _file(api, *STARTUP, uscc=ENTERPRISE_USCC)
            _decided(api, asked, kind="request_materials", reason="请补充社保缴费记录")
            _decided(api, rejected, kind="reject", reason="不符合")
            _decided(api, approved, kind="approve", amount="5000")

            first = _backup(source)
            assert first.returncode == 0, first.stderr
            transfer = _file(api, "tech-transfer-subsidy", CONTRACT, uscc=ENTERPRISE_USCC)
            _decided(api, transfer, kind="approve", amount="200000")
            original = _answers(api, today)
            second = _backup(source)
            assert second.returncode == 0, second.stderr
            state = _rows(source)

        backups = Path(os.environ["MATCHER_BACKUP_DIR"])
        older, newer = sorted(backups.glob("matcher-*.dump"))
        assert older.with_suffix(".checkpoints").exists()
        with _new_database(roles) as restored_database:
            _restore(newer, restored_database, roles)
            restored = restored_database.url(roles.service)
            assert _rows(restored) == state
            verified = _matcher("ledger", "verify", url=restored)
            assert verified.returncode == 0, verified.stderr
            assert "决定记录 4 条" in verified.stdout and "与 2 个检查点一致" in verified.stdout
            with _window(restored, production) as api:
                assert _answers(api, today) == original
                _file(api, "tech-transfer-subsidy", CONTRACT, uscc=SECOND_USCC)  # ids go on

        with _new_database(roles) as rewound:
            _restore(older, rewound, roles)
            refused = _matcher("ledger", "verify", url=rewound.url(roles.service))
            assert refused.returncode == 1
            assert "第 4 条：记录缺失：账本被回退" in refused.stderr
            assert "数据库中的账本只到第 3 条" in refused.stderr

        third = _backup(source)
        assert third.returncode == 0, third.stderr
        assert len(list(backups.glob("matcher-*.dump"))) == 2, "MATCHER_BACKUP_KEEP"
        assert not older.exists() and not older.with_suffix(".checkpoints").exists()

        # A database writer changes the money facts: the night's job fails, writes no
        # checkpoint, and still keeps a dump of what it found.
        checkpoints = Path(os.environ["MATCHER_LEDGER_CHECKPOINTS"])
        signed = checkpoints.read_text()
        _execute(source, "UPDATE ledger_entries SET amount = 1")
        tampered = _backup(source)
        assert tampered.returncode == 1
        assert "账本核验未通过" in tampered.stderr
        assert "the ledger did not verify: no checkpoint written" in tampered.stderr
        assert checkpoints.read_text() == signed
        assert "backup written" in tampered.stdout
        assert newer not in set(backups.glob("matcher-*.dump")), "the evidence is the newest"


def test_the_service_role_changes_no_structure(production: Catalog, roles: Roles) -> None:
    with _new_database(roles) as database:
        migrated = _matcher("db", "upgrade", url=database.url(roles.service))
        with _engine(database.url(roles.service)) as engine, engine.connect() as connection:
            tables = connection.execute(
                sa.text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            ).scalar_one()
    assert migrated.returncode == 1
    assert "permission denied for schema public" in migrated.stderr
    assert tables == 0
