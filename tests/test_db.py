"""The driver-level bulk insert stores exactly what SQLAlchemy reads back, on both engines."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Table, create_engine, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sigap.db import BatchWriter, Checkpointer, Database, _ping_when_idle
from sigap.hotreads import HotQuery
from sigap.migrations import upgrade
from sigap.models import OutboxMessage
from sigap.rows import insert_rows

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[assignment]


def test_insert_rows_round_trip(database: Database) -> None:
    wib = timezone(timedelta(hours=7))
    rows = [
        {
            "message_id": f"m-{n}",
            "topic": "test",
            "payload": {"n": n, "nested": {"ok": True}, "text": "Jalan rusak"},
            "state": "pending",
            "attempts": n,
            "last_error": None,
            "created_at": created,
            "available_at": created + timedelta(minutes=5),
        }
        for n, created in enumerate(
            [
                datetime(2026, 11, 27, 8, 0, 0, tzinfo=UTC),  # no microseconds
                datetime(2026, 11, 27, 15, 0, 0, 123456, tzinfo=wib),  # another offset
            ]
        )
    ]

    with database.transaction() as session:
        returned = insert_rows(session.connection(), OUTBOX, rows, returning=("message_id",))
    with database.reading() as session:
        stored = session.scalars(select(OutboxMessage).order_by(OutboxMessage.message_id)).all()

    assert sorted(returned) == [("m-0",), ("m-1",)]
    assert [(m.payload, m.attempts, m.last_error) for m in stored] == [
        (r["payload"], r["attempts"], None) for r in rows
    ]
    assert [m.created_at for m in stored] == [r["created_at"] for r in rows]
    assert stored[1].created_at == datetime(2026, 11, 27, 8, 0, 0, 123456, tzinfo=UTC)
    assert all(m.created_at.tzinfo is UTC for m in stored)


def test_checkpointer_copies_the_wal_back(tmp_path: Path) -> None:
    """With background checkpoints, commits leave the WAL alone and the checkpointer empties it."""
    url = f"sqlite:///{tmp_path}/wal.db"
    upgrade(url)
    database = Database(url, background_checkpoint=True)
    checkpointer = Checkpointer(database.write_engine, every_s=3600)
    rows = [
        {
            "message_id": f"m-{n}",
            "topic": "t",
            "payload": {"n": n},
            "state": "pending",
            "attempts": 0,
            "last_error": None,
            "created_at": datetime.now(UTC),
            "available_at": datetime.now(UTC),
        }
        for n in range(2000)
    ]
    for start in range(0, 2000, 100):
        with database.transaction() as session:
            insert_rows(session.connection(), OUTBOX, rows[start : start + 100])

    busy, wal_pages, copied = checkpointer.checkpoint()
    checkpointer.close()
    database.dispose()

    assert busy == 0
    assert wal_pages > 50  # nothing was checkpointed by the commits themselves
    assert copied == wal_pages


def _message(name: str) -> dict[str, object]:
    now = datetime.now(UTC)
    return {"message_id": name, "topic": "t", "payload": {}, "state": "pending", "attempts": 0,
            "last_error": None, "created_at": now, "available_at": now}  # fmt: skip


def test_one_bad_item_fails_alone_and_nothing_is_written_twice(database: Database) -> None:
    """A failing batch is rolled back whole and retried item by item."""
    release = threading.Event()
    batches: list[list[str]] = []

    def handler(session: Session, items: list[str]) -> list[str]:
        batches.append(list(items))
        if "hold" in items:
            release.wait(10)  # let the other items queue up behind it, into one batch
        insert_rows(session.connection(), OUTBOX, [_message(item) for item in items])
        if "bad" in items:
            raise ValueError("bad item")
        return [item.upper() for item in items]

    writer: BatchWriter[str, str] = BatchWriter(database, handler)

    async def run() -> list[str | BaseException]:
        hold = asyncio.create_task(writer.submit("hold"))
        await asyncio.sleep(0.2)
        rest = [asyncio.create_task(writer.submit(item)) for item in ("a", "bad", "c")]
        await asyncio.sleep(0.2)
        release.set()
        return await asyncio.gather(hold, *rest, return_exceptions=True)

    try:
        results = asyncio.run(run())
    finally:
        writer.close()

    assert results[:2] == ["HOLD", "A"]
    assert isinstance(results[2], ValueError)
    assert results[3] == "C"
    assert ["a", "bad", "c"] in batches  # tried together first ...
    assert {"a", "bad", "c"} <= {b[0] for b in batches if len(b) == 1}  # ... then one by one
    with database.reading() as session:
        stored = sorted(session.scalars(select(OutboxMessage.message_id)))
    assert stored == ["a", "c", "hold"]


def test_the_after_commit_step_follows_committed_batches_only(database: Database) -> None:
    """The writer's step after a batch (the live hubs' notification) runs once the batch is
    committed (it sees the batch's rows), and not for a batch of which nothing was stored."""
    seen: list[list[str]] = []

    def handler(session: Session, items: list[str]) -> list[str]:
        if "bad" in items:
            raise ValueError("bad item")
        insert_rows(session.connection(), OUTBOX, [_message(item) for item in items])
        return items

    def after(db: Database) -> None:
        with db.reading() as session:
            seen.append(sorted(session.scalars(select(OutboxMessage.message_id))))

    answered: list[str] = []
    writer: BatchWriter[str, str] = BatchWriter(database, handler, after_commit=after)

    async def run(item: str) -> None:
        try:
            answered.append(await writer.submit(item))
        except ValueError:
            answered.append("failed")

    try:
        asyncio.run(run("a"))
        asyncio.run(run("bad"))
        asyncio.run(run("c"))
    finally:
        writer.close()

    assert answered == ["a", "failed", "c"]
    assert seen == [["a"], ["a", "c"]]


def test_engine_settings(database: Database) -> None:
    """SQLite: WAL and enforced foreign keys on every connection. PostgreSQL: the report's
    location is a PostGIS geography with GiST indexes."""
    with database.transaction() as session:
        connection = session.connection()
        if database.dialect == "sqlite":
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            tables = connection.exec_driver_sql("SELECT name FROM sqlite_master").scalars()
            assert "report_rtree" in set(tables)
        else:
            kind = connection.exec_driver_sql(
                "SELECT udt_name FROM information_schema.columns "
                "WHERE table_name = 'report' AND column_name = 'location'"
            ).scalar()
            assert kind == "geography"
            indexes = connection.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'report'"
            ).scalars()
            assert sum("USING gist" in d for d in indexes) == 2
    with pytest.raises(IntegrityError), database.transaction() as session:
        session.execute(
            text("INSERT INTO area (code, name, level, kind, parent_code) "
                 "VALUES ('99', 'X', 'province', 'provinsi', 'no-such-parent')")
        )  # fmt: skip


