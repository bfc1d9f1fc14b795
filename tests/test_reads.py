"""The hot path's awaited reads: rows as SQLAlchemy types them, on a few pooled connections."""

import asyncio
import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, Select, func, literal, select, text

from matcher.auth.service import issue_token, revoke_token
from matcher.auth.tables import ApiToken, Role
from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.enterprises.tables import enterprises
from matcher.policies.catalog import default_catalog
from matcher.profiles.parse import parse_profile
from matcher.reads import PostgresReads, reads_for

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
Pooled = tuple[PostgresReads, asyncio.AbstractEventLoop]
"""Reads opened on an event loop of their own, and the loop (the ``pooled`` fixture)."""


def by_column(statement: Select[Any], rows: Iterable[Mapping[Any, Any]]) -> list[dict[Any, Any]]:
    return [{column: row[column] for column in statement.selected_columns} for row in rows]


def sqlalchemy_rows(engine: Engine, statement: Select[Any]) -> list[dict[Any, Any]]:
    with engine.connect() as connection:
        return by_column(statement, connection.execute(statement).mappings())


@pytest.fixture
def pooled(engine: Engine) -> Iterator[Pooled]:
    """Reads opened on an event loop of their own, as the server's startup opens them."""
    reads = PostgresReads(engine, size=2)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(reads.open())
    try:
        yield reads, loop
    finally:
        loop.run_until_complete(reads.close())
        loop.close()


def settled_connections(engine: Engine, reads: PostgresReads, expected: int) -> int:
    """The server's count of the reads' connections, once it settles on ``expected``.

    A backend leaves ``pg_stat_activity`` a moment after its client hangs up, so the
    count is polled for up to five seconds; what it last showed is returned.
    """
    deadline = time.monotonic() + 5
    while True:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"),
                {"name": reads.connect_args["application_name"]},
            )
            count = int(found.scalar_one())
        if count == expected or time.monotonic() > deadline:
            return count
        time.sleep(0.05)


def backend_pid(reads: PostgresReads, loop: asyncio.AbstractEventLoop) -> int:
    """The server process of the pooled connection a read is made on."""
    (pid,) = loop.run_until_complete(reads.rows(select(func.pg_backend_pid()), {}))[0].values()
    return int(pid)


def test_rows_are_typed_as_sqlalchemy_types_them(engine: Engine) -> None:
    profile = parse_profile(
        {
            "uscc": "91419001MA4000000C",
            "name": "济源市银辉新材料有限公司",
            "registered_on": "2019-09-16",
            "operating_revenue": "38600000.00",
            "facts": {"vat_taxpayer_type": "small_scale"},
        },
        default_catalog().facts,
    )
    with session_scope(engine) as session:
        EnterpriseRepository(session).save(profile, "registration", "test")
        _, token = issue_token(session, Role.ENTERPRISE, "ent", profile.uscc)
        assert token.id is not None
        revoke_token(session, token.id)
    tokens = select(*ApiToken.__table__.c)  # type: ignore[attr-defined]
    for statement in (select(*enterprises.c), tokens):
        read = asyncio.run(reads_for(engine).rows(statement, {}))
        assert by_column(statement, read) == sqlalchemy_rows(engine, statement)
    (row,) = asyncio.run(reads_for(engine).rows(select(*enterprises.c), {}))
    assert row[enterprises.c.registered_on] == date(2019, 9, 16)
    assert row[enterprises.c.operating_revenue] == Decimal("38600000.00")
    (token_row,) = asyncio.run(reads_for(engine).rows(tokens, {}))
    assert token_row[ApiToken.__table__.c.role] is Role.ENTERPRISE  # type: ignore[attr-defined]
    assert token_row[ApiToken.__table__.c.revoked_at].tzinfo is not None  # type: ignore[attr-defined]


@postgresql_only
def test_at_most_size_connections_each_reused(engine: Engine, pooled: Pooled) -> None:
    reads, loop = pooled
    statement = select(func.pg_backend_pid(), func.pg_sleep(0.02))

    async def many() -> list[Any]:
        return await asyncio.gather(*(reads.rows(statement, {}) for _ in range(12)))

    first = {rows[0][statement.selected_columns[0]] for rows in loop.run_until_complete(many())}
    again = {rows[0][statement.selected_columns[0]] for rows in loop.run_until_complete(many())}
    assert len(first) == 2 and again == first
    assert settled_connections(engine, reads, 2) == 2
    loop.run_until_complete(reads.close())
    assert settled_connections(engine, reads, 0) == 0


@postgresql_only
def test_a_read_from_another_loop_has_a_connection_of_its_own_closed_after(
    engine: Engine, pooled: Pooled
) -> None:
    reads, loop = pooled
    statement = select(func.pg_backend_pid())
    elsewhere = asyncio.run(reads.rows(statement, {}))[0][statement.selected_columns[0]]
    assert elsewhere != backend_pid(reads, loop)
    assert settled_connections(engine, reads, 1) == 1


@postgresql_only
def test_a_pooled_connection_the_server_ended_is_replaced_unseen(
    engine: Engine, pooled: Pooled
) -> None:
    reads, loop = pooled
    ended = backend_pid(reads, loop)
    with engine.begin() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": ended})
    assert backend_pid(reads, loop) != ended
    assert settled_connections(engine, reads, 1) == 1


@postgresql_only
def test_an_error_of_the_statement_is_raised_and_its_connection_kept(
    engine: Engine, pooled: Pooled
) -> None:
    reads, loop = pooled
    before = backend_pid(reads, loop)
    with pytest.raises(psycopg.errors.DivisionByZero, match="division by zero"):
        loop.run_until_complete(reads.rows(select(literal(1) / literal(0)), {}))
    assert backend_pid(reads, loop) == before
