"""PostgreSQL's hottest reads (Open311's one request), on asyncpg connections of their own.

A one-row read through SQLAlchemy's asyncio engine cost 530 us of CPU, through psycopg's
asyncio pool 180-200 us, and on a bare asyncpg connection 50 us (BENCHMARKS.md, "Open311"):
asyncpg's protocol is compiled, its rows are decoded in C, and it prepares each statement once
per connection by itself. asyncpg's own pool was not kept: its acquire and release cost another
50 us of CPU per read (a queue with timeouts, a reset of each connection on release), so the
few connections here are handed out from a plain list.

The statements are still written once in SQLAlchemy (:class:`HotQuery`, shared with SQLite,
where :meth:`sigap.db.Database.fetch` runs them on the engine), compiled once for asyncpg.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Sequence
from typing import Any, NamedTuple

import asyncpg
from sqlalchemy import Select, make_url
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

log = logging.getLogger("sigap.db")


class Compiled(NamedTuple):
    sql: str
    names: tuple[str, ...]  # the statement's parameters, in their $n order
    fixed: dict[str, Any]  # the values the statement fixes itself
    row: type[Any]  # a named tuple of the statement's columns


class HotQuery:
    """A SELECT that :meth:`sigap.db.Database.fetch` runs: written once with SQLAlchemy (so
    both engines share it), compiled once for asyncpg, prepared once per connection."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: Compiled | None = None

    def for_asyncpg(self) -> Compiled:
        if self._compiled is None:
            compiled = self.statement.compile(dialect=asyncpg_dialect())  # type: ignore[no-untyped-call]
            names = tuple(compiled.positiontup or ())
            columns = [str(column.key) for column in self.statement.selected_columns]
            row = collections.namedtuple("Row", columns)  # type: ignore[misc]
            self._compiled = Compiled(str(compiled), names, dict(compiled.params), row)
        return self._compiled


class HotReads:
    """At most ``size`` asyncpg connections, opened when reads need them. A connection idle
    for ``idle_ping_s`` or longer is checked before use, as the engines' are (a server restart
    or a dropped link shows up then), and replaced if it fails; one whose read failed is
    closed rather than trusted again."""

    def __init__(self, url: str, *, size: int, idle_ping_s: float) -> None:
        self._dsn = make_url(url).set(drivername="postgresql").render_as_string(False)
        self._size = size
        self._idle_ping_s = idle_ping_s
        self._free: list[tuple[asyncpg.Connection, float]] = []  # with the time it was freed
        self._opened = 0
        self._waiting: collections.deque[asyncio.Future[asyncpg.Connection | None]] = (
            collections.deque()
        )
        self._closed = False

    async def fetch(self, query: HotQuery, params: dict[str, Any]) -> Sequence[Any]:
        sql, names, fixed, row = query.for_asyncpg()
        values = [params[name] if name in params else fixed[name] for name in names]
        connection = await self._acquire()
        try:
            records = await connection.fetch(sql, *values)
        except BaseException:
            self._lose(connection)
            raise
        self._release(connection)
        return [row._make(record) for record in records]

    async def close(self) -> None:
        self._closed = True
        free, self._free = self._free, []
        for connection, _ in free:
            await connection.close()
        self._opened -= len(free)

    async def _acquire(self) -> asyncpg.Connection:
        while self._free:
            connection, since = self._free.pop()
            if time.monotonic() - since < self._idle_ping_s or await self._alive(connection):
                return connection
        if self._opened < self._size:
            self._opened += 1
            return await self._connect()
        waiter: asyncio.Future[asyncpg.Connection | None] = (
            asyncio.get_running_loop().create_future()
        )
        self._waiting.append(waiter)
        try:
            handed = await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # handed over as we were cancelled
                self._hand_back(waiter.result())
            raise
        return handed if handed is not None else await self._connect()

    async def _connect(self) -> asyncpg.Connection:
        """Open a connection in a slot already counted in ``_opened``."""
        try:
            return await asyncpg.connect(
                self._dsn, server_settings={"application_name": "sigap-hot-reads"}
            )
        except BaseException:
            self._hand_back(None)
            raise

    async def _alive(self, connection: asyncpg.Connection) -> bool:
        try:
            await connection.fetchval("SELECT 1")
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            log.warning("an idle hot-reads connection was lost; opening another")
            self._lose(connection)
            return False
        return True

    def _release(self, connection: asyncpg.Connection) -> None:
        if self._closed:
            connection.terminate()
            self._hand_back(None)
        else:
            self._hand_back(connection)

    def _lose(self, connection: asyncpg.Connection) -> None:
        """Close a connection that cannot be trusted; its slot goes to a waiter, if any."""
        connection.terminate()
        self._hand_back(None)

    def _hand_back(self, connection: asyncpg.Connection | None) -> None:
        """A connection (or, with None, the slot of one that is gone) to the first waiter
        still waiting, else to the free list (the slot: given up)."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():  # a waiter cancelled meanwhile takes nothing
                waiter.set_result(connection)
                return
        if connection is None:
            self._opened -= 1
        else:
            self._free.append((connection, time.monotonic()))
