"""Reading the officials' side: a scoped inbox and one report with everything an official needs.

Every query here goes through :func:`sigap.workflow.visibility.readable_reports`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, and_, or_, select
from sqlalchemy.orm import Session

from sigap import models
from sigap.auth.service import Subject
from sigap.errors import InvalidInput, NotFound
from sigap.kit import as_utc, decode_cursor, encode_cursor
from sigap.models import Report
from sigap.officials import present
from sigap.officials.schemas import InboxSort, OfficialReport
from sigap.photos import service as photos
from sigap.photos.storage import Storage
from sigap.regions.state import RegionState
from sigap.reports import service as reports
from sigap.workflow import machine
from sigap.workflow.sla import overdue_condition
from sigap.workflow.visibility import readable_reports

REPORT = cast(Table, models.Report.__table__)
REPORTER = cast(Table, models.ReportReporter.__table__)
INBOX_COLUMNS: tuple[Any, ...] = (
    Report.id,
    Report.category_code,
    Report.status,
    Report.kelurahan_code,
    Report.unit_id,
    Report.description,
    Report.created_at,
    Report.updated_at,
    Report.due_at,
    Report.escalation_level,
    Report.lat,
    Report.lon,
)


@dataclass(frozen=True, slots=True)
class InboxFilters:
    statuses: Sequence[str] = ("open", "in_progress")
    categories: Sequence[str] = ()
    kelurahan: str | None = None
    overdue: bool = False


def inbox(
    session: Session,
    subject: Subject,
    filters: InboxFilters,
    *,
    now: datetime,
    sort: InboxSort,
    limit: int,
    cursor: str | None,
) -> tuple[list[Any], str | None]:
    """A page of the reports ``subject`` may act on, most urgent first (keyset paging).

    Urgency is the active deadline (``due_at``) ascending, so overdue reports come first;
    settled reports have none and are listed by last change instead (``sort=recent``).
    """
    if sort is InboxSort.urgency:
        rows = _most_urgent(session, subject, filters, now, limit + 1, cursor)
    else:
        query = select(*INBOX_COLUMNS).where(readable_reports(subject))
        query = _filtered(query, filters, now).order_by(Report.updated_at.desc(), Report.id.desc())
        if cursor is not None:
            query = query.where(_after((Report.updated_at, Report.id), cursor, ascending=False))
        rows = list(session.execute(query.limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        at = last.due_at if sort is InboxSort.urgency else last.updated_at
        next_cursor = encode_cursor([as_utc(at).isoformat(), last.id])
    return rows, next_cursor


def _most_urgent(
    session: Session,
    subject: Subject,
    filters: InboxFilters,
    now: datetime,
    limit: int,
    cursor: str | None,
) -> list[Any]:
    """One query per way a report reaches the official (its units; escalated to them), each
    walking the (unit, due_at) index in deadline order, merged here. A single query with an OR
    made both engines sort every active report of the unit, or scan by status."""
    units = sorted(subject.scope) if subject.scope is not None else None
    ways = (
        [None]
        if units is None
        else [Report.unit_id.in_(units), Report.escalation_unit_id.in_(units)]
    )
    # Only active reports have a deadline, so the status filter is needed only to pick one of
    # the two active states (and then the deadline index still leads).
    if set(machine.ACTIVE) <= set(filters.statuses):
        filters = replace(filters, statuses=())
    found: dict[int, Any] = {}
    for way in ways:
        query = select(*INBOX_COLUMNS).where(Report.due_at.is_not(None))
        if way is not None:
            query = query.where(way)
        # Only active reports have a deadline, so the status filter is needed only for one of
        # the two active states (and then the index still leads).
        narrowed = (
            replace(filters, statuses=())
            if set(machine.ACTIVE) <= set(filters.statuses)
            else filters
        )
        query = _filtered(query, narrowed, now).order_by(Report.due_at, Report.id)
        if cursor is not None:
            query = query.where(_after((Report.due_at, Report.id), cursor, ascending=True))
        for row in session.execute(query.limit(limit)):
            found[row.id] = row
    return sorted(found.values(), key=lambda row: (as_utc(row.due_at), row.id))[:limit]


def _filtered(query: Select[Any], filters: InboxFilters, now: datetime) -> Select[Any]:
    if filters.statuses:
        query = query.where(Report.status.in_(filters.statuses))
    if filters.categories:
        query = query.where(Report.category_code.in_(filters.categories))
    if filters.kelurahan:
        query = query.where(Report.kelurahan_code == filters.kelurahan)
    if filters.overdue:
        query = query.where(overdue_condition(now))
    return query


def _after(keys: tuple[Any, Any], cursor: str, *, ascending: bool) -> Any:
    values = decode_cursor(cursor)
    if values is None or len(values) != 2:
        raise InvalidInput("invalid_cursor")
    try:
        at, last_id = datetime.fromisoformat(str(values[0])), int(values[1])
    except (ValueError, TypeError):
        raise InvalidInput("invalid_cursor") from None
    column, id_column = keys
    if ascending:
        return or_(column > at, and_(column == at, id_column > last_id))
    return or_(column < at, and_(column == at, id_column < last_id))


def report_for(session: Session, subject: Subject, report_id: int) -> Mapping[str, Any]:
    row = (
        session.execute(
            select(REPORT).where(REPORT.c.id == report_id).where(readable_reports(subject))
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound("report_not_found", report_id=report_id)
    return dict(row)


def contact(session: Session, report_id: int) -> Mapping[str, Any] | None:
    """The reporter's contact details, only if the reporter let officials see them."""
    row = (
        session.execute(
            select(REPORTER.c.name, REPORTER.c.email, REPORTER.c.phone).where(
                REPORTER.c.report_id == report_id, REPORTER.c.contact_visible
            )
        )
        .mappings()
        .first()
    )
    return dict(row) if row is not None else None


def view(
    session: Session,
    state: RegionState,
    subject: Subject,
    report_id: int,
    *,
    language: str,
    storage: Storage,
) -> OfficialReport:
    """Everything an official sees of one report (404 outside its view)."""
    report = report_for(session, subject, report_id)
    return present.official_report(
        state,
        report,
        reports.timeline(session, report_id),
        allowed_actions=machine.allowed(report["status"], subject.role),
        contact=contact(session, report_id),
        language=language,
        photo_rows=photos.public(session, [report_id])[report_id],
        storage=storage,
    )
