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
from sigap.errors import SigapError
from sigap.inputs import id_of, storable
from sigap.kit import as_utc, decode_cursor, encode_cursor
from sigap.models import Report
from sigap.models.rows import ReportRow
from sigap.models.states import OPEN_IN_INDEX_ORDER, OPEN_STATUSES
from sigap.officials import present
from sigap.officials.schemas import InboxItem, InboxSort, OfficialReport
from sigap.photos import service as photos
from sigap.photos.storage import Storage
from sigap.regions.state import RegionState
from sigap.reports import service as reports
from sigap.transit.state import Network
from sigap.workflow import machine
from sigap.workflow.sla import overdue_condition
from sigap.workflow.visibility import readable_reports

REPORT = cast(Table, models.Report.__table__)
REPORTER = cast(Table, models.ReportReporter.__table__)
ACCOUNT = cast(Table, models.Account.__table__)
ASSIGNEE_NAME = (
    select(ACCOUNT.c.name)
    .where(ACCOUNT.c.id == Report.assignee_id)
    .correlate(REPORT)
    .scalar_subquery()
    .label("assignee_name")
)
INBOX_COLUMNS: tuple[Any, ...] = (
    Report.id,
    Report.category_code,
    Report.status,
    Report.kelurahan_code,
    Report.rw_code,
    Report.unit_id,
    Report.description,
    Report.created_at,
    Report.updated_at,
    Report.due_at,
    Report.escalation_level,
    Report.lat,
    Report.lon,
    Report.assignee_id,
    ASSIGNEE_NAME,
)


