"""After midnight: trips whose times pass 24:00:00, and a query at 00:20 taking the previous
service day's trips still running, on a small hand-built feed of weekday night services."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from sigap.transit import gtfs, network, schedule, state
from sigap.transit.departures import next_departures
from sigap.transit.raptor import arrive_by, depart_at

FILES = {
    "agency.txt": "agency_name,agency_url,agency_timezone\nMalam,https://m.example,Asia/Jakarta\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n"
    "A,Halte A,-6.20,106.80\nB,Halte B,-6.21,106.81\nC,Halte C,-6.22,106.82\n",
    "routes.txt": "route_id,route_short_name,route_type\nN,N1,3\nF,F1,3\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
    "start_date,end_date\nWD,1,1,1,1,1,0,0,20260101,20261231\n",
    "trips.txt": "route_id,service_id,trip_id\nN,WD,n1\nF,WD,f1\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
    "n1,23:40:00,23:40:00,A,1\nn1,24:30:00,24:30:00,B,2\nn1,25:10:00,25:10:00,C,3\n"
    "f1,22:00:00,22:00:00,A,1\nf1,22:20:00,22:20:00,B,2\n",
    "frequencies.txt": "trip_id,start_time,end_time,headway_secs\nf1,22:00:00,25:00:00,1800\n",
}
FRIDAY, SATURDAY, MONDAY = date(2026, 12, 11), date(2026, 12, 12), date(2026, 12, 7)
HOUR, MINUTE = 3600, 60


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> gtfs.Feed:
    folder = Path(tmp_path_factory.mktemp("malam"))
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return gtfs.read_feed(folder, "malam")


def table(feed: gtfs.Feed, day: date, overnight: bool = True) -> network.Timetable:
    return network.build(feed, schedule.day_trips(feed, day, overnight))


def stops(table: network.Timetable, *keys: str) -> list[dict[int, int]]:
    return [{table.index[f"malam:{key}"]: 0} for key in keys]


def test_times_past_midnight_stay_on_their_service_day(feed: gtfs.Feed) -> None:
    friday = table(feed, FRIDAY)
    origin, target = stops(friday, "A", "C")

    [journey] = depart_at(friday, origin, target, 23 * HOUR + 30 * MINUTE)
    assert (journey.depart, journey.arrive) == (23 * HOUR + 40 * MINUTE, 25 * HOUR + 10 * MINUTE)
    assert journey.rides[0].trip == "malam:n1"


def test_at_twenty_past_midnight_friday_night_buses_still_run(
    feed: gtfs.Feed,
) -> None:
    saturday = table(feed, SATURDAY)  # no service of its own: Friday's night bus only
    origin, target = stops(saturday, "B", "C")

    [journey] = depart_at(saturday, origin, target, 20 * MINUTE)
    [ride] = journey.rides
    assert (ride.depart, ride.arrive) == (30 * MINUTE, HOUR + 10 * MINUTE)
    assert ride.trip == "malam:n1" + schedule.YESTERDAY
    [latest] = arrive_by(saturday, origin, target, HOUR + 30 * MINUTE)
    assert latest.depart == 30 * MINUTE
    # without the night before, nothing runs; after a Sunday without service, the first bus
    # is Monday's own, that night
    assert depart_at(table(feed, SATURDAY, overnight=False), origin, target, 20 * MINUTE) == []
    monday = table(feed, MONDAY)
    [night] = depart_at(monday, *stops(monday, "B", "C"), 20 * MINUTE)
    assert (night.depart, night.rides[0].trip) == (24 * HOUR + 30 * MINUTE, "malam:n1")


def test_a_frequency_running_past_midnight_keeps_its_headway_the_next_morning(
    feed: gtfs.Feed,
) -> None:
    saturday = table(feed, SATURDAY)
    origin, target = stops(saturday, "A", "B")

    [journey] = depart_at(saturday, origin, target, 5 * MINUTE)
    [ride] = journey.rides
    # Friday's buses leave A at 24:00 and 24:30 (end_time 25:00): the 00:00 has gone
    assert (ride.depart, ride.arrive, ride.headway) == (30 * MINUTE, 50 * MINUTE, 1800)
    assert journey.estimated
    assert ride.trip == f"malam:f1@{24 * HOUR + 30 * MINUTE}{schedule.YESTERDAY}"
    # the board at A says so too: the next about 00:30, every 30 minutes, Friday's last
    [line] = next_departures(saturday, "malam:A", 5 * MINUTE)
    assert (line.time, line.headway, line.until) == (30 * MINUTE, 1800, 30 * MINUTE)
    # only the trips still running after midnight are carried over
    moved = [t for t in schedule.day_trips(feed, SATURDAY) if t.day == -1]
    assert sorted(t.departures[0] for t in moved) == [-HOUR + 40 * MINUTE, 0, 30 * MINUTE]


def test_days_alike_share_one_timetable(feed: gtfs.Feed, monkeypatch: pytest.MonkeyPatch) -> None:
    """A timetable is built once for all days with the same services that day and the day
    before: Tuesday to Friday share one; Monday (no service the night before), Saturday (last
    night's trips only) and Sunday (none) each have their own. Many dates build no more."""
    built: list[int] = []
    real = network.build

    def counting(*args: object, **kwargs: object) -> network.Timetable:
        built.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(network, "build", counting)
    held = state.Network(1, feed, [])
    weeks = [MONDAY + timedelta(days=n) for n in range(21)]
    tables = {day: held.table(day) for day in weeks}
    assert len(built) == 4
    tuesday, friday = MONDAY + timedelta(days=1), FRIDAY
    assert tables[tuesday] is tables[friday]
    assert tables[MONDAY] is not tables[tuesday]
    assert tables[SATURDAY] is not tables[friday]
    assert held.timetables() == weeks
    # the shared table answers as the day's own would: Saturday's early hours ride Friday's night
    origin, target = stops(tables[SATURDAY], "B", "C")
    [night] = depart_at(tables[SATURDAY], origin, target, 30 * MINUTE)
    assert night.arrive == HOUR + 10 * MINUTE
