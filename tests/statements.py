"""Counting the SQL statements a request costs: the hot paths' guard against an N+1.

SQLite's own trace (``sqlite3.Connection.set_trace_callback``) is used rather than SQLAlchemy's
cursor events: it also sees what Sigap sends on DBAPI cursors directly (the report writer's
limits check, :mod:`sigap.reports.limits`), and what the report writer's thread runs, since it
is set on every connection the app's engines hand out (a test that counts a submission runs the
writer in a thread, ``writer_process=False``: a writer process has connections of its own).
PostgreSQL's hottest reads go on asyncpg connections of their own (:mod:`sigap.hotreads`), which
no such hook sees; the statements they run are the same ones, so the counts are taken on SQLite,
where the hottest reads' own connections (:class:`sigap.hotreads.SQLiteReads`) are traced too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from sigap.db import Database

CLOCKED = ("PRAGMA wal_checkpoint",)


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """Every statement SQLite starts for ``database``'s engines meanwhile, BEGIN and COMMIT
    included, each once however many triggers it sets off; not the statements SQLite runs
    itself (the R-tree's on its shadow tables). What runs by the clock rather than
    for a request is left out: the WAL checkpointer's thread (a test that counts also turns the
    region check off, ``region_check_seconds=0``)."""
    assert database.dialect == "sqlite", "statements are counted on SQLite (see the module)"
    seen: list[str] = []

    def trace(statement: str) -> None:
        # Python's trace repeats a statement for each trigger it sets off (SQLite's comment
        # naming the trigger is replaced by the statement's text): one statement sent, once.
        if statement.startswith(CLOCKED) or (seen and seen[-1] == statement):
            return
        if statement.startswith("--") or "'main'." in statement:  # SQLite's own (R-tree)
            return
        seen.append(statement)

    def checkout(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.set_trace_callback(trace)

    def checkin(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.set_trace_callback(None)

    engines = (database.read_engine, database.write_engine)
    for engine in engines:
        event.listen(engine, "checkout", checkout)
        event.listen(engine, "checkin", checkin)
    if database.sqlite_reads is not None:
        database.sqlite_reads.set_trace(trace)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "checkout", checkout)
            event.remove(engine, "checkin", checkin)
        if database.sqlite_reads is not None:
            database.sqlite_reads.set_trace(None)
