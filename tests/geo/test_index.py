"""Tests for the point -> kelurahan index, on the real Jakarta and Gowa data.

The central check is exactness: a brute-force reference (plain shapely, every polygon
considered for every point) must give the same answer as the grid on a few hundred
thousand points, many of them placed on purpose next to borders, gaps and coasts.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box, shape
from shapely.geometry.base import BaseGeometry

from sigap.geo.index import BoundaryIndex, Located
from sigap.regions.pack import BUNDLED

TEST_DATA = Path(__file__).resolve().parents[1] / "data"
METRES_PER_DEGREE = 6_371_008.8 * math.pi / 180.0
MAX_GAP_M = 100.0

Polygons = list[tuple[str, BaseGeometry]]


def load_polygons(path: Path) -> Polygons:
    """(kode, geometry) pairs from a kelurahan GeoJSON file."""
    features = json.loads(path.read_text())["features"]
    return [(f["properties"]["kode"], shape(f["geometry"])) for f in features]


def load_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


@dataclass
class Region:
    polygons: Polygons
    index: BoundaryIndex

    @property
    def codes(self) -> list[str]:
        return [code for code, _ in self.polygons]

    @property
    def geoms(self) -> list[BaseGeometry]:
        return [g for _, g in self.polygons]


@pytest.fixture(scope="module")
def jakarta() -> Region:
    polygons = load_polygons(BUNDLED / "jakarta" / "kelurahan.geojson")
    return Region(polygons, BoundaryIndex.build(polygons))


@pytest.fixture(scope="module")
def gowa() -> Region:
    polygons = load_polygons(BUNDLED / "gowa" / "kelurahan.geojson")
    return Region(polygons, BoundaryIndex.build(polygons))


# --- the brute-force reference --------------------------------------------------------


def metres(lon: float, lat: float, to_lon: float, to_lat: float) -> float:
    """The documented distance: equirectangular at the query point's latitude."""
    scale = math.cos(math.radians(lat))
    return METRES_PER_DEGREE * math.hypot((to_lon - lon) * scale, to_lat - lat)


def metres_to_geom(geom: BaseGeometry, lon: float, lat: float) -> float:
    """Metres to the point of ``geom`` that shapely finds nearest in lon/lat."""
    near = shapely.get_coordinates(shapely.shortest_line(geom, Point(lon, lat)))[0]
    return metres(lon, lat, float(near[0]), float(near[1]))


def nearby_pairs(
    geoms: list[BaseGeometry], lon: np.ndarray, lat: np.ndarray
) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """For each polygon: the points within 0.002 degrees (> 100 m) of its bbox, and
    whether the polygon covers each of them.  Only skips pairs that cannot matter."""
    margin = 0.002
    for i, g in enumerate(geoms):
        x0, y0, x1, y1 = g.bounds
        sel = np.flatnonzero(
            (lon >= x0 - margin)
            & (lon <= x1 + margin)
            & (lat >= y0 - margin)
            & (lat <= y1 + margin)
        )
        yield i, sel, shapely.intersects_xy(g, lon[sel], lat[sel])


def reference(
    region: Region, lon: np.ndarray, lat: np.ndarray
) -> list[tuple[str, str, float] | None]:
    """The routing rule, spelled out point by point with plain shapely."""
    covering: list[list[int]] = [[] for _ in lon]
    nearby: list[list[int]] = [[] for _ in lon]
    for i, sel, covered in nearby_pairs(region.geoms, lon, lat):
        for j, c in zip(sel.tolist(), covered.tolist(), strict=True):
            (covering if c else nearby)[j].append(i)
    return [
        reference_one(region, float(x), float(y), cov, near)
        for x, y, cov, near in zip(lon, lat, covering, nearby, strict=True)
    ]


def reference_one(
    region: Region, x: float, y: float, covering: list[int], nearby: list[int]
) -> tuple[str, str, float] | None:
    codes, geoms = region.codes, region.geoms
    if len(covering) == 1:
        return codes[covering[0]], "inside", 0.0
    if covering:
        depth = {i: metres_to_geom(geoms[i].boundary, x, y) for i in covering}
        best = min(covering, key=lambda i: (-depth[i], codes[i]))
        return codes[best], "overlap", 0.0
    dist = {i: metres_to_geom(geoms[i], x, y) for i in nearby}
    within = [i for i in nearby if dist[i] <= MAX_GAP_M]
    if not within:
        return None
    best = min(within, key=lambda i: (dist[i], codes[i]))
    return codes[best], "nearest", dist[best]


# --- point sets -------------------------------------------------------------------------


