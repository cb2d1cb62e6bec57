"""The precomputed two-level grid behind :mod:`sigap.geo.index` (building only).

The grid is a cache of the exact routing rule written in :mod:`sigap.geo.index`: a fine cell
holds a polygon number only when every point of it lies in that polygon alone, ``OUTSIDE`` only
when every point of it is farther than ``max_gap_m`` from all polygons, and is "mixed"
otherwise. Rings are rasterised and cell centres classified with numpy alone, strip by strip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import shapely

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]

EARTH_RADIUS_M: Final = 6_371_008.8
METRES_PER_DEGREE: Final = EARTH_RADIUS_M * math.pi / 180.0
COARSE_PER_DEGREE: Final = 256
FINE_SHIFT: Final = 4
FINE_PER_COARSE: Final = 1 << FINE_SHIFT
FINE_PER_DEGREE: Final = COARSE_PER_DEGREE * FINE_PER_COARSE
BLOCK_SIZE: Final = FINE_PER_COARSE * FINE_PER_COARSE
_SUB: Final = FINE_PER_COARSE - 1  # mask: fine index within its coarse cell
MAX_GAP_LIMIT_M: Final = 5_000.0

OUTSIDE: Final = -1
MIXED: Final = -2  # fine-cell value while building; afterwards -2 - m names mixed cell m
_EPS: Final = 1e-6  # fine-cell units (~0.03 mm): slack that absorbs float rounding
_STRIP_CELLS: Final = 1 << 18  # fine cells classified per numpy pass (bounds build memory)


@dataclass(frozen=True, slots=True)
class Grid:
    """Placement of the fine grid: fine column = floor((lon - x0) * FINE_PER_DEGREE).

    ``x0``/``y0`` are multiples of 1/256 degree, so the scaling is exact and Python and
    numpy compute the same cell for the same point.
    """

    x0: float
    y0: float
    nx: int  # coarse columns
    ny: int  # coarse rows

    @property
    def ncols(self) -> int:
        return self.nx * FINE_PER_COARSE

    @property
    def nrows(self) -> int:
        return self.ny * FINE_PER_COARSE


@dataclass(frozen=True, slots=True)
class _Segments:
    """All ring segments of all polygons, in fine-cell units, with the owning polygon."""

    ax: FloatArray
    ay: FloatArray
    bx: FloatArray
    by: FloatArray
    poly: IntArray


@dataclass(frozen=True, slots=True)
class _Intervals:
    """Runs of fine cells (``c0 <= col < c1`` in ``row``) whose centres lie in ``poly``."""

    row: IntArray  # sorted
    c0: IntArray
    c1: IntArray
    poly: IntArray


def _reach_deg(max_gap_m: float, bounds: FloatArray) -> float:
    """Degrees that certainly span more than ``max_gap_m`` anywhere near the polygons.

    ``local_metres`` of a degree-distance D is at least METRES_PER_DEGREE * cos(lat) * D, so
    the highest latitude in reach is used, with 1 % to spare for rounding.
    """
    lat_abs = max(abs(bounds[1]), abs(bounds[3])) + 2.0 * max_gap_m / 100_000.0
    if lat_abs >= 85.0:
        raise ValueError("polygons too close to a pole")
    return 1.01 * max_gap_m / (METRES_PER_DEGREE * math.cos(math.radians(lat_abs)))


def _grid_for(bounds: FloatArray, pad_deg: float) -> Grid:
    """Coarse-aligned grid covering the polygons plus ``pad_deg``, clipped to valid lon/lat.

    Clipping to +-180/+-90 makes "inside the grid" imply "valid coordinates".
    """
    c = COARSE_PER_DEGREE
    cx0 = max(math.floor((bounds[0] - pad_deg) * c), -180 * c)
    cy0 = max(math.floor((bounds[1] - pad_deg) * c), -90 * c)
    cx1 = min(math.ceil((bounds[2] + pad_deg) * c), 180 * c)
    cy1 = min(math.ceil((bounds[3] + pad_deg) * c), 90 * c)
    return Grid(x0=cx0 / c, y0=cy0 / c, nx=cx1 - cx0, ny=cy1 - cy0)


def _ring_segments(geoms: npt.NDArray[np.object_], grid: Grid) -> _Segments:
    """Explode polygons into ring segments (consecutive vertices of the same ring)."""
    parts, part_poly = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy, ring_of = shapely.get_coordinates(rings, return_index=True)
    fx = (xy[:, 0] - grid.x0) * FINE_PER_DEGREE
    fy = (xy[:, 1] - grid.y0) * FINE_PER_DEGREE
    same = ring_of[:-1] == ring_of[1:]
    poly = part_poly[ring_part[ring_of[:-1][same]]]
    return _Segments(fx[:-1][same], fy[:-1][same], fx[1:][same], fy[1:][same], poly)


def split_counts(counts: IntArray) -> tuple[IntArray, IntArray]:
    """For runs of the given lengths: (run of each item, position of the item in its run)."""
    run = np.repeat(np.arange(len(counts)), counts)
    pos = np.arange(len(run)) - np.repeat(np.cumsum(counts) - counts, counts)
    return run, pos


def _boundary_cells(seg: _Segments, grid: Grid) -> IntArray:
    """Sorted flat indices (row * ncols + col) of every fine cell a ring comes within _EPS of.

    Segments are cut into pieces at most half a cell long per axis; each piece's box,
    widened by _EPS, meets at most 2 x 2 cells, and all of them are marked.  So an
    unmarked cell is at least _EPS away from every ring.
    """
    dx, dy = seg.bx - seg.ax, seg.by - seg.ay
    n = np.maximum(1, np.ceil(2.0 * np.maximum(np.abs(dx), np.abs(dy)))).astype(np.int64)
    s, k = split_counts(n)
    t0, t1 = k / n[s], (k + 1) / n[s]
    x0, x1 = seg.ax[s] + dx[s] * t0, seg.ax[s] + dx[s] * t1
    y0, y1 = seg.ay[s] + dy[s] * t0, seg.ay[s] + dy[s] * t1
    cols = [np.floor(np.minimum(x0, x1) - _EPS), np.floor(np.maximum(x0, x1) + _EPS)]
    rows = [np.floor(np.minimum(y0, y1) - _EPS), np.floor(np.maximum(y0, y1) + _EPS)]
    flat = [
        np.clip(r, 0, grid.nrows - 1).astype(np.int64) * grid.ncols
        + np.clip(c, 0, grid.ncols - 1).astype(np.int64)
        for r in rows
        for c in cols
    ]
    return np.unique(np.concatenate(flat))


def _cover_intervals(seg: _Segments, grid: Grid) -> _Intervals:
    """Scanline fill: per polygon and fine row, the cells whose centre lies inside it.

    A segment crosses row r when its lower end <= r + 0.5 < its upper end (half-open, so
    every ring crosses each row an even number of times).  Sorting the crossings of one
    polygon on one row and pairing them gives its inside runs (even-odd rule, exact for
    valid polygons).  Only cells away from every ring rely on these runs, and their
    centres are at least half a cell from any crossing, so rounding cannot flip them.
    """
    lo, hi = np.minimum(seg.ay, seg.by), np.maximum(seg.ay, seg.by)
    first = np.ceil(lo - 0.5).astype(np.int64)
    s, k = split_counts(np.ceil(hi - 0.5).astype(np.int64) - first)
    row = first[s] + k
    xc = seg.ax[s] + (row + 0.5 - seg.ay[s]) * ((seg.bx - seg.ax)[s] / (seg.by - seg.ay)[s])
    poly = seg.poly[s]
    order = np.lexsort((xc, row, poly))
    row, poly, xc = row[order], poly[order], xc[order]
    if not (np.array_equal(row[0::2], row[1::2]) and np.array_equal(poly[0::2], poly[1::2])):
        raise ValueError("rings are not closed or polygons are invalid")
    c0 = np.clip(np.floor(xc[0::2] - 0.5) + 1, 0, grid.ncols).astype(np.int64)
    c1 = np.clip(np.ceil(xc[1::2] - 0.5), 0, grid.ncols).astype(np.int64)
    keep = c1 > c0
    by_row = np.argsort(row[0::2][keep], kind="stable")
    return _Intervals(*(a[keep][by_row] for a in (row[0::2], c0, c1, poly[0::2])))


def _coverage(cover: _Intervals, r0: int, r1: int, ncols: int) -> tuple[IntArray, IntArray]:
    """For fine rows r0..r1: how many polygons hold each cell centre, and which (if one)."""
    lo, hi = np.searchsorted(cover.row, [r0, r1])
    width, size = ncols + 1, (r1 - r0) * (ncols + 1)
    base = (cover.row[lo:hi] - r0) * width
    start, stop = base + cover.c0[lo:hi], base + cover.c1[lo:hi]
    ids = cover.poly[lo:hi] + 1.0
    count = np.bincount(start, minlength=size) - np.bincount(stop, minlength=size)
    idsum = np.bincount(start, ids, size) - np.bincount(stop, ids, size)
    count = np.cumsum(count.reshape(r1 - r0, width), axis=1)[:, :-1]
    owner = np.cumsum(idsum.reshape(r1 - r0, width), axis=1)[:, :-1].astype(np.int64) - 1
    return count, owner


def _row_mask(cells: IntArray, r0: int, r1: int, ncols: int) -> BoolArray:
    """Boolean image of the flat cell indices that fall in rows r0..r1 (may exceed the grid)."""
    lo, hi = np.searchsorted(cells, [r0 * ncols, r1 * ncols])
    mask = np.zeros((r1 - r0) * ncols, dtype=np.bool_)
    mask[cells[lo:hi] - r0 * ncols] = True
    return mask.reshape(r1 - r0, ncols)


def _dilate(mask: BoolArray, k: int) -> BoolArray:
    """Mark every cell within k cells (Chebyshev) of a marked cell; radius grows by doubling."""
    out = mask.copy()
    for axis in (0, 1):
        radius = 0
        while radius < k:
            step = min(radius + 1, k - radius)
            grown = out.copy()
            lead = [slice(None)] * 2
            lag = [slice(None)] * 2
            lead[axis], lag[axis] = slice(step, None), slice(None, -step)
            grown[tuple(lead)] |= out[tuple(lag)]
            grown[tuple(lag)] |= out[tuple(lead)]
            out, radius = grown, radius + step
    return out


def _classify_rows(
    r0: int, r1: int, grid: Grid, ring_cells: IntArray, cover: _Intervals, k: int
) -> Int32Array:
    """Fine-cell values for rows r0..r1: polygon index, OUTSIDE or MIXED (see module doc)."""
    count, owner = _coverage(cover, r0, r1, grid.ncols)
    halo = _row_mask(ring_cells, r0 - k, r1 + k, grid.ncols)
    on_ring = halo[k : k + r1 - r0]
    near_ring = _dilate(halo, k)[k : k + r1 - r0]
    values = np.full(count.shape, MIXED, dtype=np.int32)
    alone = (count == 1) & ~on_ring
    values[alone] = owner[alone]
    values[(count == 0) & ~near_ring] = OUTSIDE
    return values


def _to_blocks(values: Int32Array, nx: int) -> tuple[Int32Array, BoolArray, Int32Array]:
    """Group fine rows into coarse cells: (first value, is-uniform, blocks of the others)."""
    s = FINE_PER_COARSE
    cells = values.reshape(-1, s, nx, s).transpose(0, 2, 1, 3).reshape(-1, BLOCK_SIZE)
    first = cells[:, 0]
    uniform = (cells == first[:, None]).all(axis=1) & (first != MIXED)
    return first, uniform, cells[~uniform]


@dataclass(frozen=True, slots=True)
class Tables:
    """The two grid levels: coarse value >= -1 is final, else block -2 - v of ``fine``."""

    coarse: Int32Array
    fine: Int32Array  # blocks of BLOCK_SIZE values, row-major within the block
    block_cell: IntArray  # flat coarse index of each block


def _build_tables(seg: _Segments, grid: Grid, k: int) -> Tables:
    """Classify the fine grid strip by strip (bounded memory) and keep only mixed blocks."""
    ring_cells = _boundary_cells(seg, grid)
    cover = _cover_intervals(seg, grid)
    strip = max(1, _STRIP_CELLS // (FINE_PER_COARSE * grid.ncols))
    coarse, blocks, block_cell, n_blocks = [], [], [], 0
    for cy0 in range(0, grid.ny, strip):
        cy1 = min(grid.ny, cy0 + strip)
        rows = (cy0 * FINE_PER_COARSE, cy1 * FINE_PER_COARSE)
        first, uniform, strip_blocks = _to_blocks(
            _classify_rows(*rows, grid, ring_cells, cover, k), grid.nx
        )
        mixed_at = np.flatnonzero(~uniform)
        first[mixed_at] = -2 - (n_blocks + np.arange(len(mixed_at)))
        coarse.append(first)
        blocks.append(strip_blocks.ravel())
        block_cell.append(mixed_at + cy0 * grid.nx)
        n_blocks += len(mixed_at)
    return Tables(np.concatenate(coarse), np.concatenate(blocks), np.concatenate(block_cell))


def _mixed_cells(tables: Tables, grid: Grid) -> tuple[IntArray, IntArray]:
    """Number the mixed fine cells (value becomes -2 - m) and return their (rows, cols)."""
    at = np.flatnonzero(tables.fine == MIXED)
    tables.fine[at] = -2 - np.arange(len(at))
    block, within = np.divmod(at, BLOCK_SIZE)
    cy, cx = np.divmod(tables.block_cell[block], grid.nx)
    sy, sx = np.divmod(within, FINE_PER_COARSE)
    return cy * FINE_PER_COARSE + sy, cx * FINE_PER_COARSE + sx


def _candidates(
    rows: IntArray, cols: IntArray, boxes: FloatArray, reach: int
) -> tuple[IntArray, IntArray]:
    """CSR (ptr, polygon ids) of polygons whose bbox comes within ``reach`` cells of each cell.

    A superset of every polygon that can cover a point of the cell or lie within
    ``max_gap_m`` of it, which is all the exact rule needs to look at.
    """
    order = np.argsort(rows, kind="stable")
    sorted_rows = rows[order]
    found_cell, found_poly = [], []
    for i, (bx0, by0, bx1, by1) in enumerate(boxes):
        lo = np.searchsorted(sorted_rows, math.floor(by0) - reach, side="left")
        hi = np.searchsorted(sorted_rows, math.floor(by1) + reach, side="right")
        cells = order[lo:hi]
        c = cols[cells]
        cells = cells[(c >= math.floor(bx0) - reach) & (c <= math.floor(bx1) + reach)]
        found_cell.append(cells)
        found_poly.append(np.full(len(cells), i, dtype=np.int64))
    cell, poly = np.concatenate(found_cell), np.concatenate(found_poly)
    by_cell = np.argsort(cell, kind="stable")
    ptr = np.concatenate([[0], np.cumsum(np.bincount(cell, minlength=len(rows)))])
    return ptr.astype(np.int64), poly[by_cell]


@dataclass(frozen=True, slots=True)
class Built:
    grid: Grid
    tables: Tables
    candidates: tuple[IntArray, IntArray]
    reach_deg: float


def build(geoms: npt.NDArray[np.object_], max_gap_m: float) -> Built:
    """Classify every fine cell around ``geoms`` and list candidate polygons of mixed cells."""
    bounds = shapely.total_bounds(geoms)
    reach = _reach_deg(max_gap_m, bounds)
    grid = _grid_for(bounds, reach + 2.0 / FINE_PER_DEGREE)
    k = max(1, math.ceil(reach * FINE_PER_DEGREE))
    tables = _build_tables(_ring_segments(geoms, grid), grid, k)
    rows, cols = _mixed_cells(tables, grid)
    boxes = (shapely.bounds(geoms) - [grid.x0, grid.y0, grid.x0, grid.y0]) * FINE_PER_DEGREE
    return Built(grid, tables, _candidates(rows, cols, boxes, k + 1), reach)
