"""Reading the officials' side: a scoped inbox and one report with everything an official needs.

Every query here goes through :func:`sigap.workflow.visibility.readable_reports`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, and_, or_, select
from sqlalchemy.orm import Session

from sigap import models
from sigap.auth.service import Subject
from sigap.errors import InvalidInput, NotFound
from sigap.kit import as_utc, decode_cursor, encode_cursor
from sigap.models import Report
from sigap.officials.schemas import InboxSort
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
    query = select(*INBOX_COLUMNS).where(readable_reports(subject))
    query = _filtered(query, filters, now)
    if sort is InboxSort.urgency:
        query = query.where(Report.due_at.is_not(None))
        keys = (Report.due_at, Report.id)
        query = query.order_by(Report.due_at, Report.id)
    else:
        keys = (Report.updated_at, Report.id)
        query = query.order_by(Report.updated_at.desc(), Report.id.desc())
    if cursor is not None:
        query = query.where(_after(keys, cursor, ascending=sort is InboxSort.urgency))
    rows = list(session.execute(query.limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        at = last.due_at if sort is InboxSort.urgency else last.updated_at
        next_cursor = encode_cursor([as_utc(at).isoformat(), last.id])
    return rows, next_cursor


def _filtered(query: Select[Any], filters: InboxFilters, now: datetime) -> Select[Any]:
    if filters.statuses:
        query = query.where(Report.status.in_(filters.statuses))
    if filters.categories:
        query = query.where(Report.category_code.in_(filters.categories))
    if filters.kelurahan:
        query = query.where(Report.kelurahan_code == filters.kelurahan)
    if filters.overdue:
        query = query.where(Report.due_at <= now)
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
