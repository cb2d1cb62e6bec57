"""A region's street layer: named street lines, drawn into map tiles here and asked for names.

A region pack may carry ``streets.geojson``: LineString/MultiLineString features with the
properties ``name`` (may be empty), ``kind`` (one of :data:`KINDS`) and, on a street nobody
may walk (a motorway), ``foot: false``. :func:`from_source`
makes that file from an OpenStreetMap extract: OSM's own ``.osm.pbf``/``.osm`` (its ``highway``
ways; needs the ``osm`` extra, :mod:`sigap.geo.osm`), or one saved as GeoJSON or as an ESRI
shapefile (``highway`` values, or the ``TYPE``/``NAME`` fields of the usual shapefile exports),
so a region can add its own; Jakarta's comes from OpenStreetMap (© OpenStreetMap contributors,
ODbL).

Sigap draws the layer itself (:mod:`sigap.geo.tiles`), so the maps show streets on a closed
network; a deployment may point the maps at a tile server instead (``SIGAP_MAP_TILE_URL``).
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString

from sigap.kit import sha256_hex

ATTRIBUTION = "© OpenStreetMap contributors"
# How a street is drawn, widest first; OSM's highway values map onto these.
KINDS = ("major", "medium", "minor", "path")
OSM_KINDS = {
    **dict.fromkeys(("motorway", "trunk", "primary"), "major"),
    **dict.fromkeys(("motorway_link", "trunk_link", "primary_link"), "major"),
    **dict.fromkeys(("secondary", "tertiary", "secondary_link", "tertiary_link"), "medium"),
    **dict.fromkeys(
        ("residential", "unclassified", "living_street", "road", "service", "construction"),
        "minor",
    ),
    **dict.fromkeys(("footway", "path", "pedestrian", "track", "cycleway", "steps"), "path"),
}
NO_FOOT = frozenset({"motorway", "motorway_link"})  # OSM highways closed to people on foot
METRES_PER_DEGREE = 6_371_008.8 * math.pi / 180.0
SOURCES = ".osm.pbf, .osm, .geojson, .json or .shp"  # the extracts the layer commands read


@dataclass(frozen=True, slots=True)
class Street:
    name: str
    kind: str
    lines: tuple[tuple[tuple[float, float], ...], ...]  # (lon, lat) points of each part
    foot: bool = True  # people may walk it (not a motorway): the planner's walks (geo.walk)


class LayerError(ValueError):
    """A map layer or its source (streets, RW) that cannot be read; the message says where
    and why."""


def from_source(path: Path) -> list[Street]:
    """Streets from an OSM extract: ``.osm.pbf``/``.osm``, GeoJSON (``.geojson``/``.json``) or
    a shapefile."""
    from sigap.geo import osm  # here: osm imports this module

    suffix = path.suffix.lower()
    if osm.is_osm(path):
        return list(_from_osm(path))
    if suffix == ".shp":
        return list(_from_shapefile(path))
    if suffix in (".geojson", ".json"):
        return list(_from_features(json.loads(path.read_text(encoding="utf-8")), str(path)))
    raise LayerError(f"{path}: expected a {SOURCES} file")


def _from_osm(path: Path) -> Iterator[Street]:
    from sigap.geo import osm

    for way, tags, points in osm.highways(path):
        street = _street(tags, [points], f"{path.name} way {way}")
        if street is not None:
            yield street


def _from_shapefile(path: Path) -> Iterator[Street]:
    import shapefile  # type: ignore[import-untyped]  # pyshp: read only by this command

    with shapefile.Reader(str(path)) as reader:
        fields = [f.name.lower() for f in reader.fields[1:]]
        for number, item in enumerate(reader.iterShapeRecords(), start=1):
            record = dict(zip(fields, item.record, strict=True))
            points = [(float(x), float(y)) for x, y in item.shape.points]
            parts = [*item.shape.parts, len(points)]
            lines = [points[a:b] for a, b in itertools.pairwise(parts)]
            street = _street(record, lines, f"{path.name} shape {number}")
            if street is not None:
                yield street


def _from_features(document: Any, where: str) -> Iterator[Street]:
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise LayerError(f"{where}: expected a GeoJSON FeatureCollection")
    for number, feature in enumerate(document.get("features") or [], start=1):
        geometry = feature.get("geometry") or {}
        coordinates = geometry.get("coordinates")
        lines: Any
        if geometry.get("type") == "LineString":
            lines = [coordinates]
        elif geometry.get("type") == "MultiLineString":
            lines = coordinates
        else:
            continue  # points of interest, areas: not streets
        properties = {k.lower(): v for k, v in (feature.get("properties") or {}).items()}
        street = _street(properties, lines, f"{where} feature {number}")
        if street is not None:
            yield street


def _street(properties: dict[str, Any], lines: Iterable[Any], where: str) -> Street | None:
    kind = properties.get("kind")
    if kind not in KINDS:
        kind = OSM_KINDS.get(str(properties.get("highway") or properties.get("type") or ""))
    if kind is None:
        return None  # not a street (a river, a railway, a building outline)
    parts = []
    for line in lines:
        try:
            points = tuple((round(float(x), 5), round(float(y), 5)) for x, y, *_ in line)
        except (TypeError, ValueError):
            raise LayerError(f"{where}: coordinates must be [longitude, latitude]") from None
        if not all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in points):
            raise LayerError(f"{where}: a coordinate is not a longitude/latitude (WGS84)")
        if len(points) >= 2:
            parts.append(points)
    name = " ".join(str(properties.get("name") or "").split())
    highway = str(properties.get("highway") or properties.get("type") or "")
    foot = highway not in NO_FOOT and properties.get("foot") not in (False, "no")
    return Street(name, kind, tuple(parts), foot) if parts else None


def parse(text: str, where: str = "streets.geojson") -> list[Street]:
    """A street layer's text (a pack's ``streets.geojson``) as streets; LayerError if bad."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise LayerError(f"{where}: not JSON ({exc})") from None
    return list(_from_features(document, where))


