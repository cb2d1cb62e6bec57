"""Engines and sessions. The request owns the unit of work: services flush, the caller commits.

SQLite runs in WAL mode with foreign keys on and ``synchronous=NORMAL``: a committed transaction
survives a crash of the process (the WAL is in the OS page cache) though not a power cut of the
machine; deployments that need the latter run PostgreSQL.
Writers on SQLite begin with ``BEGIN IMMEDIATE`` so that two writers queue on the lock instead of
failing with "database is locked" when one upgrades a read transaction.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine, Select, create_engine, event
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import Session, sessionmaker

from sigap.errors import SigapError
from sigap.faults import Outage, describe, is_disconnect, is_fault
from sigap.hotreads import CONNECT_TIMEOUT_S, HotQuery, HotReads, KeyedQuery, SQLiteReads

log = logging.getLogger("sigap.db")
Item = TypeVar("Item")
Result = TypeVar("Result")
T = TypeVar("T")


# A pooled PostgreSQL connection idle this long is checked before use (see _ping_when_idle).
IDLE_PING_S = 10.0
# Connections per pool of `sigap worker` (its loop and periodic jobs: a few at a time).
WORKER_POOL_SIZE = 2
# SQLite: how long a statement waits for another connection's lock (SIGAP_SQLITE_BUSY_TIMEOUT_S).
BUSY_TIMEOUT_S = 30.0


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def with_driver(url: str) -> str:
    """PostgreSQL URLs as operators often write them (``postgresql://``, ``postgres://``) name
    the driver Sigap ships with (psycopg 3, which also serves the asyncio engine)."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def make_engine(
    url: str,
    *,
    write: bool = True,
    pool_size: int = 10,
    auto_checkpoint: bool = True,
    busy_timeout_s: float = BUSY_TIMEOUT_S,
) -> Engine:
    """Write engines run real transactions; read engines run each statement on its own
    (autocommit: no BEGIN/COMMIT round trips around a public read, which on PostgreSQL tripled
    the cost of fetching one report; a page is one statement, so it is still one snapshot)."""
    if not is_sqlite(url):
        options: dict[str, Any] = {} if write else {"isolation_level": "AUTOCOMMIT"}
        engine = create_engine(
            url,
            pool_size=pool_size,
            max_overflow=0,  # see pg_connections
            connect_args=_pg_connect_args("sigap-write" if write else "sigap-read"),
            **options,
        )
        _ping_when_idle(engine)
        return engine
    engine = create_engine(
        url,
        connect_args=_sqlite_connect_args(busy_timeout_s),
        pool_size=pool_size,
        max_overflow=pool_size,
    )
    begin = "BEGIN IMMEDIATE" if write else None
    _configure_sqlite(engine, begin=begin, auto_checkpoint=auto_checkpoint, busy_s=busy_timeout_s)
    engine.dialect.statement_compiler = _SQLiteCompiler
    return engine


def pg_connections(pool_size: int) -> int:
    """The most PostgreSQL connections a server process opens: ``pool_size`` for each of its
    three engines and its hot reads, none beyond (a request waits for a pooled connection
    rather than open one more: with overflow, two server processes at the default size went
    past PostgreSQL's default ``max_connections`` under load), the live listener and the
    writer process's own (``pool_size=1``)."""
    return 4 * pool_size + 3


def _pg_connect_args(name: str) -> dict[str, Any]:
    """Never wait forever for a connection; and name the pool in ``pg_stat_activity``."""
    return {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": name}


class _SQLiteCompiler(SQLiteCompiler):
    """SQLAlchemy's SQLite compiler drops table hints; this one writes them after the table
    name, which is where SQLite's ``INDEXED BY`` goes (``select.with_hint(t, "INDEXED BY ix",
    "sqlite")``)."""

    def get_from_hint_text(self, table: Any, text: str | None) -> str | None:
        return text


def _ping_when_idle(engine: Engine, idle_s: float = IDLE_PING_S) -> None:
    """Check a pooled PostgreSQL connection before use only when it sat idle for a while (a
    server restart or a dropped link shows up then). SQLAlchemy's ``pool_pre_ping`` checks at
    every checkout: one more round trip than a one-row read itself needs."""

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < idle_s:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            if not dbapi_connection.autocommit:
                dbapi_connection.rollback()
        except Exception as exc:  # any failure: the pool drops it and connects anew
            raise DisconnectionError(str(exc)) from exc


def _sqlite_connect_args(busy_s: float) -> dict[str, Any]:
    return {"check_same_thread": False, "timeout": busy_s}


def _set_up_sqlite(dbapi_connection: Any, *, auto_checkpoint: bool, busy_s: float) -> None:
    """Every SQLite connection's settings, the engines' and :class:`SQLiteReads`'."""
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        "synchronous=NORMAL",
        f"busy_timeout={round(busy_s * 1000)}",
        "cache_size=-65536",
        "temp_store=MEMORY",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    if not auto_checkpoint:
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def _configure_sqlite(
    engine: Engine, *, begin: str | None, auto_checkpoint: bool, busy_s: float
) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        _set_up_sqlite(dbapi_connection, auto_checkpoint=auto_checkpoint, busy_s=busy_s)

    if begin is None:  # reads: the driver runs each statement in its own transaction
        return

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)


def ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a SQLite file URL so a fresh machine needs no manual step."""
    if is_sqlite(url) and ":memory:" not in url:
        path = url.split("///", 1)[-1]
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)


class Database:
    """The write engine, the read engine (a replica or the same database) and their sessions."""

    def __init__(
        self,
        url: str,
        read_url: str | None = None,
        *,
        pool_size: int = 10,
        background_checkpoint: bool = False,
        idle_ping_s: float = IDLE_PING_S,
        busy_timeout_s: float = BUSY_TIMEOUT_S,
    ) -> None:
        """``background_checkpoint`` (SQLite, long-running servers): commits never copy the WAL
        back into the database file themselves; a :class:`Checkpointer` thread does it.
        ``busy_timeout_s`` (SQLite): how long a statement waits for a lock another process
        holds before it fails (a fault: 503)."""
        url = with_driver(url)
        read_url = None if read_url is None else with_driver(read_url)
        ensure_sqlite_dir(url)
        self.url = url
        self.dialect = "sqlite" if is_sqlite(url) else "postgresql"
        self.write_engine = make_engine(
            url,
            write=True,
            pool_size=pool_size,
            auto_checkpoint=not background_checkpoint,
            busy_timeout_s=busy_timeout_s,
        )
        self.read_engine = make_engine(
            read_url or url, write=False, pool_size=pool_size, busy_timeout_s=busy_timeout_s
        )
        # PostgreSQL reads that must not hold up the event loop nor pay a trip to a thread
        # (see read_async); it connects at its first use.
        self.async_read_engine = (
            None
            if self.dialect == "sqlite"
            else create_async_engine(
                read_url or url,
                pool_size=pool_size,
                max_overflow=0,
                isolation_level="AUTOCOMMIT",
                connect_args=_pg_connect_args("sigap-read-async"),
            )
        )
        if self.async_read_engine is not None:
            _ping_when_idle(self.async_read_engine.sync_engine, idle_ping_s)
        self.hot_reads = (
            None
            if self.dialect == "sqlite"
            else HotReads(read_url or url, size=pool_size, idle_ping_s=idle_ping_s)
        )
        self.sqlite_reads = (
            SQLiteReads(
                self.read_engine,
                _sqlite_connect_args(busy_timeout_s),
                partial(_set_up_sqlite, auto_checkpoint=True, busy_s=busy_timeout_s),
            )
            if self.dialect == "sqlite"
            and self.read_engine.url.database not in (None, "", ":memory:")
            else None
        )
        self._write = sessionmaker(self.write_engine, expire_on_commit=False)
        self._read = sessionmaker(self.read_engine, expire_on_commit=False)

    def write_session(self) -> Session:
        """A session that connects (and begins) lazily, at its first statement."""
        return self._write()

    def read_session(self) -> Session:
        return self._read()

    @staticmethod
    def finish(session: Session, *, commit: bool) -> None:
        """End a request's unit of work: commit or roll back, then release the connection."""
        try:
            if commit:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error."""
        with self._write() as session, session.begin():
            yield session

    @contextmanager
    def autocommit(self) -> Iterator[Connection]:
        """A write connection outside any transaction: each statement commits on its own. For
        what can't run in a transaction (VACUUM) or sends its own BEGIN and COMMIT. The pool
        resets the connection's isolation level when it goes back."""
        options = {"isolation_level": "AUTOCOMMIT"}
        with self.write_engine.connect().execution_options(**options) as connection:
            yield connection

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    async def read_async(self, read: Callable[[Connection], T]) -> T:
        """Run ``read`` (plain synchronous code on a Core connection) from the event loop.

        On PostgreSQL it runs on an asyncio connection: SQLAlchemy runs the function in a
        greenlet and each statement awaits the server, so the loop serves other requests in
        the meantime and no worker thread is involved (a trip to a thread and back cost more
        than a one-row read; under load the answers queued behind the GIL). On SQLite it runs
        on the loop itself: its reads are in-process, well under a millisecond, and on a
        thread each row fetched would give the GIL away and wait to get it back.

        ``read`` only reads: on PostgreSQL it runs once more on a new connection if its
        connection turns out lost (a restarted server, ``pg_terminate_backend``)."""
        if self.async_read_engine is None:
            with self.read_connection() as connection:
                return read(connection)
        for attempt in (1, 2):
            try:
                async with self.async_read_engine.connect() as connection:
                    return await connection.run_sync(read)
            except Exception as exc:
                if attempt == 2 or not is_disconnect(exc):
                    raise
        raise AssertionError("unreachable")

    async def fetch(self, query: HotQuery, params: dict[str, Any]) -> Sequence[Any]:
        """The rows of one SELECT, read from the event loop in the cheapest way each engine
        has: on SQLite directly (as :meth:`read_async`), on PostgreSQL as a prepared statement
        on an asyncpg connection (:mod:`sigap.hotreads`). Rows are named tuples of the query's
        columns on both engines; datetimes are aware (UTC)."""
        if self.hot_reads is not None:
            return await self.hot_reads.fetch(query, params)
        if self.sqlite_reads is not None:
            return self.sqlite_reads.fetch(query, params)
        return await self.read_async(lambda c: list(c.execute(query.statement, params)))

    async def fetch_select(
        self, statement: Select[Any], values: dict[str, Any] | None = None
    ) -> Sequence[Any]:
        """The rows of a statement (with ``values`` for its named parameters, if given), from
        the event loop: on SQLite as :meth:`read_async` reads, on PostgreSQL compiled once per
        shape and sent on an asyncpg connection (:class:`sigap.hotreads.Statements`). Named
        tuples; datetimes aware UTC."""
        if self.hot_reads is None:
            return await self.read_async(lambda c: list(c.execute(statement, values)))
        return await self.hot_reads.fetch_select(statement, values)

    async def fetch_by_key(self, query: KeyedQuery, key: Any) -> Any | None:
        """The one row of ``query`` for ``key``, or None. On PostgreSQL the reads of the same
        query that arrive together are sent as one statement (:class:`sigap.hotreads.Gathered`)."""
        if self.hot_reads is None:
            rows = await self.fetch(query.one, {"key": key})
            return rows[0] if rows else None
        return await self.hot_reads.fetch_by_key(query, key)

    async def read_in_session(self, read: Callable[[Session], T]) -> T:
        """:meth:`read_async` for read code written against an ORM session (a session over
        the one connection: nothing is opened or committed besides it)."""

        def run(connection: Connection) -> T:
            with Session(bind=connection) as session:
                return read(session)

        return await self.read_async(run)

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A Core connection of the read engine, for the hottest reads: no ORM session to set
        up and commit (on the read engine each statement is its own snapshot anyway)."""
        with self.read_engine.connect() as connection:
            yield connection

    def dispose(self) -> None:
        if self.sqlite_reads is not None:
            self.sqlite_reads.close()
        self.write_engine.dispose()
        self.read_engine.dispose()

    async def dispose_async(self) -> None:
        """Close the asyncio engine's connections too (from the loop that used them)."""
        if self.async_read_engine is not None:
            await self.async_read_engine.dispose()
        if self.hot_reads is not None:
            await self.hot_reads.close()
        self.dispose()


