"""The map's area filter at every level (kota, kecamatan, kelurahan), the area outline the map
zooms to, and the list of the reports in view (/api/v1/reports with a box)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import fold_before_reads
from tests.portal.conftest import JAKARTA, PLACES, Change, hours_ago

# (area, the reports of PLACES inside it)
LEVELS = [
    ("31.71", {0, 1, 4}),  # kota Jakarta Pusat
    ("31.71.01", {0}),  # kecamatan Gambir
    ("31.71.01.1001", {0}),  # kelurahan Gambir
    ("31.74.04.1004", {2}),  # kelurahan Ragunan
]


def map_config(page: str) -> dict[str, Any]:
    found = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', page)
    assert found is not None
    config: dict[str, Any] = json.loads(found.group(1))
    return config


@pytest.mark.parametrize(("area", "inside"), LEVELS)
def test_the_clusters_keep_to_the_area_at_every_level(
    client: TestClient, reports: list[dict[str, Any]], area: str, inside: set[int]
) -> None:
    fold_before_reads(client)  # zoomed out, the map reads the counted grid
    for zoom, dates in ((11, {}), (16, {}), (11, {"since": "2020-01-01"})):
        params = {"bbox": JAKARTA, "zoom": zoom, "area": area, **dates}
        body = client.get("/api/v1/map/clusters", params=params).json()
        ids = {p["id"] for p in body["points"]}
        shown = sum(c["count"] for c in body["clusters"]) + len(body["points"])
        assert shown == len(inside), (zoom, dates, body)
        assert ids <= {reports[i]["id"] for i in inside}


def test_the_map_page_selects_a_kelurahan_and_opens_on_its_box(client: TestClient) -> None:
    page = client.get("/?area=31.71.01.1001")

    assert page.status_code == 200
    assert '<option value="31.71.01.1001" selected>' in page.text
    assert "Kel. Gambir (Gambir, Kota Administrasi Jakarta Pusat)" in page.text  # typeahead
    config = map_config(page.text)
    assert config["area"]["properties"] == {
        "code": "31.71.01.1001",
        "name": "Gambir",
        "level": "kelurahan",
    }
    west, south, east, north = config["area"]["bbox"]
    monas = PLACES[0]
    assert west < monas[2] < east
    assert south < monas[1] < north
    assert east - west < 0.05  # a kelurahan, not the city
    assert config["areaNames"]["31.71.01.1001"] == "Gambir"
    assert map_config(client.get("/").text)["area"] is None


def test_every_level_is_in_the_area_list(client: TestClient) -> None:
    page = client.get("/?lang=en").text

    for code in ("31.71", "31.71.01", "31.71.01.1001", "31.74.04.1004"):
        assert f'<option value="{code}" >' in page
    assert "Kec. Gambir" in page
    assert 'value="31"' not in page  # the province is "all"


def test_an_area_outline_has_its_box(client: TestClient) -> None:
    for code, level in (
        ("31.71", "kabkota"),
        ("31.71.01", "kecamatan"),
        ("31.71.01.1001", "kelurahan"),
    ):
        response = client.get(f"/api/v1/map/areas/{code}.geojson")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/geo+json"
        feature = response.json()
        assert feature["properties"]["level"] == level
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        west, south, east, north = feature["bbox"]
        assert west < 106.8272 < east
        assert south < -6.1754 < north
    province = client.get("/api/v1/map/areas/31.geojson").json()
    assert province["geometry"] is None
    assert province["bbox"][0] < 106.5  # the islands of Kepulauan Seribu
    missing = client.get("/api/v1/map/areas/99.99.geojson")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "area_not_found"


def test_the_dashboard_links_open_the_map_on_their_area(client: TestClient) -> None:
    for code in ("31.71", "31.71.01", "31.71.01.1001"):
        page = client.get(f"/areas/{code}").text
        link = f'href="/?area={code}&amp;lang=id"'
        assert link in page
        opened = client.get(f"/?area={code}&lang=id")
        assert opened.status_code == 200
        assert f'<option value="{code}" selected>' in opened.text
    assert client.get("/?area=&lang=id").status_code == 200  # the region's own link


def list_in_view(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/reports", params={"sort": "-created_at", **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_reports_in_view_are_listed_newest_first_page_by_page(
    client: TestClient, reports: list[dict[str, Any]], change: Change
) -> None:
    for age, report in enumerate(reports):
        change(report["id"], created_at=hours_ago(10 - age))
    central = "106.79,-6.23,106.84,-6.16"  # Monas, Istiqlal and GBK; not Ragunan nor Kota Tua

    first = list_in_view(client, bbox=central, limit=2)
    second = list_in_view(client, bbox=central, limit=2, cursor=first["next_cursor"])

    ids = [r["id"] for r in first["items"] + second["items"]]
    assert ids == [reports[4]["id"], reports[1]["id"], reports[0]["id"]]
    assert second["next_cursor"] is None
    item = first["items"][0]
    assert (item["category"], item["status"], item["kelurahan"]) == ("banjir", "open", PLACES[4][3])


def test_the_list_in_view_takes_the_maps_filters(
    client: TestClient, reports: list[dict[str, Any]], change: Change
) -> None:
    change(reports[1]["id"], due_at=hours_ago(1))

    def ids(**params: Any) -> set[int]:
        return {r["id"] for r in list_in_view(client, bbox=JAKARTA, **params)["items"]}

    assert ids(overdue=1) == {reports[1]["id"]}
    assert ids(area="31.71.01") == {reports[0]["id"]}
    assert ids(area="31.71", category="banjir") == {reports[1]["id"], reports[4]["id"]}
    assert client.get("/api/v1/reports", params={"bbox": "1,2,3"}).status_code == 422
