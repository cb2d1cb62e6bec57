"""Simple routes from a spreadsheet CSV (`sigap.transit.csvfeed`): the feed made is valid GTFS
read back by our own reader (frequencies with exact_times=0, a route run back the same way,
stops shared between routes with stable ids, minutes derived from distance), and each kind of
problem names its line and column in both languages."""

from __future__ import annotations

import io
import math
import zipfile
from datetime import date
from pathlib import Path

import pytest

from sigap.errors import SigapError
from sigap.transit import csvfeed, gtfs, network, schedule
from sigap.transit.csvfeed import CsvError

TODAY = date(2026, 12, 1)
HEADER = "route,route_name,agency,direction,return,first,last,headway,days,stop,lat,lon,minutes"
# G1 runs east A -> B -> C and back (return); G2 runs north C -> D on weekdays. Halte C is
# the same stop in both (same name, same place): the change between them.
ROUTES = f"""{HEADER}
G1,Uji Satu,Bus Uji,Timur,ya,06:00,21:00,15,setiap hari,Halte A,-5.2000,119.4400,
G1,,,Timur,,,,,,Halte B,-5.2000,119.4500,
G1,,,Timur,,,,,,Halte C,-5.2000,119.4600,
G2,Uji Dua,Bus Uji,Utara,,07:00,19:00,30,sen-jum,Halte C,-5.2000,119.4600,0
G2,,,Utara,,,,,,Halte D,-5.1900,119.4600,8
"""
EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "src/sigap/data/transit/examples/illustrative-gowa-routes.csv"
)


def convert(text: str) -> csvfeed.Converted:
    return csvfeed.convert(
        text.encode(), "uji", file="rute.csv", today=TODAY, timezone="Asia/Makassar"
    )


def files_of(made: csvfeed.Converted) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(made.loaded.archive)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_two_routes_make_a_valid_feed_of_headways(tmp_path: Path) -> None:
    made = convert(ROUTES)

    path = tmp_path / "uji.zip"
    path.write_bytes(made.loaded.archive)
    feed = gtfs.read_feed(path, "uji")  # the round trip through our own reader
    assert set(feed.routes) == {"uji:g1", "uji:g2"}
    assert {t.headsign for t in feed.trips.values()} == {"Timur", "Halte A", "Utara"}
    assert len(feed.stops) == 4  # Halte C once, shared by both routes
    assert [f.exact for f in feed.frequencies] == [False, False, False]
    assert {(f.trip, f.start, f.headway) for f in feed.frequencies} == {
        ("uji:g1-1", 6 * 3600, 900),
        ("uji:g1-1r", 6 * 3600, 900),
        ("uji:g2-1", 7 * 3600, 1800),
    }
    east, west = feed.stop_times["uji:g1-1"], feed.stop_times["uji:g1-1r"]
    assert west.stops == tuple(reversed(east.stops))
    assert west.arrivals[-1] - west.arrivals[0] == east.arrivals[-1] - east.arrivals[0]
    assert feed.stop_times["uji:g2-1"].stops[0] == east.stops[-1]
    weekdays = feed.services[feed.trips["uji:g2-1"].service].days
    assert weekdays == (True, True, True, True, True, False, False)
    assert feed.agencies["uji:bus-uji"].timezone == "Asia/Makassar"
    service = feed.services[feed.trips["uji:g1-1"].service]
    assert (service.start, service.end) == (TODAY, date(2027, 12, 1))
    # The last departure is kept (a frequency's end is exclusive) and none after it.
    tuesday = schedule.day_trips(feed, date(2026, 12, 8), overnight=False)
    leaving = sorted(t.departures[0] for t in tuesday if t.id.startswith("uji:g1-1@"))
    assert leaving[0] == 6 * 3600
    assert leaving[-1] == 21 * 3600
    assert len(leaving) == 15 * 4 + 1
    assert network.build(feed, tuesday).flat()  # RAPTOR's arrays are made of it