@pytest.mark.parametrize("autocommit", [False, True])
def test_an_idle_postgresql_connection_that_died_is_replaced_before_use(autocommit: bool) -> None:
    """Without a ping at every checkout, a connection the server dropped while it sat in the
    pool is still caught: it is checked once it has been idle, and a fresh one is used.
    (PostgreSQL only: SQLite has no server to lose. The server is the suite's own.)"""
    url = os.environ.get(
        "SIGAP_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    options = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    engine = create_engine(url, pool_size=1, **options)
    _ping_when_idle(engine, idle_s=0.0)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            first = connection.scalar(text("SELECT pg_backend_pid()"))
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        with engine.connect() as connection:
            second = connection.scalar(text("SELECT pg_backend_pid()"))
    finally:
        engine.dispose()
        admin.dispose()
    assert second != first


async def _pid_by_read_async(database: Database) -> int:
    return await database.read_async(lambda c: int(c.scalar(text("SELECT pg_backend_pid()"))))


async def _pid_by_fetch(database: Database) -> int:
    rows = await database.fetch(HotQuery(select(func.pg_backend_pid().label("pid"))), {})
    return int(rows[0].pid)


@pytest.mark.parametrize(
    "pid_of", [_pid_by_read_async, _pid_by_fetch], ids=["asyncio engine", "hot reads"]
)
def test_an_idle_async_read_connection_that_died_is_replaced_before_use(
    pid_of: Callable[[Database], Awaitable[int]],
) -> None:
    """The same check on PostgreSQL's asyncio reads: the asyncio engine (Database.read_async)
    and psycopg's pool of the hottest reads (Database.fetch)."""
    url = os.environ.get(
        "SIGAP_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    database = Database(url, pool_size=1, idle_ping_s=0.0)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")

    async def run() -> tuple[int, int]:
        first = await pid_of(database)
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        second = await pid_of(database)
        await database.dispose_async()
        return first, second

    try:
        first, second = asyncio.run(run())
    finally:
        admin.dispose()
    assert second != first


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_a_postgresql_url_without_a_driver_uses_psycopg(scheme: str) -> None:
    database = Database(f"{scheme}://postgres@127.0.0.1:5432/postgres")
    try:
        assert database.read_engine.dialect.driver == "psycopg"
        with database.read_connection() as connection:
            assert connection.scalar(text("SELECT 1")) == 1
    finally:
        database.dispose()
