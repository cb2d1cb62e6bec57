"""OpenStreetMap's own files (``.osm.pbf``, ``.osm`` XML) for `build-streets` and `build-rw`.

Read with pyosmium, the optional ``osm`` extra (``pip install 'sigap[osm]'``): it is imported
here, and only when such a file is read, so the base install runs without it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType

import shapely
from shapely.geometry.base import BaseGeometry

from sigap.geo.streets import LayerError

SUFFIXES = (".pbf", ".osm")
MISSING = "reading .osm.pbf needs the osm extra: pip install 'sigap[osm]'"


def is_osm(path: Path) -> bool:
    """Whether the file is OpenStreetMap's own format (``roads.osm.pbf``, ``roads.osm``)."""
    return path.name.lower().endswith(SUFFIXES)


def _osmium() -> ModuleType:
    try:
        import osmium
    except ImportError:
        raise LayerError(MISSING) from None
    return osmium


def highways(path: Path) -> Iterator[tuple[int, dict[str, str], list[tuple[float, float]]]]:
    """Each way with a ``highway`` tag: its id, tags and its nodes' (lon, lat) in order
    (nodes missing from the extract left out)."""
    osmium = _osmium()
    processor = osmium.FileProcessor(str(path)).with_locations()
    processor.with_filter(osmium.filter.KeyFilter("highway"))
    try:
        for way in processor:
            if way.is_way():
                points = [(n.lon, n.lat) for n in way.nodes if n.location.valid()]
                yield way.id, dict(way.tags), points
    except RuntimeError as exc:  # libosmium: not an OSM file, a broken block
        raise LayerError(f"{path}: {exc}") from None


def areas(
    path: Path, keep: Callable[[Mapping[str, str]], bool]
) -> Iterator[tuple[dict[str, str], BaseGeometry]]:
    """Each area (a closed way, a multipolygon or boundary relation) whose tags ``keep``
    accepts: its tags and its outline. Outlines that do not close are left out."""
    osmium = _osmium()
    processor = osmium.FileProcessor(str(path)).with_areas()
    processor.with_filter(osmium.filter.EntityFilter(osmium.osm.AREA))
    factory = osmium.geom.WKBFactory()
    try:
        for area in processor:
            tags = dict(area.tags)
            if not keep(tags):
                continue
            try:
                outline = shapely.from_wkb(factory.create_multipolygon(area))
            except (RuntimeError, osmium.InvalidLocationError):
                continue  # a ring with a missing node: no outline to give
            yield tags, outline
    except RuntimeError as exc:
        raise LayerError(f"{path}: {exc}") from None
