"""The deployment's boundaries as simplified GeoJSON, the map's base layer (no tile server
needed). Built once per boundary version and level and kept in memory: they change only when a
region pack is imported."""

from __future__ import annotations

import json
from typing import Any

from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.models import AreaBoundary
from sigap.portal.areas import kelurahan_codes
from sigap.regions.state import RegionState

LEVELS = ("kabkota", "kecamatan", "kelurahan")
# Douglas-Peucker tolerance in degrees per level (~110 m, 55 m, 22 m): coarse levels are drawn
# zoomed out, so they can lose more detail.
TOLERANCE = {"kabkota": 0.001, "kecamatan": 0.0005, "kelurahan": 0.0002}
_CACHE: dict[tuple[int, str], bytes] = {}
_AREAS: dict[tuple[int, str], dict[str, Any]] = {}


def geojson(session: Session, state: RegionState, level: str) -> bytes:
    """A FeatureCollection of the areas of ``level`` (properties: code, name, parent)."""
    key = (state.boundary_version_id, level)
    cached = _CACHE.get(key)
    if cached is None:
        cached = json.dumps(_collection(session, state, level), separators=(",", ":")).encode()
        _CACHE[key] = cached
    return cached


def _collection(session: Session, state: RegionState, level: str) -> dict[str, Any]:
    rows = session.execute(
        select(AreaBoundary.area_code, AreaBoundary.geometry).where(
            AreaBoundary.version_id == state.boundary_version_id
        )
    )
    features = []
    for code, text in rows:
        area = state.areas.get(code)
        if area is None or area.level != level:
            continue
        geometry = shape(json.loads(text)).simplify(TOLERANCE[level], preserve_topology=True)
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": area.name, "parent": area.parent_code},
                "geometry": _rounded(mapping(geometry)),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _rounded(geometry: Any) -> Any:
    """Coordinates to 5 decimals (~1 m): a third of the bytes, nothing visible lost."""
    if isinstance(geometry, dict):
        return {key: _rounded(value) for key, value in geometry.items()}
    if isinstance(geometry, list | tuple):
        if geometry and isinstance(geometry[0], float):
            return [round(value, 5) for value in geometry]
        return [_rounded(item) for item in geometry]
    return geometry


def area_feature(session: Session, state: RegionState, code: str) -> dict[str, Any]:
    """One area as a GeoJSON Feature with its ``bbox`` (min_lon, min_lat, max_lon, max_lat),
    for the map to zoom to and outline. An area without a boundary of its own (a province)
    gets the box of its kelurahan and no geometry. Kept per boundary version, like the layers."""
    key = (state.boundary_version_id, code)
    found = _AREAS.get(key)
    if found is None:
        found = _feature(session, state, code)
        _AREAS[key] = found
    return found


def _feature(session: Session, state: RegionState, code: str) -> dict[str, Any]:
    area = state.areas[code]
    own = _shapes(session, state, [code])
    geometry: BaseGeometry | None = own[0] if own else None
    if geometry is None:
        own = _shapes(session, state, kelurahan_codes(state, code))
    bounds = [b.bounds for b in own]
    box = (
        [round(f(b[i] for b in bounds), 5) for f, i in ((min, 0), (min, 1), (max, 2), (max, 3))]
        if bounds
        else None
    )
    tolerance = TOLERANCE.get(area.level, TOLERANCE["kabkota"])
    return {
        "type": "Feature",
        "bbox": box,
        "properties": {"code": code, "name": area.name, "level": area.level},
        "geometry": (
            _rounded(mapping(geometry.simplify(tolerance, preserve_topology=True)))
            if geometry is not None
            else None
        ),
    }


def _shapes(session: Session, state: RegionState, codes: list[str]) -> list[BaseGeometry]:
    if not codes:
        return []
    rows = session.execute(
        select(AreaBoundary.geometry).where(
            AreaBoundary.version_id == state.boundary_version_id,
            AreaBoundary.area_code.in_(codes),
        )
    )
    return [shape(json.loads(text)) for (text,) in rows]