@dataclass(frozen=True, slots=True)
class InboxFilters:
    statuses: Sequence[str] = OPEN_IN_INDEX_ORDER
    categories: Sequence[str] = ()
    kelurahan: str | None = None
    overdue: bool = False
    mine: int | None = None  # only the reports assigned to this account ("Tugas saya")
    rw: str | None = None  # one RW (its code: kelurahan code + "." + number)


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
    settled reports have none and are listed by last change instead (``sort=recent``). A field
    officer's urgency order puts the reports assigned to them first (:func:`mine_first`).
    """
    me = mine_first(subject, filters)
    if sort is InboxSort.urgency:
        rows = _most_urgent(session, subject, filters, now, limit + 1, cursor, me)
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
        group = [_group(last, me)] if me is not None and sort is InboxSort.urgency else []
        next_cursor = encode_cursor([as_utc(at).isoformat(), last.id, *group])
    return rows, next_cursor


def inbox_items(
    session: Session,
    state: RegionState,
    subject: Subject,
    filters: InboxFilters,
    *,
    now: datetime,
    sort: InboxSort,
    limit: int,
    cursor: str | None,
    language: str,
    storage: Storage,
) -> tuple[list[InboxItem], str | None]:
    """A page of the inbox as the API and the page show it: the rows, then the first photo's
    thumbnail of every row in one more query (never one per row)."""
    rows, next_cursor = inbox(
        session, subject, filters, now=now, sort=sort, limit=limit, cursor=cursor
    )
    thumbnails = photos.first_thumbnails(session, [row.id for row in rows], storage)
    items = [
        present.inbox_item(
            state, row, now, language, me=subject.account_id, thumbnail=thumbnails.get(row.id)
        )
        for row in rows
    ]
    return items, next_cursor


def mine_first(subject: Subject, filters: InboxFilters) -> int | None:
    """The account whose assigned reports lead the urgency order: a field officer's own (only
    they can be assigned), unless the list shows nothing but theirs anyway."""
    if subject.role in machine.ASSIGNABLE and filters.mine is None:
        return subject.account_id
    return None


def _group(row: Any, me: int) -> int:
    return 0 if row.assignee_id == me else 1


def _most_urgent(
    session: Session,
    subject: Subject,
    filters: InboxFilters,
    now: datetime,
    limit: int,
    cursor: str | None,
    me: int | None,
) -> list[Any]:
    """The most urgent reports; with ``me``, those assigned to ``me`` first (each group in
    deadline order, the cursor naming its group as a third value)."""
    group = _cursor_group(cursor) if me is not None else 1
    rows: list[Any] = []
    if me is not None and group == 0:
        mine = [Report.assignee_id == me, readable_reports(subject)]
        rows = _urgent(session, [None], filters, now, limit, cursor, mine)
        cursor = None  # the second group starts from its beginning
    if len(rows) < limit:
        others = [] if me is None else [or_(Report.assignee_id.is_(None), Report.assignee_id != me)]
        rows += _urgent(session, _ways(subject), filters, now, limit - len(rows), cursor, others)
    return rows


def _ways(subject: Subject) -> list[Any]:
    """The ways a report reaches the official: its units, or escalated to them (all: admin)."""
    if subject.scope is None:
        return [None]
    units = sorted(subject.scope)
    return [Report.unit_id.in_(units), Report.escalation_unit_id.in_(units)]


def _urgent(
    session: Session,
    ways: list[Any],
    filters: InboxFilters,
    now: datetime,
    limit: int,
    cursor: str | None,
    conditions: list[Any],
) -> list[Any]:
    """One query per way, each walking the (unit, due_at) index in deadline order, merged
    here. A single query with an OR made both engines sort every active report of the unit,
    or scan by status."""
    # Only active reports have a deadline, so the status filter is needed only to pick one of
    # the two active states (and then the deadline index still leads).
    if set(filters.statuses) >= OPEN_STATUSES:
        filters = replace(filters, statuses=())
    found: dict[int, Any] = {}
    for way in ways:
        query = select(*INBOX_COLUMNS).where(Report.due_at.is_not(None), *conditions)
        if way is not None:
            query = query.where(way)
        query = _filtered(query, filters, now).order_by(Report.due_at, Report.id)
        if cursor is not None:
            query = query.where(_after((Report.due_at, Report.id), cursor, ascending=True))
        for row in session.execute(query.limit(limit)):
            found[row.id] = row
    return sorted(found.values(), key=lambda row: (as_utc(row.due_at), row.id))[:limit]


def _cursor_group(cursor: str | None) -> int:
    """Which group of a mine-first list a cursor is in: 0 (mine) from the start."""
    if cursor is None:
        return 0
    values = decode_cursor(cursor)
    return 0 if values is not None and len(values) == 3 and values[2] == 0 else 1


def _filtered(query: Select[Any], filters: InboxFilters, now: datetime) -> Select[Any]:
    if filters.statuses:
        query = query.where(Report.status.in_(filters.statuses))
    if filters.categories:
        query = query.where(Report.category_code.in_(filters.categories))
    if filters.kelurahan:
        query = query.where(Report.kelurahan_code == filters.kelurahan)
    if filters.overdue:
        query = query.where(overdue_condition(now))
    if filters.mine is not None:
        query = query.where(Report.assignee_id == filters.mine)
    if filters.rw:
        query = query.where(Report.rw_code == filters.rw)
    return query


def _after(keys: tuple[Any, Any], cursor: str, *, ascending: bool) -> Any:
    values = decode_cursor(cursor)
    if values is None or len(values) not in (2, 3):
        raise SigapError("invalid_cursor")
    try:
        at, last_id = datetime.fromisoformat(str(values[0])), id_of(values[1])
    except (ValueError, TypeError):
        raise SigapError("invalid_cursor") from None
    if last_id is None or not storable(at):  # a forged cursor
        raise SigapError("invalid_cursor")
    column, id_column = keys
    if ascending:
        return or_(column > at, and_(column == at, id_column > last_id))
    return or_(column < at, and_(column == at, id_column < last_id))


def report_for(session: Session, subject: Subject, report_id: int) -> ReportRow:
    row = (
        session.execute(
            select(REPORT).where(REPORT.c.id == report_id).where(readable_reports(subject))
        )
        .mappings()
        .first()
    )
    if row is None:
        raise SigapError("report_not_found", report_id=report_id)
    return cast(ReportRow, dict(row))


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
    network: Network | None = None,
) -> OfficialReport:
    """Everything an official sees of one report (404 outside its view); ``network`` names
    its transit route and stop."""
    report = report_for(session, subject, report_id)
    allowed = machine.allowed(report["status"], subject.role)
    unit_officers = officers(session, report["unit_id"]) if "assign" in allowed else []
    assignee = report["assignee_id"]
    return present.official_report(
        state,
        report,
        reports.timeline(session, report_id),
        allowed_actions=allowed,
        contact=contact(session, report_id),
        language=language,
        photo_rows=photos.public(session, [report_id])[report_id],
        storage=storage,
        assignee=_officer(session, assignee) if assignee is not None else None,
        officers=unit_officers,
        network=network,
    )


def officers(session: Session, unit_id: int) -> list[dict[str, Any]]:
    """Who a report of ``unit_id`` may be assigned to: its active field officers, by name."""
    query = (
        select(ACCOUNT.c.id, ACCOUNT.c.name)
        .where(
            ACCOUNT.c.unit_id == unit_id,
            ACCOUNT.c.role.in_(sorted(machine.ASSIGNABLE)),
            ACCOUNT.c.active.is_(True),
        )
        .order_by(ACCOUNT.c.name, ACCOUNT.c.id)
    )
    return [dict(row) for row in session.execute(query).mappings()]


def _officer(session: Session, account_id: int) -> dict[str, Any] | None:
    row = session.execute(
        select(ACCOUNT.c.id, ACCOUNT.c.name).where(ACCOUNT.c.id == account_id)
    ).first()
    return {"id": row.id, "name": row.name} if row is not None else None
