"""Dialect-specific spatial SQL, kept in this one place.

A bounding-box filter selects the same rows on both engines (lon and lat within the box, edges
included); what differs is how the rows are found:

* PostgreSQL: ``location::geometry && envelope`` (GiST expression index) is exactly the lon/lat
  box, and its statistics let the planner choose well between that index (sparse box) and
  walking the sort index (dense box). Adding the lon/lat comparison there too would make it
  underestimate the rows by orders of magnitude and pick the slow plan.
* SQLite: the planner cannot tell a box with 200 reports from one with 90,000, and the two want
  opposite plans (drive from ``report_rtree`` and sort the few matches, or walk the sort index
  newest-first until a page is full). So we probe the R*Tree for at most ``DENSE_BOX`` matches
  and choose: a sparse box uses the R*Tree, a dense one walks the sort index (a page then needs
  at most about ``limit * reports / DENSE_BOX`` rows). Both costs stay bounded (see
  docs/perf-log.md, "Lists at 1,000,000 reports").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Integer, and_, text
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from sigap.errors import SigapError
from sigap.models import Report

Query = TypeVar("Query", bound=Select[*tuple[Any, ...]])
DENSE_BOX = 2500
RTREE_IDS = (
    "SELECT id FROM report_rtree WHERE min_lon >= :bb_x0 AND max_lon <= :bb_x1 "
    "AND min_lat >= :bb_y0 AND max_lat <= :bb_y1"
)


@dataclass(frozen=True, slots=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def params(self) -> dict[str, float]:
        return {
            "bb_x0": self.min_lon,
            "bb_y0": self.min_lat,
            "bb_x1": self.max_lon,
            "bb_y1": self.max_lat,
        }


@dataclass(frozen=True, slots=True)
class Circle:
    """A circle on the ground (``radius_m`` metres around lon/lat).

    Distances use the equirectangular approximation around the centre: within 0.5% of the
    great-circle distance for radii of tens of kilometres away from the poles (ample for
    "reports near here"), and plain arithmetic, so both engines select exactly the same rows.
    """

    lon: float
    lat: float
    radius_m: float

    def metres_per_degree(self) -> tuple[float, float]:
        """(longitude, latitude) scale at the centre."""
        return 111_320.0 * max(math.cos(math.radians(self.lat)), 1e-6), 110_574.0

    def bbox(self) -> BBox:
        """The box around the circle (a hair larger, so rounding never drops a point)."""
        per_lon, per_lat = self.metres_per_degree()
        dx, dy = 1.000001 * self.radius_m / per_lon, 1.000001 * self.radius_m / per_lat
        return BBox(
            max(self.lon - dx, -180.0),
            max(self.lat - dy, -90.0),
            min(self.lon + dx, 180.0),
            min(self.lat + dy, 90.0),
        )


def exact(box: BBox) -> ColumnElement[bool]:
    return and_(
        Report.lon.between(box.min_lon, box.max_lon),
        Report.lat.between(box.min_lat, box.max_lat),
    )


def filter_bbox(query: Query, session: Session, box: BBox, *, sort_index: str | None) -> Query:
    """``query`` restricted to ``box``, using the spatial index where it pays.

    ``sort_index`` names the index that serves the query's order (None when another filter
    already narrows the rows better than any box could).
    """
    if session.get_bind().dialect.name == "postgresql":
        envelope = "ST_MakeEnvelope(:bb_x0, :bb_y0, :bb_x1, :bb_y1, 4326)"
        return query.where(
            text(f"report.location::geometry && {envelope}").bindparams(**box.params())
        )
    if sort_index is not None and _dense(session, box):
        return query.where(exact(box)).with_hint(Report, f"INDEXED BY {sort_index}", "sqlite")
    ids = text(RTREE_IDS).bindparams(**box.params()).columns(id=Integer)
    return query.where(Report.id.in_(ids), exact(box))


def within(circle: Circle) -> ColumnElement[bool]:
    per_lon, per_lat = circle.metres_per_degree()
    dx = (Report.lon - circle.lon) * per_lon
    dy = (Report.lat - circle.lat) * per_lat
    return dx * dx + dy * dy <= circle.radius_m * circle.radius_m


def filter_circle(
    query: Query, session: Session, circle: Circle, *, sort_index: str | None
) -> Query:
    """``query`` restricted to ``circle``: the spatial index finds its box, arithmetic the rest."""
    return filter_bbox(query, session, circle.bbox(), sort_index=sort_index).where(within(circle))


def _dense(session: Session, box: BBox) -> bool:
    probe = text(f"SELECT count(*) FROM ({RTREE_IDS} LIMIT :limit)")  # noqa: S608 - constant
    found = session.execute(probe, {**box.params(), "limit": DENSE_BOX}).scalar_one()
    return int(found) >= DENSE_BOX


def parse_bbox(raw: str | None) -> BBox | None:
    """``min_lon,min_lat,max_lon,max_lat`` from a query string (WGS84), or ``invalid_bbox``."""
    if not raw:
        return None
    try:
        x0, y0, x1, y1 = (float(part) for part in raw.split(","))
    except ValueError:
        raise SigapError("invalid_bbox") from None
    if not (-180 <= x0 < x1 <= 180 and -90 <= y0 < y1 <= 90):
        raise SigapError("invalid_bbox")
    return BBox(x0, y0, x1, y1)
