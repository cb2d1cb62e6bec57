"""Reports that name a transit route and stop, through HTTP on both databases: the Jakarta
pack's ``angkutan_umum`` category asks for them (questions of the datatypes transit_route and
transit_stop), a named MRT route sends the report to the MRT's unit (transit_operators.csv),
a route of an agency the pack does not map leaves the category's routing, wrong routes and
stops are refused with their codes in both languages and nothing stored, and the lists filter
by route without revealing a confidential report's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.transit.feeds import CREDITS, import_feeds, jakarta, write

from sigap import models
from sigap.db import Database
from sigap.demo import seed_reports, seed_transit
from sigap.migrations import upgrade
from sigap.regions import pack as packs
from sigap.regions.service import import_pack
from sigap.regions.state import load_state
from sigap.transit import state, store

MONAS = {"lat": -6.1754, "lon": 106.8272}
NS = "mrt:MRTJ_NS"  # Lebak Bulus - Bundaran HI
BUNDARAN_HI = "mrt:SBHI"  # its station (the platforms are mrt:GBHI01, 02)
BOGOR = "krl:KRL-BOGOR"


def body(**attributes: Any) -> dict[str, Any]:
    return {
        "category": "angkutan_umum",
        **MONAS,
        "description": "Eskalator mati sejak pagi.",
        "attributes": attributes,
    }


def url_of(client: TestClient) -> str:
    return str(client.app.state.settings.database_url)  # type: ignore[attr-defined]


def reports_in(url: str) -> int:
    database = Database(url)
    try:
        with database.reading() as session:
            return session.scalar(select(func.count()).select_from(models.Report)) or 0
    finally:
        database.dispose()


@pytest.fixture
def mrt_krl(client: TestClient) -> TestClient:
    import_feeds(url_of(client), *jakarta(), credits=CREDITS)
    return client


def test_a_report_naming_an_mrt_route_and_station_goes_to_the_mrt(mrt_krl: TestClient) -> None:
    answer = mrt_krl.post("/api/v1/reports?lang=en", json=body(rute=NS, halte=BUNDARAN_HI))

    assert answer.status_code == 201, answer.text
    report = answer.json()
    assert report["unit"]["code"] == "mrt-jakarta"  # not Gambir's kelurahan, nor dishub
    assert report["transit_route"] == {"id": NS, "name": "NS Lin Utara-Selatan"}
    assert report["transit_stop"]["id"] == BUNDARAN_HI
    assert "Bundaran HI" in report["transit_stop"]["name"]
    shown = {a["code"]: a for a in report["answers"]}
    assert shown["rute"]["value"] == NS
    assert shown["rute"]["text"] == "NS Lin Utara-Selatan"
    read = mrt_krl.get(f"/api/v1/reports/{report['id']}").json()
    assert read["transit_route"]["id"] == NS
    assert read["unit"]["code"] == "mrt-jakarta"
    # A platform of the station is a stop of the route too; a KRL line goes to KAI Commuter.
    platform = mrt_krl.post("/api/v1/reports", json=body(rute=NS, halte="mrt:GBHI01"))
    assert platform.status_code == 201, platform.text
    krl = mrt_krl.post("/api/v1/reports", json=body(rute=BOGOR))
    assert krl.json()["unit"]["code"] == "kai-commuter"


def test_without_a_route_the_category_routes_as_before(mrt_krl: TestClient) -> None:
    nothing = mrt_krl.post("/api/v1/reports", json=body())
    stop_only = mrt_krl.post("/api/v1/reports", json=body(halte=BUNDARAN_HI))

    assert nothing.json()["unit"]["code"] == "dishub"  # routing.csv: angkutan_umum -> dishub
    assert nothing.json()["transit_route"] is None
    assert stop_only.json()["unit"]["code"] == "dishub"
    assert stop_only.json()["transit_stop"]["id"] == BUNDARAN_HI


@pytest.mark.parametrize(
    ("attributes", "code", "english", "indonesian"),
    [
        (
            {"rute": "mrt:NOPE"},
            "unknown_transit_route",
            "is not in the transit network",
            "tidak ada",
        ),
        (
            {"halte": "mrt:EBHI01"},
            "unknown_transit_stop",
            "is not in the transit network",
            "tidak ada",
        ),
        (
            {"rute": NS, "halte": "krl:KRL-BGR"},
            "transit_stop_not_on_route",
            "does not call at",
            "tidak berhenti",
        ),
        ({"rute": [NS, BOGOR]}, "attribute_one_value", "", ""),
    ],
)
def test_wrong_routes_and_stops_are_refused_and_nothing_stored(
    mrt_krl: TestClient, attributes: dict[str, Any], code: str, english: str, indonesian: str
) -> None:
    before = reports_in(url_of(mrt_krl))

    answers = {
        language: mrt_krl.post(f"/api/v1/reports?lang={language}", json=body(**attributes))
        for language in ("en", "id")
    }

    for answer in answers.values():
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["code"] == code
    assert english in answers["en"].json()["error"]["message"]
    assert indonesian in answers["id"].json()["error"]["message"]
    assert reports_in(url_of(mrt_krl)) == before


def test_without_an_imported_network_every_route_is_unknown(client: TestClient) -> None:
    answer = client.post("/api/v1/reports", json=body(rute=NS))

    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "unknown_transit_route"
    assert client.post("/api/v1/reports", json=body()).status_code == 201


def test_a_route_of_an_agency_the_pack_does_not_map_routes_as_before(
    client: TestClient, tmp_path: Path
) -> None:
    import_feeds(url_of(client), store.load(write(tmp_path / "uji"), "uji"))

    answer = client.post("/api/v1/reports", json=body(rute="uji:K1", halte="uji:B"))

    assert answer.status_code == 201, answer.text
    assert answer.json()["unit"]["code"] == "dishub"
    assert answer.json()["transit_route"] == {"id": "uji:K1", "name": "K1 Koridor Uji"}
    assert answer.json()["transit_stop"] == {"id": "uji:B", "name": "Halte Bravo"}


def test_the_list_filters_by_route_and_hides_confidential_ones(mrt_krl: TestClient) -> None:
    on_ns = [mrt_krl.post("/api/v1/reports", json=body(rute=NS)).json()["id"] for _ in range(2)]
    mrt_krl.post("/api/v1/reports", json=body(rute=BOGOR))
    mrt_krl.post("/api/v1/reports", json=body())
    secret = mrt_krl.post("/api/v1/reports", json={**body(rute=NS), "confidential": True})
    assert secret.status_code == 201

    listed = mrt_krl.get("/api/v1/reports", params={"route": NS}).json()["items"]
    everything = mrt_krl.get("/api/v1/reports").json()["items"]

    assert sorted(item["id"] for item in listed) == sorted(on_ns)
    assert {item["transit_route"] for item in listed} == {NS}
    assert len(everything) == 5
    assert next(i for i in everything if i["id"] == secret.json()["id"])["transit_route"] is None
    bogor = mrt_krl.get("/api/v1/reports", params={"route": BOGOR}).json()["items"]
    assert len(bogor) == 1
    assert mrt_krl.get("/api/v1/reports", params={"route": "krl:NONE"}).json()["items"] == []


def test_the_portal_and_the_report_page_know_the_route(mrt_krl: TestClient) -> None:
    named = mrt_krl.post("/api/v1/reports", json=body(rute=NS, halte=BUNDARAN_HI)).json()
    mrt_krl.post("/api/v1/reports", json=body(rute=BOGOR))
    jakarta_box = {"bbox": "106.6,-6.4,107.0,-6.0", "zoom": 17}

    on_map = mrt_krl.get("/api/v1/map/clusters", params={**jakarta_box, "route": NS}).json()
    exported = mrt_krl.get("/api/v1/export/reports.csv", params={"route": BOGOR}).text
    portal = mrt_krl.get("/", params={"route": NS, "lang": "en"}).text
    page = mrt_krl.get(f"/reports/{named['id']}", params={"lang": "en"}).text

    assert [point["id"] for point in on_map["points"]] == [named["id"]]
    assert len(exported.strip().splitlines()) == 2  # the header and the KRL report
    assert f'<option value="{NS}" selected>NS Lin Utara-Selatan (PT MRT Jakarta)' in portal
    assert "NS Lin Utara-Selatan" in page
    assert "Bundaran HI" in page
    refused = mrt_krl.get("/api/v1/map/clusters", params={**jakarta_box, "route": "x" * 101})
    assert refused.status_code == 422


@pytest.mark.slow  # the whole Jakarta pack imported and the demo's reports seeded
def test_the_demo_names_routes_and_stops_of_its_network(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    upgrade(url)
    database = Database(url)
    try:
        with database.transaction() as session:
            import_pack(session, packs.read(packs.resolve("jakarta")))
        with database.transaction() as session:
            assert seed_transit(session, "jakarta") == ["krl", "mrt"]
        network = state.load(database)
        assert network is not None
        with database.transaction() as session:
            seed_reports(session, load_state(session), count=21 * 6, network=network)
        with database.reading() as session:
            named = session.execute(
                select(models.Report.transit_route, models.Report.transit_stop).where(
                    models.Report.transit_route.is_not(None)
                )
            ).all()
    finally:
        database.dispose()
    assert named  # about half of the transit category's reports name a route
    for route, stop in named:
        assert route in network.feed.routes
        assert stop is None or route in network.routes_at[stop]
