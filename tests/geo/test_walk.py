"""The walking graph of a street layer (sigap.geo.walk) on tiny hand-made layers near
Jakarta, whose distances are worked out here on the sphere, independently of the graph's
flat projection."""

from __future__ import annotations

import itertools
import math

import pytest

from sigap.geo import streets, walk

EARTH_M = 6_371_008.8

# An L: a lane 0.003° east along -6.2000 (about 332 m), then a street 0.004° north (about
# 445 m); a motorway and a toll road cut the corner, a lane stands apart to the east.
WEST, CORNER, NORTH = (106.8000, -6.2000), (106.8030, -6.2000), (106.8030, -6.1960)


def layer(*extra: streets.Street) -> walk.WalkGraph:
    return walk.WalkGraph(
        [
            streets.Street("Gang Uji", "minor", ((WEST, CORNER),)),
            streets.Street("Jalan Uji", "medium", ((CORNER, NORTH),)),
            *extra,
        ]
    )


def sphere_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine metres between two (lat, lon) points."""
    (lat1, lon1), (lat2, lon2) = (map(math.radians, p) for p in (a, b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_M * math.asin(math.sqrt(h))


def walked(graph: walk.WalkGraph, a: tuple[float, float], b: tuple[float, float]) -> float:
    start, end = graph.snap(*a), graph.snap(*b)
    assert start is not None
    assert end is not None
    reached = graph.reach(graph.search(start, 10_000.0), end)
    assert reached is not None
    return reached[0]


def test_a_walk_round_the_corner_is_the_two_arms_of_the_l() -> None:
    graph = layer()
    a, b = (-6.2000, 106.8005), (-6.1970, 106.8030)  # on the lane, on the street
    corner = (CORNER[1], CORNER[0])
    expected = sphere_m(a, corner) + sphere_m(corner, b)  # 276 m + 334 m

    metres = walked(graph, a, b)

    assert expected == pytest.approx(610, abs=5)
    assert metres == pytest.approx(expected, rel=0.005)
    assert metres > sphere_m(a, b) * 1.3  # the straight line (434 m) cuts the corner


def test_the_steps_onto_and_off_the_streets_count() -> None:
    graph = layer()
    a = (-6.2005, 106.8005)  # 55 m south of the lane
    b = (-6.1970, 106.8035)  # 55 m east of the street
    on_a, on_b, corner = (-6.2000, 106.8005), (-6.1970, 106.8030), (CORNER[1], CORNER[0])
    expected = sphere_m(a, on_a) + sphere_m(on_a, corner) + sphere_m(corner, on_b)
    expected += sphere_m(on_b, b)

    assert walked(graph, a, b) == pytest.approx(expected, rel=0.005)


def test_a_shorter_way_wins_but_not_over_a_motorway_or_a_toll_road() -> None:
    diagonal = ((WEST, NORTH),)
    a, b = (-6.2000, 106.8001), (-6.1961, 106.8030)
    by_the_l = walked(layer(), a, b)
    shortcut = layer(streets.Street("Jalan Pintas", "minor", diagonal))
    motorway = layer(streets.Street("", "major", diagonal, foot=False))
    toll = layer(streets.Street("Jalan Tol Dalam Kota", "major", diagonal))

    west, north = (WEST[1], WEST[0]), (NORTH[1], NORTH[0])
    expected = sphere_m(a, west) + sphere_m(west, north) + sphere_m(north, b)
    assert walked(shortcut, a, b) == pytest.approx(expected, rel=0.005)
    assert walked(shortcut, a, b) < by_the_l * 0.8
    assert walked(motorway, a, b) == pytest.approx(by_the_l)
    assert walked(toll, a, b) == pytest.approx(by_the_l)


def test_a_point_farther_than_150_m_from_every_street_is_not_on_them() -> None:
    graph = layer()

    assert graph.snap(-6.2013, 106.8015) is not None  # 144 m south of the lane
    assert graph.snap(-6.2015, 106.8015) is None  # 167 m
    assert walk.SNAP_M == 150.0


def test_a_search_stops_at_its_limit_and_pieces_that_never_meet_are_told_apart() -> None:
    apart = streets.Street("Gang Jauh", "minor", (((106.8100, -6.2000), (106.8100, -6.1990)),))
    graph = layer(apart)
    start = graph.snap(-6.2000, 106.8001)
    lane, far = graph.snap(-6.2000, 106.8029), graph.snap(-6.1995, 106.8100)
    assert start is not None
    assert lane is not None
    assert far is not None

    assert graph.reach(graph.search(start, 200.0), lane) is None  # 311 m away
    assert graph.reach(graph.search(start, 400.0), lane) is not None
    assert graph.same_piece(start, lane)
    assert not graph.same_piece(start, far)
    assert graph.reach(graph.search(start, 100_000.0), far) is None


def test_the_line_of_a_walk_goes_round_the_corner() -> None:
    graph = layer()
    a, b = (-6.2005, 106.8005), (-6.1970, 106.8035)
    start, end = graph.snap(*a), graph.snap(*b)
    assert start is not None
    assert end is not None

    line = graph.line(graph.search(start, 10_000.0), a, end, b)

    assert line[0] == a
    assert line[-1] == b
    assert (CORNER[1], CORNER[0]) in [(round(p[0], 5), round(p[1], 5)) for p in line]
    length = sum(sphere_m(p, q) for p, q in itertools.pairwise(line))
    assert length == pytest.approx(walked(graph, a, b), rel=0.005)


def test_an_empty_layer_makes_an_empty_graph() -> None:
    graph = walk.WalkGraph([])

    assert len(graph) == 0
    assert graph.snap(-6.2, 106.8) is None


def test_a_ring_with_no_junction_is_walked_the_shorter_way_round() -> None:
    # A block 0.002° square (about 221 m a side), drawn as one closed line.
    ring = ((106.800, -6.200), (106.802, -6.200), (106.802, -6.198), (106.800, -6.198))
    graph = walk.WalkGraph([streets.Street("Jalan Keliling", "minor", ((*ring, ring[0]),))])
    a, b = (-6.2000, 106.8005), (-6.1980, 106.8005)  # on the south and the north side
    corners = [(-6.2000, 106.8000), (-6.1980, 106.8000)]  # west round
    expected = sphere_m(a, corners[0]) + sphere_m(corners[0], corners[1])
    expected += sphere_m(corners[1], b)

    assert walked(graph, a, b) == pytest.approx(expected, rel=0.005)
    start, end = graph.snap(*a), graph.snap(*b)
    assert start is not None
    assert end is not None
    line = graph.line(graph.search(start, 10_000.0), a, end, b)
    rounded = [(round(p[0], 5), round(p[1], 5)) for p in line]
    assert [p for p, q in itertools.pairwise([*rounded, None]) if p != q] == [a, *corners, b]


def test_streets_crossing_at_a_shared_point_join_there() -> None:
    middle = (106.8015, -6.2000)
    east_west = ((106.8000, -6.2000), middle, (106.8030, -6.2000))
    north_south = ((106.8015, -6.2015), middle, (106.8015, -6.1985))
    graph = walk.WalkGraph(
        [
            streets.Street("Jalan Timur", "minor", (east_west,)),
            streets.Street("Jalan Utara", "minor", (north_south,)),
        ]
    )
    a, b = (-6.2000, 106.8002), (-6.1990, 106.8015)
    crossing = (middle[1], middle[0])

    assert walked(graph, a, b) == pytest.approx(
        sphere_m(a, crossing) + sphere_m(crossing, b), rel=0.005
    )
