"""Server-side clustering of reports for the map, so that a million reports stay a few hundred
markers: reports are grouped in SQL by a square grid whose cell shrinks as the map zooms in
(about a quarter of a 256 px tile), each group with its count, centroid and colour counts. At
street zoom, or when a group holds one report, the report itself is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Integer, case, cast, func, select
from sqlalchemy.orm import Session

from sigap.geo.spatial import BBox, exact, filter_bbox
from sigap.kit import utcnow
from sigap.models import Report
from sigap.portal.filters import MapFilters, is_overdue, overdue_condition
from sigap.regions.state import RegionState

CELLS_PER_TILE = 4
POINTS_ZOOM = 16  # from this zoom on, reports are shown one by one
POINT_LIMIT = 2000  # more reports than this in view: clusters even at street zoom
INDEXED_BOX_ZOOM = 12  # from this zoom on the box is narrow enough for the spatial index


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
        rows = _points(session, state, view, filters)
        if len(rows) <= POINT_LIMIT:
            now = utcnow()
            points = [_point(row, is_overdue(row, now)) for row in rows]
            return {"zoom": view.zoom, "cell": None, "clusters": [], "points": points}
    return _grid(session, state, view, filters)


def _where(
    session: Session, state: RegionState, view: MapView, filters: MapFilters, query: Any
) -> Any:
    for condition in filters.conditions(state):
        query = query.where(condition)
    if view.zoom >= INDEXED_BOX_ZOOM:
        return filter_bbox(query, session, view.bbox, sort_index=None)
    return query.where(exact(view.bbox))


def _points(session: Session, state: RegionState, view: MapView, filters: MapFilters) -> list[Any]:
    query = select(
        Report.id,
        Report.lon,
        Report.lat,
        Report.status,
        Report.category_code,
        Report.first_response_at,
        Report.response_due_at,
        Report.resolution_due_at,
    )
    query = _where(session, state, view, filters, query).limit(POINT_LIMIT + 1)
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
        *(_count_status(s) for s in ("open", "in_progress", "resolved")),
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
