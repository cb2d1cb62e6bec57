"""The map's clusters endpoint: grid clusters zoomed out, single reports up close, filters."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.conftest import fold_before_reads
from tests.portal.conftest import JAKARTA, Change, hours_ago

from sigap.portal.schemas import MapClusters


def clusters(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/map/clusters", params={"bbox": JAKARTA, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    MapClusters.model_validate(body)  # the answer is what the OpenAPI document says
    return body


def total(body: dict[str, Any]) -> int:
    return sum(c["count"] for c in body["clusters"]) + len(body["points"])


def test_zoomed_out_the_reports_are_clustered(
    client: TestClient, reports: list[dict[str, Any]]
) -> None:
    fold_before_reads(client)  # zoomed out, the map reads the counted grid
    body = clusters(client, zoom=7)

    assert total(body) == 5
    [cluster] = body["clusters"]  # one cell of 0.7 degrees holds them all
    assert cluster["count"] == 5
    assert cluster["open"] == 5
    assert -6.32 < cluster["lat"] < -6.13
    assert 106.80 < cluster["lon"] < 106.84


def test_zoomed_in_the_reports_come_one_by_one(
    client: TestClient, reports: list[dict[str, Any]]
) -> None:
    body = clusters(client, zoom=16)

    assert body["clusters"] == []
    assert sorted(p["id"] for p in body["points"]) == sorted(r["id"] for r in reports)
    point = next(p for p in body["points"] if p["id"] == reports[0]["id"])
    assert point == {
        "id": reports[0]["id"],
        "lon": 106.8272,
        "lat": -6.1754,
        "status": "open",
        "category_code": "sampah",
        "overdue": False,
    }


def test_a_cluster_of_one_is_a_point(client: TestClient, reports: list[dict[str, Any]]) -> None:
    fold_before_reads(client)  # zoom 13 reads the counted grid first
    body = clusters(client, zoom=13)  # cells of ~1 km: Monas and Istiqlal (600 m) may share

    assert total(body) == 5
    ragunan = next(p for p in body["points"] if p["id"] == reports[2]["id"])
    assert ragunan["category_code"] == "sampah"
    assert (ragunan["lat"], ragunan["lon"]) == (-6.3116, 106.8199)


def test_filters_and_bbox_select_the_reports(
    client: TestClient, reports: list[dict[str, Any]], change: Change
) -> None:
    change(reports[1]["id"], status="in_progress", first_response_at=hours_ago(0))
    # Late: its response deadline (the deadline that matters while open: due_at) has passed.
    change(reports[3]["id"], response_due_at=hours_ago(1), due_at=hours_ago(1))

    def found(**params: Any) -> set[int]:
        return {p["id"] for p in clusters(client, zoom=18, **params)["points"]}

    ids = [r["id"] for r in reports]
    assert found(category="banjir") == {ids[1], ids[4]}
    assert found(category=["banjir", "jalan_rusak"]) == {ids[1], ids[3], ids[4]}
    assert found(status="in_progress") == {ids[1]}
    assert found(area="31.71") == {ids[0], ids[1], ids[4]}  # Jakarta Pusat
    assert found(area="31.74.04") == {ids[2]}  # kecamatan Pasar Minggu
    assert found(overdue="1") == {ids[3]}
    assert found(since="2000-01-01", until="2000-12-31") == set()
    assert len(found(since="2000-01-01")) == 5
    assert found(bbox="106.82,-6.18,106.84,-6.16") == {ids[0], ids[1]}
    late = next(p for p in clusters(client, zoom=18)["points"] if p["id"] == ids[3])
    assert late["overdue"] is True


def test_bad_parameters_are_refused(client: TestClient) -> None:
    assert client.get("/api/v1/map/clusters", params={"zoom": 3}).status_code == 422
    bad_box = client.get("/api/v1/map/clusters", params={"zoom": 3, "bbox": "1,2,3"})
    assert bad_box.json()["error"]["code"] == "invalid_bbox"
    for name, value in (("status", "lost"), ("category", "x"), ("area", "99"), ("since", "x")):
        response = client.get(
            "/api/v1/map/clusters", params={"bbox": JAKARTA, "zoom": 3, name: value}
        )
        assert response.status_code == 422, (name, response.text)


def test_the_openapi_document_describes_the_answer(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    answer = spec["paths"]["/api/v1/map/clusters"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/MapClusters"
    }
    point = spec["components"]["schemas"]["MapPoint"]
    assert point["additionalProperties"] is False
