"""The Jakarta feeds of ../shared/data/transit (README there): read by tests and benchmarks,
never bundled (Transjakarta's carries no licence to). A missing folder fails the tests that
need it: golden journeys that skip prove nothing."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from sigap.transit import gtfs, network, schedule

DATA = Path(
    os.environ.get(
        "SIGAP_TRANSIT_DATA", Path(__file__).resolve().parents[3] / "shared/data/transit"
    )
)
FEEDS = {"tj": "transjakarta", "mrt": "mrt_jakarta", "krl": "krl_approx"}
WEEKDAY = date(2026, 12, 8)  # a Tuesday inside all three feeds' calendars


def jakarta_feed() -> gtfs.Feed:
    if not DATA.is_dir():
        pytest.fail(f"the transit feeds are not at {DATA} (set SIGAP_TRANSIT_DATA)")
    return gtfs.merge(gtfs.read_feed(DATA / folder, name) for name, folder in FEEDS.items())


@pytest.fixture(scope="module")
def jakarta() -> network.Timetable:
    feed = jakarta_feed()
    return network.build(feed, schedule.day_trips(feed, WEEKDAY))
