"""A region's landmarks: named places people give as a location ("dekat Stasiun Sudirman"),
searched by name beside streets, RW and areas (sigap.geo.places).

A region pack may carry ``landmarks.geojson``: Point features with the properties ``name`` and
``kind`` (``station`` for a rail or bus station or stop, ``place`` for anything else).
:func:`from_source` reads them from a GTFS feed's ``stops.txt`` (a folder, a ``.zip`` or the
file itself: its stations, and stops that belong to none) or from GeoJSON points with a
``name``. Jakarta's are the MRT stations (MIT, positions © OpenStreetMap contributors) and the
KRL stations (CC BY 4.0); the Transjakarta feed carries no licence to bundle it, so a
deployment imports its operator's feed itself.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sigap.geo.streets import LayerError

KINDS = ("station", "place")
STATION_WORDS = ("railway", "public_transport", "station", "highway")  # GeoJSON keys of stops


@dataclass(frozen=True, slots=True)
class Landmark:
    name: str
    kind: str
    lon: float
    lat: float


def from_source(path: Path, inside: Callable[[float, float], object]) -> list[Landmark]:
    """The landmarks of a GTFS feed or a GeoJSON file that lie ``inside`` the region (a truthy
    answer), one per name and kind (a station's entrances and platforms share its name)."""
    found: dict[tuple[str, str], Landmark] = {}
    for landmark in _read(path):
        key = (landmark.name.casefold(), landmark.kind)
        if key not in found and inside(landmark.lon, landmark.lat):
            found[key] = landmark
    return sorted(found.values(), key=lambda lm: (lm.name.casefold(), lm.lon))


def _read(path: Path) -> Iterator[Landmark]:
    if path.is_dir():
        yield from _stops((path / "stops.txt").read_text(encoding="utf-8-sig"), str(path))
    elif path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            text = archive.read("stops.txt").decode("utf-8-sig")
        yield from _stops(text, str(path))
    elif path.name.lower() == "stops.txt":
        yield from _stops(path.read_text(encoding="utf-8-sig"), str(path))
    elif path.suffix.lower() in (".geojson", ".json"):
        yield from _points(json.loads(path.read_text(encoding="utf-8")), str(path))
    else:
        raise LayerError(f"{path}: expected a GTFS feed (folder, .zip, stops.txt) or .geojson")


def _stops(text: str, where: str) -> Iterator[Landmark]:
    """A feed's stations (location_type 1) and the stops that belong to no station."""
    rows = csv.DictReader(io.StringIO(text))
    if not {"stop_name", "stop_lat", "stop_lon"} <= set(rows.fieldnames or ()):
        raise LayerError(f"{where}: stops.txt needs stop_name, stop_lat and stop_lon")
    for number, row in enumerate(rows, start=2):
        kind = (row.get("location_type") or "0").strip() or "0"
        if kind not in ("0", "1") or (kind == "0" and (row.get("parent_station") or "").strip()):
            continue  # platforms, entrances and nodes: the station names them
        name = " ".join((row.get("stop_name") or "").split())
        if name:
            yield Landmark(
                name, "station", *_point(row["stop_lon"], row["stop_lat"], where, number)
            )


def _points(document: Any, where: str) -> Iterator[Landmark]:
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise LayerError(f"{where}: expected a GeoJSON FeatureCollection")
    for number, feature in enumerate(document.get("features") or [], start=1):
        geometry = feature.get("geometry") or {}
        properties = {k.lower(): v for k, v in (feature.get("properties") or {}).items()}
        name = " ".join(str(properties.get("name") or "").split())
        if geometry.get("type") != "Point" or not name:
            continue
        kind = properties.get("kind")
        if kind not in KINDS:
            kind = "station" if any(w in properties for w in STATION_WORDS) else "place"
        position = [*list(geometry.get("coordinates") or []), None, None]
        yield Landmark(name, kind, *_point(position[0], position[1], where, number))


def _point(lon: Any, lat: Any, where: str, number: int) -> tuple[float, float]:
    try:
        x, y = round(float(lon), 6), round(float(lat), 6)
    except (TypeError, ValueError):
        raise LayerError(f"{where} row {number}: the position is not a number") from None
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise LayerError(f"{where} row {number}: not a longitude/latitude (WGS84)")
    return x, y


def to_geojson(landmarks: list[Landmark]) -> str:
    """The pack's ``landmarks.geojson``."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": lm.name, "kind": lm.kind},
            "geometry": {"type": "Point", "coordinates": [lm.lon, lm.lat]},
        }
        for lm in landmarks
    ]
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def parse(text: str, where: str = "landmarks.geojson") -> list[Landmark]:
    """A pack's landmark layer; LayerError naming the feature when one is not a named point."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise LayerError(f"{where}: not JSON ({exc})") from None
    found = list(_points(document, where))
    if len(found) != len(document.get("features") or []):
        raise LayerError(f"{where}: every feature must be a Point with a name")
    return found
