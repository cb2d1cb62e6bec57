"""Server-side clustering of reports for the map, so that a million reports stay a few hundred
markers: reports are grouped in SQL by a square grid whose cell shrinks as the map zooms in
(about a quarter of a 256 px tile), each group with its count, centroid and colour counts. At
street zoom, or when a group holds one report, the report itself is returned.

Without date or overdue filters the groups are read from ``map_cell`` (counts per cell of a
fine and a coarse grid, kept by triggers): a coarser cell is an integer division of the stored
grid index, so any zoom is a GROUP BY over a few thousand rows instead of a scan of every
report. Date and overdue filters depend on each report's times, so they group the reports
themselves (correct, but slow over a whole city of millions of reports).

The map places only public reports that are not confidential (sigap.moderation.rules):
queries of reports say so, and the stored counts, which count every report, have the few
others' counts taken away per cell (:func:`_unplaced`), so that no cell's centroid can point
at a confidential report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Integer, case, cast, func, select
from sqlalchemy.orm import Session

from sigap.geo.spatial import BBox, exact, filter_bbox
from sigap.kit import utcnow
from sigap.models import MapCell, Report
from sigap.models.states import OPEN_IN_INDEX_ORDER, ReportStatus
from sigap.moderation import rules
from sigap.portal.areas import kelurahan_codes
from sigap.portal.filters import MapFilters
from sigap.regions.state import RegionState
from sigap.workflow.sla import is_overdue, overdue_condition

CELLS_PER_TILE = 4
POINTS_ZOOM = 16  # from this zoom on, reports are shown one by one
POINT_LIMIT = 2000  # more reports than this in view: clusters even at street zoom
INDEXED_BOX_ZOOM = 12  # from this zoom on the box is narrow enough for the spatial index
SPARSE_ZOOM = 13  # from this zoom on, a view with few reports shows them one by one
SPARSE_LIMIT = 300
FINE_LEVEL, COARSE_LEVEL = 16, 12  # the grid zooms stored in map_cell (migration 0007_portal)
STATUS_COUNTED = (*OPEN_IN_INDEX_ORDER, ReportStatus.resolved.value)


@dataclass(frozen=True, slots=True)
class MapView:
    bbox: BBox
    zoom: int

    def cell(self) -> float:
        """Grid cell size in degrees at this zoom."""
        return 360.0 / float(2**self.zoom) / CELLS_PER_TILE


def grid_index(value: Any, offset: float, cell: float, dialect: str) -> Any:
    """The grid column or row of a coordinate. The offset makes the value positive, so that on
    SQLite (no floor() without the math extension) truncation is the floor; PostgreSQL rounds
    when casting, so it gets floor()."""
    shifted = (value + offset) / cell
    if dialect == "postgresql":
        return cast(func.floor(shifted), Integer)
    return cast(shifted, Integer)


def clusters(
    session: Session, state: RegionState, view: MapView, filters: MapFilters
) -> dict[str, Any]:
    """The map's content for a view: ``clusters`` and single ``points``."""
    if view.zoom >= POINTS_ZOOM:
        found = _points_or_none(session, state, view, filters, POINT_LIMIT)
        if found is not None:
            return found
    if filters.since or filters.until or filters.overdue or filters.route:
        return _grid(session, state, view, filters)
    result = _stored_grid(session, state, view, filters)
    shown = sum(c["count"] for c in result["clusters"])
    if view.zoom >= SPARSE_ZOOM and shown <= SPARSE_LIMIT:
        found = _points_or_none(session, state, view, filters, SPARSE_LIMIT)
        if found is not None:
            return found
    return result


def _points_or_none(
    session: Session, state: RegionState, view: MapView, filters: MapFilters, limit: int
) -> dict[str, Any] | None:
    rows = _points(session, state, view, filters, limit)
    if len(rows) > limit:
        return None
    now = utcnow()
    points = [_point(row, is_overdue(row.due_at, now)) for row in rows]
    return {"zoom": view.zoom, "cell": None, "clusters": [], "points": points}


