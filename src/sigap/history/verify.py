"""``sigap audit verify``: walk every chain and name the first broken link.

Each row's hash is recomputed from its stored fields and the stored hash of the row before it
in its chain. A row edited in place (its fields no longer match its hash) breaks at that row;
a row whose hash was rewritten as well breaks the link to the next row; a deleted or inserted
row breaks the link after it. Only a rewrite of every later hash of a chain passes, and it
changes the chain's head, which the daily digest on /open-data has published
(:mod:`sigap.history.heads`): ``--heads FILE`` checks a saved digest against the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, select, text
from sqlalchemy.orm import Session

from sigap.db import Database
from sigap.history import chain
from sigap.models import AdminEvent, ReportEvent

EVENT: Table = ReportEvent.__table__  # type: ignore[assignment]
ADMIN: Table = AdminEvent.__table__  # type: ignore[assignment]
BATCH = 2000


@dataclass(frozen=True, slots=True)
class Break:
    """The first link that does not hold: ``expected`` is the hash recomputed from the row and
    its predecessor, ``found`` the stored one."""

    chain: str  # "report" or "admin"
    event_id: int
    report_id: int | None
    expected: str
    found: str | None

    def describe(self) -> str:
        where = f"report {self.report_id}, event {self.event_id}"
        if self.chain == "admin":
            where = f"admin event {self.event_id}"
        return f"{where}: expected {self.expected}, found {self.found or '(none)'}"


@dataclass(frozen=True, slots=True)
class Verdict:
    """How many rows were checked (up to the first break) and the first break of each kind of
    chain: the report timelines, the admin audit."""

    events: int
    admin_events: int
    breaks: list[Break]


@contextmanager
def snapshot(database: Database) -> Iterator[Session]:
    """A session that sees one state of the database throughout the walk: on PostgreSQL a
    read-only repeatable-read transaction (whose cursor streams the rows), on SQLite a read
    transaction (WAL readers see one snapshot and never block writers)."""
    if database.write_engine.dialect.name != "postgresql":
        with database.reading() as session:
            yield session
        return
    with database.transaction() as session:
        session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        yield session


def verify(session: Session) -> Verdict:
    """Walk the report chains (report by report, events in id order), then the admin chain."""
    events, in_reports = _walk_reports(session)
    admin_events, in_admin = _walk_admin(session)
    breaks = [found for found in (in_reports, in_admin) if found is not None]
    return Verdict(events, admin_events, breaks)


@contextmanager
def _rows(session: Session, table: Table, order: tuple[Any, ...]) -> Iterator[Any]:
    """The table's rows in chain order, streamed, the cursor closed even when the walk stops."""
    result = session.execute(select(table).order_by(*order), execution_options={"yield_per": BATCH})
    try:
        yield result.mappings()
    finally:
        result.close()


def _walk_reports(session: Session) -> tuple[int, Break | None]:
    count, report_id, prev = 0, None, chain.GENESIS
    with _rows(session, EVENT, (EVENT.c.report_id, EVENT.c.id)) as rows:
        for row in rows:
            count += 1
            if row["report_id"] != report_id:
                report_id, prev = row["report_id"], chain.GENESIS
            expected = chain.report_link(row, prev)
            if row["hash"] != expected:
                return count, Break("report", row["id"], report_id, expected, row["hash"])
            prev = expected
    return count, None


def _walk_admin(session: Session) -> tuple[int, Break | None]:
    count, prev = 0, chain.GENESIS
    with _rows(session, ADMIN, (ADMIN.c.id,)) as rows:
        for row in rows:
            count += 1
            expected = chain.admin_link(row, prev)
            if row["hash"] != expected:
                return count, Break("admin", row["id"], None, expected, row["hash"])
            prev = expected
    return count, None
