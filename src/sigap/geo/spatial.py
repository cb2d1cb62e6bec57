"""Dialect-specific spatial SQL, kept in this one place.

A bounding-box filter uses the spatial index of each engine (PostGIS GiST on the generated
``location`` geography; SQLite's ``report_rtree``), and is always followed by the same exact
lon/lat comparison so both engines return identical rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, and_, text

from sigap.models import Report


@dataclass(frozen=True, slots=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @property
    def area(self) -> float:
        return (self.max_lon - self.min_lon) * (self.max_lat - self.min_lat)


def bbox_filter(dialect: str, box: BBox) -> ColumnElement[bool]:
    exact = and_(
        Report.lon.between(box.min_lon, box.max_lon),
        Report.lat.between(box.min_lat, box.max_lat),
    )
    if dialect == "postgresql":
        indexed = text(
            "report.location && ST_MakeEnvelope(:bb_x0, :bb_y0, :bb_x1, :bb_y1, 4326)::geography"
        ).bindparams(bb_x0=box.min_lon, bb_y0=box.min_lat, bb_x1=box.max_lon, bb_y1=box.max_lat)
        return and_(indexed, exact)
    ids = (
        text(
            "SELECT id FROM report_rtree WHERE min_lon >= :bb_x0 AND max_lon <= :bb_x1 "
            "AND min_lat >= :bb_y0 AND max_lat <= :bb_y1"
        )
        .bindparams(bb_x0=box.min_lon, bb_y0=box.min_lat, bb_x1=box.max_lon, bb_y1=box.max_lat)
        .columns(id=Integer)
    )
    return and_(Report.id.in_(ids), exact)
