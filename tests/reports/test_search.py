"""Reading reports: one report, and the filtered, keyset-paged list."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sigap.geo.spatial import BBox, Circle
from sigap.models.states import OPEN_IN_INDEX_ORDER
from sigap.reports.repository import ReportFilters, page_shape
from sigap.reports.schemas import ReportSort

# (category, lat, lon, kelurahan) spread over three kota.
PLACES = [
    ("sampah", -6.1754, 106.8272, "31.71.01.1001"),  # Monas, Gambir (Jakarta Pusat)
    ("banjir", -6.1702, 106.8312, "31.71.02.1001"),  # Istiqlal, Pasar Baru (Jakarta Pusat)
    ("sampah", -6.3116, 106.8199, "31.74.04.1004"),  # Ragunan (Jakarta Selatan)
    ("jalan_rusak", -6.1352, 106.8133, "31.73.03.1008"),  # Kota Tua, Pinangsia (Jakarta Barat)
    ("banjir", -6.2186, 106.8019, "31.71.07.1001"),  # GBK, Gelora (Jakarta Pusat)
]


@pytest.fixture
def reports(client: TestClient) -> list[dict[str, Any]]:
    made = []
    for category, lat, lon, _ in PLACES:
        body = {"category": category, "lat": lat, "lon": lon, "description": "Mohon dicek."}
        response = client.post("/api/v1/reports", json=body)
        assert response.status_code == 201
        made.append(response.json())
    return made


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_get_one_report(client: TestClient, reports: list[dict[str, Any]]) -> None:
    response = client.get(f"/api/v1/reports/{reports[2]['id']}", headers={"Accept-Language": "en"})

    assert response.status_code == 200
    body = response.json()
    assert body["kelurahan"]["name"] == "Ragunan"
    assert body["category"] == {"code": "sampah", "name": "Garbage"}
    assert "tracking_token" not in body


def test_unknown_report_is_404(client: TestClient) -> None:
    response = client.get("/api/v1/reports/999999")

    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "report_not_found",
        "message": "Laporan 999999 tidak ditemukan.",
    }
    assert client.get("/api/v1/nowhere").json()["error"]["code"] == "not_found"


def test_list_is_newest_first_and_pages_with_a_cursor(
    client: TestClient, reports: list[dict[str, Any]]
) -> None:
    seen: list[int] = []
    cursor = None
    for _ in range(5):
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        response = client.get("/api/v1/reports", params=params)
        seen += ids(response)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break

    assert seen == [r["id"] for r in reversed(reports)]
    oldest = client.get("/api/v1/reports", params={"sort": "created_at"})
    assert ids(oldest) == [r["id"] for r in reports]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "banjir"}, [1, 4]),
        ({"category": "banjir,jalan_rusak"}, [1, 3, 4]),
        ({"category": ["banjir", "sampah"]}, [0, 1, 2, 4]),
        ({"area": "31.71"}, [0, 1, 4]),  # a kota
        ({"area": "31.71.01"}, [0]),  # a kecamatan
        ({"area": "31.74.04.1004"}, [2]),  # a kelurahan
        ({"area": "31"}, [0, 1, 2, 3, 4]),  # the province
        ({"bbox": "106.80,-6.20,106.84,-6.13"}, [0, 1, 3]),
        ({"bbox": "106.80,-6.20,106.84,-6.13", "category": "sampah"}, [0]),
        ({"status": "open"}, [0, 1, 2, 3, 4]),
        ({"status": "resolved"}, []),
    ],
)
def test_filters(
    client: TestClient,
    reports: list[dict[str, Any]],
    params: dict[str, Any],
    expected: list[int],
) -> None:
    got = ids(client.get("/api/v1/reports", params=params))

    assert sorted(got) == sorted(reports[i]["id"] for i in expected)


def test_created_since_and_until(client: TestClient, reports: list[dict[str, Any]]) -> None:
    third = reports[2]["created_at"]

    since = ids(client.get("/api/v1/reports", params={"since": third}))
    until = ids(client.get("/api/v1/reports", params={"until": third}))

    assert sorted(since) == [r["id"] for r in reports[2:]]
    assert sorted(until) == [r["id"] for r in reports[:2]]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"sort": "description"}, "invalid_input"),
        ({"cursor": "garbage"}, "invalid_cursor"),
        ({"bbox": "1,2,3"}, "invalid_bbox"),
        ({"bbox": "106.9,-6.1,106.8,-6.2"}, "invalid_bbox"),
        ({"status": "green"}, "invalid_input"),
        ({"area": "99.99"}, "unknown_area"),
        ({"limit": 0}, "invalid_input"),
        ({"since": "yesterday"}, "invalid_input"),
    ],
)
def test_bad_list_parameters_are_explained(
    client: TestClient, params: dict[str, Any], code: str
) -> None:
    response = client.get("/api/v1/reports", params=params)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == code


def test_list_items_carry_no_reporter_data(client: TestClient) -> None:
    body = {
        "category": "sampah",
        "lat": -6.1754,
        "lon": 106.8272,
        "description": "Tolong diangkut.",
        "reporter": {"email": "warga@example.id", "phone": "081234567890"},
    }
    client.post("/api/v1/reports", json=body)

    listing = client.get("/api/v1/reports").text
    assert "warga@example.id" not in listing
    assert "081234567890" not in listing


@pytest.mark.parametrize("dense_box", [1, 2, 10_000])
def test_bbox_plans_agree(
    client: TestClient,
    reports: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    dense_box: int,
) -> None:
    """Whether a box counts as dense (walk the sort index) or sparse (R*Tree), rows agree."""
    monkeypatch.setattr("sigap.geo.spatial.DENSE_BOX", dense_box)
    box = "106.80,-6.20,106.84,-6.13"

    newest = ids(client.get("/api/v1/reports", params={"bbox": box}))
    oldest = ids(client.get("/api/v1/reports", params={"bbox": box, "sort": "created_at"}))
    paged = ids(client.get("/api/v1/reports", params={"bbox": box, "limit": 2}))

    expected = [reports[i]["id"] for i in (3, 1, 0)]
    assert newest == expected
    assert oldest == expected[::-1]
    assert paged == expected[:2]


def test_a_page_shape_is_what_the_statement_text_depends_on() -> None:
    """Pages of one shape share one statement (Open311's lists run it with their own values):
    other categories or times keep the shape; which filters are given, the statuses, the page
    and its size change it; a box or a circle has none (its statement depends on them)."""
    newest = ReportSort.newest
    since = datetime(2026, 1, 1, tzinfo=UTC)
    opened = list(OPEN_IN_INDEX_ORDER)

    def shape(filters: ReportFilters, number: int = 1, size: int = 100) -> Any:
        return page_shape(filters, newest, number, size)

    sampah = ReportFilters(categories=["sampah"], statuses=opened, since=since)
    assert shape(sampah) == shape(
        ReportFilters(categories=["banjir", "sampah"], statuses=opened, since=datetime.now(UTC))
    )
    assert shape(sampah) != shape(ReportFilters(categories=["sampah"], statuses=opened))
    assert shape(sampah) != shape(ReportFilters(categories=["sampah"], since=since))
    assert shape(sampah) != shape(sampah, number=2)
    assert shape(sampah) != shape(sampah, size=10)
    assert shape(ReportFilters(bbox=BBox(106.8, -6.2, 106.9, -6.1))) is None
    assert shape(ReportFilters(near=Circle(lon=106.8, lat=-6.2, radius_m=500))) is None
