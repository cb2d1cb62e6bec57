"""The `sigap` commands of the map layers: build a pack's street and RW layers from an
OpenStreetMap extract, and draw the street tiles ahead of the first visitors. They live in
regions, not geo, because they read and write region packs (geo knows no pack)."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

SOURCE_HELP = "the extract: a .osm.pbf, .osm, .geojson, .json or .shp file"


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    streets = commands.add_parser(
        "build-streets",
        help="make a region pack's street layer from an OpenStreetMap extract",
        description="Read the streets of an OpenStreetMap extract, OSM's own .osm.pbf or .osm "
        "(needs the osm extra: pip install 'sigap[osm]') or one saved as GeoJSON or as an ESRI "
        "shapefile (highway=* lines, or TYPE/NAME fields), and write PACK/streets.geojson; then "
        "import-region PACK. The maps draw it as their street base map.",
    )
    streets.add_argument("source", help=SOURCE_HELP)
    streets.add_argument("pack", help="the region pack folder to write streets.geojson into")
    streets.set_defaults(run=_build_streets)
    rws = commands.add_parser(
        "build-rw",
        help="make a region pack's RW layer from an OpenStreetMap extract",
        description="Read the RW (rukun warga) polygons of an extract: OSM's own .osm.pbf or "
        ".osm (areas with admin_level=10 or a name starting with RW; the number from ref or "
        "name; needs the osm extra: pip install 'sigap[osm]'), or GeoJSON or a shapefile (an "
        "RW field: 'RW 05', '5'). Writes PACK/rw.geojson, each RW given to the pack's "
        "kelurahan/desa its polygon's inner point lies in; then import-region PACK.",
    )
    rws.add_argument("source", help=SOURCE_HELP)
    rws.add_argument("pack", help="the region pack folder (its kelurahan boundaries are used)")
    rws.set_defaults(run=_build_rw)
    marks = commands.add_parser(
        "build-landmarks",
        help="make a region pack's landmarks (stations, named places) for the place search",
        description="Read the stations of GTFS feeds (a folder, a .zip or stops.txt) and named "
        "points of GeoJSON files, keep those inside the pack's kelurahan/desa and write "
        "PACK/landmarks.geojson (replacing it); then import-region PACK.",
    )
    marks.add_argument("sources", nargs="+", help="GTFS feeds or .geojson files")
    marks.add_argument("pack", help="the region pack folder")
    marks.set_defaults(run=_build_landmarks)
    draw = commands.add_parser(
        "draw-tiles",
        help="draw the street tiles of the whole region into SIGAP_TILE_DIR ahead of visitors",
        description="Draw every street tile of the region's street layer from zoom 10 to "
        "--max-zoom into the tile folder (SIGAP_TILE_DIR or --tile-dir), so that no visitor "
        "waits for a first drawing; tiles of deeper zooms are drawn when first asked for and "
        "kept there too. Tiles already there are skipped.",
    )
    draw.add_argument("--max-zoom", type=int, default=15)
    draw.add_argument("--tile-dir", default=None)
    draw.add_argument("--database-url", default=None)
    draw.set_defaults(run=_draw_tiles)


def _build_streets(args: argparse.Namespace) -> int:
    from sigap.geo import streets
    from sigap.regions.pack import STREETS_FILE

    try:
        found = streets.from_source(Path(args.source))
    except (OSError, streets.LayerError) as exc:
        print(f"cannot read the streets: {exc}")
        return 1
    if not found:
        print(f"no streets in {args.source} (lines with highway=* or TYPE)")
        return 1
    target = Path(args.pack) / STREETS_FILE
    target.write_text(streets.to_geojson(found), encoding="utf-8")
    named = sum(1 for s in found if s.name)
    print(f"wrote {target}: {len(found)} streets, {named} named; now import-region {args.pack}")
    return 0


def _build_rw(args: argparse.Namespace) -> int:
    from sigap.geo import rw
    from sigap.geo.streets import LayerError
    from sigap.regions import pack as packs

    try:
        index = _kelurahan_index(packs.read(Path(args.pack)))
        found = rw.from_source(Path(args.source), lambda x, y: _code(index.locate(x, y)))
    except (OSError, packs.PackError, LayerError) as exc:
        print(f"cannot build the RW layer: {exc}")
        return 1
    if not found:
        print(f"no RW polygons inside the pack's kelurahan in {args.source}")
        return 1
    target = Path(args.pack) / packs.RW_FILE
    target.write_text(rw.to_geojson(found), encoding="utf-8")
    kelurahan = len({r.kelurahan_code for r in found})
    print(f"wrote {target}: {len(found)} RW in {kelurahan} kelurahan; now import-region PACK")
    return 0


def _build_landmarks(args: argparse.Namespace) -> int:
    from sigap.geo import landmarks
    from sigap.geo.streets import LayerError
    from sigap.regions import pack as packs

    try:
        index = _kelurahan_index(packs.read(Path(args.pack)))
        found: list[landmarks.Landmark] = []
        for source in args.sources:
            found += landmarks.from_source(Path(source), lambda x, y: _code(index.locate(x, y)))
    except (OSError, KeyError, packs.PackError, LayerError) as exc:
        print(f"cannot build the landmarks: {exc}")
        return 1
    target = Path(args.pack) / packs.LANDMARKS_FILE
    target.write_text(landmarks.to_geojson(found), encoding="utf-8")
    print(f"wrote {target}: {len(found)} landmarks; now import-region PACK")
    return 0


def _kelurahan_index(pack: Any) -> Any:
    from shapely.geometry import shape

    from sigap.geo.index import BoundaryIndex

    polygons = pack.boundaries.get("kelurahan", {})
    return BoundaryIndex.build([(c, shape(json.loads(t))) for c, t in polygons.items()])


def _code(found: Any) -> str | None:
    return None if found is None else str(found.code)


def _draw_tiles(args: argparse.Namespace) -> int:
    from sigap.config import Settings
    from sigap.db import opened
    from sigap.errors import SigapError
    from sigap.geo import tiles
    from sigap.regions.state import load_state, street_layer

    settings = Settings()
    folder = args.tile_dir or settings.tile_dir
    if not folder:
        print("no tile folder: set SIGAP_TILE_DIR (the server reads it too) or --tile-dir")
        return 2
    if not tiles.MIN_ZOOM <= args.max_zoom <= tiles.MAX_ZOOM:
        print(f"--max-zoom must be within {tiles.MIN_ZOOM}-{tiles.MAX_ZOOM}")
        return 2
    try:
        with opened(args.database_url) as database, database.reading() as session:
            layer = street_layer(session, load_state(session))
    except SigapError as exc:
        print(exc.message("en"))
        return 1
    if layer is None:
        print("the region has no street layer: nothing to draw (see build-streets)")
        return 1
    started = time.perf_counter()
    drawn = tiles.draw_all(layer, Path(folder), range(tiles.MIN_ZOOM, args.max_zoom + 1))
    seconds = time.perf_counter() - started
    print(f"{drawn} tiles of zoom {tiles.MIN_ZOOM}-{args.max_zoom} in {folder} ({seconds:.0f} s)")
    return 0
