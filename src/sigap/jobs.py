"""The worker of ``sigap worker`` (and of the in-process worker): the outbox's handlers
(:mod:`sigap.notify.worker`) and the periodic jobs of the packages above notify, which
notify itself may not import: the purge of failed sign-ins (auth), the SLA sweep (workflow)
and, on PostgreSQL, the fold of the portal's queued counts (portal).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sigap.auth.throttle import purge
from sigap.config import Settings
from sigap.db import Database
from sigap.notify.worker import PeriodicJob, Worker, build_notify_worker
from sigap.portal.fold import fold_job
from sigap.regions.state import RegionState, load_state
from sigap.workflow.sweep import sweep

log = logging.getLogger("sigap.worker")


def build_worker(database: Database, settings: Settings) -> Worker:
    """The worker with Sigap's handlers and periodic jobs."""
    worker = build_notify_worker(database, settings)
    worker.register_periodic("sign-in-purge", 3600, _forget_sign_ins)
    worker.register_periodic("sla-sweep", settings.sweep_interval_s, _sla_sweep(settings))
    if database.dialect == "postgresql":
        worker.register_periodic("stats-fold", settings.stats_fold_interval_s, fold_job)
    return worker


def _forget_sign_ins(database: Database, now: datetime) -> None:
    """Failed sign-ins nobody has repeated for a day (sigap.auth.throttle) are forgotten."""
    with database.transaction() as session:
        purge(session, now)


def _sla_sweep(settings: Settings) -> PeriodicJob:
    """The workflow's SLA sweep (warnings, escalations, closing unrated fixes); the region
    snapshot is loaded at its first run and kept, like a server's (restart after an import)."""
    states: list[RegionState] = []

    def run(database: Database, now: datetime) -> None:
        if not states:
            with database.reading() as session:
                states.append(load_state(session))
        window = timedelta(days=settings.rating_window_days)
        swept = sweep(database, states[0], now, rating_window=window)
        if swept.warned or swept.escalated or swept.closed:
            log.info("SLA sweep: warned %s, escalated %s, closed %s",
                     swept.warned, swept.escalated, swept.closed)  # fmt: skip

    return run
