"""The hottest reads (Open311's one request): on PostgreSQL on asyncpg connections of their
own, on SQLite on the sqlite3 module's connections of their own (:class:`SQLiteReads`).

A one-row read through SQLAlchemy's asyncio engine cost 530 us of CPU, through psycopg's
asyncio pool 180-200 us, and on a bare asyncpg connection 50 us (docs/perf-log.md, "Open311"):
asyncpg's protocol is compiled, its rows are decoded in C, and it prepares each statement once
per connection by itself. asyncpg's own pool was not kept: its acquire and release cost another
50 us of CPU per read (a queue with timeouts, a reset of each connection on release), so the
few connections here are handed out from a plain list.

On SQLite, SQLAlchemy's engine cost a one-row read as much as the rest of the request
(checking a connection out and in, the execution context, the result's machinery: 280 against
140 us of CPU for the whole request at 1M reports, docs/perf-log.md).

The statements are still written once in SQLAlchemy (:class:`HotQuery`), compiled once per
engine: their text, their parameters' bind processors and their columns' result processors
are SQLAlchemy's own, so a row reads the same on every path.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import asyncpg
from sqlalchemy import ARRAY, Engine, Select, any_, bindparam, make_url, select
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.sql.compiler import SQLCompiler

from sigap.faults import is_disconnect

log = logging.getLogger("sigap.db")
# The longest wait for a new database connection (every engine's): an unreachable server
# must fail the request (503), not hold it forever.
CONNECT_TIMEOUT_S = 10


class Compiled(NamedTuple):
    sql: str
    names: tuple[str, ...]  # the statement's parameters, in their $n order
    fixed: dict[str, Any]  # the values the statement fixes itself
    convert: tuple[Any, ...]  # per parameter, its type's bind processor, or None
    row: type[Any]  # a named tuple of the statement's columns


class SQLiteCompiled(NamedTuple):
    sql: str
    names: tuple[str, ...]  # the statement's parameters, in their ? order
    fixed: dict[str, Any]
    convert: tuple[Any, ...]  # per parameter, its type's bind processor, or None
    results: tuple[Any, ...]  # per column, its type's result processor, or None
    row: type[Any]


class HotQuery:
    """A SELECT that :meth:`sigap.db.Database.fetch` runs: written once with SQLAlchemy (so
    both engines share it), compiled once for asyncpg, prepared once per connection.

    Its text is fixed, so it skips the per-call work of :class:`Statements` (15 us): its
    values only pass through their types' bind processors, as SQLAlchemy would send them. An
    ``IN`` list, whose text depends on its values, is refused when the query is compiled."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: Compiled | None = None
        self._sqlite: SQLiteCompiled | None = None

    def for_asyncpg(self) -> Compiled:
        if self._compiled is None:
            dialect = asyncpg_dialect()  # type: ignore[no-untyped-call]
            compiled = self.statement.compile(dialect=dialect)
            if compiled.post_compile_params:
                raise TypeError("a HotQuery's text is fixed: for IN lists use fetch_select")
            names = tuple(compiled.positiontup or ())
            convert = tuple(
                compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
                for name in names
            )
            row = _row_type(self.statement)
            self._compiled = Compiled(str(compiled), names, dict(compiled.params), convert, row)
        return self._compiled

    def for_sqlite(self, dialect: Any) -> SQLiteCompiled:
        """Compiled by the SQLite engine's own ``dialect`` (its compiler writes table hints)."""
        if self._sqlite is None:
            compiled = self.statement.compile(dialect=dialect)
            names = tuple(compiled.positiontup or ())
            convert = tuple(
                compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
                for name in names
            )
            results = tuple(
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in self.statement.selected_columns
            )
            row = _row_type(self.statement)
            fixed = dict(compiled.params)
            self._sqlite = SQLiteCompiled(str(compiled), names, fixed, convert, results, row)
        return self._sqlite