def _stored_grid(
    session: Session, state: RegionState, view: MapView, filters: MapFilters
) -> dict[str, Any]:
    level = COARSE_LEVEL if view.zoom <= COARSE_LEVEL else FINE_LEVEL
    divisor = 2 ** max(level - view.zoom, 0)
    cell = 360.0 / 2**level / CELLS_PER_TILE
    box = view.bbox
    gx = (MapCell.gx // divisor).label("gx")
    gy = (MapCell.gy // divisor).label("gy")
    query = (
        select(
            gx,
            gy,
            func.sum(MapCell.n).label("n"),
            func.sum(MapCell.sum_lon).label("sum_lon"),
            func.sum(MapCell.sum_lat).label("sum_lat"),
            *(_sum_status(s) for s in STATUS_COUNTED),
        )
        .where(
            MapCell.level == level,
            MapCell.gx.between(int((box.min_lon + 180) // cell), int((box.max_lon + 180) // cell)),
            MapCell.gy.between(int((box.min_lat + 90) // cell), int((box.max_lat + 90) // cell)),
            MapCell.n > 0,
        )
        .group_by(gx, gy)
    )
    query = _filtered(query, MapCell, state, filters)
    cells = {(row.gx, row.gy): _sums(row) for row in session.connection().execute(query)}
    for key, sums in _unplaced(session, state, view, filters, level, divisor).items():
        if key in cells:
            cells[key] = [a - b for a, b in zip(cells[key], sums, strict=True)]
    found = [_stored_cluster(*sums) for sums in cells.values() if sums[0] > 0]
    return {"zoom": view.zoom, "cell": view.cell(), "clusters": found, "points": []}


def _filtered(query: Any, table: Any, state: RegionState, filters: MapFilters) -> Any:
    """``query`` with the map's filters, on the category, status and kelurahan columns of
    ``table`` (the stored counts' ``MapCell`` or ``Report``)."""
    if filters.categories:
        query = query.where(table.category_code.in_(filters.categories))
    if filters.statuses:
        query = query.where(table.status.in_(filters.statuses))
    if filters.area:
        query = query.where(table.kelurahan_code.in_(kelurahan_codes(state, filters.area)))
    return query


def _sums(row: Any) -> list[float]:
    return [float(row.n), float(row.sum_lon), float(row.sum_lat)] + [
        float(getattr(row, s)) for s in STATUS_COUNTED
    ]


def _unplaced(
    session: Session, state: RegionState, view: MapView, filters: MapFilters, level: int,
    divisor: int,
) -> dict[tuple[int, int], list[float]]:  # fmt: skip
    """The stored counts of the reports the map must not place (confidential, or not public:
    ``map_cell`` counts every report), per cell of this view, to take away from them. Few, and
    found through their partial index (migration 0023)."""
    dialect = session.get_bind().dialect.name
    cell = 360.0 / 2**level / CELLS_PER_TILE
    gx = (grid_index(Report.lon, 180.0, cell, dialect) // divisor).label("gx")
    gy = (grid_index(Report.lat, 90.0, cell, dialect) // divisor).label("gy")
    query = (
        select(
            gx,
            gy,
            func.count().label("n"),
            func.sum(Report.lon).label("sum_lon"),
            func.sum(Report.lat).label("sum_lat"),
            *(_count_status(s) for s in STATUS_COUNTED),
        )
        .where(rules.UNPLACED, exact(view.bbox))
        .group_by(gx, gy)
    )
    query = _filtered(query, Report, state, filters)
    return {(row.gx, row.gy): _sums(row) for row in session.connection().execute(query)}


def _sum_status(status: str) -> Any:
    return func.sum(case((MapCell.status == status, MapCell.n), else_=0)).label(status)


def _stored_cluster(
    n: float, sum_lon: float, sum_lat: float, opened: float, in_progress: float, resolved: float
) -> dict[str, Any]:
    return {
        "lon": round(sum_lon / n, 6),
        "lat": round(sum_lat / n, 6),
        "count": int(n),
        "open": int(opened),
        "in_progress": int(in_progress),
        "resolved": int(resolved),
        "overdue": None,  # not counted per cell: it changes with the clock, not with the rows
    }


def _where(
    session: Session, state: RegionState, view: MapView, filters: MapFilters, query: Any
) -> Any:
    """The filters (public reports only), the view's box, and never a confidential report:
    the map does not place those at all (sigap.moderation.rules)."""
    query = query.where(rules.placed())
    for condition in filters.conditions(state):
        query = query.where(condition)
    if view.zoom >= INDEXED_BOX_ZOOM:
        return filter_bbox(query, session, view.bbox, sort_index=None)
    return query.where(exact(view.bbox))


def _points(
    session: Session, state: RegionState, view: MapView, filters: MapFilters, limit: int
) -> list[Any]:
    query = select(
        Report.id,
        Report.lon,
        Report.lat,
        Report.status,
        Report.category_code,
        Report.due_at,
    )
    query = _where(session, state, view, filters, query).limit(limit + 1)
    return list(session.connection().execute(query))


def _point(row: Any, overdue: bool) -> dict[str, Any]:
    return {
        "id": row.id,
        "lon": row.lon,
        "lat": row.lat,
        "status": row.status,
        "category_code": row.category_code,
        "overdue": overdue,
    }


def _grid(
    session: Session, state: RegionState, view: MapView, filters: MapFilters
) -> dict[str, Any]:
    dialect = session.get_bind().dialect.name
    cell = view.cell()
    gx = grid_index(Report.lon, 180.0, cell, dialect).label("gx")
    gy = grid_index(Report.lat, 90.0, cell, dialect).label("gy")
    late = case((overdue_condition(utcnow()), 1), else_=0)
    query = select(
        func.count().label("n"),
        func.avg(cast(Report.lon, Float)).label("lon"),
        func.avg(cast(Report.lat, Float)).label("lat"),
        *(_count_status(s) for s in STATUS_COUNTED),
        func.sum(late).label("overdue"),
        func.max(Report.id).label("id"),
        func.max(Report.status).label("status"),
        func.max(Report.category_code).label("category_code"),
    )
    query = _where(session, state, view, filters, query).group_by(gx, gy)
    found_clusters: list[dict[str, Any]] = []
    points: list[dict[str, Any]] = []
    for row in session.connection().execute(query):
        if row.n == 1:
            points.append(_point(row, bool(row.overdue)))
        else:
            found_clusters.append(_cluster(row))
    return {"zoom": view.zoom, "cell": cell, "clusters": found_clusters, "points": points}


def _count_status(status: str) -> Any:
    return func.sum(case((Report.status == status, 1), else_=0)).label(status)


def _cluster(row: Any) -> dict[str, Any]:
    return {
        "lon": round(float(row.lon), 6),
        "lat": round(float(row.lat), 6),
        "count": row.n,
        "open": int(row.open),
        "in_progress": int(row.in_progress),
        "resolved": int(row.resolved),
        "overdue": int(row.overdue),
    }
