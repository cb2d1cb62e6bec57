"""Bringing the portal's counters up to date.

On PostgreSQL the triggers on ``report`` queue each change's contribution in ``stat_pending``
and ``stat_fold()`` adds the queue into the counted tables (migration 0014_pending_stats), so
the submit's transaction does one insert instead of nine upserts. ``sigap worker`` folds every
``SIGAP_STATS_FOLD_INTERVAL_S`` (:func:`fold_job`); reads never write: a dashboard read on
PostgreSQL counts every change folded before it, up to :func:`lag_s` behind (more when it is
read from a replica, by the replica's own lag), and says so. On SQLite the triggers count in
the changing transaction: its counts are never behind.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from sigap.config import Settings
from sigap.db import Database

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


def lag_s(session: Session, settings: Settings) -> float:
    """How far behind the changes the counters read in ``session`` may be, in seconds: the
    worker's fold interval on PostgreSQL, 0 on SQLite. Shown with every dashboard."""
    if session.get_bind().dialect.name != "postgresql":
        return 0.0
    return settings.stats_fold_interval_s
