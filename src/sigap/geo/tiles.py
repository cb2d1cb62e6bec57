"""Street map tiles drawn here from the region's street layer: 256-pixel PNGs in the usual
web-mercator ``{z}/{x}/{y}`` grid, so any Leaflet map shows streets without a tile server.

Drawn at twice the size and halved (anti-aliased lines), casings under fills, wider kinds on
top, street names along the larger streets from zoom 15 (Pillow's own font: nothing to fetch).
A process keeps the tiles it drew (:data:`CACHE_TILES`); with a tile folder (``SIGAP_TILE_DIR``)
each is also written there once and read back after a restart, and ``sigap draw-tiles`` fills
the folder ahead of the first visitors (a first drawing takes ~20 ms of CPU, which sixteen
visitors at once turn into the better part of a second). The layer's sha256 is in the key and
the path, so a new import never serves an old tile.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from sigap.geo.streets import KINDS, StreetLayer

PATH = KINDS.index("path")
SIZE = 256
SCALE = 2  # drawn at 512 px, then halved
MIN_ZOOM, MAX_ZOOM = 10, 19
CACHE_TILES = 2048
BACKGROUND = (243, 241, 236)
# kind -> (fill, casing, width in px at zoom 16, smallest zoom drawn)
STYLE = (
    ((252, 214, 142), (196, 150, 80), 9.0, 10),  # major
    ((255, 250, 205), (190, 176, 120), 7.0, 11),  # medium
    ((255, 255, 255), (200, 194, 184), 5.0, 13),  # minor
    ((226, 216, 200), (226, 216, 200), 1.5, 15),  # path
)
DRAWN_FROM = np.array([style[3] for style in STYLE])  # smallest zoom drawn, by kind
LABEL_ZOOM = (15, 15, 16, 99)  # smallest zoom at which each kind is named
LABEL_COLOUR, HALO = (60, 60, 60), (255, 255, 255)
# Tiles are drawn on the server's threads; the lock guards only the cache's bookkeeping, not
# the drawing (two threads may draw the same new tile once each, and the second one wins).
_CACHE: OrderedDict[tuple[str, int, int, int], bytes] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a tile, in degrees."""
    n = 2.0**z

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def tile_at(lon: float, lat: float, z: int) -> tuple[int, int]:
    """(x, y) of the tile holding a point at zoom ``z``."""
    n = 2**z
    rad = math.radians(lat)
    y = (1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


def valid(z: int, x: int, y: int) -> bool:
    return MIN_ZOOM <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


def kept(layer: StreetLayer, z: int, x: int, y: int) -> bytes | None:
    """The tile if this process has it in memory (no drawing, no disk: for the event loop)."""
    key = (layer.sha256, z, x, y)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
        return found


def tile(layer: StreetLayer, z: int, x: int, y: int, folder: Path | None = None) -> bytes:
    """The PNG of one tile (the caller checked :func:`valid`): kept in memory, else read from
    ``folder``, else drawn (and written to ``folder``)."""
    key = (layer.sha256, z, x, y)
    found = kept(layer, z, x, y)
    if found is not None:
        return found
    path = None if folder is None else folder / layer.sha256[:16] / str(z) / str(x) / f"{y}.png"
    try:
        found = path.read_bytes() if path is not None else None
    except FileNotFoundError:
        found = None
    if found is None:
        found = _draw(layer, z, x, y)
        if path is not None:
            _write(path, found)
    with _CACHE_LOCK:
        _CACHE[key] = found
        if len(_CACHE) > CACHE_TILES:
            _CACHE.popitem(last=False)
    return found


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a reader never sees half a tile (rename is atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def draw_all(layer: StreetLayer, folder: Path, zooms: Iterable[int]) -> int:
    """Every tile of the layer's extent at ``zooms`` into ``folder`` (those missing there);
    the number of tiles the folder then holds for them."""
    west, south, east, north = layer.bounds
    count = 0
    for z in zooms:
        x0, y0 = tile_at(west, north, z)
        x1, y1 = tile_at(east, south, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                path = folder / layer.sha256[:16] / str(z) / str(x) / f"{y}.png"
                if not path.exists():
                    _write(path, _draw(layer, z, x, y))
                count += 1
    return count


def _pixels(coords: np.ndarray, z: int, x: int, y: int) -> list[tuple[float, float]]:
    """Longitude/latitude rows to pixel positions in the doubled tile."""
    n, side = 2.0**z, SIZE * SCALE
    px = ((coords[:, 0] + 180.0) / 360.0 * n - x) * side
    lat = np.radians(coords[:, 1])
    py = ((1.0 - np.log(np.tan(lat) + 1.0 / np.cos(lat)) / math.pi) / 2.0 * n - y) * side
    return list(zip(px.tolist(), py.tolist(), strict=True))


def _draw(layer: StreetLayer, z: int, x: int, y: int) -> bytes:
    west, south, east, north = tile_bounds(z, x, y)
    margin = (east - west) / 8  # lines just outside still reach in with their width
    found = layer.in_box(west - margin, south - margin, east + margin, north + margin)
    found = found[DRAWN_FROM[layer.kinds[found]] <= z]
    kinds = layer.kinds[found]
    if not len(found):
        return _blank()
    image = Image.new("RGB", (SIZE * SCALE, SIZE * SCALE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    factor = SCALE * 2.0 ** ((z - 16) * 0.75)  # widths grow slower than the map
    paths = [_pixels(np.asarray(layer.geoms[i].coords), z, x, y) for i in found.tolist()]
    for casing in (True, False):
        for kind, path in zip(kinds.tolist(), paths, strict=True):
            if casing and kind == PATH:
                continue  # footpaths are drawn without a casing
            fill, edge, width, _ = STYLE[kind]
            w = max(1, round(width * factor + (2 * SCALE if casing else 0)))
            draw.line(path, fill=edge if casing else fill, width=w, joint="curve")
    _labels(draw, layer, found, kinds, paths, z)
    image = image.reduce(SCALE)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=6)
    return out.getvalue()


def _labels(
    draw: ImageDraw.ImageDraw,
    layer: StreetLayer,
    found: np.ndarray,
    kinds: np.ndarray,
    paths: list[list[tuple[float, float]]],
    z: int,
) -> None:
    """Each named street once per tile, at the middle of its longest visible part, where it
    neither overlaps another name nor crosses the tile's edge (the next tile names it)."""
    font = _font(11 * SCALE)
    side = SIZE * SCALE
    taken: list[tuple[float, float, float, float]] = []
    named: set[str] = set()
    order = sorted(range(len(paths)), key=lambda k: (kinds[k], -_length(paths[k])))
    for k in order:
        name = layer.names[int(found[k])]
        if not name or name in named or z < LABEL_ZOOM[int(kinds[k])]:
            continue
        path = paths[k]
        mx, my = path[len(path) // 2]
        left, top, right, bottom = draw.textbbox((mx, my), name, font=font, anchor="mm")
        box = (left - 4, top - 2, right + 4, bottom + 2)
        if box[0] < 0 or box[1] < 0 or box[2] > side or box[3] > side:
            continue
        if any(_overlap(box, other) for other in taken):
            continue
        draw.text((mx, my), name, font=font, anchor="mm", fill=LABEL_COLOUR,
                  stroke_width=2 * SCALE, stroke_fill=HALO)  # fmt: skip
        taken.append(box)
        named.add(name)


def _length(path: list[tuple[float, float]]) -> float:
    return sum(math.dist(a, b) for a, b in itertools.pairwise(path))


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size)


@cache
def _blank() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (SIZE, SIZE), BACKGROUND).save(out, "PNG")
    return out.getvalue()
