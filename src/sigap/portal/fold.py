"""Bringing the portal's counters up to date before they are read.

On PostgreSQL the triggers on ``report`` queue each change's contribution in ``stat_pending``
and ``stat_fold()`` adds the queue into the counted tables (migration 0014_pending_stats), so
the submit's transaction does one insert instead of nine upserts. Whoever reads the counters
folds first (:data:`CountsSession`), and ``sigap worker`` folds every
``SIGAP_STATS_FOLD_INTERVAL_S`` (:func:`fold_job`), so the queue stays short when nobody
reads. On SQLite the triggers count in the changing transaction and there is nothing to fold.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import text
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sigap.db import Database
from sigap.deps import read_session

FOLD = text("SELECT stat_fold()")
VACUUM = text("VACUUM (SKIP_LOCKED) stat_pending")


def fold(session: Session) -> int:
    """Fold what is queued into the counters, in ``session``'s transaction (which must be
    able to write); the number of queued rows folded. Folds run one at a time (an advisory
    lock held to the end of the transaction)."""
    if session.get_bind().dialect.name != "postgresql":
        return 0
    return int(session.scalar(FOLD) or 0)


def fold_now(database: Database) -> int:
    """Fold in a transaction of its own, committed before this returns."""
    if database.dialect != "postgresql":
        return 0
    with database.transaction() as session:
        return fold(session)


def fold_job(database: Database, now: datetime) -> None:
    """The worker's periodic job (``now`` is the worker's, unused: a fold has no clock): fold,
    then vacuum the queue. Every fold leaves the rows it took dead, and until a vacuum each
    later fold, so each read of the counts, scans them (an empty fold took 74 ms over 110,000
    dead rows, 0.7 ms after a vacuum). Autovacuum would come too (0014 sets the table's
    threshold), but a server may run with it off or slowed, and the reads must not depend on
    it. With nothing to do the vacuum takes about a millisecond; it waits for no lock."""
    if database.dialect != "postgresql":
        return
    fold_now(database)
    with database.autocommit() as connection:
        connection.execute(VACUUM)


async def _counts_session(request: Request) -> AsyncIterator[Session]:
    database: Database = request.app.state.db
    if database.dialect == "postgresql":
        await run_in_threadpool(fold_now, database)
    async for session in read_session(request):
        yield session


# A read session for handlers that read the counters: every change committed before the
# request is counted in what it reads.
CountsSession = Annotated[Session, Depends(_counts_session, scope="function")]