class Statements:
    """Statements built per request (a list's filters), compiled for asyncpg once per shape:
    SQLAlchemy's cache key names the shape and carries this request's values, as it does for
    SQLAlchemy's own compiled cache. Compiling a list statement cost 1.3 ms, its key 0.13 ms.
    At most ``size`` shapes are kept (the filters a deployment's clients send are few)."""

    def __init__(self, size: int = 500) -> None:
        self._size = size
        self._compiled: dict[Any, tuple[SQLCompiler, type[Any]]] = {}
        self._dialect = asyncpg_dialect()  # type: ignore[no-untyped-call]

    def for_asyncpg(
        self, statement: Select[Any], values: dict[str, Any] | None = None
    ) -> tuple[str, list[Any], type[Any]]:
        """The SQL text, its values in $n order (bind processors applied) and the row type;
        ``values`` replace those of the named parameters they name."""
        key = statement._generate_cache_key()  # SQLAlchemy's own, as its engine uses it
        if key is None:  # a statement SQLAlchemy cannot cache: compiled every time
            compiled, row = self._compile(statement, None)
        else:
            found = self._compiled.get(key.key)
            if found is None:
                if len(self._compiled) >= self._size:
                    self._compiled.clear()
                found = self._compiled[key.key] = self._compile(statement, key)
            compiled, row = found
        params = compiled.construct_params(
            values, extracted_parameters=None if key is None else key.bindparams, escape_names=False
        )
        expanded = compiled.construct_expanded_state(params, escape_names=False)
        processors, bound = expanded.processors, expanded.parameters
        ordered = [
            processors[name](bound[name]) if name in processors else bound[name]
            for name in expanded.positiontup or ()
        ]
        return expanded.statement, ordered, row

    def _compile(self, statement: Select[Any], key: Any) -> tuple[SQLCompiler, type[Any]]:
        compiled = statement.compile(dialect=self._dialect, cache_key=key)
        return compiled, _row_type(statement)


def _bound(
    names: tuple[str, ...], fixed: dict[str, Any], convert: tuple[Any, ...], params: dict[str, Any]
) -> list[Any]:
    """A compiled :class:`HotQuery`'s values in its parameters' order, each through its type's
    bind processor (``params`` win over the values the statement fixes)."""
    return [
        value if to_sql is None else to_sql(value)
        for value, to_sql in zip(
            (params[name] if name in params else fixed[name] for name in names),
            convert,
            strict=True,
        )
    ]


def _row_type(statement: Select[Any]) -> type[Any]:
    columns = [str(column.key) for column in statement.selected_columns]
    return collections.namedtuple("Row", columns)


class KeyedQuery:
    """The same columns read one row at a time by a key (``report.id = :key``), or for several
    keys at once (``report.id = ANY(:keys)``, PostgreSQL), for :class:`Gathered`; from
    ``source`` when given (a join), else from the columns' tables. The key's column must be
    among the columns, by its own name."""

    def __init__(self, columns: Sequence[Any], key: Any, source: Any = None) -> None:
        self.key = str(key.key)
        base = select(*columns) if source is None else select(*columns).select_from(source)
        self.one = HotQuery(base.where(key == bindparam("key")))
        keys = bindparam("keys", type_=ARRAY(key.type))
        self.many = HotQuery(base.where(key == any_(keys)))


