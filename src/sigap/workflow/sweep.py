"""The SLA sweep: warn before response deadlines, escalate missed ones, close unrated fixes.

A missed deadline climbs one level per pass, and the level it reaches gets its own window from
that moment (:mod:`sigap.workflow.sla`): a sweep that runs days late escalates once, not up to
the top at one instant.

Run every minute or so by ``sigap worker`` (and by the in-process loop of ``sigap demo``). It
reads only reports whose ``next_check_at`` has come (one index range scan), in batches, each
batch one transaction; on PostgreSQL several workers can sweep at once (SKIP LOCKED).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.db import Database
from sigap.models import Report, ReportEvent
from sigap.models.states import OPEN_STATUSES, ReportStatus
from sigap.notify.outbox import OUTBOX
from sigap.notify.payloads import report_message
from sigap.regions.state import CategoryInfo, RegionState
from sigap.workflow import machine, sla
from sigap.workflow.actions import SYSTEM, Options, record

log = logging.getLogger("sigap.sweep")
MAX_STEPS = 16  # per report and sweep: each step moves next_check_at on, this only guards bugs


@dataclass
class Swept:
    warned: int = 0
    escalated: int = 0
    closed: int = 0

    @property
    def total(self) -> int:
        return self.warned + self.escalated + self.closed


def sweep(
    database: Database,
    state: RegionState,
    now: datetime,
    *,
    rating_window: timedelta = timedelta(days=7),
    batch: int = 500,
) -> Swept:
    swept = Swept()
    options = Options(rating_window=rating_window, now=now)
    while True:
        with database.transaction() as session:
            reports = due(session, now, batch)
            for report in reports:
                settle(session, state, report, now, options, swept)
        if len(reports) < batch:
            return swept


def due(session: Session, now: datetime, limit: int) -> list[Report]:
    """Reports with something due, locked; rows another worker holds are skipped."""
    query = (
        select(Report)
        .where(Report.next_check_at <= now)
        .order_by(Report.next_check_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


def settle(
    session: Session,
    state: RegionState,
    report: Report,
    now: datetime,
    options: Options,
    swept: Swept,
) -> None:
    """Do everything that has come due for one report, in order, then plan the next check."""
    category = state.categories[report.category_code]
    for _ in range(MAX_STEPS):
        if report.next_check_at is None or report.next_check_at > now:
            return
        if report.status == ReportStatus.open and not report.sla_warned:
            report.sla_warned = True
            if now < report.response_due_at:
                _warn(session, state, report, now)
                swept.warned += 1
        elif report.status == ReportStatus.resolved and _passed(report.resolved_at, options, now):
            close(session, state, report, now, options)
            swept.closed += 1
        elif report.status in OPEN_STATUSES and _due(report, state, category, now):
            escalate(session, state, report, now, options)
            swept.escalated += 1
        # Re-planned from the report itself, so a stale next_check_at only costs a look.
        report.next_check_at = sla.plan(report, state, category, options.rating_window)
    log.error("report %s still due after %d steps; left for the next sweep", report.id, MAX_STEPS)


def _passed(resolved_at: datetime | None, options: Options, now: datetime) -> bool:
    return resolved_at is not None and resolved_at + options.rating_window <= now


def _due(report: Report, state: RegionState, category: CategoryInfo, now: datetime) -> bool:
    moment = sla.escalation_at(report, category)
    return moment is not None and moment <= now and sla.can_climb(report, state)


def _warn(session: Session, state: RegionState, report: Report, now: datetime) -> None:
    message = report_message(
        "report.sla_warning",
        report_id=report.id,
        event_id=None,
        action="sla_warning",
        from_status=report.status,
        to_status=report.status,
        unit=state.units[report.unit_id].code,
        at=now,
        extra={"due_at": report.response_due_at},
    )
    session.execute(OUTBOX.insert(), message)


def close(
    session: Session, state: RegionState, report: Report, now: datetime, options: Options
) -> ReportEvent:
    """The rating window passed without a rating (the sweep, on a locked report)."""
    to = machine.target(report.status, "close", SYSTEM.role)
    report.closed_at = now
    return record(session, state, report, SYSTEM, "close", to, now, None, options)


def escalate(
    session: Session, state: RegionState, report: Report, now: datetime, options: Options
) -> ReportEvent:
    """A deadline window missed again: the report climbs one unit (the sweep). The unit above
    receives it now, and its own window starts now; it is told (``report.escalated``)."""
    to = machine.target(report.status, "escalate", SYSTEM.role)
    above = state.unit_ancestors(report.unit_id)
    report.escalation_level += 1
    report.escalation_unit_id = above[min(report.escalation_level, len(above)) - 1]
    report.escalated_at = now
    unit = state.units[report.escalation_unit_id].code
    category = state.categories[report.category_code]
    due = sla.level_due_at(report.escalation_level, now, report.due_at, category)
    data = {"level": report.escalation_level, "escalated_to": unit, "due_at": _iso(due)}
    return record(
        session,
        state,
        report,
        SYSTEM,
        "escalate",
        to,
        now,
        None,
        options,
        data=data,
        topic="report.escalated",
        extra={"escalated_to": unit, "level": report.escalation_level, "level_due_at": due},
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
