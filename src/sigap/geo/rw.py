"""A region's RW (rukun warga) boundaries: which RW a report lies in, and RW names to search.

A region pack may carry ``rw.geojson``: Polygon/MultiPolygon features with the properties
``code`` (the kelurahan/desa code, a dot and the RW number: ``31.71.01.1001.05``) and ``rw``
(the number as written, ``05``). :func:`from_source` makes that file from an OpenStreetMap
extract (GeoJSON or shapefile) whose features carry an ``RW`` value ("RW 05", "5"), or from OSM's
own ``.osm.pbf``/``.osm`` (the ``osm`` extra): there an RW is an area (closed way, multipolygon or
boundary relation) tagged ``admin_level=10`` (OSM Indonesia's level for RW; RT is 11), or one
whose ``name`` starts with "RW" or "Rukun Warga"; its number is read from ``ref``, else from
``name`` ("RW 05", "RW 5", "Rukun Warga 05"). Each RW is given to the pack's kelurahan its
polygon's inner point lies in, so a mis-spelt kelurahan name in the extract does not matter.
Jakarta's comes from OpenStreetMap (2012, ODbL).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from sigap.geo import osm
from sigap.geo.streets import ATTRIBUTION, METRES_PER_DEGREE, SOURCES, LayerError

# A point this close to an RW (metres) still belongs to it: OSM's RW outlines leave slivers.
MAX_GAP_M = 15.0
_NUMBER = re.compile(r"(\d{1,3})")
_RW_NAME = re.compile(r"\s*(rw|rukun\s+warga)(?![a-z])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Rw:
    code: str  # kelurahan code + "." + number
    number: str  # as shown: "05"
    geometry: BaseGeometry

    @property
    def kelurahan_code(self) -> str:
        return self.code.rsplit(".", 1)[0]


def number_of(value: Any) -> str | None:
    """The RW number of a source value ("RW 05", "rw 5", "005", 5) as two digits, or None."""
    found = _NUMBER.search(str(value or ""))
    return f"{int(found.group(1)):02d}" if found and int(found.group(1)) > 0 else None


def from_source(path: Path, kelurahan_of: Callable[[float, float], str | None]) -> list[Rw]:
    """RW polygons of an extract, each given to the kelurahan its inner point lies in (by
    ``kelurahan_of(lon, lat)``); parts of one RW number in one kelurahan become one RW.
    Features without an RW number or outside every kelurahan are left out."""
    parts: dict[str, list[BaseGeometry]] = {}
    for properties, geometry in _features(path):
        number = number_of(properties.get("rw") or properties.get("name"))
        if number is None or geometry.is_empty:
            continue
        inner = geometry.representative_point()
        kelurahan = kelurahan_of(inner.x, inner.y)
        if kelurahan is not None:
            parts.setdefault(f"{kelurahan}.{number}", []).append(geometry)
    return [
        Rw(code, code.rsplit(".", 1)[1], shapely.union_all(geoms).buffer(0))
        for code, geoms in sorted(parts.items())
    ]


def osm_number(tags: Mapping[str, str]) -> str | None:
    """The RW number of an OSM area by the rule above, or None when it is no RW."""
    name = tags.get("name", "")
    if tags.get("admin_level") != "10" and not _RW_NAME.match(name):
        return None
    return number_of(tags.get("ref")) or number_of(name)


def _features(path: Path) -> Iterator[tuple[dict[str, Any], BaseGeometry]]:
    if osm.is_osm(path):
        for tags, outline in osm.areas(path, lambda tags: osm_number(tags) is not None):
            yield {"rw": osm_number(tags)}, outline
        return
    suffix = path.suffix.lower()
    if suffix == ".shp":
        import shapefile  # type: ignore[import-untyped]  # pyshp: read only by this command

        with shapefile.Reader(str(path)) as reader:
            fields = [f.name.lower() for f in reader.fields[1:]]
            for item in reader.iterShapeRecords():
                record = dict(zip(fields, item.record, strict=True))
                yield record, shape(item.shape.__geo_interface__)
        return
    if suffix not in (".geojson", ".json"):
        raise LayerError(f"{path}: expected a {SOURCES} file")
    document = json.loads(path.read_text(encoding="utf-8"))
    for feature in document.get("features") or []:
        geometry = feature.get("geometry") or {}
        if geometry.get("type") in ("Polygon", "MultiPolygon"):
            properties = {k.lower(): v for k, v in (feature.get("properties") or {}).items()}
            yield properties, shape(geometry)


def to_geojson(rws: list[Rw]) -> str:
    """The pack's ``rw.geojson``, outlines simplified within about two metres."""
    features = [
        {
            "type": "Feature",
            "properties": {"code": rw.code, "rw": rw.number},
            "geometry": mapping(outline),
        }
        for rw in rws
        if not (outline := shapely.set_precision(rw.geometry.simplify(2e-5), 1e-5)).is_empty
    ]
    document = {"type": "FeatureCollection", "attribution": ATTRIBUTION, "features": features}
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def parse(text: str, kelurahan: set[str], where: str = "rw.geojson") -> list[Rw]:
    """A pack's RW layer; LayerError naming the feature when one is not an RW of a known
    kelurahan with a polygon. The outlines are read by GEOS in one call (a third of a second
    for Jakarta's, where one shapely shape per feature took twice as long)."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise LayerError(f"{where}: not JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise LayerError(f"{where}: expected a GeoJSON FeatureCollection")
    features = document.get("features") or []
    keys = []
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        code, rw = str(properties.get("code") or ""), number_of(properties.get("rw"))
        if rw is None or code.rsplit(".", 1) != [code.rsplit(".", 1)[0], rw]:
            raise LayerError(f"{where} feature {number}: code must be <kelurahan>.<rw number>")
        if code.rsplit(".", 1)[0] not in kelurahan:
            raise LayerError(f"{where} feature {number}: {code}: no such kelurahan/desa")
        if (feature.get("geometry") or {}).get("type") not in ("Polygon", "MultiPolygon"):
            raise LayerError(f"{where} feature {number}: geometry must be a (Multi)Polygon")
        keys.append((code, rw))
    outlines = shapely.get_parts(shapely.from_geojson(text)) if keys else []
    bad = np.flatnonzero(~shapely.is_valid(outlines) | shapely.is_empty(outlines))
    if len(bad):
        raise LayerError(f"{where} feature {bad[0] + 1}: {keys[bad[0]][0]}: not a valid outline")
    return [Rw(code, rw, outline) for (code, rw), outline in zip(keys, outlines, strict=True)]


class RwIndex:
    """Point → RW code: the RW whose outline covers the point (the lowest code where outlines
    overlap), else the lowest-coded one within :data:`MAX_GAP_M`. A tree query of some 20
    microseconds: the exact grid of kelurahan routing took a second to build at every start
    for an answer that is shown, not routed on."""

    def __init__(self, rws: list[Rw]) -> None:
        ordered = sorted(rws, key=lambda rw: rw.code)
        self.codes = [rw.code for rw in ordered]
        self.tree = shapely.STRtree([rw.geometry for rw in ordered])

    def locate(self, lon: float, lat: float) -> str | None:
        point = shapely.Point(lon, lat)
        covering = self.tree.query(point, predicate="covers")
        if len(covering):
            return self.codes[int(covering.min())]
        reach = MAX_GAP_M / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.1))
        near = self.tree.query(point, predicate="dwithin", distance=reach)
        return self.codes[int(near.min())] if len(near) else None
