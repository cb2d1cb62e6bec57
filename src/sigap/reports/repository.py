"""Report list queries: whitelisted filters and sorts; keyset paging on (sort key, id) for the
JSON API, numbered pages for Open311 clients."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, and_, bindparam, or_, select, tuple_
from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.geo.spatial import BBox, Circle, filter_bbox, filter_circle
from sigap.inputs import id_of, storable
from sigap.kit import as_utc, decode_cursor, encode_cursor, utcnow
from sigap.models import Report
from sigap.models.base import UTCDateTime
from sigap.models.states import OPEN_IN_INDEX_ORDER, OPEN_STATUSES
from sigap.moderation import rules
from sigap.regions.state import RegionState
from sigap.reports.schemas import ReportSort
from sigap.workflow.sla import overdue_condition

REPORT = cast(Table, Report.__table__)
LIST_COLUMNS = (
    Report.id,
    Report.category_code,
    Report.status,
    Report.lat,
    Report.lon,
    Report.kelurahan_code,
    Report.unit_id,
    Report.description,
    Report.created_at,
    Report.updated_at,
    Report.response_due_at,
    Report.transit_route,
    *rules.COLUMNS,
)
AREA_COLUMN = {
    "kelurahan": Report.kelurahan_code,
    "kecamatan": Report.kecamatan_code,
    "kabkota": Report.kabkota_code,
}
SORT_INDEX = {
    ReportSort.newest: "ix_report_created_at_id",
    ReportSort.oldest: "ix_report_created_at_id",
    ReportSort.recently_updated: "ix_report_updated_at_id",
}
# Partial indexes of the open reports (migration 0011), without and with a category first.
OPEN_INDEXES = {
    False: "ix_report_open_created_at_id",
    True: "ix_report_open_category_code_created_at_id",
}
SORT_COLUMN = {
    ReportSort.newest: Report.created_at,
    ReportSort.oldest: Report.created_at,
    ReportSort.recently_updated: Report.updated_at,
}


@dataclass
class ReportFilters:
    bbox: BBox | None = None
    categories: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    area: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    ids: list[int] = field(default_factory=list)
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    near: Circle | None = None
    overdue: bool = False  # past the deadline that matters now (sigap.workflow.sla)
    route: str | None = None  # the transit route named (sigap.reports.transit)


def search(
    session: Session,
    state: RegionState,
    filters: ReportFilters,
    *,
    sort: ReportSort,
    limit: int,
    cursor: str | None,
) -> tuple[list[Any], str | None]:
    """One page of reports and the cursor of the next page (None on the last page)."""
    sort_column = SORT_COLUMN[sort]
    descending = sort.value.startswith("-")
    query = _filtered(session, state, filters, sort, LIST_COLUMNS)
    if cursor is not None:
        after = _cursor_values(cursor)
        key = tuple_(sort_column, Report.id)
        query = query.where(key < tuple_(*after) if descending else key > tuple_(*after))
    # Core, not ORM execution: plain rows, no identity map, for the hottest public read.
    query = query.order_by(*_order(sort)).limit(limit + 1)
    rows: list[Any] = list(session.connection().execute(query))
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    sort_value = last.created_at if sort_column is Report.created_at else last.updated_at
    return rows[:limit], encode_cursor([sort_value.isoformat(), last.id])


@dataclass(frozen=True)
class Page:
    """A numbered page of filtered reports, for clients that page by number (Open311's page
    and page_size) rather than by cursor; :meth:`select` asks for the columns a caller shows."""

    session: Session
    state: RegionState
    filters: ReportFilters
    sort: ReportSort
    number: int = 1
    size: int = 1

    def select(self, columns: tuple[Any, ...]) -> Select[Any]:
        query = _filtered(self.session, self.state, self.filters, self.sort, columns)
        offset = (self.number - 1) * self.size
        return query.order_by(*_order(self.sort)).offset(offset).limit(self.size)


def _filtered(
    session: Session,
    state: RegionState,
    filters: ReportFilters,
    sort: ReportSort,
    columns: tuple[Any, ...],
) -> Select[Any]:
    query = select(*columns)
    for condition in _conditions(state, filters):
        query = query.where(condition)
    # A list of ids or an area narrows the rows better than walking the sort index could.
    sort_index = (
        None if filters.area or filters.ids or filters.route else _sort_index(filters, sort)
    )
    if sort_index in OPEN_INDEXES.values() and filters.bbox is None and filters.near is None:
        # SQLite without fresh statistics would rather sort every open report of the period.
        query = query.with_hint(Report, f"INDEXED BY {sort_index}", "sqlite")
    if filters.bbox is not None:
        query = filter_bbox(query, session, filters.bbox, sort_index=sort_index)
        sort_index = None  # one index hint per query
    if filters.near is not None:
        query = filter_circle(query, session, filters.near, sort_index=sort_index)
    return query


def _sort_index(filters: ReportFilters, sort: ReportSort) -> str:
    """The index whose order a page walks: for the open reports by creation time, the partial
    index of open reports (per category when the list names categories)."""
    if set(filters.statuses) == OPEN_STATUSES and sort is not ReportSort.recently_updated:
        return OPEN_INDEXES[bool(filters.categories)]
    return SORT_INDEX[sort]


def _order(sort: ReportSort) -> tuple[Any, ...]:
    sort_column = SORT_COLUMN[sort]
    if sort.value.startswith("-"):
        return sort_column.desc(), Report.id.desc()
    return sort_column, Report.id


def bound_values(filters: ReportFilters) -> dict[str, Any]:
    """The values of ``filters`` that :func:`_conditions` sends as named parameters (see
    :func:`page_shape`)."""
    values = {
        "f_categories": filters.categories,
        "f_since": filters.since,
        "f_until": filters.until,
        "f_ids": filters.ids,
        "f_updated_after": filters.updated_after,
        "f_updated_before": filters.updated_before,
        "f_route": filters.route,
    }
    return {name: value for name, value in values.items() if value is not None and value != []}


def page_shape(
    filters: ReportFilters, sort: ReportSort, number: int, size: int
) -> tuple[Any, ...] | None:
    """All that the text of a :class:`Page`'s statement depends on besides the values of
    :func:`bound_values`: one statement serves every page of the same shape, run with its own
    values. None where the text depends on the values themselves (a box or a circle, whose
    density is probed before the statement is built) or on the clock (overdue)."""
    if filters.bbox is not None or filters.near is not None or filters.overdue:
        return None
    return (tuple(bound_values(filters)), tuple(filters.statuses), filters.area, sort, number, size)


def _conditions(state: RegionState, filters: ReportFilters) -> list[Any]:
    # Public lists only ever hold public reports; a spatial filter never finds a confidential
    # one (its point is not public: sigap.moderation.rules).
    conditions: list[Any] = [rules.published()]
    if filters.bbox is not None or filters.near is not None:
        conditions.append(rules.placed())
    if filters.categories:
        categories: Any = bindparam("f_categories", filters.categories, expanding=True)
        conditions.append(Report.category_code.in_(categories))
    if filters.statuses:
        # Written into the SQL (they are known states, never free text), and the open ones as
        # the partial indexes name them, so both databases can prove that those indexes fit.
        named = OPEN_IN_INDEX_ORDER if set(filters.statuses) == OPEN_STATUSES else filters.statuses
        statuses: Any = bindparam("statuses", list(named), expanding=True, literal_execute=True)
        conditions.append(Report.status.in_(statuses))
    if filters.area is not None:
        area = state.areas.get(filters.area)
        if area is None:
            raise SigapError("unknown_area", area=filters.area)
        column = AREA_COLUMN.get(area.level)
        if column is not None:
            conditions.append(column == area.code)
    if filters.since is not None:
        conditions.append(Report.created_at >= _at("f_since", filters.since))
    if filters.until is not None:
        conditions.append(Report.created_at < _at("f_until", filters.until))
    if filters.ids:
        conditions.append(Report.id.in_(bindparam("f_ids", filters.ids, expanding=True)))
    if filters.updated_after is not None:
        conditions.append(Report.updated_at > _at("f_updated_after", filters.updated_after))
    if filters.updated_before is not None:
        conditions.append(Report.updated_at < _at("f_updated_before", filters.updated_before))
    if filters.overdue:
        conditions.append(overdue_condition(utcnow()))
    if filters.route is not None:
        conditions.append(route_condition(filters.route))
    return conditions


def route_condition(route: str) -> Any:
    """The reports naming ``route`` whose answers the public may see: a confidential report's
    route, or one a moderator hid with the answers, is never revealed by its place in a list
    (sigap.moderation.rules)."""
    return and_(
        Report.transit_route == bindparam("f_route", route),
        Report.confidential.is_(False),
        or_(Report.hidden_parts.is_(None), Report.hidden_parts.not_like("%answers%")),
    )


def _at(name: str, value: datetime) -> Any:
    return bindparam(name, value, type_=UTCDateTime())


def _cursor_values(cursor: str) -> tuple[datetime, int]:
    values = decode_cursor(cursor)
    if values is None or len(values) != 2:
        raise SigapError("invalid_cursor")
    try:
        at, last_id = datetime.fromisoformat(values[0]), id_of(values[1])
    except (TypeError, ValueError):
        raise SigapError("invalid_cursor") from None
    if last_id is None or not storable(at):  # a forged cursor
        raise SigapError("invalid_cursor")
    return as_utc(at), last_id
