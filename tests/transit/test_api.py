"""The transit API through HTTP on both databases: a golden plan on the real MRT and KRL
feeds, frequency-based rides said honestly, stops and routes, the errors in both languages,
and a new version of a feed imported while the planner answers."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import until
from tests.transit.feeds import (
    CREDITS,
    FILES,
    TUESDAY,
    A,
    C,
    D,
    E,
    import_feeds,
    jakarta,
    plan,
    transjakarta,
    write,
)

from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.transit import gtfs, state, store

LEBAK_BULUS = (-6.2895, 106.7745)  # the street by the station's entrance
BUNDARAN_HI = (-6.1930, 106.8230)  # the roundabout, south of the station
MINUTE = 60


def url_of(client: TestClient) -> str:
    return str(client.app.state.settings.database_url)  # type: ignore[attr-defined]


@pytest.fixture
def mrt_krl(client: TestClient) -> TestClient:
    import_feeds(url_of(client), *jakarta(), credits=CREDITS)
    return client


def test_lebak_bulus_to_bundaran_hi_is_one_mrt_ride(mrt_krl: TestClient) -> None:
    answer = plan(mrt_krl, LEBAK_BULUS, BUNDARAN_HI, lang="en")

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["date"] == TUESDAY
    assert body["depart"] == f"{TUESDAY}T08:00:00+07:00"
    fastest = body["options"][0]
    assert fastest["transfers"] == 0
    assert [leg["kind"] for leg in fastest["legs"]] == ["walk", "ride", "walk"]
    walk_in, ride, walk_out = fastest["legs"]
    assert walk_in["start"] == {
        "stop_id": None,
        "station_id": None,
        "name": None,
        "lat": LEBAK_BULUS[0],
        "lon": LEBAK_BULUS[1],
    }
    assert walk_in["end"] == ride["start"]
    assert ride["start"]["station_id"] == "mrt:SLBB"
    assert "Lebak Bulus" in ride["start"]["name"]
    assert ride["end"]["station_id"] == "mrt:SBHI"
    assert "Bundaran HI" in ride["end"]["name"]
    assert ride["route"] == {
        "id": "mrt:MRTJ_NS",
        "short_name": "NS",
        "long_name": "Lin Utara-Selatan",
        "agency": {"id": "mrt:MRTJ", "name": "PT MRT Jakarta", "url": "https://jakartamrt.co.id"},
        "type": 1,
        "mode": "metro",
        "color": "#CA1F47",
    }
    assert ride["headsign"] == "Bundaran HI"
    assert ride["stops"] == 12
    assert 25 * MINUTE <= ride["duration_s"] <= 35 * MINUTE
    assert (ride["headway_s"], ride["every"], ride["estimated"]) == (None, None, False)
    assert not fastest["estimated"]  # the MRT publishes a timetable
    assert walk_in["arrive"] == ride["depart"]  # nobody waits on the platform for nothing
    assert f"{TUESDAY}T08:00" <= walk_in["depart"] <= f"{TUESDAY}T08:15"
    assert 0 < walk_in["distance_m"] <= 800 * 1.3
    assert 0 < walk_out["distance_m"] <= 800 * 1.3
    assert fastest["walk_m"] == walk_in["distance_m"] + walk_out["distance_m"]
    assert fastest["duration_s"] == sum(leg["duration_s"] for leg in fastest["legs"])
    assert walk_out["end"]["lat"] == BUNDARAN_HI[0]
    assert {c["feed"]: c["credit"] for c in body["credits"]} == CREDITS
    assert {c["feed"]: c["agencies"] for c in body["credits"]} == {
        "mrt": ["PT MRT Jakarta"],
        "krl": ["KAI Commuter"],
    }


def test_blok_m_to_kota_on_corridor_1_says_every_7_minutes_over_the_three_feeds(
    mrt_krl: TestClient,
) -> None:
    import_feeds(url_of(mrt_krl), transjakarta())  # a second import: the network grows

    body = plan(mrt_krl, (-6.2433, 106.8018), (-6.1368, 106.8149), lang="en").json()

    direct = body["options"][0]
    assert direct["transfers"] == 0
    [ride] = [leg for leg in direct["legs"] if leg["kind"] == "ride"]
    assert ride["route"]["id"] == "tj:1"
    assert ride["route"]["mode"] == "bus"
    assert ride["headway_s"] == 400
    assert ride["every"] == "every 7 minutes"
    assert ride["estimated"]
    assert direct["estimated"]
    assert body["network_version"] == 2
    assert {c["feed"] for c in body["credits"]} == {"mrt", "krl", "tj"}


def test_a_frequency_based_ride_says_every_n_minutes_and_is_estimated(
    client: TestClient, tmp_path: Path
) -> None:
    import_feeds(url_of(client), store.load(write(tmp_path / "uji"), "uji"))

    english = plan(client, D, E, lang="en").json()["options"][0]
    indonesian = plan(client, D, E).json()["options"][0]

    [ride] = [leg for leg in english["legs"] if leg["kind"] == "ride"]
    assert ride["route"]["short_name"] == "F2"
    assert ride["headway_s"] == 600
    assert ride["every"] == "every 10 minutes"
    assert ride["estimated"]
    assert english["estimated"]
    assert [leg["every"] for leg in indonesian["legs"] if leg["kind"] == "ride"] == [
        "setiap 10 menit"
    ]


def test_a_timetabled_ride_keeps_the_operator_s_times(client: TestClient, tmp_path: Path) -> None:
    import_feeds(url_of(client), store.load(write(tmp_path / "uji"), "uji"))

    [option] = plan(client, A, C).json()["options"]

    [ride] = [leg for leg in option["legs"] if leg["kind"] == "ride"]
    assert (ride["depart"], ride["arrive"]) == (
        f"{TUESDAY}T08:10:00+07:00",
        f"{TUESDAY}T08:20:00+07:00",
    )
    assert (ride["headsign"], ride["stops"], ride["estimated"]) == ("Utara", 2, False)


def test_the_feeds_are_listed_with_their_credits(mrt_krl: TestClient) -> None:
    feeds = mrt_krl.get("/api/v1/transit/feeds").json()

    assert [(f["feed"], f["version"], f["credit"]) for f in feeds] == [
        ("krl", 1, CREDITS["krl"]),
        ("mrt", 1, CREDITS["mrt"]),
    ]
    assert [(f["service_start"], f["service_end"]) for f in feeds] == [
        ("2026-01-01", "2026-12-31"),  # KRL's calendar: no KRL trip is planned after it
        ("2019-04-01", "2030-12-31"),
    ]
    assert feeds == plan(mrt_krl, LEBAK_BULUS, BUNDARAN_HI).json()["credits"]


def test_stops_are_found_by_name_with_their_routes(mrt_krl: TestClient) -> None:
    found = mrt_krl.get("/api/v1/transit/stops", params={"q": "bundaran hi"}).json()
    manggarai = mrt_krl.get("/api/v1/transit/stops", params={"q": "MANGGARAI"}).json()
    nothing = mrt_krl.get("/api/v1/transit/stops", params={"q": "zzz"}).json()

    assert found[0]["id"] == "mrt:SBHI"
    assert found[0]["kind"] == "station"
    assert [r["id"] for r in found[0]["routes"]] == ["mrt:MRTJ_NS"]
    assert all("bundaran hi" in stop["name"].casefold() for stop in found)
    assert manggarai
    assert all(s["id"].startswith("krl:") for s in manggarai)
    assert {r["agency"]["name"] for s in manggarai for r in s["routes"]} == {"KAI Commuter"}
    assert nothing == []
    # the words as typed, together, first: Blok A's "MRT" holds an m too
    blok_m = mrt_krl.get("/api/v1/transit/stops", params={"q": "blok m"}).json()
    assert blok_m[0]["id"] == "mrt:SBKM", [s["name"] for s in blok_m]


def test_a_station_lists_its_platforms_and_a_platform_its_station(mrt_krl: TestClient) -> None:
    station = mrt_krl.get("/api/v1/transit/stops/mrt:SBHI").json()
    platform = mrt_krl.get(f"/api/v1/transit/stops/{station['platforms'][0]['stop_id']}").json()

    assert station["station_id"] is None
    assert len(station["platforms"]) == 2
    assert {p["station_id"] for p in station["platforms"]} == {"mrt:SBHI"}
    assert platform["station_id"] == "mrt:SBHI"
    assert platform["kind"] == "stop"
    assert [r["id"] for r in platform["routes"]] == ["mrt:MRTJ_NS"]


def test_routes_are_listed_and_a_route_gives_its_stops_in_order(mrt_krl: TestClient) -> None:
    routes = mrt_krl.get("/api/v1/transit/routes").json()
    mrt = mrt_krl.get("/api/v1/transit/routes/mrt:MRTJ_NS").json()

    assert sorted(r["id"] for r in routes) == [
        "krl:KRL-BOGOR",
        "krl:KRL-CIKARANG",
        "krl:KRL-RANGKASBITUNG",
        "krl:KRL-TANGERANG",
        "krl:KRL-TANJUNGPRIOK",
        "mrt:MRTJ_NS",
    ]
    assert {s["headsign"] for s in mrt["sequences"][:2]} == {"Bundaran HI", "Lebak Bulus"}
    south = next(s for s in mrt["sequences"] if s["headsign"] == "Bundaran HI")
    names = [stop["station_id"] for stop in south["stops"]]
    assert names[0] == "mrt:SLBB"
    assert names[-1] == "mrt:SBHI"
    assert len(names) == 13
    assert south["trips"] > 100


def error(answer: Any) -> tuple[int, str, str]:
    body = answer.json()["error"]
    return answer.status_code, body["code"], body["message"]


def test_without_a_network_every_read_says_so(client: TestClient) -> None:
    answers = [
        plan(client, LEBAK_BULUS, BUNDARAN_HI),
        client.get("/api/v1/transit/stops", params={"q": "x"}),
        client.get("/api/v1/transit/routes", headers={"Accept-Language": "en"}),
        client.get("/api/v1/transit/feeds"),
    ]

    assert [error(a)[:2] for a in answers] == [(404, "transit_no_network")] * 4
    assert "sigap import-gtfs" in error(answers[0])[2]
    assert error(answers[2])[2].startswith("No transit network has been imported yet")


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"depart": "25:00"}, 422, "transit_bad_time"),
        ({"depart": "8h"}, 422, "transit_bad_time"),
        ({"from_lat": "-6.0", "from_lon": "106.0"}, 422, "transit_no_stop_near"),
        ({"to_lat": "-6.0", "to_lon": "106.0"}, 422, "transit_no_stop_near"),
        ({"date": "2031-03-04"}, 422, "transit_no_service"),
        ({"date": "2026-02-30"}, 422, "invalid_input"),
        ({"from_lat": "91"}, 422, "invalid_input"),
    ],
)
def test_a_plan_that_cannot_be_made_says_why(
    client: TestClient, tmp_path: Path, query: dict[str, str], status: int, code: str
) -> None:
    import_feeds(url_of(client), store.load(write(tmp_path / "uji"), "uji"))

    assert error(plan(client, A, C, **query))[:2] == (status, code)


def test_errors_speak_both_languages(client: TestClient, tmp_path: Path) -> None:
    import_feeds(url_of(client), store.load(write(tmp_path / "uji"), "uji"))

    far = error(plan(client, (-6.0, 106.0), C, lang="en"))
    jauh = error(plan(client, (-6.0, 106.0), C))
    service = error(plan(client, A, C, date="2031-03-04", lang="en"))

    assert far[2] == "There is no stop or station within 800 m of the start (-6.0, 106.0)."
    assert jauh[2] == "Tidak ada halte atau stasiun dalam 800 m dari titik berangkat (-6.0, 106.0)."
    assert "2026-01-01 to 2026-12-31" in service[2]
    assert error(client.get("/api/v1/transit/stops/uji:Z"))[:2] == (404, "transit_stop_not_found")
    assert error(client.get("/api/v1/transit/routes/uji:K9"))[:2] == (
        404,
        "transit_route_not_found",
    )


def test_a_new_version_is_planned_on_once_a_process_looks(
    client: TestClient, tmp_path: Path
) -> None:
    url = url_of(client)
    import_feeds(url, store.load(write(tmp_path / "v1"), "uji"))
    first = plan(client, A, C).json()
    later = FILES["stop_times.txt"].replace("08:10", "08:30").replace("08:15", "08:35")
    later = later.replace("08:20", "08:40")
    newer = write(
        tmp_path / "v2",
        **{"stop_times.txt": later, "trips.txt": FILES["trips.txt"].replace("Utara", "Utara Baru")},
    )
    holder: state.Holder = client.app.state.transit  # type: ignore[attr-defined]
    holder.every = 3600  # looks at the version once an hour: the import is not seen yet

    import_feeds(url, store.load(newer, "uji"))
    unseen = plan(client, A, C).json()
    holder.every = 0  # looks now
    seen = plan(client, A, C).json()

    def ride(answer: Any) -> tuple[str, str]:
        [leg] = [leg for leg in answer["options"][0]["legs"] if leg["kind"] == "ride"]
        return leg["headsign"], leg["depart"]

    assert first["network_version"] == unseen["network_version"] == 1
    assert ride(first) == ride(unseen) == ("Utara", f"{TUESDAY}T08:10:00+07:00")
    assert seen["network_version"] == 2
    assert ride(seen) == ("Utara Baru", f"{TUESDAY}T08:30:00+07:00")
    assert [c["version"] for c in seen["credits"]] == [2]


def test_a_version_that_cannot_be_built_leaves_the_old_one_answering(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = url_of(client)
    import_feeds(url, store.load(write(tmp_path / "uji"), "uji"))
    assert plan(client, A, C).json()["network_version"] == 1
    import_feeds(url, store.load(write(tmp_path / "uji"), "uji"))
    client.app.state.transit.every = 0  # type: ignore[attr-defined]
    load = state.load

    def broken(database: Database) -> state.Network | None:
        raise gtfs.FeedError("gtfs_bad_value", feed="uji", file="stops.txt", line=2)

    monkeypatch.setattr(state, "load", broken)
    during = plan(client, A, C)
    monkeypatch.setattr(state, "load", load)
    after = plan(client, A, C)

    assert during.status_code == 200
    assert during.json()["network_version"] == 1
    assert after.json()["network_version"] == 2


def test_while_one_request_builds_the_new_network_the_others_answer_from_the_old(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_feeds(database_url, store.load(write(tmp_path / "v1"), "uji"))
    database = Database(database_url)
    holder = state.Holder(every=0)
    old = holder.current(database)
    import_feeds(database_url, store.load(write(tmp_path / "v1"), "uji"))
    building, release = threading.Event(), threading.Event()
    load = state.load

    def slow_load(db: Database) -> state.Network | None:
        building.set()
        release.wait(30)
        return load(db)

    monkeypatch.setattr(state, "load", slow_load)
    got: list[state.Network] = []
    builder = threading.Thread(target=lambda: got.append(holder.current(database)))
    builder.start()
    try:
        assert building.wait(30)
        during = holder.current(database)  # the builder holds the lock: no waiting
    finally:
        release.set()
        builder.join(30)
    after = holder.current(database)
    database.dispose()

    assert during is old
    assert old.version == 1
    assert got[0].version == after.version == 2
    assert after is got[0]  # built once


def test_a_new_process_builds_the_network_and_today_s_timetable_at_start(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_feeds(settings.database_url, store.load(write(tmp_path / "uji"), "uji"))

    with TestClient(create_app(settings)) as client:
        holder: state.Holder = client.app.state.transit  # type: ignore[attr-defined]
        assert until(lambda: holder.network is not None and bool(holder.network.timetables()))
        built = holder.network

        def boom(*args: object) -> None:
            raise AssertionError("built again")

        monkeypatch.setattr(state, "load", boom)
        monkeypatch.setattr(state.network, "build", boom)
        answer = plan(client, A, C, date=datetime.now(built.zone).date().isoformat())

    assert answer.status_code in (200, 422), answer.text  # 422: no service today in 2027
    assert answer.json().get("network_version", 1) == 1


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
            (
                d["time"][11:16],
                d["route"]["short_name"],
                d["every"] or "",
                (d["until"] or "")[11:16],
                str(d["estimated"]),
            )
            for d in answer.json()["departures"]
        ]

    assert departures("uji:A") == [("08:10", "K1", "", "", "False")]
    # one line for the period: the next about 08:10, then every 10 minutes until 21:50
    assert departures("uji:D") == [("08:10", "F2", "every 10 minutes", "21:50", "True")]
    assert departures("exact:D") == [  # exact_times=1: a timetable written compactly
        ("08:10", "F2", "", "", "False"),
        ("08:20", "F2", "", "", "False"),
        ("08:30", "F2", "", "", "False"),
    ]
    assert departures("uji:C") == []  # where the trip ends nothing departs
    assert departures("uji:A", time="08:11") == []
    assert departures("uji:A", date="2026-12-12") == []  # a Saturday: no service
    missing = client.get("/api/v1/transit/stops/uji:Z/departures")
    assert missing.json()["error"]["code"] == "transit_stop_not_found"


def test_arrive_by_leaves_as_late_as_it_can(mrt_krl: TestClient) -> None:
    """Arriving by 09:00 from Lebak Bulus at Bundaran HI: the last MRT that makes it, leaving
    later than a depart-at query's first train; a minute earlier arrival, an earlier train."""

    def latest(arrive: str) -> dict[str, Any]:
        answer = plan(mrt_krl, LEBAK_BULUS, BUNDARAN_HI, depart="", arrive=arrive)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["depart"] is None
        assert body["arrive"] == f"{TUESDAY}T{arrive}:00+07:00"
        return dict(body["options"][0])

    by_nine = latest("09:00")
    assert by_nine["arrive"] <= f"{TUESDAY}T09:00:00+07:00"
    assert by_nine["transfers"] == 0
    hour, minute, second = (int(part) for part in by_nine["arrive"][11:19].split(":"))
    at = hour * 60 + minute + (1 if second else 0)  # the first whole minute it has arrived by
    same = latest(f"{at // 60:02d}:{at % 60:02d}")
    assert same["depart"] == by_nine["depart"]
    before = latest(f"{(at - 1) // 60:02d}:{(at - 1) % 60:02d}")  # a minute short of it
    assert before["depart"] < by_nine["depart"]
    both = plan(mrt_krl, LEBAK_BULUS, BUNDARAN_HI, arrive="09:00")
    assert both.status_code == 422
    assert both.json()["error"]["code"] == "transit_depart_or_arrive"
