"""The region's places for search (sigap.geo.places), gathered from its reference data once per
process and import: every kota/kabupaten, kecamatan and kelurahan/desa, every RW of the RW
layer, every landmark (stations, named places) and every named street of the street layer,
one entry per kelurahan the street runs through (Jalan Sudirman is several places; the one
nearest the map comes first)."""

from __future__ import annotations

import threading

import numpy as np
import shapely
from sqlalchemy.orm import Session

from sigap.db import Database
from sigap.geo.places import Place, PlaceIndex, bbox_of
from sigap.geo.streets import StreetLayer
from sigap.regions.state import (
    RegionState,
    kelurahan_polygons,
    landmark_layer,
    rw_layer,
    street_layer,
)

_INDEX: dict[tuple[object, ...], PlaceIndex] = {}
_LOCK = threading.Lock()


def _key(state: RegionState) -> tuple[object, ...]:
    return (state.code, state.imported_at, state.boundary_version_id, tuple(state.layers.items()))


def ready(state: RegionState) -> PlaceIndex | None:
    """The region's index if this process has built it (at start: sigap.app.warm_maps)."""
    return _INDEX.get(_key(state))


def build(database: Database, state: RegionState) -> PlaceIndex:
    with database.reading() as session:
        return place_index(session, state)


def place_index(session: Session, state: RegionState) -> PlaceIndex:
    """Built once (about a second for Jakarta), then kept; a new import or console change of
    the areas builds it again."""
    key = _key(state)
    found = _INDEX.get(key)
    if found is not None:
        return found
    with _LOCK:
        found = _INDEX.get(key)
        if found is None:
            found = PlaceIndex(gather(session, state))
            _INDEX.clear()
            _INDEX[key] = found
    return found


def gather(session: Session, state: RegionState) -> list[Place]:
    boxes = _area_boxes(session, state)
    places = _areas(state, boxes)
    rws = rw_layer(session, state) or []
    for rw in rws:
        inner = rw.geometry.representative_point()
        places.append(
            Place("rw", f"RW {rw.number}", _context(state, rw.kelurahan_code), rw.code,
                  round(inner.x, 6), round(inner.y, 6), bbox_of(rw.geometry))
        )  # fmt: skip
    for landmark in landmark_layer(session, state) or []:
        found = state.index.locate(landmark.lon, landmark.lat)
        context = _context(state, found.code) if found is not None else ""
        x, y = landmark.lon, landmark.lat
        places.append(Place(landmark.kind, landmark.name, context, None, x, y, (x, y, x, y)))
    streets = street_layer(session, state)
    if streets is not None:
        places.extend(_streets(state, streets))
    return places


def _context(state: RegionState, code: str) -> str:
    """Where an area is, as people say it: "Kebon Melati, Tanah Abang" (kelurahan, kecamatan)."""
    return ", ".join(a.name for a in state.lineage(code) if a.level in ("kelurahan", "kecamatan"))


def _area_boxes(session: Session, state: RegionState) -> dict[str, tuple[float, ...]]:
    """Every area's bounding box, from its kelurahan polygons up."""
    boxes: dict[str, tuple[float, ...]] = {}
    for code, polygon in kelurahan_polygons(
        session, state.boundary_version_id, state.areas
    ).items():
        box = bbox_of(polygon)
        for area in state.lineage(code):
            old = boxes.get(area.code)
            boxes[area.code] = box if old is None else (
                min(old[0], box[0]), min(old[1], box[1]), max(old[2], box[2]), max(old[3], box[3])
            )  # fmt: skip
    return boxes


def _areas(state: RegionState, boxes: dict[str, tuple[float, ...]]) -> list[Place]:
    places = []
    for area in state.areas.values():
        box = boxes.get(area.code)
        if area.level == "province" or box is None:
            continue
        lon = area.label_lon if area.label_lon is not None else (box[0] + box[2]) / 2
        lat = area.label_lat if area.label_lat is not None else (box[1] + box[3]) / 2
        context = ", ".join(a.name for a in state.lineage(area.code)[1:] if a.level != "province")
        places.append(
            Place(
                area.level,
                area.name,
                context,
                area.code,
                lon,
                lat,
                (box[0], box[1], box[2], box[3]),
            )
        )
    return places


def _streets(state: RegionState, layer: StreetLayer) -> list[Place]:
    """One place per (street name, kelurahan): the parts of a street grouped by the kelurahan
    their middle lies in, shown at the middle of the group's longest part."""
    named = np.array([bool(name) for name in layer.names])
    numbers = np.flatnonzero(named)
    middles = shapely.line_interpolate_point(layer.geoms[numbers], 0.5, normalized=True)
    xs, ys = shapely.get_x(middles), shapely.get_y(middles)
    lengths = shapely.length(layer.geoms[numbers])
    kelurahan = state.index.locate_many(xs, ys)
    groups: dict[tuple[str, int], list[int]] = {}
    for position, (number, found) in enumerate(
        zip(numbers.tolist(), kelurahan.tolist(), strict=True)
    ):
        if found >= 0:
            groups.setdefault((layer.names[number], found), []).append(position)
    places = []
    for (name, found), positions in groups.items():
        longest = max(positions, key=lambda p: lengths[p])
        bounds = shapely.bounds(layer.geoms[numbers[positions]])
        low, high = bounds[:, :2].min(axis=0).round(5), bounds[:, 2:].max(axis=0).round(5)
        box = (float(low[0]), float(low[1]), float(high[0]), float(high[1]))
        code = state.index.codes[found]
        places.append(
            Place("street", name, _context(state, code), None,
                  round(float(xs[longest]), 6), round(float(ys[longest]), 6), box)
        )  # fmt: skip
    return places