class Gathered:
    """One-row reads by key that arrive together, sent as one statement (``ANY`` of their
    keys) when the event loop has run every request that was ready: under load a worker holds
    several requests at once, and each one's own round trip and statement cost PostgreSQL and
    this process more than the row itself. Nothing waits for a batch to fill: a read alone is
    sent in the same turn of the loop, as it would have been on its own."""

    def __init__(self, reads: HotReads, query: KeyedQuery) -> None:
        self._reads = reads
        self._query = query
        self._pending: dict[Any, list[asyncio.Future[Any]]] = {}
        self._running: set[asyncio.Task[None]] = set()

    async def get(self, key: Any) -> Any | None:
        """The row of ``key``, or None."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Any] = loop.create_future()
        if not self._pending:
            loop.call_soon(self._send)
        self._pending.setdefault(key, []).append(waiter)
        return await waiter

    def _send(self) -> None:
        pending, self._pending = self._pending, {}
        task = asyncio.create_task(self._read(pending))
        self._running.add(task)  # held until done: the loop keeps only weak references
        task.add_done_callback(self._running.discard)

    async def _read(self, pending: dict[Any, list[asyncio.Future[Any]]]) -> None:
        try:
            rows = await self._reads.fetch(self._query.many, {"keys": list(pending)})
        except Exception as exc:  # every request of the batch gets the error
            for waiter in _waiting(pending):
                waiter.set_exception(exc)
            return
        except BaseException:
            for waiter in _waiting(pending):
                waiter.cancel()
            raise
        found = {getattr(row, self._query.key): row for row in rows}
        for key, waiters in pending.items():
            for waiter in waiters:
                if not waiter.done():  # a request cancelled meanwhile takes nothing
                    waiter.set_result(found.get(key))


def _waiting(pending: dict[Any, list[asyncio.Future[Any]]]) -> list[asyncio.Future[Any]]:
    return [waiter for waiters in pending.values() for waiter in waiters if not waiter.done()]


class HotReads:
    """At most ``size`` asyncpg connections, opened when reads need them. A connection idle
    for ``idle_ping_s`` or longer is checked before use, as the engines' are (a server restart
    or a dropped link shows up then), and replaced if it fails; one whose read failed is
    closed rather than trusted again. When it failed because its connection was lost, the
    idle ones are closed too (they went the same way, as after a restart or
    ``pg_terminate_backend``) and the read is sent once more on a new connection: reads
    change nothing, so a blip costs no request an error."""

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
        self._gathered: dict[KeyedQuery, Gathered] = {}
        self._statements = Statements()

    async def fetch_by_key(self, query: KeyedQuery, key: Any) -> Any | None:
        """The row of ``key`` (None if there is none), read together with the other reads of
        the same query that arrive in the same turn of the event loop."""
        gathered = self._gathered.get(query)
        if gathered is None:
            gathered = self._gathered[query] = Gathered(self, query)
        return await gathered.get(key)

    async def fetch(self, query: HotQuery, params: dict[str, Any]) -> Sequence[Any]:
        sql, names, fixed, convert, row = query.for_asyncpg()
        values = _bound(names, fixed, convert, params)
        return await self._rows(sql, values, row)

    async def fetch_select(
        self, statement: Select[Any], values: dict[str, Any] | None = None
    ) -> Sequence[Any]:
        """The rows of a statement (see :class:`Statements`)."""
        sql, ordered, row = self._statements.for_asyncpg(statement, values)
        return await self._rows(sql, ordered, row)

    async def _rows(self, sql: str, values: list[Any], row: type[Any]) -> list[Any]:
        for attempt in (1, 2):
            connection = await self._acquire()
            try:
                records = await connection.fetch(sql, *values)
            except Exception as exc:
                # A connection the server closed under it (asyncpg may then say anything,
                # even "another operation is in progress") is a lost connection.
                lost = connection.is_closed() or is_disconnect(exc)
                self._lose(connection)
                if not lost:
                    raise
                if attempt == 2:
                    raise DisconnectionError(f"hot reads: connection lost: {exc}") from exc
                self._lose_idle()
                continue
            except BaseException:
                self._lose(connection)
                raise
            self._release(connection)
            return [row._make(record) for record in records]
        raise AssertionError("unreachable")

    async def close(self) -> None:
        self._closed = True
        free, self._free = self._free, []
        for connection, _ in free:
            await connection.close()
        self._opened -= len(free)

    async def _acquire(self) -> asyncpg.Connection:
        while self._free:
            connection, since = self._free.pop()
            if connection.is_closed():  # the server closed it while it was idle
                self._lose(connection)
                continue
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
                self._dsn,
                timeout=CONNECT_TIMEOUT_S,
                server_settings={"application_name": "sigap-hot-reads"},
            )
        except (OSError, TimeoutError) as exc:  # refused, unreachable: a database fault
            self._hand_back(None)
            raise DisconnectionError(f"cannot connect for hot reads: {exc}") from exc
        except BaseException:
            self._hand_back(None)
            raise

    async def _alive(self, connection: asyncpg.Connection) -> bool:
        try:
            await connection.fetchval("SELECT 1")
        except Exception:  # whatever it says, it cannot be trusted
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

    def _lose_idle(self) -> None:
        free, self._free = self._free, []
        for connection, _ in free:
            self._lose(connection)

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


class SQLiteReads:
    """:class:`HotQuery` reads on SQLite, on the sqlite3 module's connections: one per thread
    that reads (the event loop's, in a server), opened as the read ``engine`` opens its own
    (its URL's connect arguments, then ``setup``: the same pragmas), kept open until
    :meth:`close`. Each statement is its own snapshot, as on the read engine."""

    def __init__(
        self, engine: Engine, connect_args: dict[str, Any], setup: Callable[[Any], None]
    ) -> None:
        self._dialect = engine.dialect
        args, options = engine.dialect.create_connect_args(engine.url)
        self._database: str = args[0]
        self._options: dict[str, Any] = {**options, **connect_args}
        self._setup = setup
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._trace: Callable[[str], None] | None = None

    def set_trace(self, trace: Callable[[str], None] | None) -> None:
        """sqlite3's trace callback on every connection, open or yet to open (statement
        counts in tests)."""
        with self._lock:
            self._trace = trace
            for connection in self._opened:
                connection.set_trace_callback(trace)

    def fetch(self, query: HotQuery, params: dict[str, Any]) -> list[Any]:
        sql, names, fixed, convert, results, row = query.for_sqlite(self._dialect)
        values = _bound(names, fixed, convert, params)
        return [
            row._make(
                value if read is None else read(value)
                for read, value in zip(results, found, strict=True)
            )
            for found in self._connection().execute(sql, values)
        ]

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self._database, **self._options)
            self._setup(connection)
            with self._lock:
                connection.set_trace_callback(self._trace)
                self._opened.append(connection)
            self._local.connection = connection
        return connection

    def close(self) -> None:
        """Close every thread's connection (a thread that reads again opens a new one)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.close()
        self._local = threading.local()