def test_the_same_csv_makes_the_same_feed_and_ids() -> None:
    first, again = convert(ROUTES), convert(ROUTES)
    assert first.loaded.sha256 == again.loaded.sha256
    shorter = convert("\n".join(ROUTES.splitlines()[:2] + ROUTES.splitlines()[3:]))
    assert set(shorter.loaded.feed.stops) < set(first.loaded.feed.stops)  # B left out only


def test_blank_minutes_are_the_distance_at_the_stated_speed() -> None:
    made = convert(ROUTES.replace("G1,,,Timur,,,,,,Halte B", "G1,,,Timur,,,,,,Halte B"))
    times = made.loaded.feed.stop_times["uji:g1-1"]
    # Halte A to B: 0.01 degree of longitude at 5.2 degrees south, times the detour, at 20 km/h
    metres = 0.01 * math.pi / 180 * 6_371_000 * math.cos(math.radians(5.2)) * network.DETOUR
    assert abs(times.arrivals[1] - times.arrivals[0] - metres / (20 / 3.6)) <= 1
    faster = convert(ROUTES.replace(HEADER, HEADER + ",speed_kmh").replace(
        "G1,Uji Satu,Bus Uji,Timur,ya,06:00,21:00,15,setiap hari,Halte A,-5.2000,119.4400,",
        "G1,Uji Satu,Bus Uji,Timur,ya,06:00,21:00,15,setiap hari,Halte A,-5.2000,119.4400,,40",
    ))  # fmt: skip
    quick = faster.loaded.feed.stop_times["uji:g1-1"]
    assert abs((quick.arrivals[1] - quick.arrivals[0]) * 2 - (times.arrivals[1] - 21600)) <= 2


def test_a_spreadsheet_in_indonesian_writes_semicolons_and_decimal_commas() -> None:
    semicolons = ROUTES.replace(",", ";").replace(".", ",")

    made = convert(semicolons)

    assert made.loaded.feed.stops.keys() == convert(ROUTES).loaded.feed.stops.keys()
    assert made.preview()["routes"][1]["directions"][0]["minutes"] == [0.0, 8.0]


def test_the_preview_lists_routes_stops_and_headways() -> None:
    preview = convert(ROUTES).preview()

    g1, g2 = preview["routes"]
    assert (g1["short_name"], g1["long_name"], g1["agency"]) == ("G1", "Uji Satu", "Bus Uji")
    [east] = g1["directions"]
    assert east["stops"] == ["Halte A", "Halte B", "Halte C"]
    assert (east["first"], east["last"], east["headway_min"], east["both_ways"]) == (
        "06:00",
        "21:00",
        15,
        True,
    )
    assert g2["directions"][0]["days"] == "mon,tue,wed,thu,fri"
    assert (preview["stops"], preview["trips"]) == (4, 3)


def test_the_illustrative_example_converts() -> None:
    made = csvfeed.convert(
        EXAMPLE.read_bytes(), "contoh", file=EXAMPLE.name, today=TODAY, timezone="Asia/Makassar"
    )
    assert len(made.routes) == 2
    assert not made.loaded.feed.warnings


