"""Reference data over HTTP: categories, areas, and the API description."""

from __future__ import annotations

import re
from pathlib import Path

import swagger_ui_bundle
from fastapi.testclient import TestClient


def test_categories_in_both_languages(client: TestClient) -> None:
    indonesian = client.get("/api/v1/categories").json()
    english = client.get("/api/v1/categories", params={"lang": "en"}).json()

    assert len(indonesian) == 21
    flood_id = next(c for c in indonesian if c["code"] == "banjir")
    flood_en = next(c for c in english if c["code"] == "banjir")
    assert (flood_id["name"], flood_en["name"]) == ("Banjir", "Flood")
    assert flood_id["response_hours"] == 24
    assert [c["code"] for c in indonesian][:3] == ["kemacetan", "sampah", "banjir"]


def test_area_with_parents_children_and_units(client: TestClient) -> None:
    area = client.get("/api/v1/areas/31.71.01").json()

    assert area["name"] == "Gambir"
    assert area["level"] == "kecamatan"
    assert [p["code"] for p in area["parents"]] == ["31.71", "31"]
    assert {"code": "31.71.01.1001", "name": "Gambir"} in area["children"]
    assert [u["code"] for u in area["units"]] == ["kec-31.71.01"]
    assert area["geometry"] is None


def test_kelurahan_with_postcode_label_point_and_geometry(client: TestClient) -> None:
    area = client.get("/api/v1/areas/31.74.04.1004", params={"geometry": "true"}).json()

    assert area["postcode"] == "12550"
    lon, lat = area["label_point"]
    assert 106.7 < lon < 106.9
    assert -6.4 < lat < -6.2
    assert area["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_unknown_area_is_404(client: TestClient) -> None:
    response = client.get("/api/v1/areas/31.99", headers={"Accept-Language": "en"})

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "No area has the code 31.99."


def test_openapi_and_offline_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    docs = client.get("/docs")

    assert {"/api/v1/reports", "/api/v1/reports/{report_id}", "/api/v1/categories"} <= set(
        spec["paths"]
    )
    body = spec["paths"]["/api/v1/reports"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/ReportCreate"}
    assert {"category", "lat", "lon", "description"} <= set(
        spec["components"]["schemas"]["ReportCreate"]["required"]
    )
    assert "ReporterIn" in spec["components"]["schemas"]
    header = spec["paths"]["/api/v1/reports"]["post"]["parameters"][0]
    assert header["name"] == "Idempotency-Key"
    assert docs.status_code == 200
    assert not re.search(r"(src|href)=.https?://", docs.text), "docs must not load from a CDN"
    assert "/static/swagger/swagger-ui-bundle.js" in docs.text
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    # FastAPI writes OpenAPI 3.1, which Swagger UI reads from version 5 on (4 shows an error).
    assert spec["openapi"].startswith("3.1")
    major = int(Path(swagger_ui_bundle.swagger_ui_path).name.split("-")[-1].split(".")[0])
    assert major >= 5