class Checkpointer:
    """Copies SQLite's WAL back into the database file from a thread of its own.

    Left to the committing connection, every thousandth page makes one commit pay for a whole
    checkpoint (tens of milliseconds on this hardware), and every request in that write batch
    waits for it. A PASSIVE checkpoint blocks neither readers nor writers; a crash in between
    loses nothing, since the WAL is replayed when the database is next opened.
    """

    def __init__(self, engine: Engine, *, every_s: float = 1.0) -> None:
        self._engine = engine
        self._every_s = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sigap-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        outage = Outage("WAL checkpoint", log)
        while not self._stop.wait(self._every_s):
            try:
                self.checkpoint()
            except Exception as exc:  # a failed pass is retried at the next tick; never stop
                outage.failed(exc)
                continue
            outage.succeeded()

    def checkpoint(self) -> tuple[int, int, int]:
        """One PASSIVE checkpoint: (busy, pages in the WAL, pages copied back)."""
        # A raw connection: SQLAlchemy would begin a transaction, inside which SQLite refuses
        # to checkpoint.
        connection = self._engine.raw_connection()
        try:
            cursor = connection.cursor()
            busy, wal_pages, copied = cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            cursor.close()
        finally:
            connection.close()
        return int(busy), int(wal_pages), int(copied)

    def close(self) -> None:
        """Stop; SQLite checkpoints the rest itself when the last connection closes."""
        self._stop.set()
        self._thread.join(timeout=30)


