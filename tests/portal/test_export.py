"""Open data: CSV and GeoJSON exports, streamed, without personal data."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sigap.portal import export


def test_csv_has_every_report_and_nothing_personal(client: TestClient) -> None:
    body = {
        "category": "sampah",
        "lat": -6.1754,
        "lon": 106.8272,
        "description": "Rumah Pak Budi Santoso, telepon 0812",
        "address": "Jl. Rahasia 1",
        "reporter": {"name": "Budi Santoso", "email": "budi@example.org"},
    }
    created = client.post("/api/v1/reports", json=body).json()

    response = client.get("/api/v1/export/reports.csv")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "CC BY 4.0" in response.headers["x-licence"]
    for secret in ("Budi", "budi@", "0812", "Rahasia"):
        assert secret not in response.text
    [row] = list(csv.DictReader(io.StringIO(response.text)))
    assert row["id"] == str(created["id"])
    assert row["kelurahan_code"] == "31.71.01.1001"
    assert row["unit_code"]
    assert row["overdue"] == "False"
    assert row["url"] == f"http://sigap.test/reports/{created['id']}"


def test_exports_take_the_map_filters_and_stream_in_chunks(
    client: TestClient, reports: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "CHUNK", 2)  # five reports: three chunks, keyset on id

    everything = client.get("/api/v1/export/reports.csv").text.strip().splitlines()
    banjir = client.get("/api/v1/export/reports.csv?category=banjir").text.strip().splitlines()
    geo = client.get("/api/v1/export/reports.geojson?area=31.71").json()

    assert len(everything) == 1 + 5
    assert sorted(int(line.split(",")[0]) for line in everything[1:]) == sorted(
        r["id"] for r in reports
    )
    assert len(banjir) == 1 + 2
    assert geo["type"] == "FeatureCollection"
    assert "CC BY" in geo["licence"]
    assert len(geo["features"]) == 3
    first = geo["features"][0]
    assert first["geometry"]["type"] == "Point"
    assert "description" not in first["properties"]
    assert client.get("/api/v1/export/reports.csv?status=lost").status_code == 422


def test_open_data_page_links_the_exports_with_the_filters(client: TestClient) -> None:
    page = client.get("/open-data?category=banjir&lang=en")
    assert "/api/v1/export/reports.csv?category=banjir" in page.text
    assert "/open311/v2/discovery.json" in page.text
    assert "CC BY 4.0" in page.text
