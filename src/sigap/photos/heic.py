"""Phone HEIC, decoded fast: the primary image's HEVC tiles are read out of the file here,
decoded by FFmpeg (PyAV) on several threads, and scaled and converted to RGB in one step.

Why: a phone writes a 12-megapixel HEIC as a grid of 512 x 512 HEVC tiles (each tile an intra
frame of its own), 8-bit 4:2:0, BT.601 full range. libheif's decoder (libde265, through
pillow-heif) took 1.5 times as long per core as FFmpeg's for the same tiles, and then
converted all 12 megapixels to RGB before Sigap shrank them to the display size: together
well over the 250 ms a photo may take (docs/perf-log.md, "Photos").

What this module does not do: check the file. pillow-heif has opened it before (type,
pixel limit, animation, EXIF and GPS), and :func:`display` is handed what it learnt. Anything
this reader does not fully understand (another codec, cropping, alpha, more than 8 bits,
another colour matrix, a layout that does not add up, a tile that does not decode) gives
None, and the caller decodes with libheif as before: a faster road for the common file, never
a second judge of what is acceptable.
"""

from __future__ import annotations

import logging
import os
import struct
from collections.abc import Iterator
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import av
import numpy as np
from PIL import Image

THREADS = min(4, os.cpu_count() or 1)
# A grid's tiles are decoded side by side, each share by a single-threaded decoder of its own
# (PyAV lets go of the GIL while FFmpeg works); a single frame by one decoder with FFmpeg's
# slice threads (HEVC wavefronts). Not FFmpeg's frame threads: fed a broken tile they hung
# for good (every fuzz run), which a server taking photos from anyone cannot have. Should a
# decoder ever hang anyway, the photo waits at most DECODE_TIMEOUT_S and goes to libheif.
_POOL = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="sigap-heic")
DECODE_TIMEOUT_S = 20.0
log = logging.getLogger("sigap.photos")
# Properties the primary image may carry: size, bit depths, colour, the decoder configuration
# and the two transforms applied here. Any other one (clean-aperture crop, layered images...)
# leaves the file to libheif.
PRIMARY_PROPERTIES = {"ispe", "pixi", "colr", "hvcC", "irot", "imir"}
TILE_PROPERTIES = {"ispe", "pixi", "colr", "hvcC"}
MAX_GRID = 256  # rows or columns
TRANSFORMS = {
    ("irot", 1): Image.Transpose.ROTATE_90,  # irot turns anticlockwise, as Pillow's ROTATE_*
    ("irot", 2): Image.Transpose.ROTATE_180,
    ("irot", 3): Image.Transpose.ROTATE_270,
    # imir's axis bit as libheif reads it (the format's first edition named the axes the
    # other way round; files are made and checked against libheif, so its reading is kept)
    ("imir", 0): Image.Transpose.FLIP_TOP_BOTTOM,
    ("imir", 1): Image.Transpose.FLIP_LEFT_RIGHT,
}


class _Unreadable(Exception):
    """The file is not laid out as this reader expects (libheif decides what it is)."""


@dataclass(frozen=True, slots=True)
class Coded:
    """The primary image as the encoder wrote it: tiles row by row, the mosaic cropped to
    ``width`` x ``height``, then the transforms in the file's order."""

    config: bytes  # the tiles' HEVC decoder configuration record (hvcC)
    tiles: list[bytes]
    columns: int
    tile_width: int
    tile_height: int
    width: int
    height: int
    transforms: list[Image.Transpose]

    @property
    def mosaic_pixels(self) -> int:
        rows = len(self.tiles) // self.columns
        return self.columns * self.tile_width * rows * self.tile_height

    @property
    def shown_size(self) -> tuple[int, int]:
        """The size after the transforms (what libheif reports as the image's size)."""
        turns = sum(
            t in (Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270) for t in self.transforms
        )
        return (self.height, self.width) if turns % 2 else (self.width, self.height)