def _with(line: int, old: str, new: str) -> str:
    lines = ROUTES.splitlines()
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "code", "line", "column", "letter"),
    [
        (ROUTES.replace(",lat,", ",latitude,"), "transit_csv_unknown_column", 1, "latitude", "K"),
        (ROUTES.replace(",minutes", ",menit"), "transit_csv_unknown_column", 1, "menit", "M"),
        (
            ROUTES.replace(HEADER, HEADER.replace("route,", "kode,")),
            "transit_csv_unknown_column",
            1,
            "kode",
            "A",
        ),
        (HEADER.replace(",stop", "") + "\n", "transit_csv_missing_column", 1, "stop", ""),
        (_with(3, "Halte B", ""), "transit_csv_missing_value", 3, "stop", "J"),
        (_with(2, "Bus Uji", ""), "transit_csv_missing_value", 2, "agency", "C"),
        (_with(2, "15,setiap hari", "15,"), "transit_csv_missing_value", 2, "days", "I"),
        (_with(3, "-5.2000", "-95.2"), "transit_csv_bad_value", 3, "lat", "K"),
        (_with(6, "119.4600,8", "119,46,8"), "transit_csv_extra_values", 6, "", "N"),
        (_with(3, "-5.2000,119.4500", "-5,2000,119.4500"), "transit_csv_extra_values", 3, "", "N"),
        (_with(6, ",8", ",-3"), "transit_csv_bad_value", 6, "minutes", "M"),
        (
            _with(5, "-5.2000,119.4600,0", "-5.2000,119.4600,5"),
            "transit_csv_bad_value",
            5,
            "minutes",
            "M",
        ),
        (_with(2, "06:00", "6 pagi"), "transit_csv_bad_value", 2, "first", "F"),
        (_with(2, "21:00", "05:00"), "transit_csv_bad_value", 2, "last", "G"),
        (_with(2, ",15,", ",0,"), "transit_csv_bad_value", 2, "headway", "H"),
        (_with(2, ",15,", ",7.5,"), "transit_csv_bad_value", 2, "headway", "H"),
        (_with(5, "sen-jum", "senin-jumatan"), "transit_csv_bad_value", 5, "days", "I"),
        (_with(2, ",ya,", ",mungkin,"), "transit_csv_bad_value", 2, "return", "E"),
        (
            _with(3, "G1,,,Timur,,,,,", "G1,,,Timur,,,,30,"),
            "transit_csv_conflict",
            3,
            "headway",
            "H",
        ),
        (
            _with(4, "G1,,,", "G1,,Bus Lain,"),
            "transit_csv_conflict",
            4,
            "agency",
            "C",
        ),
        (
            ROUTES + "G3,Uji Tiga,Bus Uji,X,,07:00,08:00,10,daily,Halte E,-5.1,119.4,\n",
            "transit_csv_too_few_stops",
            7,
            "stop",
            "",
        ),
        (HEADER + "\n\n", "transit_csv_empty", 1, "", ""),
    ],
)
def test_each_problem_names_its_line_and_column(
    text: str, code: str, line: int, column: str, letter: str
) -> None:
    with pytest.raises(CsvError) as caught:
        convert(text)

    error = caught.value
    assert (error.code, error.line, error.column) == (code, line, column)
    assert error.details == [{"line": line, "column": column}]
    english, indonesian = error.message("en"), error.message("id")
    assert english.startswith(f"rute.csv line {line}") or code == "transit_csv_empty"
    assert indonesian.startswith(f"rute.csv baris {line}") or code == "transit_csv_empty"
    if letter:
        assert f"column {letter}" in english
        assert f"kolom {letter}" in indonesian


def test_route_level_values_may_be_repeated_on_every_row() -> None:
    every_row = "G1,Uji Satu,Bus Uji,Timur,ya,06:00,21:00,15,setiap hari,"
    repeated = ROUTES.replace("G1,,,Timur,,,,,,", every_row)
    assert convert(repeated).loaded.sha256 == convert(ROUTES).loaded.sha256


def test_other_refusals() -> None:
    with pytest.raises(CsvError) as not_text:
        csvfeed.convert(b"\xff\xfe\x00r", "uji", file="rute.csv", today=TODAY)
    assert not_text.value.code == "transit_csv_unreadable"
    with pytest.raises(CsvError) as control:
        convert(ROUTES.replace("Halte B", "Halte\x07B"))
    assert (control.value.code, control.value.line) == ("transit_csv_unreadable", 3)
    with pytest.raises(CsvError) as zone:
        convert(
            ROUTES.replace(HEADER, HEADER + ",timezone").replace(
                "Halte A,-5.2000,119.4400,", "Halte A,-5.2000,119.4400,,Mars/Olympus"
            )
        )
    assert (zone.value.code, zone.value.line, zone.value.column) == (
        "transit_csv_bad_value",
        2,
        "timezone",
    )
    with pytest.raises(SigapError) as name:
        csvfeed.convert(ROUTES.encode(), "Uji:1", file="rute.csv", today=TODAY)
    assert name.value.code == "transit_bad_feed_name"
