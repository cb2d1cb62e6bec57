"""The hottest PostgreSQL reads (sigap.hotreads): a few asyncpg connections handed out from a
list. Reads beyond the connections wait their turn; a read that fails gives its connection
up, and nothing leaks when a waiting read is cancelled. (PostgreSQL only, on the suite's own
server; the idle check is in test_db.)"""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy import bindparam, func, literal, select

from sigap.hotreads import HotQuery, HotReads

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
