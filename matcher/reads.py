"""Reads of one statement that a request awaits on the event loop: the hot path's.

On PostgreSQL the statement goes out over psycopg's asynchronous connections, a few per process
(:class:`PostgresReads`): while the server answers, the loop goes on with other requests, and no
thread is involved. Handing each read to a thread and back cost the entitlements endpoint half
its throughput on 2 cores, in the hop and in the two threads taking the interpreter's lock in
turn (``bench/entitlements_http.py``). On SQLite, which answers in-process and has nothing to
wait on, the read runs in the process's reading thread (:class:`ThreadReads`).

Either way the rows come back as SQLAlchemy gives them: mappings keyed by the statement's
selected columns, each value converted by its column's type (an enum read as the enum, a time
with its zone).
"""

import asyncio
import os
from collections.abc import Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

import psycopg
from anyio import CapacityLimiter, to_thread
from sqlalchemy import ColumnElement, Dialect, Engine, Select
from sqlalchemy.engine import Compiled

Row = Mapping[Any, Any]
"""A row keyed by the statement's selected columns."""

READING_THREAD = CapacityLimiter(1)
"""The thread of a process that reads and evaluates for requests: one. The work is the
interpreter's, which runs one thread at a time, and its lock is not handed round fairly: with
four such threads, a thread back from the database now and then waited seconds for its turn
(p99 1–5 s at 10 connections on 2 cores, where one thread gives 8–13 ms)."""

READ_CONNECTIONS = 4
"""PostgreSQL connections a process reads on at once. One keeps a worker waiting on each round
trip; more than a few only add server processes contending for the same cores (on 2 cores, 50
connections: 1 gives 2,100 requests a second, 3 gave 2,500, 8 gave 2,600, and an unbounded
number 2,600 with a p99 of 200 ms)."""


class Reads(Protocol):
    async def rows(self, statement: Select[Any], params: Mapping[str, Any]) -> Sequence[Row]:
        """The rows ``statement`` selects with ``params`` bound."""
        ...

    async def open(self) -> None:
        """Start serving the running event loop (the app's startup)."""
        ...

    async def close(self) -> None:
        """Let go of what :meth:`open` holds (the app's shutdown)."""
        ...


def reads_for(engine: Engine) -> Reads:
    """The reads of ``engine``'s database: PostgreSQL's awaited, SQLite's in the reading thread."""
    if engine.dialect.name == "postgresql":
        return PostgresReads(engine)
    return ThreadReads(engine)


@dataclass
class ThreadReads:
    """Each read in :data:`READING_THREAD`, on a connection of ``engine``."""

    engine: Engine

    async def rows(self, statement: Select[Any], params: Mapping[str, Any]) -> Sequence[Row]:
        return await to_thread.run_sync(
            partial(self._rows, statement, params), limiter=READING_THREAD
        )

    def _rows(self, statement: Select[Any], params: Mapping[str, Any]) -> Sequence[Row]:
        with self.engine.connect() as connection:
            return connection.execute(statement, params).mappings().all()

    async def open(self) -> None:
        pass

    async def close(self) -> None:
        pass


@dataclass
class _Compiled:
    """A statement as psycopg runs it: its SQL (parameters by name, the statement's own values
    with them), and the columns its result holds in order with the converter of each (known
    once a result has told the columns' server types)."""

    sql: Compiled
    columns: list[ColumnElement[Any]]
    converters: list[Callable[[Any], Any] | None] | None = None


@dataclass
class _Pool:
    """Connections of one event loop: idle ones, and a bound on those in use."""

    loop: asyncio.AbstractEventLoop
    slots: asyncio.Semaphore
    idle: list[psycopg.AsyncConnection[Any]] = field(default_factory=list)


class PostgresReads:
    """Reads over psycopg's asynchronous connections, in autocommit (one statement sees one
    snapshot; no ``BEGIN`` or ``COMMIT`` round trips), with the parameters ``engine`` connects
    with. Statements are prepared on each connection.

    The pool belongs to the event loop that :meth:`open` ran on, the server's for the process's
    life. A read from another loop (an app driven without its startup, as some tests drive it)
    runs on a connection of its own, closed after it. A pooled connection found dead (the server
    restarted or ended it) is dropped and the read made once more on a new one: it is not pinged
    before use, and a read is safe to repeat.
    """

    def __init__(self, engine: Engine, size: int = READ_CONNECTIONS) -> None:
        self.dialect: Dialect = engine.dialect
        _, self.connect_args = self.dialect.create_connect_args(engine.url)
        self.connect_args.update(
            autocommit=True, application_name=f"matcher reads (pid {os.getpid()})"
        )
        self.size = size
        self._pool: _Pool | None = None
        self._compiled: dict[Select[Any], _Compiled] = {}

    async def open(self) -> None:
        self._pool = _Pool(asyncio.get_running_loop(), asyncio.Semaphore(self.size))

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        for connection in pool.idle if pool else ():
            await connection.close()

    async def rows(self, statement: Select[Any], params: Mapping[str, Any]) -> Sequence[Row]:
        compiled = self._compiled.get(statement)
        if compiled is None:
            sql = statement.compile(dialect=self.dialect)
            compiled = self._compiled[statement] = _Compiled(sql, list(statement.selected_columns))
        pool = self._pool
        if pool is None or pool.loop is not asyncio.get_running_loop():
            async with await self._connect() as connection:
                return await self._execute(connection, compiled, params)
        async with pool.slots, self._pooled(pool) as connection:
            try:
                return await self._execute(connection, compiled, params)
            except psycopg.OperationalError:
                if not connection.broken:
                    raise
        async with pool.slots, self._pooled(pool) as connection:
            return await self._execute(connection, compiled, params)

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        return await psycopg.AsyncConnection.connect(**self.connect_args)

    @asynccontextmanager
    async def _pooled(self, pool: _Pool) -> Any:
        """An idle connection, or a new one; back to the pool after, unless it broke."""
        connection = pool.idle.pop() if pool.idle else await self._connect()
        try:
            yield connection
        finally:
            if connection.broken or connection.closed or pool is not self._pool:
                await connection.close()
            else:
                pool.idle.append(connection)

    async def _execute(
        self,
        connection: psycopg.AsyncConnection[Any],
        compiled: _Compiled,
        params: Mapping[str, Any],
    ) -> list[Row]:
        bound = compiled.sql.construct_params(dict(params))
        cursor = await connection.execute(compiled.sql.string, bound, prepare=True)
        fetched = await cursor.fetchall()
        if compiled.converters is None:
            compiled.converters = [
                column.type.dialect_impl(self.dialect).result_processor(self.dialect, kind)
                for column, kind in zip(
                    compiled.columns, (d.type_code for d in cursor.description or ()), strict=True
                )
            ]
        pairs = list(zip(compiled.columns, compiled.converters, strict=True))
        return [
            {
                column: value if convert is None else convert(value)
                for (column, convert), value in zip(pairs, values, strict=True)
            }
            for values in fetched
        ]
