"""Database engines and sessions. SQLite by default (a file created on first start), PostgreSQL
through ``MATCHER_DATABASE_URL``. One session is one transaction: services flush, the request or
the job commits."""

import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from sqlalchemy import DateTime, Dialect, Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, create_engine

from matcher.config import settings


class UtcDateTime(TypeDecorator[datetime]):
    """A moment, stored in UTC and read back as an aware UTC ``datetime`` on every database.

    PostgreSQL's ``timestamptz`` keeps the offset; SQLite has no such type, and SQLAlchemy's
    ``DateTime(timezone=True)`` there stores ``YYYY-MM-DD HH:MM:SS.ffffff`` text without one
    and reads it back naive. Values are converted to UTC before they are bound, so that text
    is UTC, exactly as it always was (no migration), and given its offset when read. A naive
    value is taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


BUSY_TIMEOUT_SECONDS = 60.0
"""How long a SQLite writer waits for another's write lock before giving up (then the request
is answered 503, to be tried again). SQLite has one writer at a time, and a CSV import holds
the lock while it writes, all rows in one transaction (some 400 rows a second): a request that
writes meanwhile waits for it rather than failing at once with "database is locked"."""


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` is SQLite's "database is locked": a writer waited its whole busy
    timeout for another's lock. The request may be tried again."""
    orig = getattr(error, "orig", None)
    return isinstance(orig, sqlite3.OperationalError) and orig.sqlite_errorcode in (
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
    )


def make_engine(url: str, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> Engine:
    """An engine for ``url``; for SQLite the file's directory is created, WAL is on, and a
    writer waits up to ``busy_timeout`` seconds for the write lock."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"check_same_thread": False, "timeout": busy_timeout}
        engine = create_engine(url, connect_args=connect_args)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


@cache
def default_engine() -> Engine:
    return make_engine(settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine or default_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def private_schema(server_url: str, prefix: str = "scratch") -> Iterator[str]:
    """A new PostgreSQL schema on ``server_url``'s database, dropped on exit.

    Yields a URL whose connections work in that schema only, so test runs and benchmarks
    never see each other's rows.
    """
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@contextmanager
def scratch_database(kind: str, postgres_url: str) -> Iterator[str]:
    """A throw-away database: a temporary SQLite file, or a private PostgreSQL schema."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{Path(directory) / 'scratch.sqlite3'}"
    else:
        with private_schema(postgres_url) as url:
            yield url
