"""The Jakarta feeds of ../shared/data/transit (README there): read by tests and benchmarks,
never bundled (Transjakarta's carries no licence to). A missing folder fails the tests that
need it: golden journeys that skip prove nothing."""

from __future__ import annotations

import functools
import os
from datetime import date
from pathlib import Path

import pytest

from sigap.geo import streets, walk
from sigap.transit import gtfs, network, schedule

DATA = Path(
    os.environ.get(
        "SIGAP_TRANSIT_DATA", Path(__file__).resolve().parents[3] / "shared/data/transit"
    )
)
FEEDS = {"tj": "transjakarta", "mrt": "mrt_jakarta", "krl": "krl_approx"}
STREETS = Path(__file__).resolve().parents[2] / "src/sigap/data/regions/jakarta/streets.geojson"
WEEKDAY = date(2026, 12, 8)  # a Tuesday inside all three feeds' calendars


def jakarta_feed() -> gtfs.Feed:
    if not DATA.is_dir():
        pytest.fail(f"the transit feeds are not at {DATA} (set SIGAP_TRANSIT_DATA)")
    return gtfs.merge(gtfs.read_feed(DATA / folder, name) for name, folder in FEEDS.items())


@functools.cache
def jakarta_streets() -> walk.WalkGraph:
    """The Jakarta pack's street layer (OpenStreetMap 2012) as a walking graph."""
    return walk.WalkGraph(streets.parse(STREETS.read_text(encoding="utf-8")))


@pytest.fixture(scope="module", params=["straight_line", "streets"])
def jakarta(request: pytest.FixtureRequest) -> network.Timetable:
    """A weekday's timetable of the three feeds, its walks as straight lines or over the
    pack's streets (golden journeys hold on both)."""
    feed = jakarta_feed()
    walker = None
    if request.param == "streets":
        walker = network.stop_walker(feed, jakarta_streets())
    return network.build(feed, schedule.day_trips(feed, WEEKDAY), walker)
