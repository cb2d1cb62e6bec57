"""Next departures at a stop: timetabled ones at their times, frequency-based ones once per
route and direction with their headway, checked against the day's expanded trips
(:func:`sigap.transit.schedule.day_trips`), which list every departure one by one."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.transit.conftest import WEEKDAY, jakarta_feed
from tests.transit.feeds import FILES, TUESDAY, import_feeds, write

from sigap.transit import schedule, state, store
from sigap.transit.departures import WINDOW_S, Departure, _grid, next_departures


@pytest.fixture(scope="module")
def network() -> state.Network:
    return state.Network(1, jakarta_feed(), [])


@pytest.fixture(scope="module")
def trips(network: state.Network) -> list[schedule.RunTrip]:
    return schedule.day_trips(network.feed, WEEKDAY)


def expected(
    held: state.Network, trips: list[schedule.RunTrip], key: str, after: int
) -> list[Departure]:
    """Every departure of the day's expanded trips from ``key``, the frequency-based ones
    reduced to the first per route, direction and stop."""
    stops = set(held.platforms.get(key, [])) | {key}
    found: list[Departure] = []
    firsts: dict[tuple[str, str, str], Departure] = {}
    for trip in trips:
        for position, stop in enumerate(trip.stops[:-1]):
            when = trip.departures[position]
            if stop not in stops or not after <= when < after + WINDOW_S:
                continue
            departure = Departure(when, stop, trip.route, trip.headsign, trip.headway)
            line = (trip.route, trip.headsign, stop)
            if trip.headway is None:
                found.append(departure)
            elif line not in firsts or when < firsts[line].time:
                firsts[line] = departure
    found.extend(firsts.values())
    return sorted(found, key=lambda d: (d.time, d.route, d.headsign))


def test_departures_match_the_expanded_trips_at_random_stops_and_times(
    network: state.Network, trips: list[schedule.RunTrip]
) -> None:
    rng = random.Random(26)
    keys = sorted(network.calls)
    stations = sorted(network.platforms)
    for _ in range(60):
        key = rng.choice(keys + stations)
        after = rng.randrange(4 * 3600, 23 * 3600, 60)
        got = next_departures(network, key, WEEKDAY, after, 500)
        want = expected(network, trips, key, after)
        assert [(d.time, d.route, d.stop, d.headway) for d in got] == [
            (d.time, d.route, d.stop, d.headway) for d in want
        ], (key, after)


def test_blok_m_lists_corridor_1_once_per_direction_with_its_headway(
    network: state.Network,
) -> None:
    found = next_departures(network, "tj:H00014P", WEEKDAY, 8 * 3600, 50)

    corridor = [d for d in found if d.route == "tj:1"]
    assert corridor
    lines = [(d.headsign, d.stop) for d in corridor]
    assert len(lines) == len(set(lines))  # no column of invented times
    assert all(d.headway for d in corridor)
    assert next(d for d in corridor if d.headsign == "Kali Besar Barat").headway == 400


def test_a_small_feed_s_departures_through_http(client: TestClient, tmp_path: Path) -> None:
    exact = FILES["frequencies.txt"].replace(",600,0", ",600,1")
    import_feeds(
        str(client.app.state.settings.database_url),  # type: ignore[attr-defined]
        store.load(write(tmp_path / "uji"), "uji"),
        store.load(write(tmp_path / "exact", **{"frequencies.txt": exact}), "exact"),
    )

    def departures(stop: str, time: str = "08:01", **query: str) -> list[tuple[str, ...]]:
        params = {"time": time, "date": TUESDAY, "lang": "en", "limit": "3", **query}
        answer = client.get(f"/api/v1/transit/stops/{stop}/departures", params=params)
        assert answer.status_code == 200, answer.text
        return [
            (d["time"][11:16], d["route"]["short_name"], d["every"] or "", str(d["estimated"]))
            for d in answer.json()["departures"]
        ]

    assert departures("uji:A") == [("08:10", "K1", "", "False")]
    assert departures("uji:D") == [("08:10", "F2", "every 10 minutes", "True")]
    assert departures("exact:D") == [  # exact_times=1: a timetable written compactly
        ("08:10", "F2", "", "False"),
        ("08:20", "F2", "", "False"),
        ("08:30", "F2", "", "False"),
    ]
    assert departures("uji:C") == []  # where the trip ends nothing departs
    assert departures("uji:A", time="08:11") == []
    assert departures("uji:A", date="2026-12-12") == []  # a Saturday: no service
    missing = client.get("/api/v1/transit/stops/uji:Z/departures")
    assert missing.json()["error"]["code"] == "transit_stop_not_found"


def test_the_grid_stops_before_the_frequency_ends() -> None:
    # trips leave at 06:00, 06:10, ... 06:50 (end 07:00 excluded); the stop is 5 min in
    assert list(_grid(6 * 3600, 7 * 3600, 600, 300, 6 * 3600 + 3000, 10)) == [6 * 3600 + 3300]
    assert list(_grid(6 * 3600, 7 * 3600, 600, 300, 0, 2)) == [6 * 3600 + 300, 6 * 3600 + 900]
    assert list(_grid(6 * 3600, 7 * 3600, 600, 300, 7 * 3600, 10)) == []
