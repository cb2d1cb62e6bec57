"""Open311 clients name a transit route and stop as attributes (sigap.reports.transit): the
service definition offers them as strings, a named MRT route sends the report to the MRT's
unit, a route the network lacks is refused with its code and nothing stored."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.open311.test_attributes import reports_in
from tests.transit.feeds import CREDITS, import_feeds, jakarta

from sigap.db import Database


def test_a_route_and_stop_as_attributes_reach_the_operator(
    georeport: Any,
    client: TestClient,
    report_form: dict[str, str],
    database_url: str,
) -> None:
    import_feeds(database_url, *jakarta(), credits=CREDITS)
    definition = georeport.get("services/angkutan_umum", "service-definition.json", lang="en")
    form = {
        **report_form,
        "service_code": "angkutan_umum",
        "attribute[rute]": "mrt:MRTJ_NS",
        "attribute[halte]": "mrt:SBHI",
    }

    (created,) = georeport.post("json", form, headers={"Accept-Language": "en"})
    report = client.get(f"/api/v1/reports/{created['service_request_id']}").json()

    kinds = {a["code"]: a["datatype"] for a in definition["attributes"]}
    assert kinds == {"rute": "string", "halte": "string"}
    assert "MRT Jakarta" in created["service_notice"]
    assert report["unit"]["code"] == "mrt-jakarta"
    assert report["transit_stop"]["id"] == "mrt:SBHI"

    # extended attributes name the route and the stop as people know them, not by their ids
    one = client.get(
        f"/open311/v2/requests/{created['service_request_id']}.json",
        params={"extensions": "true", "lang": "en"},
    ).json()[0]
    values = {a["code"]: a["values"] for a in one["extended_attributes"]["attributes"]}
    assert values["rute"] == [{"key": "mrt:MRTJ_NS", "name": "NS Lin Utara-Selatan"}]
    assert values["halte"] == [{"key": "mrt:SBHI", "name": report["transit_stop"]["name"]}]
    assert report["transit_stop"]["name"] != "mrt:SBHI"


def test_an_unknown_route_is_refused_and_nothing_stored(
    georeport: Any, report_form: dict[str, str], database: Database, database_url: str
) -> None:
    import_feeds(database_url, *jakarta(), credits=CREDITS)
    form = {**report_form, "service_code": "angkutan_umum", "attribute[rute]": "mrt:NOPE"}
    before = reports_in(database)

    errors = georeport.post("json", form, expect=400)

    assert [error["code"] for error in errors] == ["unknown_transit_route"]
    assert "mrt:NOPE" in errors[0]["description"]
    assert reports_in(database) == before


def test_the_requests_list_filters_by_route(
    georeport: Any, report_form: dict[str, str], database_url: str
) -> None:
    import_feeds(database_url, *jakarta(), credits=CREDITS)
    form = {**report_form, "service_code": "angkutan_umum"}
    (on_ns,) = georeport.post("json", {**form, "attribute[rute]": "mrt:MRTJ_NS"})
    georeport.post("json", {**form, "attribute[rute]": "krl:KRL-BOGOR"})
    georeport.post("json", form)

    listed = georeport.get("requests", "requests.json", route="mrt:MRTJ_NS")
    everything = georeport.get("requests", "requests.json")

    assert [r["service_request_id"] for r in listed] == [on_ns["service_request_id"]]
    assert len(everything) == 3