def display(
    data: bytes | bytearray, image: Image.Image, longest: int, max_pixels: int
) -> Image.Image | None:
    """The primary image of ``data`` in RGB, its longest side at most ``longest``, transforms
    applied; or None to leave the file to libheif. ``image`` is pillow-heif's opened (not yet
    decoded) image of the same file: its size, bit depth, chroma, colour and alpha. The tiles
    together may not have more than ``max_pixels`` (the picture itself was checked already;
    this bounds what the decoders allocate, with FFmpeg held to each tile's declared size)."""
    if not _plain_8bit_bt601(image):
        return None
    try:
        coded = read(bytes(data))
    except _Unreadable:
        return None
    if coded is None or coded.shown_size != image.size or coded.mosaic_pixels > max_pixels:
        return None
    picture = decode(coded, longest)
    if picture is None:
        return None
    for transform in coded.transforms:
        picture = picture.transpose(transform)
    return picture


def _plain_8bit_bt601(image: Image.Image) -> bool:
    """What phones write and what :func:`decode` converts exactly: 8 bits, 4:2:0, no alpha,
    BT.601 (matrix 5 or 6) full range as the file's colour box says."""
    nclx = image.info.get("nclx_profile") or {}
    return (
        image.mode == "RGB"
        and image.info.get("bit_depth") == 8
        and image.info.get("chroma") == 420
        and nclx.get("matrix_coefficients") in (5, 6)
        and nclx.get("full_range_flag") == 1
    )


