"""The worker of ``sigap worker`` (and of the in-process worker): the outbox's handlers
(:mod:`sigap.notify.worker`) and the periodic jobs of the packages above notify, which
notify itself may not import: the purge of failed sign-ins (auth), the SLA sweep (workflow)
and, on PostgreSQL, the fold of the portal's queued counts (portal); the marketplace's order
timeouts and its ``market.*`` messages' e-mails (market).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sigap.auth.throttle import purge
from sigap.config import Settings
from sigap.db import Database
from sigap.market import messages as market_messages
from sigap.market import orders as market_orders
from sigap.notify.outbox import Message
from sigap.notify.worker import Failure, Outcome, PeriodicJob, Worker, build_notify_worker
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
    worker.register_periodic("market-timeouts", settings.sweep_interval_s, _market_sweep(settings))
    worker.register_batch("market.*", _market_mail(database, settings))
    return worker


def _market_sweep(settings: Settings) -> PeriodicJob:
    """Orders not accepted in time expire (their stock goes back); handed-over ones complete."""
    timeouts = market_orders.Timeouts.of(settings)

    def run(database: Database, now: datetime) -> None:
        with database.transaction() as session:
            changed = market_orders.sweep(session, now=now, timeouts=timeouts)
        if changed:
            log.info("market sweep: %s orders timed out", changed)

    return run


def _market_mail(
    database: Database, settings: Settings
) -> Callable[[list[Message]], dict[int, Outcome]]:
    """``market.order`` messages become e-mails, one transaction per batch."""
    zones: list[RegionState] = []

    def expand(batch: list[Message]) -> dict[int, Outcome]:
        try:
            with database.transaction() as session:
                if not zones:
                    zones.append(load_state(session))
                market_messages.expand(session, settings, zones[0].timezone, batch)
        except Exception as exc:  # retried later like any failed delivery, never fatal
            log.warning("market messages failed: %s", exc)
            return {m.id: Failure(f"{type(exc).__name__}: {exc}") for m in batch}
        return dict.fromkeys((m.id for m in batch), None)

    return expand


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
