"""Point -> kelurahan lookup: a precomputed two-level grid in front of an exact shapely test.

Every report needs the kelurahan (village polygon) its point lies in, so the lookup must be
fast; the polygons are simplified upstream and have tiny gaps and overlaps, so it must also
be deterministic about points that lie in none or in several polygons.

The rule (the grid is only a cache of it; both lookups return exactly what it says):

* the point is *in* a polygon when the polygon covers it (its boundary counts as inside);
* in exactly one polygon -> that polygon, method ``"inside"``;
* in several (an overlap, or exactly on a shared border) -> the polygon in which the point
  lies deepest, i.e. with the largest distance to that polygon's boundary; ties -> lowest
  code; method ``"overlap"``;
* in none -> the nearest polygon if it is at most ``max_gap_m`` metres away; ties -> lowest
  code; method ``"nearest"``; otherwise ``None`` (outside the service area);
* NaN, infinite or out-of-range coordinates -> ``None`` (``-1`` in batches), never an error.

Distances (for depth and for the gap rule) are metres: shapely finds the nearest point of
the geometry in plain lon/lat, and a local equirectangular scale at the query point's
latitude (mean earth radius) measures the distance to it.  That is the distance to a real
point of the geometry (within a millimetre of the haversine at these ranges), at most about
``1/cos(lat) - 1`` (0.6 % at Jakarta's latitude) longer than the true minimum.

How the grid stays exact: the area is cut into coarse cells of 1/256 degree; a coarse cell
either holds one value for all its points or a block of 16 x 16 fine cells.  A fine cell is

* ``i >= 0`` only if no polygon ring comes within a hair (``_EPS``) of the closed cell and its
  centre lies in polygon ``i`` alone -- then every point of the cell lies in ``i`` alone;
* ``-1`` only if no ring comes within ``_reach_deg`` (a conservative degree equivalent of
  ``max_gap_m``) of the cell and its centre is in no polygon -- then every point is outside;
* "mixed" otherwise: its points go to the exact rule, which tests only a precomputed list
  of candidate polygons (those whose bounding box comes within reach of the cell).

Ring cells are found by rasterising the rings in half-cell steps, and cell centres are
classified with a scanline (even-odd) fill, all in numpy, so building takes well under a
second for a city.  Cell indices are computed with the same float operations in ``locate``
(plain Python) and ``locate_many`` (numpy), and both settle mixed cells with the same
candidate lists, shapely predicates and distance function (``_Exact.resolve`` for
batches, ``_Exact.resolve_one`` for single calls), so the two agree exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from sigap.geo import grid as grids
from sigap.geo.grid import (
    BLOCK_SIZE,
    FINE_PER_COARSE,
    FINE_PER_DEGREE,
    FINE_SHIFT,
    MAX_GAP_LIMIT_M,
    METRES_PER_DEGREE,
    MIXED,
    OUTSIDE,
    BoolArray,
    FloatArray,
    Grid,
    Int32Array,
    IntArray,
    Tables,
)

_SUB: Final = FINE_PER_COARSE - 1  # mask: fine index within its coarse cell
_INSIDE, _OVERLAP, _NEAREST = 0, 1, 2
_METHOD_NAMES: Final = ("inside", "overlap", "nearest")


@dataclass(frozen=True, slots=True)
class Located:
    """Where a point was routed: ``distance_m`` is 0.0 unless ``method == "nearest"``."""

    code: str
    method: str
    distance_m: float


def local_metres(
    lon: FloatArray, lat: FloatArray, to_lon: FloatArray, to_lat: FloatArray
) -> FloatArray:
    """Metres from (lon, lat) to nearby (to_lon, to_lat): equirectangular at the first latitude.

    For the few hundred metres this module measures it matches the haversine to well
    under a millimetre, and all candidates of one point share the same scale, so two
    candidates reached at the same nearest point tie exactly.
    """
    scale = np.cos(np.radians(lat))
    return np.asarray(METRES_PER_DEGREE * np.hypot((to_lon - lon) * scale, to_lat - lat))


def metres_to(geoms: npt.NDArray[np.object_], lon: FloatArray, lat: FloatArray) -> FloatArray:
    """Metres from each point to the nearest point (found in lon/lat) of its geometry."""
    lines = shapely.shortest_line(geoms, shapely.points(lon, lat))
    near = shapely.get_coordinates(lines)[0::2]  # each line starts on the geometry
    return local_metres(lon, lat, near[:, 0], near[:, 1])


def _first_per_group(group: IntArray, *keys: FloatArray | IntArray) -> IntArray:
    """Positions of the smallest item (by keys, in order) of each group."""
    order = np.lexsort((*reversed(keys), group))
    g = group[order]
    head = np.ones(len(g), dtype=np.bool_)
    head[1:] = g[1:] != g[:-1]
    return order[head]


class _Exact:
    """The rule itself, vectorised, for points in mixed cells (given their cell numbers)."""

    __slots__ = (
        "_boundaries",
        "_bounds",
        "_cand",
        "_geoms",
        "_max_gap_m",
        "_ptr",
        "_rank",
        "_reach_deg",
    )

    def __init__(
        self,
        geoms: npt.NDArray[np.object_],
        codes: tuple[str, ...],
        max_gap_m: float,
        reach_deg: float,
        candidates: tuple[IntArray, IntArray],
    ) -> None:
        shapely.prepare(geoms)
        self._geoms = geoms
        self._boundaries = shapely.boundary(geoms)
        self._bounds = shapely.bounds(geoms)
        self._rank = np.argsort(np.argsort(np.array(codes), kind="stable"))
        self._max_gap_m = max_gap_m
        self._reach_deg = reach_deg
        self._ptr, self._cand = candidates

    @property
    def candidates(self) -> IntArray:
        return self._cand

    @property
    def nbytes(self) -> int:
        return int(self._ptr.nbytes + self._cand.nbytes)

    def resolve(
        self, x: FloatArray, y: FloatArray, cells: IntArray
    ) -> tuple[IntArray, IntArray, FloatArray]:
        """(polygon or -1, method, metres) for each point; points must lie in ``cells``."""
        counts = self._ptr[cells + 1] - self._ptr[cells]
        pt, k = grids.split_counts(counts)
        poly = self._cand[self._ptr[cells][pt] + k]
        inside = shapely.intersects_xy(self._geoms[poly], x[pt], y[pt])
        hits = np.bincount(pt[inside], minlength=len(x))
        found = np.full(len(x), OUTSIDE, dtype=np.int64)
        method = np.where(hits > 1, _OVERLAP, _INSIDE)
        method[hits == 0] = _NEAREST
        dist = np.zeros(len(x))
        at, chosen = self._deepest(x, y, pt[inside], poly[inside], hits)
        found[at] = chosen
        gap = hits[pt] == 0
        if gap.any():
            at, chosen, metres = self._nearest(x, y, pt[gap], poly[gap])
            found[at], dist[at] = chosen, metres
        return found, method, dist

    def resolve_one(self, x: float, y: float, cell: int) -> tuple[int, int, float]:
        """``resolve`` for one point, with less numpy overhead (same primitives, same rule)."""
        cand = self._cand[self._ptr[cell] : self._ptr[cell + 1]]
        hit = cand[shapely.intersects_xy(self._geoms[cand], x, y)]
        if len(hit) == 1:
            return int(hit[0]), _INSIDE, 0.0
        if len(hit) > 1:
            depth = metres_to(self._boundaries[hit], np.full(len(hit), x), np.full(len(hit), y))
            best = min(range(len(hit)), key=lambda j: (-depth[j], self._rank[hit[j]]))
            return int(hit[best]), _OVERLAP, 0.0
        near = cand[self._bbox_within_reach(x, y, cand)]
        d = metres_to(self._geoms[near], np.full(len(near), x), np.full(len(near), y))
        within = [j for j in range(len(near)) if d[j] <= self._max_gap_m]
        if not within:
            return OUTSIDE, _NEAREST, 0.0
        best = min(within, key=lambda j: (d[j], self._rank[near[j]]))
        return int(near[best]), _NEAREST, float(d[best])

    def _deepest(
        self, x: FloatArray, y: FloatArray, pt: IntArray, poly: IntArray, hits: IntArray
    ) -> tuple[IntArray, IntArray]:
        """Covered points: the polygon each lies deepest in (depth computed only if several)."""
        several = hits[pt] > 1
        if not several.any():
            return pt, poly
        depth = np.zeros(len(pt))
        p = pt[several]
        depth[several] = metres_to(self._boundaries[poly[several]], x[p], y[p])
        best = _first_per_group(pt, -depth, self._rank[poly])
        return pt[best], poly[best]

    def _nearest(
        self, x: FloatArray, y: FloatArray, pt: IntArray, poly: IntArray
    ) -> tuple[IntArray, IntArray, FloatArray]:
        """Uncovered points: the nearest polygon within max_gap_m, and its distance."""
        close = self._bbox_within_reach(x[pt], y[pt], poly)
        pt, poly = pt[close], poly[close]
        d = metres_to(self._geoms[poly], x[pt], y[pt])
        ok = d <= self._max_gap_m
        pt, poly, d = pt[ok], poly[ok], d[ok]
        best = _first_per_group(pt, d, self._rank[poly])
        return pt[best], poly[best], d[best]

    def _bbox_within_reach(
        self, x: FloatArray | float, y: FloatArray | float, poly: IntArray
    ) -> BoolArray:
        """Cheap prefilter: False only for polygons certainly farther than max_gap_m."""
        b = self._bounds[poly]
        gx = np.maximum(np.maximum(b[:, 0] - x, x - b[:, 2]), 0.0)
        gy = np.maximum(np.maximum(b[:, 1] - y, y - b[:, 3]), 0.0)
        return np.asarray(np.hypot(gx, gy) <= self._reach_deg)


def _check_input(polygons: Sequence[tuple[str, BaseGeometry]], max_gap_m: float) -> None:
    """Reject input the grid construction relies on not seeing (it would silently misroute)."""
    if not polygons:
        raise ValueError("no polygons")
    if not 0.0 <= max_gap_m <= MAX_GAP_LIMIT_M:
        raise ValueError(f"max_gap_m must be within [0, {MAX_GAP_LIMIT_M}]")
    codes = [code for code, _ in polygons]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate codes")
    geoms = np.array([g for _, g in polygons], dtype=object)
    polygonal = np.isin(shapely.get_type_id(geoms), [3, 6]) & ~shapely.is_empty(geoms)
    if not (polygonal.all() and shapely.is_valid(geoms).all()):
        raise ValueError("every geometry must be a valid, non-empty Polygon or MultiPolygon")


class BoundaryIndex:
    """Routes lon/lat points to polygon codes by the rule in the module docstring.

    ``codes[i]`` is the code of the i-th polygon given to ``build`` (input order is kept);
    ``locate_many`` returns these indices.  Instances are immutable and thread-safe.
    """

    __slots__ = ("_coarse", "_exact", "_fine", "_grid", "_inside", "_limits", "codes")
    codes: tuple[str, ...]

    def __init__(self, codes: tuple[str, ...], grid: Grid, tables: Tables, exact: _Exact) -> None:
        self.codes = codes
        self._grid = grid
        self._limits = (grid.x0, grid.y0, float(grid.ncols), float(grid.nrows), grid.nx)
        self._exact = exact
        self._coarse = tables.coarse.data  # memoryview: plain-int reads for the single path
        self._fine = tables.fine.data
        self._inside = tuple(Located(c, "inside", 0.0) for c in codes)

    @classmethod
    def build(
        cls, polygons: Sequence[tuple[str, BaseGeometry]], *, max_gap_m: float = 100.0
    ) -> BoundaryIndex:
        """Precompute the grid (about a second for a city of a few hundred polygons)."""
        _check_input(polygons, max_gap_m)
        codes = tuple(code for code, _ in polygons)
        geoms = np.array([g for _, g in polygons], dtype=object)
        built = grids.build(geoms, max_gap_m)
        exact = _Exact(geoms, codes, max_gap_m, built.reach_deg, built.candidates)
        return cls(codes, built.grid, built.tables, exact)

    def locate(self, lon: float, lat: float) -> Located | None:
        """Route one point; about a microsecond unless it falls in a mixed cell.

        Same float operations as ``locate_many``, on plain Python numbers (numpy scalars
        would cost more than the whole lookup).
        """
        x0, y0, ncols, nrows, nx = self._limits
        try:  # float(): numpy float32 or int inputs must take the float64 path too
            lon, lat = float(lon), float(lat)
        except OverflowError:  # a Python int beyond float range
            return None
        fx = (lon - x0) * FINE_PER_DEGREE
        fy = (lat - y0) * FINE_PER_DEGREE
        if not (0.0 <= fx < ncols and 0.0 <= fy < nrows):  # also rejects NaN and inf
            return None
        col, row = int(fx), int(fy)
        v = self._coarse[(row >> FINE_SHIFT) * nx + (col >> FINE_SHIFT)]
        if v <= MIXED:
            v = self._fine[(MIXED - v) * BLOCK_SIZE + (row & _SUB) * FINE_PER_COARSE + (col & _SUB)]
            if v <= MIXED:
                return self._locate_exact(lon, lat, MIXED - v)
        return self._inside[v] if v >= 0 else None

    def _locate_exact(self, lon: float, lat: float, cell: int) -> Located | None:
        found, method, dist = self._exact.resolve_one(lon, lat, cell)
        return Located(self.codes[found], _METHOD_NAMES[method], dist) if found >= 0 else None

    def locate_many(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> Int32Array:
        """Route many points: int32 indices into ``codes`` (-1 = outside), same shape as input."""
        x = np.asarray(lon, dtype=np.float64)
        y = np.asarray(lat, dtype=np.float64)
        if x.shape != y.shape:
            raise ValueError("lon and lat must have the same shape")
        shape, x, y = x.shape, x.ravel(), y.ravel()
        g = self._grid
        fx = (x - g.x0) * FINE_PER_DEGREE
        fy = (y - g.y0) * FINE_PER_DEGREE
        ok = (fx >= 0.0) & (fx < g.ncols) & (fy >= 0.0) & (fy < g.nrows)
        col = np.where(ok, fx, 0.0).astype(np.int64)
        row = np.where(ok, fy, 0.0).astype(np.int64)
        coarse = np.asarray(self._coarse)
        out = np.where(ok, coarse[(row >> FINE_SHIFT) * g.nx + (col >> FINE_SHIFT)], OUTSIDE)
        self._fill_fine(out, row, col)
        self._fill_exact(out, x, y)
        return out.astype(np.int32).reshape(shape)

    def _fill_fine(self, out: Int32Array, row: IntArray, col: IntArray) -> None:
        """Replace block references by the fine-cell values."""
        at = np.flatnonzero(out <= MIXED)
        block = MIXED - out[at].astype(np.int64)
        slot = block * BLOCK_SIZE + (row[at] & _SUB) * FINE_PER_COARSE + (col[at] & _SUB)
        out[at] = np.asarray(self._fine)[slot]

    def _fill_exact(self, out: Int32Array, x: FloatArray, y: FloatArray) -> None:
        """Replace mixed-cell references by the exact rule's answer."""
        at = np.flatnonzero(out <= MIXED)
        if len(at):
            out[at] = self._exact.resolve(x[at], y[at], (MIXED - out[at]).astype(np.int64))[0]

    def stats(self) -> dict[str, int]:
        """Sizes of the tables, for logs and benchmarks."""
        fine = np.asarray(self._fine)
        return {
            "coarse_cells": len(self._coarse),
            "blocks": len(fine) // BLOCK_SIZE,
            "mixed_cells": int((fine <= MIXED).sum()),
            "candidates": len(self._exact.candidates),
            "bytes": self._coarse.nbytes + self._fine.nbytes + self._exact.nbytes,
        }