def decode(coded: Coded, longest: int) -> Image.Image | None:
    """Decode every tile, lay the planes side by side and let swscale shrink and convert them
    in one pass. None if a tile fails."""
    tiles = coded.tiles
    size = -(-len(tiles) // THREADS)  # tiles per decoder, rounded up
    groups = [tiles[start : start + size] for start in range(0, len(tiles), size)]
    threads = THREADS if len(tiles) == 1 else 1
    # FFmpeg refuses a frame larger than the tile the file declared (plus a coding unit's
    # padding), so a tile's own header cannot make it allocate more than was checked.
    limit = (coded.tile_width + 64) * (coded.tile_height + 64)
    shares = [_POOL.submit(_frames, coded.config, group, threads, limit) for group in groups]
    _, late = futures.wait(shares, timeout=DECODE_TIMEOUT_S)
    if late:
        log.warning("HEIC tiles not decoded in %s s; left to libheif", DECODE_TIMEOUT_S)
        return None
    frames: list[Any] = []
    for share in shares:
        share_frames = share.result()
        if share_frames is None:
            return None
        frames.extend(share_frames)
    if len(frames) != len(tiles):
        return None
    planes = _mosaic(coded, frames)
    if planes is None:
        return None
    frame = av.VideoFrame.from_ndarray(planes, format="yuv420p")
    width, height = _fit(planes.shape[1], planes.shape[0] * 2 // 3, longest)
    rgb = frame.reformat(
        width=width,
        height=height,
        format="rgb24",
        src_colorspace="ITU601",
        src_color_range="JPEG",
        interpolation="AREA",
    )
    return Image.fromarray(rgb.to_ndarray())


def _frames(config: bytes, tiles: list[bytes], threads: int, max_pixels: int) -> list[Any] | None:
    """The frames of some tiles, in order, from one decoder; None if one fails (the decoder is
    drained all the same, so that it is freed cleanly)."""
    context = av.CodecContext.create("hevc", "r")
    context.extradata = config
    context.options = {"max_pixels": str(max_pixels)}
    context.thread_type = "SLICE"
    context.thread_count = threads
    frames: list[Any] = []
    failed = False
    for tile in tiles:
        try:
            frames.extend(context.decode(av.Packet(tile)))
        except (av.FFmpegError, ValueError):
            failed = True
            break
    try:
        frames.extend(context.decode(None))
    except (av.FFmpegError, ValueError):
        failed = True
    return None if failed else frames


def _mosaic(coded: Coded, frames: list[Any]) -> np.ndarray[Any, Any] | None:
    """The tiles' Y, U and V planes in one yuv420p buffer of the cropped size (made even:
    4:2:0 needs it; at most one pixel row or column is lost)."""
    width, height = coded.width & ~1, coded.height & ~1
    if width < 2 or height < 2:
        return None
    buffer = np.empty((height * 3 // 2, width), np.uint8)
    half = (height // 2, width // 2)
    views = (
        buffer[:height],
        buffer[height : height + height // 4].reshape(half),
        buffer[height + height // 4 :].reshape(half),
    )
    for index, frame in enumerate(frames):
        if frame.format.name not in ("yuv420p", "yuvj420p"):
            return None
        if frame.width < coded.tile_width or frame.height < coded.tile_height:
            return None
        row, column = divmod(index, coded.columns)
        for view, plane, step in zip(views, frame.planes, (1, 2, 2), strict=True):
            top, left = row * coded.tile_height // step, column * coded.tile_width // step
            rows = min(coded.tile_height // step, view.shape[0] - top)
            columns = min(coded.tile_width // step, view.shape[1] - left)
            if rows <= 0 or columns <= 0:
                continue
            pixels = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
            view[top : top + rows, left : left + columns] = pixels[:rows, :columns]
    return buffer


def _fit(width: int, height: int, longest: int) -> tuple[int, int]:
    scale = min(1.0, longest / max(width, height))
    return max(2, round(width * scale)), max(2, round(height * scale))


# --- the container (ISO base media file format, HEIF's item boxes) ---


def read(data: bytes) -> Coded | None:
    """The primary image's tiles, or None when it is not a single HEVC image or a grid of
    HEVC tiles with only the properties listed above. Raises :class:`_Unreadable` when a box
    or item points outside the file."""
    meta = _meta(data)
    primary = meta.primary
    kind = meta.types.get(primary)
    if kind == "hvc1":
        properties = meta.properties_of(primary, PRIMARY_PROPERTIES)
        if properties is None or "hvcC" not in properties or "ispe" not in properties:
            return None
        width, height = _ispe(data, properties["ispe"])
        tiles, columns, tile_size = [meta.item_data(primary)], 1, (width, height)
        config = data[slice(*properties["hvcC"])]
    elif kind == "grid":
        properties = meta.properties_of(primary, PRIMARY_PROPERTIES - {"hvcC"})
        layout = _grid(meta.item_data(primary))
        tile_ids = meta.references.get(primary, [])
        if properties is None or layout is None or len(tile_ids) != layout[0] * layout[1]:
            return None
        rows, columns, width, height = layout
        found = _tiles(data, meta, tile_ids)
        if found is None:
            return None
        tiles, config, tile_size = found
        if not _covers(columns, tile_size[0], width) or not _covers(rows, tile_size[1], height):
            return None
    else:
        return None
    return Coded(
        bytes(config), tiles, columns, *tile_size, width, height, _transforms(data, properties)
    )


def _transforms(data: bytes, properties: dict[str, tuple[int, int]]) -> list[Image.Transpose]:
    """irot (quarter turns, in its low two bits) and imir (the axis, in its low bit), in the
    order the file lists them (the format makes it rotation, then mirror)."""
    found = []
    for name, (start, end) in properties.items():
        if name in ("irot", "imir"):
            if end <= start:
                raise _Unreadable
            value = data[start] & (3 if name == "irot" else 1)
            if (name, value) in TRANSFORMS:
                found.append(TRANSFORMS[(name, value)])
    return found


def _covers(count: int, tile: int, length: int) -> bool:
    """The format's rule: the tiles cover the output, the last one only partly if need be."""
    return (count - 1) * tile < length <= count * tile


def _tiles(
    data: bytes, meta: _Meta, tile_ids: list[int]
) -> tuple[list[bytes], bytes, tuple[int, int]] | None:
    """The tiles of a grid: all HEVC, one decoder configuration, one size."""
    configs: set[bytes] = set()
    sizes: set[tuple[int, int]] = set()
    tiles = []
    for tile_id in tile_ids:
        properties = meta.properties_of(tile_id, TILE_PROPERTIES)
        if meta.types.get(tile_id) != "hvc1" or properties is None:
            return None
        if "hvcC" not in properties or "ispe" not in properties:
            return None
        configs.add(data[slice(*properties["hvcC"])])
        sizes.add(_ispe(data, properties["ispe"]))
        tiles.append(meta.item_data(tile_id))
    if len(configs) != 1 or len(sizes) != 1:
        return None
    return tiles, configs.pop(), sizes.pop()


def _ispe(data: bytes, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    if end - start < 12:
        raise _Unreadable
    width, height = struct.unpack_from(">II", data, start + 4)  # after version and flags
    if not (0 < width <= 65535 and 0 < height <= 65535):
        raise _Unreadable
    return width, height


def _grid(payload: bytes) -> tuple[int, int, int, int] | None:
    """(rows, columns, width, height) of a grid item's body."""
    if len(payload) < 8 or payload[0] != 0:
        return None
    rows, columns = payload[2] + 1, payload[3] + 1
    if payload[1] & 1:
        if len(payload) < 12:
            return None
        width, height = struct.unpack_from(">II", payload, 4)
    else:
        width, height = struct.unpack_from(">HH", payload, 4)
    if rows > MAX_GRID or columns > MAX_GRID or width < 1 or height < 1:
        return None
    return rows, columns, width, height


@dataclass
class _Meta:
    data: bytes
    primary: int
    types: dict[int, str]
    locations: dict[int, tuple[int, list[tuple[int, int]]]]  # id: (construction, extents)
    idat: tuple[int, int]
    references: dict[int, list[int]]  # dimg: derived image -> its inputs, in order
    boxes: list[tuple[str, int, int]]  # ipco's properties, as (type, start, end)
    associations: dict[int, list[int]]  # item -> 1-based property indexes, in order

    def properties_of(self, item: int, allowed: set[str]) -> dict[str, tuple[int, int]] | None:
        """The item's properties by type, in the file's order; None if one is not allowed."""
        found: dict[str, tuple[int, int]] = {}
        for index in self.associations.get(item, []):
            if not 0 < index <= len(self.boxes):
                raise _Unreadable
            kind, start, end = self.boxes[index - 1]
            if kind not in allowed or kind in found:
                return None
            found[kind] = (start, end)
        return found

    def item_data(self, item: int) -> bytes:
        construction, extents = self.locations.get(item, (-1, []))
        if construction not in (0, 1) or not extents:
            raise _Unreadable
        base, limit = (0, len(self.data)) if construction == 0 else self.idat
        parts = []
        for offset, length in extents:
            start = base + offset
            if length == 0 or start + length > limit:
                raise _Unreadable  # 0 means "to the end": not written by phones
            parts.append(self.data[start : start + length])
        return b"".join(parts)


def _meta(data: bytes) -> _Meta:
    top = _first(_boxes(data, 0, len(data)), "meta")
    children = {kind: (start, end) for kind, start, end in _boxes(data, top[0] + 4, top[1])}
    for needed in ("pitm", "iinf", "iloc", "iprp"):
        if needed not in children:
            raise _Unreadable
    properties = {kind: (start, end) for kind, start, end in _boxes(data, *children["iprp"])}
    if "ipco" not in properties or "ipma" not in properties:
        raise _Unreadable
    return _Meta(
        data=data,
        primary=_pitm(data, children["pitm"]),
        types=_iinf(data, children["iinf"]),
        locations=_iloc(data, children["iloc"]),
        idat=children.get("idat", (0, 0)),
        references=_iref(data, children["iref"]) if "iref" in children else {},
        boxes=list(_boxes(data, *properties["ipco"])),
        associations=_ipma(data, properties["ipma"]),
    )


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[str, int, int]]:
    """(type, payload start, end) of each box between ``start`` and ``end``."""
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, offset)
        header = 8
        if size == 1:
            if offset + 16 > end:
                raise _Unreadable
            (size,) = struct.unpack_from(">Q", data, offset + 8)
            header = 16
        elif size == 0:
            size = end - offset
        if size < header or offset + size > end:
            raise _Unreadable
        yield kind.decode("latin-1"), offset + header, offset + size
        offset += size


def _first(boxes: Iterator[tuple[str, int, int]], kind: str) -> tuple[int, int]:
    for found, start, end in boxes:
        if found == kind:
            return start, end
    raise _Unreadable


class _Reader:
    """Big-endian unsigned integers of one box, never past its end."""

    def __init__(self, data: bytes, span: tuple[int, int]) -> None:
        self.data, (self.at, self.end) = data, span

    def uint(self, size: int) -> int:
        if self.at + size > self.end:
            raise _Unreadable
        value = int.from_bytes(self.data[self.at : self.at + size], "big")
        self.at += size
        return value

    def version(self) -> tuple[int, int]:
        return self.uint(1), self.uint(3)


def _pitm(data: bytes, span: tuple[int, int]) -> int:
    reader = _Reader(data, span)
    version, _ = reader.version()
    return reader.uint(2 if version == 0 else 4)


def _iinf(data: bytes, span: tuple[int, int]) -> dict[int, str]:
    reader = _Reader(data, span)
    version, _ = reader.version()
    reader.uint(2 if version == 0 else 4)
    types = {}
    for kind, start, end in _boxes(data, reader.at, span[1]):
        entry = _Reader(data, (start, end))
        entry_version, _ = entry.version()
        if kind != "infe" or entry_version < 2:
            continue
        item = entry.uint(2 if entry_version == 2 else 4)
        entry.uint(2)  # protection index
        types[item] = data[entry.at : entry.at + 4].decode("latin-1")
    return types


def _iloc(data: bytes, span: tuple[int, int]) -> dict[int, tuple[int, list[tuple[int, int]]]]:
    reader = _Reader(data, span)
    version, _ = reader.version()
    sizes = reader.uint(1)
    offset_size, length_size = sizes >> 4, sizes & 15
    sizes = reader.uint(1)
    base_size, index_size = sizes >> 4, (sizes & 15) if version in (1, 2) else 0
    count = reader.uint(2 if version < 2 else 4)
    found = {}
    for _ in range(count):
        item = reader.uint(2 if version < 2 else 4)
        construction = reader.uint(2) & 15 if version in (1, 2) else 0
        reader.uint(2)  # data reference index
        base = reader.uint(base_size)
        extents = []
        for _ in range(reader.uint(2)):
            reader.uint(index_size)
            extents.append((base + reader.uint(offset_size), reader.uint(length_size)))
        found[item] = (construction, extents)
    return found


def _iref(data: bytes, span: tuple[int, int]) -> dict[int, list[int]]:
    reader = _Reader(data, span)
    version, _ = reader.version()
    width = 2 if version == 0 else 4
    found: dict[int, list[int]] = {}
    for kind, start, end in _boxes(data, reader.at, span[1]):
        if kind != "dimg":
            continue
        entry = _Reader(data, (start, end))
        source = entry.uint(width)
        found[source] = [entry.uint(width) for _ in range(entry.uint(2))]
    return found


def _ipma(data: bytes, span: tuple[int, int]) -> dict[int, list[int]]:
    reader = _Reader(data, span)
    version, flags = reader.version()
    found = {}
    for _ in range(reader.uint(4)):
        item = reader.uint(2 if version < 1 else 4)
        wide = flags & 1
        found[item] = [
            reader.uint(2) & 0x7FFF if wide else reader.uint(1) & 0x7F
            for _ in range(reader.uint(1))
        ]
    return found
