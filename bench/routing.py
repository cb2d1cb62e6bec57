"""Benchmark the kelurahan index against a plain shapely STRtree, on the same points.

    python -m bench routing [--data PATH] [--points N] [--seed S]

Points are a realistic mix: 90 % drawn uniformly inside the polygons (area-weighted),
10 % uniformly over the polygons' bounding box.  A second run uses bbox points only.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from sigap.geo.index import BoundaryIndex
from sigap.regions import pack as packs

DEFAULT_DATA = packs.resolve("jakarta") / "kelurahan.geojson"


def load(path: Path) -> list[tuple[str, shapely.Geometry]]:
    features = json.loads(path.read_text())["features"]
    return [(f["properties"]["kode"], shape(f["geometry"])) for f in features]


def inside_points(geoms: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n points uniform over the union of the polygons (rejection from their bboxes)."""
    shapely.prepare(geoms)
    area = shapely.area(geoms)
    bounds = shapely.bounds(geoms)
    found: list[np.ndarray] = []
    while sum(len(f) for f in found) < n:
        pick = rng.choice(len(geoms), size=2 * n, p=area / area.sum())
        b = bounds[pick]
        x, y = rng.uniform(b[:, 0], b[:, 2]), rng.uniform(b[:, 1], b[:, 3])
        keep = shapely.contains_xy(geoms[pick], x, y)
        found.append(np.column_stack([x[keep], y[keep]]))
    return np.concatenate(found)[:n]


def bbox_points(geoms: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def best_of(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bench_batch(index: BoundaryIndex, tree: shapely.STRtree, pts: np.ndarray, label: str) -> None:
    x, y = pts[:, 0].copy(), pts[:, 1].copy()
    n = len(x)
    t_grid = best_of(3, lambda: index.locate_many(x, y))
    t_tree = best_of(3, lambda: tree.query(shapely.points(x, y), predicate="intersects"))
    print(f"{label}: {n:,} points")
    print(f"  locate_many           {n / t_grid:>13,.0f} points/s  ({t_grid * 1e3:.0f} ms)")
    print(f"  STRtree.query batched {n / t_tree:>13,.0f} points/s  ({t_tree * 1e3:.0f} ms)")
    check_against_tree(index, tree, x, y)


def check_against_tree(
    index: BoundaryIndex, tree: shapely.STRtree, x: np.ndarray, y: np.ndarray
) -> None:
    """Sanity: wherever the STRtree finds exactly one polygon, the index must agree."""
    got = index.locate_many(x, y)
    pt, poly = tree.query(shapely.points(x, y), predicate="intersects")
    hits = np.bincount(pt, minlength=len(x))
    one = hits[pt] == 1
    agree = np.array_equal(got[pt[one]], poly[one])
    print(f"  in one polygon per STRtree: {one.sum():,}; index agrees on all: {agree}")


def bench_single(index: BoundaryIndex, pts: np.ndarray) -> None:
    xs, ys = pts[:, 0].tolist(), pts[:, 1].tolist()
    locate = index.locate

    def run() -> None:
        for x, y in zip(xs, ys, strict=True):
            locate(x, y)

    t = best_of(3, run)
    print(f"locate (single calls, same mix): {len(xs):,} points")
    print(f"  {len(xs) / t:>13,.0f} points/s  ({t / len(xs) * 1e6:.2f} us per call)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="kelurahan GeoJSON")
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    polygons = load(args.data)
    t = time.perf_counter()
    index = BoundaryIndex.build(polygons)
    first = time.perf_counter() - t
    best = best_of(3, lambda: BoundaryIndex.build(polygons))
    print(f"{args.data.name}: {len(polygons)} polygons")
    print(f"build: first {first:.3f} s, best of 3 {best:.3f} s; tables {index.stats()}")
    geoms = np.array([g for _, g in polygons], dtype=object)
    tree = shapely.STRtree(geoms)
    rng = np.random.default_rng(args.seed)
    n_in = args.points * 9 // 10
    mix = np.concatenate(
        [inside_points(geoms, n_in, rng), bbox_points(geoms, args.points - n_in, rng)]
    )
    mix = mix[rng.permutation(len(mix))]
    bench_batch(index, tree, mix, "mix (90% inside polygons, 10% bbox)")
    bench_batch(index, tree, bbox_points(geoms, args.points, rng), "bbox only")
    bench_single(index, mix[:100_000])


if __name__ == "__main__":
    main()