class BatchWriter(Generic[Item, Result]):
    """Group commit for a hot write path (report submission).

    Items queue up while a transaction is being written; one thread then hands every queued
    item to ``handler`` in one transaction and commits once. A caller is answered only after
    that commit, so an acknowledged item is durable; a batch whose transaction fails is retried
    item by item, so one bad item fails alone. SQLite allows one writer at a time anyway, and
    this keeps its write lock held only for database work, never while a request waits for
    the event loop or a worker thread.
    """

    def __init__(
        self,
        database: Database,
        handler: Callable[[Session, list[Item]], list[Result]],
        *,
        max_batch: int = 128,
        after_commit: Callable[[Database], None] | None = None,
    ) -> None:
        self._database = database
        self._handler = handler
        self._max_batch = max_batch
        self._after_commit = after_commit
        self._outage = Outage("report writer", log)
        self._queue: queue.SimpleQueue[_Job[Item] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="sigap-writer", daemon=True)
        self._thread.start()

    async def submit(self, item: Item) -> Result:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Result] = loop.create_future()
        self._queue.put(_Job(item, future, loop))
        return await future

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._queue.put(None)
                    break
                batch.append(job)
            self._write(batch)

    def _write(self, batch: list[_Job[Item]]) -> None:
        items = [job.item for job in batch]
        outcomes = commit_batch(self._database, self._handler, items, self._outage)
        _answer(batch, outcomes)
        after_batch(self._after_commit, self._database, [ok for ok, _value in outcomes])


@contextmanager
def opened(url: str | None = None, **options: Any) -> Iterator[Database]:
    """The database a command works on: ``url`` (a ``--database-url``), else
    SIGAP_DATABASE_URL's; its engines disposed when the command is done with it."""
    from sigap.config import Settings  # read when a command runs, never at import

    database = Database(url or Settings().database_url, **options)
    try:
        yield database
    finally:
        database.dispose()


def after_batch(
    step: Callable[[Database], None] | None, database: Database, stored: list[bool]
) -> None:
    """The writers' step after a batch is committed and answered (the live hubs'
    notification), given whether each item was stored: run only if one was. A failure of it is
    logged, not raised: the batch stands."""
    if step is None or not any(stored):
        return
    for attempt in (1, 2):
        try:
            step(database)
            return
        except Exception as exc:
            if attempt == 1 and is_disconnect(exc):
                continue  # once more, on a new connection
            if is_fault(exc):
                log.warning("after a committed batch: %s", describe(exc))
            else:
                log.exception("after a committed batch")


def commit_batch(
    database: Database,
    handler: Callable[[Session, list[Any]], list[Any]],
    items: list[Any],
    outage: Outage | None = None,
) -> list[tuple[bool, Any]]:
    """``handler`` over all ``items`` in one transaction, committed once; if that transaction
    fails, each item again in one of its own, so one bad item fails alone. One outcome per
    item: ``(True, result)`` or ``(False, error)``. The group-commit writers' common step
    (this thread writer, and the writer process of ``sigap.writer``).

    A database fault (:mod:`sigap.faults`) that outlasts :func:`_transaction`'s second try
    fails every item with 503 ``database_unavailable``, unacknowledged: its client sends it
    again (its Idempotency-Key stores it once). ``outage`` logs the faults once."""
    try:
        results = _transaction(database, handler, items)
    except Exception as exc:
        if is_fault(exc):
            if outage is not None:
                outage.failed(exc)
            return [(False, SigapError("database_unavailable")) for _ in items]
        if len(items) == 1:
            return [(False, exc)]
        return [each for item in items for each in commit_batch(database, handler, [item], outage)]
    if outage is not None:
        outage.succeeded()
    return [(True, result) for result in results]


def _transaction(
    database: Database, handler: Callable[[Session, list[Any]], list[Any]], items: list[Any]
) -> list[Any]:
    """One transaction; once more (on a new connection: the pool dropped the dead one) if
    the connection was lost before the commit, so the first batch after a blip is stored. Not
    after the commit was sent: it may have gone through, and a second one would store twice."""
    for attempt in (1, 2):
        committing = False
        try:
            with database.write_session() as session, session.begin():
                results = handler(session, items)
                committing = True
            return results
        except Exception as exc:
            if committing or attempt == 2 or not is_disconnect(exc):
                raise
            log.warning("a batch lost its connection (%s); writing it again", describe(exc))
    raise AssertionError("unreachable")


@dataclass
class _Job(Generic[Item]):
    item: Item
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop


def _answer(batch: list[_Job[Any]], outcomes: list[tuple[bool, Any]]) -> None:
    """Wake each event loop once per batch (one self-pipe write), not once per request."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Job[Any], tuple[bool, Any]]]] = {}
    for job, outcome in zip(batch, outcomes, strict=True):
        by_loop.setdefault(job.loop, []).append((job, outcome))

    def settle(answers: list[tuple[_Job[Any], tuple[bool, Any]]]) -> None:
        for job, (ok, value) in answers:
            if job.future.done():  # the client went away
                continue
            if ok:
                job.future.set_result(value)
            else:
                job.future.set_exception(value)

    for loop, answers in by_loop.items():
        loop.call_soon_threadsafe(settle, answers)
