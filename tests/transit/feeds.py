"""Small hand-made feeds for the storage and API tests, and the real MRT and KRL feeds read
once per run (../shared/data/transit, MIT and CC BY 4.0)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from httpx2 import Response
from tests.transit.conftest import DATA

from sigap.db import Database
from sigap.kit import utcnow
from sigap.transit import store

# Koridor Uji: A -> B -> C eastwards along -6.1754 (about 1.1 km apart), a timetabled trip;
# Frekuensi Uji: D -> E along -6.2000, a bus every 10 minutes (exact_times=0).
A, C, D, E = (-6.1754, 106.8200), (-6.1754, 106.8400), (-6.2000, 106.8200), (-6.2000, 106.8400)
TUESDAY = "2026-12-08"
FILES = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\n"
    "UJI,Bus Uji,https://uji.example,Asia/Jakarta\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n"
    "A,Halte Alfa,-6.1754,106.8200\n"
    "B,Halte Bravo,-6.1754,106.8300\n"
    "C,Halte Charlie,-6.1754,106.8400\n"
    "D,Halte Delta,-6.2000,106.8200\n"
    "E,Halte Echo,-6.2000,106.8400\n",
    "routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_type\n"
    "K1,UJI,K1,Koridor Uji,3\n"
    "F2,UJI,F2,Frekuensi Uji,3\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
    "start_date,end_date\nWD,1,1,1,1,1,0,0,20260101,20261231\n",
    "trips.txt": "route_id,service_id,trip_id,trip_headsign\nK1,WD,t1,Utara\nF2,WD,f1,Timur\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
    "t1,08:10:00,08:10:00,A,1\n"
    "t1,08:15:00,08:15:00,B,2\n"
    "t1,08:20:00,08:20:00,C,3\n"
    "f1,06:00:00,06:00:00,D,1\n"
    "f1,06:12:00,06:12:00,E,2\n",
    "frequencies.txt": "trip_id,start_time,end_time,headway_secs,exact_times\n"
    "f1,06:00:00,22:00:00,600,0\n",
}


def write(folder: Path, **changes: str | None) -> Path:
    """The small feed in ``folder``, with files changed (or left out: None)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**FILES, **changes}.items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


@functools.cache
def jakarta() -> tuple[store.Loaded, store.Loaded]:
    """MRT and KRL, read and validated once."""
    return (
        store.load(DATA / "mrt_jakarta", "mrt"),
        store.load(DATA / "krl_approx", "krl"),
    )


@functools.cache
def transjakarta() -> store.Loaded:
    """Transjakarta's feed (no licence to bundle it: tests only), read once."""
    return store.load(DATA / "transjakarta", "tj")


CREDITS = {
    "mrt": "MRT Jakarta GTFS, MIT licence; stop positions © OpenStreetMap contributors",
    "krl": "KRL Commuter Line (approximate headways), CC BY 4.0",
}


def import_feeds(url: str, *feeds: store.Loaded, credits: dict[str, str] | None = None) -> int:
    database = Database(url)
    try:
        with database.transaction() as session:
            return store.store(session, feeds, utcnow(), credits)
    finally:
        database.dispose()


def plan(
    client: Any, start: tuple[float, float], end: tuple[float, float], **query: str
) -> Response:
    """GET /api/v1/transit/plan from ``start`` to ``end`` (lat, lon), leaving at 08:00 on
    :data:`TUESDAY` unless ``query`` says otherwise."""
    params = {
        "from_lat": start[0],
        "from_lon": start[1],
        "to_lat": end[0],
        "to_lon": end[1],
        "depart": "08:00",
        "date": TUESDAY,
        **query,
    }
    answer: Response = client.get("/api/v1/transit/plan", params=params)
    return answer
