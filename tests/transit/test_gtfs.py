"""Reading feeds: what GTFS allows (BOM, quotes, optional files and columns, zips), what it
does not (errors naming feed, file, line and field), merging, service days, frequencies."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from sigap.transit import gtfs, network, schedule

CALLS = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
FILES = {
    "agency.txt": "agency_name,agency_url,agency_timezone\nBus,https://b.example,Asia/Jakarta\n",
    "stops.txt": "\ufeffstop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
    'S,"Stasiun, Pusat",-6.2,106.8,1,\n'
    "A,Halte A,-6.2,106.8,0,S\n"
    "B,Halte B,-6.2,106.81,0,\n"
    "C,Halte C,-6.2,106.8003,0,\n",
    "routes.txt": "route_id,route_short_name,route_type\n1,1,3\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
    "start_date,end_date\nWD,1,1,1,1,1,0,0,20260101,20261231\n",
    "trips.txt": "route_id,service_id,trip_id\n1,WD,t1\n1,WD,f1\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
    "t1,08:00:00,08:00:00,A,1\nt1,,,C,2\nt1,08:10:00,08:10:00,B,3\n"
    "f1,06:00:00,06:00:00,A,1\nf1,06:05:00,06:05:00,B,2\n",
    "frequencies.txt": "trip_id,start_time,end_time,headway_secs\nf1,06:00:00,07:00:00,900\n",
}


def write(folder: Path, **changes: str | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**FILES, **changes}.items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_feed_is_read_with_its_ids_namespaced(tmp_path: Path) -> None:
    feed = gtfs.read_feed(write(tmp_path / "bus"))

    assert feed.stops["bus:S"].name == "Stasiun, Pusat"  # BOM dropped, quotes kept apart
    assert feed.stops["bus:A"].parent == "bus:S"
    assert feed.routes["bus:1"].agency == "bus"
    # the untimed call is interpolated between its neighbours
    assert feed.stop_times["bus:t1"].arrivals == (8 * 3600, 8 * 3600 + 300, 8 * 3600 + 600)


def test_a_zip_reads_as_its_folder(tmp_path: Path) -> None:
    folder = write(tmp_path / "bus")
    with zipfile.ZipFile(tmp_path / "bus.zip", "w") as archive:
        for path in folder.iterdir():
            archive.write(path, f"inside/{path.name}")

    assert gtfs.read_feed(tmp_path / "bus.zip").stops == gtfs.read_feed(folder).stops


@pytest.mark.parametrize(
    ("changes", "code", "file", "line", "field"),
    [
        ({"routes.txt": None}, "gtfs_missing_file", "routes.txt", 0, ""),
        (
            {"routes.txt": "route_id,route_short_name\n1,1\n"},
            "gtfs_missing_field",
            "routes.txt",
            1,
            "route_type",
        ),
        (
            {"stops.txt": "stop_id,stop_lat,stop_lon\nA,-6.2,\n"},
            "gtfs_missing_field",
            "stops.txt",
            2,
            "stop_lon",
        ),
        (
            {"stops.txt": "stop_id,stop_lat,stop_lon\nA,-6.2,106\nB,x,106\n"},
            "gtfs_bad_value",
            "stops.txt",
            3,
            "stop_lat",
        ),
        (
            {"trips.txt": "route_id,service_id,trip_id\n9,WD,t1\n"},
            "gtfs_unknown_reference",
            "trips.txt",
            2,
            "route_id",
        ),
        (
            {"stop_times.txt": CALLS + "t1,8:00,8:00,A,1\n"},
            "gtfs_bad_value",
            "stop_times.txt",
            2,
            "arrival_time",
        ),
        (
            {"stop_times.txt": CALLS + "t1,08:10:00,08:10:00,A,1\nt1,73:00:00,73:00:00,B,2\n"},
            "gtfs_bad_value",
            "stop_times.txt",
            3,
            "arrival_time",
        ),
        (
            {"stop_times.txt": CALLS + "t1,08:10:00,08:10:00,A,1\nt1,08:00:00,08:00:00,B,2\n"},
            "gtfs_bad_value",
            "stop_times.txt",
            3,
            "arrival_time",
        ),
        (
            {"trips.txt": "route_id,service_id,trip_id\n1,WD,t1\n1,WD,t1\n"},
            "gtfs_duplicate_id",
            "trips.txt",
            3,
            "trip_id",
        ),
    ],
)
def test_a_broken_feed_says_where(
    tmp_path: Path, changes: dict[str, str | None], code: str, file: str, line: int, field: str
) -> None:
    with pytest.raises(gtfs.FeedError) as caught:
        gtfs.read_feed(write(tmp_path / "bus", **changes))

    error = caught.value
    assert (error.code, error.file, error.line, error.field) == (code, file, line, field)
    assert file in error.message("id")
    assert file in error.message("en")


def test_feeds_merge_apart_and_a_name_twice_is_refused(tmp_path: Path) -> None:
    one, two = write(tmp_path / "one"), write(tmp_path / "two")
    merged = gtfs.merge([gtfs.read_feed(one), gtfs.read_feed(two)])

    assert {"one:A", "two:A"} <= merged.stops.keys()
    assert merged.routes["two:1"].agency == "two"
    with pytest.raises(gtfs.FeedError, match="gtfs_feed_twice"):
        gtfs.merge([gtfs.read_feed(one), gtfs.read_feed(one)])


def test_a_service_day_applies_calendar_dates(tmp_path: Path) -> None:
    dates = "service_id,date,exception_type\nWD,20261208,2\nWD,20261212,1\n"
    feed = gtfs.read_feed(write(tmp_path / "bus", **{"calendar_dates.txt": dates}))

    assert schedule.services_on(feed, date(2026, 12, 7)) == {"bus:WD"}  # a Monday
    assert schedule.services_on(feed, date(2026, 12, 8)) == set()  # removed
    assert schedule.services_on(feed, date(2026, 12, 12)) == {"bus:WD"}  # a Saturday, added
    assert schedule.services_on(feed, date(2026, 12, 13)) == set()


def test_frequencies_expand_into_trips_that_keep_their_headway(tmp_path: Path) -> None:
    feed = gtfs.read_feed(write(tmp_path / "bus"))
    trips = schedule.day_trips(feed, date(2026, 12, 8))

    expanded = [t for t in trips if t.id.startswith("bus:f1@")]
    assert [t.departures[0] for t in expanded] == [6 * 3600 + k * 900 for k in range(4)]
    assert {t.headway for t in expanded} == {900}
    assert [t.headway for t in trips if t.id == "bus:t1"] == [None]


def test_exact_times_frequencies_are_a_timetable_and_long_headways_are_named(
    tmp_path: Path,
) -> None:
    rows = "trip_id,start_time,end_time,headway_secs,exact_times\nf1,06:00:00,23:00:00,52700,1\n"
    feed = gtfs.read_feed(write(tmp_path / "bus", **{"frequencies.txt": rows}))
    trips = [t for t in schedule.day_trips(feed, date(2026, 12, 8)) if t.id.startswith("bus:f1")]

    assert [t.headway for t in trips] == [None, None]
    assert any("52700" in warning for warning in feed.warnings)


def test_footpaths_join_near_stops_and_transfers_txt_wins(tmp_path: Path) -> None:
    transfers = "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nA,C,3,\nA,B,2,420\n"
    feed = gtfs.read_feed(write(tmp_path / "bus", **{"transfers.txt": transfers}))
    table = network.build(feed, schedule.day_trips(feed, date(2026, 12, 8)))
    a, b, c = (table.index[f"bus:{s}"] for s in "ABC")

    assert dict(table.footpaths[c])[a] >= network.MIN_CHANGE_S  # 33 m apart, both ways...
    assert c not in dict(table.footpaths[a])  # ...but transfers.txt forbids A to C
    assert dict(table.footpaths[a])[b] == 420  # 1.1 km: only because transfers.txt says so
    assert b not in dict(table.footpaths[c])
    assert table.stops_of("bus:S") == [a]


def test_the_fare_each_route_pays_is_read_from_the_feeds_fare_rules(tmp_path: Path) -> None:
    """v1 fare_rules.txt: a route's fare id (the fare rules of a region name fare ids); rows
    without a route are not a route's; a route the feed lacks is left out with a warning."""
    folder = write(
        tmp_path / "uji",
        **{
            "fare_attributes.txt": "fare_id,price,currency_type,payment_method,transfers\n"
            "FP,3500,IDR,0,\nGR,0,IDR,0,\n",
            "routes.txt": "route_id,route_short_name,route_type\n1,1,3\n2,2,3\n",
            "fare_rules.txt": "fare_id,route_id,origin_id\nGR,2,\nFP,1,\nFP,,Z1\nGR,NOPE,\n",
        },
    )
    feed = gtfs.read_feed(folder, "uji")
    assert feed.route_fares == {"uji:2": "GR", "uji:1": "FP"}
    assert any("NOPE" in warning for warning in feed.warnings)
    assert gtfs.merge([feed]).route_fares == feed.route_fares
