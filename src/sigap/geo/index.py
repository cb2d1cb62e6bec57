"""Placeholder exact index (replaced by the grid index); same API."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True, slots=True)
class Located:
    code: str
    method: str
    distance_m: float


class BoundaryIndex:
    def __init__(self, codes: tuple[str, ...], geoms: list[BaseGeometry], max_gap_m: float):
        self.codes = codes
        self._geoms = geoms
        self._tree = STRtree(geoms)
        self._max_gap_m = max_gap_m

    @classmethod
    def build(
        cls, polygons: Sequence[tuple[str, BaseGeometry]], *, max_gap_m: float = 100.0
    ) -> BoundaryIndex:
        ordered = sorted(polygons, key=lambda p: p[0])
        return cls(tuple(c for c, _ in ordered), [g for _, g in ordered], max_gap_m)

    def locate(self, lon: float, lat: float) -> Located | None:
        if not (math.isfinite(lon) and math.isfinite(lat)):
            return None
        point = shapely.Point(lon, lat)
        hits = sorted(int(i) for i in self._tree.query(point, predicate="intersects"))
        if len(hits) == 1:
            return Located(self.codes[hits[0]], "inside", 0.0)
        if hits:
            best = max(hits, key=lambda i: (self._geoms[i].boundary.distance(point), -i))
            return Located(self.codes[best], "overlap", 0.0)
        near = self._tree.query(point, predicate="dwithin", distance=self._max_gap_m / 100_000)
        best_m, best_i = math.inf, -1
        for i in sorted(int(i) for i in near):
            a, b = shapely.ops.nearest_points(self._geoms[i], point)
            d = _metres(a.x, a.y, b.x, b.y)
            if d < best_m:
                best_m, best_i = d, i
        if best_i >= 0 and best_m <= self._max_gap_m:
            return Located(self.codes[best_i], "nearest", best_m)
        return None

    def locate_many(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        out = np.full(len(lon), -1, dtype=np.int32)
        index = {c: i for i, c in enumerate(self.codes)}
        for k, (x, y) in enumerate(zip(lon.tolist(), lat.tolist(), strict=True)):
            found = self.locate(x, y)
            if found:
                out[k] = index[found.code]
        return out


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))