def bbox_points(region: Region, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform over the polygons' bounding box plus a ~1 km rim."""
    x0, y0, x1, y1 = shapely.total_bounds(region.geoms)
    rng = np.random.default_rng(seed)
    return rng.uniform(x0 - 0.01, x1 + 0.01, n), rng.uniform(y0 - 0.01, y1 + 0.01, n)


def border_points(region: Region, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Near borders, gaps and coasts: polygon vertices (some exact) jittered by up to ~300 m."""
    xy = shapely.get_coordinates(region.geoms)
    rng = np.random.default_rng(seed)
    pick = xy[rng.integers(0, len(xy), n)]
    spread = rng.choice([0.0, 0.0003, 0.003], size=(n, 1), p=[0.05, 0.45, 0.5])
    jitter = rng.uniform(-1.0, 1.0, (n, 2)) * spread
    return pick[:, 0] + jitter[:, 0], pick[:, 1] + jitter[:, 1]


def as_codes(region: Region, found: np.ndarray) -> list[str | None]:
    return [region.codes[i] if i >= 0 else None for i in found.tolist()]


# --- real data --------------------------------------------------------------------------


@pytest.mark.parametrize("region_name", ["jakarta", "gowa"])
def test_interior_points_are_inside_their_kelurahan(
    region_name: str, request: pytest.FixtureRequest
) -> None:
    region: Region = request.getfixturevalue(region_name)
    rows = load_rows(TEST_DATA / f"{region_name}_kelurahan_interior_points.csv")
    assert len(rows) == len(region.polygons)
    for row in rows:
        got = region.index.locate(float(row["lon"]), float(row["lat"]))
        assert got == Located(row["kode_kel"], "inside", 0.0)


def test_golden_points(jakarta: Region) -> None:
    for row in load_rows(TEST_DATA / "jakarta_routing_golden_points.csv"):
        got = jakarta.index.locate(float(row["lon"]), float(row["lat"]))
        if row["kind"] == "outside":
            assert got is None, row["name"]
        else:
            assert got is not None, row["name"]
            assert got.code == row["expected_kode_kel"], row["name"]


def test_codes_keep_input_order(jakarta: Region) -> None:
    assert jakarta.index.codes == tuple(jakarta.codes)


@pytest.mark.parametrize(
    ("region_name", "n"),
    [
        pytest.param("jakarta", 100_000, marks=pytest.mark.slow),
        ("jakarta", 10_000),
        ("gowa", 50_000),
    ],
)
def test_grid_equals_brute_force_reference(
    region_name: str, n: int, request: pytest.FixtureRequest
) -> None:
    region: Region = request.getfixturevalue(region_name)
    bx, by = bbox_points(region, n, seed=1)
    nx, ny = border_points(region, n, seed=2)
    lon, lat = np.concatenate([bx, nx]), np.concatenate([by, ny])
    expected = reference(region, lon, lat)
    got = as_codes(region, region.index.locate_many(lon, lat))
    assert got == [e[0] if e else None for e in expected]
    methods = {e[1] for e in expected if e}
    assert methods == {"inside", "overlap", "nearest"}  # every branch was exercised
    for k in range(0, len(lon), 7):  # the single path, with method and distance
        single = region.index.locate(float(lon[k]), float(lat[k]))
        e = expected[k]
        assert (single is None) == (e is None)
        if single is not None and e is not None:
            assert (single.code, single.method) == e[:2]
            assert single.distance_m == pytest.approx(e[2], rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("region_name", ["jakarta", "gowa"])
def test_locate_many_agrees_with_locate(region_name: str, request: pytest.FixtureRequest) -> None:
    region: Region = request.getfixturevalue(region_name)
    bx, by = bbox_points(region, 150_000, seed=3)
    nx, ny = border_points(region, 50_000, seed=4)
    lon, lat = np.concatenate([bx, nx]), np.concatenate([by, ny])
    many = as_codes(region, region.index.locate_many(lon, lat))
    single = [region.index.locate(x, y) for x, y in zip(lon.tolist(), lat.tolist(), strict=True)]
    assert many == [s.code if s else None for s in single]


def test_sliver_gap_routes_to_a_neighbour(jakarta: Region) -> None:
    union = shapely.union_all(jakarta.geoms)
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(union) for ring in part.interiors]
    sliver = max(holes, key=lambda h: h.area)
    p = sliver.representative_point()
    assert not any(g.covers(p) for g in jakarta.geoms)
    got = jakarta.index.locate(p.x, p.y)
    assert got is not None
    assert got.method == "nearest"
    assert 0.0 < got.distance_m <= MAX_GAP_M
    expected = reference(jakarta, np.array([p.x]), np.array([p.y]))[0]
    assert expected is not None
    assert got.code == expected[0]


def test_foreign_enclave_is_outside_except_near_its_rim(gowa: Region) -> None:
    union = shapely.union_all(gowa.geoms)
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(union) for ring in part.interiors]
    enclave = max(holes, key=lambda h: h.area)  # Takalar's desa 73.05.06.2011, ~51 ha
    centre, rim = shapely.get_coordinates(shapely.maximum_inscribed_circle(enclave))
    assert metres(*centre, *rim) > 2 * MAX_GAP_M
    assert gowa.index.locate(*centre) is None
    inner = centre + (rim - centre) * (1 - 50.0 / metres(*centre, *rim))  # ~50 m from the rim
    got = gowa.index.locate(*inner)
    assert got is not None
    assert got.method == "nearest"
    assert 0.0 < got.distance_m <= 51.0


def test_numpy_scalars_and_float32_take_the_float64_path(jakarta: Region) -> None:
    lon, lat = border_points(jakarta, 2_000, seed=5)
    lon32, lat32 = lon.astype(np.float32), lat.astype(np.float32)
    many = as_codes(jakarta, jakarta.index.locate_many(lon32, lat32))
    for x, y, m in zip(lon32, lat32, many, strict=True):
        got = jakarta.index.locate(x, y)
        assert got == jakarta.index.locate(float(x), float(y))
        assert (got.code if got else None) == m


def test_off_the_coast(jakarta: Region) -> None:
    mainland = [g for code, g in jakarta.polygons if not code.startswith("31.01.")]
    xy = shapely.get_coordinates(mainland)
    x, y = xy[np.argmax(xy[:, 1])]  # the northernmost mainland vertex
    far = (float(x), float(y) + 150.0 / METRES_PER_DEGREE)
    assert min(metres_to_geom(g, *far) for g in jakarta.geoms) > 140.0
    assert jakarta.index.locate(*far) is None
    near = (float(x), float(y) + 50.0 / METRES_PER_DEGREE)
    got = jakarta.index.locate(*near)
    assert got is not None
    assert got.method == "nearest"
    assert 0.0 < got.distance_m <= 50.0 + 1e-6


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        (math.nan, -6.2),
        (106.8, math.nan),
        (math.inf, -6.2),
        (106.8, -math.inf),
        (200.0, -6.2),
        (106.8, -95.0),
        (0.0, 0.0),
        (10**400, 0),
    ],
)
def test_bad_or_far_coordinates_give_none(jakarta: Region, lon: float, lat: float) -> None:
    assert jakarta.index.locate(lon, lat) is None
    if isinstance(lon, float):
        assert jakarta.index.locate_many(np.array([lon]), np.array([lat])).tolist() == [-1]


def test_locate_many_shapes(jakarta: Region) -> None:
    lon = np.array([[106.8272, math.nan], [0.0, 106.8312]])
    lat = np.array([[-6.1754, -6.2], [0.0, -6.1702]])
    got = jakarta.index.locate_many(lon, lat)
    assert got.dtype == np.int32
    assert got.shape == (2, 2)
    assert [jakarta.index.codes[i] if i >= 0 else None for i in got.ravel()] == [
        "31.71.01.1001",
        None,
        None,
        "31.71.02.1001",
    ]
    assert jakarta.index.locate_many([], []).shape == (0,)
    with pytest.raises(ValueError, match="same shape"):
        jakarta.index.locate_many(np.zeros(2), np.zeros(3))


# --- random points inside random polygons (hypothesis) ----------------------------------


@pytest.fixture(scope="module")
def triangles(jakarta: Region) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per polygon: its triangles (n, 3, 2) and their cumulative area share."""
    out = []
    for g in jakarta.geoms:
        tri = shapely.get_parts(shapely.constrained_delaunay_triangles(g))
        corners = shapely.get_coordinates(tri).reshape(len(tri), 4, 2)[:, :3]
        share = np.cumsum(shapely.area(tri)) / g.area
        out.append((corners, share))
    return out


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(0, 266),
    t=st.floats(0.0, 1.0),
    u=st.floats(0.0, 1.0),
    v=st.floats(0.0, 1.0),
)
def test_point_in_polygon_routes_to_it(
    jakarta: Region,
    triangles: list[tuple[np.ndarray, np.ndarray]],
    which: int,
    t: float,
    u: float,
    v: float,
) -> None:
    corners, share = triangles[which]
    a, b, c = corners[min(int(np.searchsorted(share, t)), len(corners) - 1)]
    if u + v > 1.0:
        u, v = 1.0 - u, 1.0 - v
    x, y = a + u * (b - a) + v * (c - a)
    covering = {code for code, g in jakarta.polygons if g.covers(Point(x, y))}
    assume(jakarta.codes[which] in covering)  # not lost to rounding on the border
    got = jakarta.index.locate(float(x), float(y))
    assert got is not None
    if covering == {jakarta.codes[which]}:
        assert got == Located(jakarta.codes[which], "inside", 0.0)
    else:
        assert got.method == "overlap"
        assert got.code in covering


# --- the rule on hand-made shapes (binary-exact coordinates make ties exact) ------------

X0, Y0 = 106.75, -6.25
STEP = 0.125
GAP = 2.0**-11  # ~54 m


def square(col: float, width: float = STEP) -> BaseGeometry:
    return box(X0 + col * STEP, Y0, X0 + col * STEP + width, Y0 + STEP)


def test_shared_border_is_an_overlap_won_by_the_lowest_code() -> None:
    index = BoundaryIndex.build([("b", square(0)), ("a", square(1))])
    assert index.locate(X0 + STEP, Y0 + STEP / 2) == Located("a", "overlap", 0.0)
    assert index.locate(X0, Y0 + STEP / 2) == Located("b", "inside", 0.0)  # outer edge


def test_overlap_goes_to_the_deeper_polygon() -> None:
    left = box(X0, Y0, X0 + 0.125, Y0 + 0.125)
    right = box(X0 + 0.0625, Y0, X0 + 0.1875, Y0 + 0.125)
    index = BoundaryIndex.build([("b", left), ("a", right)])
    mid_y = Y0 + 0.0625
    assert index.locate(X0 + 0.07, mid_y) == Located("b", "overlap", 0.0)
    assert index.locate(X0 + 0.12, mid_y) == Located("a", "overlap", 0.0)
    assert index.locate(X0 + 0.09375, mid_y) == Located("a", "overlap", 0.0)  # exact tie


def test_gap_goes_to_the_nearest_polygon_within_max_gap() -> None:
    left = square(0)
    right = box(X0 + STEP + GAP, Y0, X0 + 2 * STEP, Y0 + STEP)
    index = BoundaryIndex.build([("b", left), ("a", right)])
    y = Y0 + STEP / 2
    scale = math.cos(math.radians(y)) * METRES_PER_DEGREE
    halfway = index.locate(X0 + STEP + GAP / 2, y)  # exactly halfway: tie -> lowest code
    assert halfway is not None
    assert (halfway.code, halfway.method) == ("a", "nearest")
    assert halfway.distance_m == pytest.approx(GAP / 2 * scale)
    quarter = index.locate(X0 + STEP + GAP / 4, y)
    assert quarter is not None
    assert (quarter.code, quarter.method) == ("b", "nearest")
    assert quarter.distance_m == pytest.approx(GAP / 4 * scale)
    assert index.locate(X0 - 2 * GAP, y) is None  # ~108 m west of everything
    strict = BoundaryIndex.build([("b", left), ("a", right)], max_gap_m=0.0)
    assert strict.locate(X0 + STEP + GAP / 2, y) is None
    assert strict.locate(X0 + STEP / 2, y) == Located("b", "inside", 0.0)


def test_hole_is_outside_unless_near_its_ring() -> None:
    hole = box(X0 + 0.03, Y0 + 0.03, X0 + 0.09, Y0 + 0.09)
    ring = square(0).difference(hole)
    index = BoundaryIndex.build([("r", ring)])
    assert index.locate(X0 + 0.06, Y0 + 0.06) is None
    got = index.locate(X0 + 0.0302, Y0 + 0.06)
    assert got is not None
    assert (got.code, got.method) == ("r", "nearest")
    assert 0.0 < got.distance_m < 30.0


@pytest.mark.parametrize(
    ("polygons", "max_gap_m"),
    [
        ([], 100.0),
        ([("a", square(0)), ("a", square(1))], 100.0),
        ([("a", Point(X0, Y0))], 100.0),
        ([("a", shapely.Polygon([(X0, Y0), (X0 + 1, Y0 + 1), (X0 + 1, Y0), (X0, Y0 + 1)]))], 100.0),
        ([("a", square(0))], -1.0),
        ([("a", square(0))], math.nan),
    ],
)
def test_build_rejects_bad_input(polygons: Polygons, max_gap_m: float) -> None:
    with pytest.raises(ValueError, match=r"."):
        BoundaryIndex.build(polygons, max_gap_m=max_gap_m)
