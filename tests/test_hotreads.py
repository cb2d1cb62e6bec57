"""The hottest reads (sigap.hotreads). On PostgreSQL, a few asyncpg connections handed out from
a list: reads beyond the connections wait their turn; a read that fails gives its connection
up, and nothing leaks when a waiting read is cancelled (on the suite's own server; the idle
check is in test_db). On SQLite, the sqlite3 module's connections, one per thread. On both,
a hot read's row is the engine's row."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import (
    ARRAY,
    Integer,
    bindparam,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
)

from sigap.db import Database
from sigap.hotreads import HotQuery, HotReads, KeyedQuery
from sigap.models.base import UTCDateTime
from sigap.open311.service import ONE
from sigap.regions.state import load_state
from sigap.reports import service
from sigap.reports.schemas import ReportCreate

URL = os.environ.get("SIGAP_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PID = HotQuery(select(func.pg_backend_pid().label("pid")))
SLOW = HotQuery(select(func.pg_sleep(bindparam("seconds")).label("slept"), literal(7).label("n")))
FAILS = HotQuery(select((literal(1) / bindparam("zero")).label("quotient")))


def test_reads_beyond_the_connections_wait_and_all_get_their_rows() -> None:
    async def run() -> tuple[set[int], list[int]]:
        reads = HotReads(URL, size=2, idle_ping_s=10.0)
        try:
            slow = await asyncio.gather(*(reads.fetch(SLOW, {"seconds": 0.01}) for _ in range(10)))
            pids = await asyncio.gather(*(reads.fetch(PID, {}) for _ in range(30)))
            return {rows[0].pid for rows in pids}, [rows[0].n for rows in slow]
        finally:
            await reads.close()

    pids, numbers = asyncio.run(run())
    assert len(pids) <= 2
    assert numbers == [7] * 10


def test_a_failed_read_gives_its_connection_up_and_the_next_read_works() -> None:
    async def run() -> tuple[int, int]:
        reads = HotReads(URL, size=1, idle_ping_s=10.0)
        try:
            first = (await reads.fetch(PID, {}))[0].pid
            with pytest.raises(Exception, match="division by zero"):
                await reads.fetch(FAILS, {"zero": 0})
            # One connection at most: a leaked slot would make this wait for ever.
            second = (await asyncio.wait_for(reads.fetch(PID, {}), 10))[0].pid
            return first, second
        finally:
            await reads.close()

    first, second = asyncio.run(run())
    assert first != second  # the failed connection was closed, not trusted again


def test_a_cancelled_waiting_read_leaks_nothing() -> None:
    async def run() -> int:
        reads = HotReads(URL, size=1, idle_ping_s=10.0)
        try:
            holding = asyncio.create_task(reads.fetch(SLOW, {"seconds": 0.2}))
            await asyncio.sleep(0.05)
            waiting = asyncio.create_task(reads.fetch(PID, {}))
            await asyncio.sleep(0.01)
            waiting.cancel()
            await holding
            rows = await asyncio.wait_for(reads.fetch(PID, {}), 10)
            return int(rows[0].pid)
        finally:
            await reads.close()

    assert asyncio.run(run()) > 0


def _reports(database: Database, count: int) -> list[int]:
    with database.transaction() as session:
        state = load_state(session)
        data = ReportCreate(category="sampah", lat=-6.1754, lon=106.8272, description="Sampah.")
        return [
            service.submit(session, state, data=data, channel="api").report["id"]
            for _ in range(count)
        ]


def test_reads_by_key_that_arrive_together_are_sent_as_one_statement(database_url: str) -> None:
    """Each read gets its own row (None for a key with none, the same row twice for a key
    asked twice); on PostgreSQL the reads of one turn of the loop are one statement."""
    database = Database(database_url)
    ids = _reports(database, 5)
    keys = [*ids, ids[0], 987_654_321]
    statements: list[dict[str, Any]] = []
    if database.hot_reads is not None:
        fetch = database.hot_reads.fetch

        async def counted(query: HotQuery, params: dict[str, Any]) -> Sequence[Any]:
            statements.append(params)
            return await fetch(query, params)

        database.hot_reads.fetch = counted  # type: ignore[method-assign]

    async def run() -> list[Any]:
        together = await asyncio.gather(*(database.fetch_by_key(ONE, key) for key in keys))
        alone = await database.fetch_by_key(ONE, ids[1])
        await database.dispose_async()
        return [*together, alone]

    rows = asyncio.run(run())
    assert [None if row is None else row.id for row in rows] == [*keys[:-1], None, ids[1]]
    assert rows[0].status_note is None  # the columns of the query, by name
    with database.read_connection() as connection:
        engines = connection.execute(ONE.one.statement, {"key": ids[0]}).one()
    database.dispose()
    assert rows[0]._asdict() == engines._asdict()  # every column converted as the engine does
    assert rows[0].created_at.utcoffset() == timedelta(0)
    if statements:
        assert [sorted(params["keys"]) for params in statements] == [
            sorted({*ids, 987_654_321}),
            [ids[1]],
        ]


def test_a_failed_statement_fails_every_read_of_its_batch_and_no_other() -> None:
    reads = HotReads(URL, size=1, idle_ping_s=10.0)
    divide = KeyedQuery([(literal(10) / column("n")).label("quotient"), column("n")], column("n"))
    divide.many = HotQuery(
        select((literal(10) / column("n")).label("quotient"), column("n")).select_from(
            func.unnest(bindparam("keys", type_=ARRAY(Integer))).alias("n")
        )
    )

    async def run() -> tuple[list[Any], Any]:
        try:
            first = await asyncio.gather(
                *(reads.fetch_by_key(divide, n) for n in (1, 0, 2)), return_exceptions=True
            )
            second = await reads.fetch_by_key(divide, 5)
            return first, second
        finally:
            await reads.close()

    first, second = asyncio.run(run())
    assert all("division by zero" in str(error) for error in first)
    assert second.quotient == 2


def test_a_hot_query_refuses_an_in_list_and_converts_its_values_as_sqlalchemy_would() -> None:
    """A HotQuery's text is compiled once, so an IN list (whose text depends on its values)
    is refused; other values go through their types' bind processors, as SQLAlchemy sends
    them: UTCDateTime refuses a naive datetime, which asyncpg alone would take."""
    in_list = select(column("id")).where(column("id").in_(bindparam("ids", expanding=True)))
    with pytest.raises(TypeError, match="fetch_select"):
        HotQuery(in_list).for_asyncpg()
    since = HotQuery(select(bindparam("since", type_=UTCDateTime()).label("at")))
    jakarta = datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo("Asia/Jakarta"))

    async def run() -> Any:
        reads = HotReads(URL, size=1, idle_ping_s=10.0)
        try:
            with pytest.raises(ValueError, match="naive"):
                await reads.fetch(since, {"since": jakarta.replace(tzinfo=None)})
            return (await reads.fetch(since, {"since": jakarta}))[0]
        finally:
            await reads.close()

    row = asyncio.run(run())
    assert row.at == jakarta
    assert row.at.utcoffset() == timedelta(0)


def test_killed_connections_cost_no_read_and_leak_no_slot() -> None:
    """pg_terminate_backend on every hot-read connection, idle or reading: each read is sent
    again on a new connection (reads change nothing), and the slots are all given back."""
    activity = table("pg_stat_activity", column("pid"), column("application_name"))
    killer = HotQuery(
        select(func.count(func.pg_terminate_backend(activity.c.pid)).label("n")).where(
            activity.c.application_name == "sigap-hot-reads",
            activity.c.pid != func.pg_backend_pid(),
        )
    )

    async def run() -> tuple[int, list[float]]:
        reads = HotReads(URL, size=4, idle_ping_s=10.0)
        other = HotReads(URL, size=1, idle_ping_s=10.0)  # the killer's own, spared
        try:
            await asyncio.gather(*(reads.fetch(PID, {}) for _ in range(8)))  # all four open
            sleeping = [reads.fetch(SLOW, {"seconds": 0.5}) for _ in range(2)]
            reading = asyncio.gather(*sleeping)
            await asyncio.sleep(0.1)
            killed = (await other.fetch(killer, {}))[0].n
            await asyncio.sleep(0.1)  # the idle ones learn it from the server
            after = await asyncio.gather(*(reads.fetch(PID, {}) for _ in range(8)))
            assert all(rows[0].pid for rows in after)
            slept = [rows[0].n for rows in await reading]
            return killed, slept
        finally:
            await reads.close()
            await other.close()

    killed, slept = asyncio.run(run())
    assert killed >= 4
    assert slept == [7, 7]


def test_sqlite_reads_have_a_connection_per_thread_and_open_again_after_close(
    tmp_path: Path,
) -> None:
    """Each thread reads on its own connection (sqlite3's are not for sharing), opened with the
    engine's pragmas; close() closes them all and the next read opens a new one."""
    database = Database(f"sqlite:///{tmp_path / 'reads.db'}")
    reads = database.sqlite_reads
    assert reads is not None
    at = datetime(2026, 12, 7, 9, 30, tzinfo=ZoneInfo("Asia/Jakarta"))
    query = HotQuery(
        select(
            literal(7).label("n"),
            bindparam("at", type_=UTCDateTime()).label("at"),
            literal_column("(SELECT journal_mode FROM pragma_journal_mode)").label("journal"),
        )
    )
    seen: dict[str, Any] = {}

    def read(name: str) -> None:
        seen[name] = reads.fetch(query, {"at": at})[0]

    threads = [threading.Thread(target=read, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    read("main")
    assert len(reads._opened) == 3
    assert {row.n for row in seen.values()} == {7}
    assert all(row.at == at and row.at.utcoffset() == timedelta(0) for row in seen.values())
    assert {row.journal for row in seen.values()} == {"wal"}  # the engine's pragmas
    opened = list(reads._opened)
    database.dispose()
    assert reads._opened == []
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        opened[0].execute("SELECT 1")
    read("again")
    assert seen["again"].n == 7
    database.dispose()
