"""The next departures at a stop: a timetabled trip at its time, a frequency as one line
"every N minutes" from its next vehicle until its last, never its expanded trips' times;
on the small feed of test_gtfs (a 06:00-07:00 frequency every 15 minutes from A to B, a
timetabled 08:00 trip from A by C to B)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.transit.test_gtfs import write

from sigap.errors import SigapError
from sigap.transit import gtfs, network, schedule
from sigap.transit.departures import Departure, next_departures

HOUR, MINUTE = 3600, 60


@pytest.fixture
def table(tmp_path: Path) -> network.Timetable:
    feed = gtfs.read_feed(write(tmp_path / "bus"))
    return network.build(feed, schedule.day_trips(feed, date(2026, 12, 8)))


def test_a_frequency_is_one_line_with_its_headway_then_the_timetabled_trip(
    table: network.Timetable,
) -> None:
    board = next_departures(table, "bus:A", 6 * HOUR + 20 * MINUTE)

    assert board == [
        # running since 06:00: every 15 minutes, the next about 06:30, the last at 06:45
        Departure("bus:A", "bus:1", "", 6 * HOUR + 30 * MINUTE, None, 900, 6 * HOUR + 45 * MINUTE),
        Departure("bus:A", "bus:1", "", 8 * HOUR, "bus:t1"),
    ]


def test_before_a_frequency_starts_it_is_said_from_when(table: network.Timetable) -> None:
    [first, _] = next_departures(table, "bus:S", 5 * HOUR)  # the station of A

    assert (first.time, first.headway, first.until) == (6 * HOUR, 900, 6 * HOUR + 45 * MINUTE)


def test_after_the_last_bus_only_the_timetable_is_left_and_n_is_kept(
    table: network.Timetable,
) -> None:
    assert [d.trip for d in next_departures(table, "bus:A", 6 * HOUR + 46 * MINUTE)] == ["bus:t1"]
    assert len(next_departures(table, "bus:A", 0, n=1)) == 1
    assert next_departures(table, "bus:B", 0) == []  # both trips end there
    with pytest.raises(SigapError):
        next_departures(table, "bus:nowhere", 0)