def to_geojson(streets: Iterable[Street]) -> str:
    """The pack's ``streets.geojson``: compact, one feature per street, ordered as given."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": s.name, "kind": s.kind} | ({} if s.foot else {"foot": False}),
            "geometry": {"type": "MultiLineString", "coordinates": [list(p) for p in s.lines]},
        }
        for s in streets
    ]
    document = {"type": "FeatureCollection", "attribution": ATTRIBUTION, "features": features}
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


class StreetLayer:
    """The layer in memory: one shapely line per part, with its street's name and kind."""

    def __init__(self, streets: list[Street], sha256: str) -> None:
        self.sha256 = sha256
        names, kinds, geoms = [], [], []
        for street in streets:
            for part in street.lines:
                names.append(street.name)
                kinds.append(KINDS.index(street.kind))
                geoms.append(LineString(part))
        self.names = names
        self.kinds = np.array(kinds, dtype=np.int8)
        self.geoms = np.array(geoms, dtype=object)
        self.tree = shapely.STRtree(self.geoms)
        bounds = shapely.total_bounds(self.geoms) if len(self.geoms) else (0.0, 0.0, 0.0, 0.0)
        self.bounds = tuple(float(v) for v in bounds)  # west, south, east, north

    @classmethod
    def from_geojson(cls, text: str) -> StreetLayer:
        return cls(parse(text), sha256_hex(text))

    def in_box(self, west: float, south: float, east: float, north: float) -> np.ndarray:
        """Indexes of the lines whose bounds meet the box, widest kind last (drawn on top)."""
        found: np.ndarray = self.tree.query(shapely.box(west, south, east, north))
        ordered: np.ndarray = found[np.argsort(-self.kinds[found], kind="stable")]
        return ordered

    def nearest_name(self, lon: float, lat: float, within_m: float = 60.0) -> str | None:
        """The name of the named street nearest the point, if one is within ``within_m``."""
        scale = max(math.cos(math.radians(lat)), 0.1)  # metres of a degree east, against north
        reach = within_m / METRES_PER_DEGREE
        near = self.tree.query(
            shapely.box(lon - reach / scale, lat - reach, lon + reach / scale, lat + reach)
        )
        point = shapely.Point(lon, lat)
        best, best_m = None, within_m
        for i in near.tolist():
            if not self.names[i]:
                continue
            closest = shapely.shortest_line(self.geoms[i], point).coords
            (x0, y0), (x1, y1) = closest[0], closest[1]
            metres = math.hypot((x1 - x0) * scale, y1 - y0) * METRES_PER_DEGREE
            if metres <= best_m:
                best, best_m = self.names[i], metres
        return best
