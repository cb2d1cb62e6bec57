"""Random points inside polygons, for demo data and benchmarks (never for routing)."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry


def points_inside(geometry: BaseGeometry, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` uniform random (lon, lat) points strictly inside ``geometry``."""
    x0, y0, x1, y1 = geometry.bounds
    shapely.prepare(geometry)
    found: list[np.ndarray] = []
    need = count
    while need > 0:
        batch = max(64, need * 4)
        xs = rng.uniform(x0, x1, batch)
        ys = rng.uniform(y0, y1, batch)
        inside = shapely.contains_xy(geometry, xs, ys)
        chosen = np.column_stack([xs[inside], ys[inside]])[:need]
        found.append(chosen)
        need -= len(chosen)
    return np.concatenate(found)
