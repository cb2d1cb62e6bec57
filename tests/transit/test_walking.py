"""Walks to, from and between stops (sigap.transit.walking) over Jakarta's 2012 street layer
(the pack's streets.geojson, © OpenStreetMap contributors), and as straight lines where a
region has no streets; the plan's walks through HTTP say which they are."""

from __future__ import annotations

import functools
import itertools
import math
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from tests.transit import feeds
from tests.transit.conftest import DATA, jakarta_streets
from tests.transit.feeds import CREDITS, import_feeds, jakarta

from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.geo import walk
from sigap.models import RegionLayer
from sigap.transit import gtfs, network, walking

LEBAK_BULUS = (-6.2895, 106.7745)  # the street by the station's entrance
BUNDARAN_HI = (-6.1930, 106.8230)  # the roundabout, south of the station
EARTH_M = 6_371_000.0


def graph() -> walk.WalkGraph:
    return jakarta_streets()


@functools.cache
def walker() -> walking.Walker:
    """The MRT's and KRL's stops on Jakarta's streets."""
    feed = gtfs.merge(
        [gtfs.read_feed(DATA / "mrt_jakarta", "mrt"), gtfs.read_feed(DATA / "krl_approx", "krl")]
    )
    return network.stop_walker(feed, graph())


def straight_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine metres, worked out here (the planner uses a flat approximation)."""
    (lat1, lon1), (lat2, lon2) = (map(math.radians, p) for p in (a, b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_M * math.asin(math.sqrt(h))


def stop_at(found: walking.Walker, stop: int) -> tuple[float, float]:
    return float(found.lat[stop]), float(found.lon[stop])


@settings(max_examples=60, deadline=None)
@given(
    lat=st.floats(-6.32, -6.12, allow_nan=False),
    lon=st.floats(106.72, 106.95, allow_nan=False),
)
def test_a_walk_is_never_shorter_than_the_straight_line(lat: float, lon: float) -> None:
    found = walker()
    for stop, walked in found.around(lat, lon, 800.0).items():
        line = straight_m((lat, lon), stop_at(found, stop))
        assert line <= 800.5
        if walked.over == walking.STREETS:
            assert line * 0.999 <= walked.metres <= 2 * line + 100 + 1
        else:
            assert walked.over == walking.STRAIGHT
            assert walked.metres == pytest.approx(line * 1.3, rel=0.002)


def test_along_thamrin_the_street_is_nearly_the_straight_line() -> None:
    """From the roundabout 845 m up Jalan MH Thamrin: the street runs straight north, so the
    walk is the straight line plus the 39 m onto it and the few off it (at most 10% more)."""
    a, b = (-6.1950, 106.8229), (-6.1874, 106.8230)
    start, end = graph().snap(*a), graph().snap(*b)
    assert start is not None
    assert end is not None

    reached = graph().reach(graph().search(start, 2000.0), end)

    assert reached is not None
    line = straight_m(a, b)
    assert line == pytest.approx(845, abs=2)
    assert line < reached[0] <= line + start.off + end.off + 0.05 * line


def test_without_streets_every_walk_is_the_straight_line_times_the_detour() -> None:
    found = walker()
    plain = walking.Walker(None, found.lat, found.lon)

    walks = plain.around(*BUNDARAN_HI, 800.0)

    assert walks
    for stop, walked in walks.items():
        assert walked.over == walking.STRAIGHT
        assert walked.metres == pytest.approx(
            straight_m(BUNDARAN_HI, stop_at(found, stop)) * 1.3, rel=0.002
        )
    assert set(walks) == set(found.around(*BUNDARAN_HI, 800.0))  # the same stops either way


def test_a_place_far_from_any_street_walks_straight() -> None:
    found = walker()
    sea = (-6.0950, 106.8100)  # in the bay, 150 m beyond the 2012 layer's last street
    assert graph().snap(*sea) is None
    plain = walking.Walker(None, found.lat, found.lon)

    assert found.around(*sea, 20_000.0) == plain.around(*sea, 20_000.0)


def test_footpaths_between_stops_walk_the_streets_the_same_both_ways() -> None:
    paths = walker().footpaths(network.MAX_WALK_M)
    over = [(a, b, w) for a, walks in enumerate(paths) for b, w in walks.items()]

    assert sum(w.over == walking.STREETS for _, _, w in over) >= len(over) // 3
    for a, b, walked in over:
        line = straight_m(stop_at(walker(), a), stop_at(walker(), b))
        assert walked.metres >= line * 0.999
        back = paths[b][a]
        assert back.over == walked.over
        assert back.metres == pytest.approx(walked.metres, abs=0.5)


def test_the_line_of_a_street_walk_is_as_long_as_the_walk() -> None:
    found = walker()
    walks = found.around(*LEBAK_BULUS, 800.0)
    stop, walked = next((s, w) for s, w in walks.items() if w.over == walking.STREETS)

    line = found.line(*LEBAK_BULUS, 800.0, stop)

    assert line[0] == LEBAK_BULUS
    assert line[-1] == stop_at(found, stop)
    length = sum(straight_m(p, q) for p, q in itertools.pairwise(line))
    assert length == pytest.approx(walked.metres, rel=0.01)


# --- through HTTP ---------------------------------------------------------------------------


def plan(client: TestClient, start: tuple[float, float], end: tuple[float, float]) -> Any:
    answer = feeds.plan(client, start, end)
    assert answer.status_code == 200, answer.text
    return answer.json()


def walks_of(body: Any) -> list[dict[str, Any]]:
    return [leg for leg in body["options"][0]["legs"] if leg["kind"] == "walk"]


def line_m(path: list[list[float]]) -> float:
    return sum(straight_m((a[0], a[1]), (b[0], b[1])) for a, b in itertools.pairwise(path))


def test_a_plan_s_walks_go_over_the_streets_and_carry_their_line(client: TestClient) -> None:
    import_feeds(str(client.app.state.settings.database_url), *jakarta(), credits=CREDITS)  # type: ignore[attr-defined]

    body = plan(client, LEBAK_BULUS, BUNDARAN_HI)

    walk_in, walk_out = walks_of(body)
    assert walk_in["walk_over"] == walk_out["walk_over"] == "streets"
    assert walk_in["path"][0] == list(LEBAK_BULUS)
    assert walk_in["path"][-1] == [walk_in["end"]["lat"], walk_in["end"]["lon"]]
    assert walk_out["path"][-1] == list(BUNDARAN_HI)
    for leg in (walk_in, walk_out):
        start, end = (
            (leg["start"]["lat"], leg["start"]["lon"]),
            (leg["end"]["lat"], leg["end"]["lon"]),
        )
        assert leg["distance_m"] >= straight_m(start, end) - 1
        assert line_m(leg["path"]) == pytest.approx(leg["distance_m"], abs=2)
    ride = next(leg for leg in body["options"][0]["legs"] if leg["kind"] == "ride")
    assert (ride["walk_over"], ride["path"]) == (None, None)


def test_a_region_without_streets_plans_straight_lines(
    isolated_database_url: str, settings: Settings
) -> None:
    database = Database(isolated_database_url)
    with database.transaction() as session:
        session.execute(delete(RegionLayer).where(RegionLayer.name == "streets"))
    database.dispose()
    import_feeds(isolated_database_url, *jakarta(), credits=CREDITS)
    alone = settings.model_copy(update={"database_url": isolated_database_url})

    with TestClient(create_app(alone)) as client:
        body = plan(client, LEBAK_BULUS, BUNDARAN_HI)

    assert body["detour"] == 1.3
    for leg in walks_of(body):
        start, end = (
            (leg["start"]["lat"], leg["start"]["lon"]),
            (leg["end"]["lat"], leg["end"]["lon"]),
        )
        assert leg["walk_over"] == "straight_line"
        assert leg["path"] == [list(start), list(end)]
        assert leg["distance_m"] == pytest.approx(straight_m(start, end) * 1.3, abs=1.5)
