"""The rules of sigap.inputs on the cases the security sweep of issue #24 reported: ids beyond
64 bits, huge page numbers, times at the ends of the calendar, NUL in text and filters, and
``Last-Event-ID`` values that are no event id. Every route and parameter is swept by
tests/test_inputs_sweep.py."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.sweep import ADMIN, BODIES, NUL, asgi

from sigap.demo import DEMO_PASSWORD

# ---- what the security sweep found, one by one ---------------------------------------------

BIG = "99999999999999999999"


def admin(client: TestClient) -> dict[str, str]:
    token = client.post("/api/v1/auth/tokens", json={"email": ADMIN, "password": DEMO_PASSWORD})
    return {"Authorization": f"Bearer {token.json()['token']}"}


def detail(response: Any, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["message"] == "Data yang dikirim tidak valid. Periksa bagian 'details'."
    found: dict[str, Any] = error["details"][0]
    return found


@pytest.mark.parametrize(
    ("url", "field", "code"),
    [
        (f"/api/v1/reports/{BIG}", "path.report_id", "less_than_equal"),
        (f"/api/v1/reports/{2**63}", "path.report_id", "less_than_equal"),
        ("/api/v1/reports?since=0001-01-01T00:00:00", "query.since", "datetime_out_of_range"),
        ("/api/v1/reports?until=9999-12-31T23:59:59-12:00", "query.until", "datetime_out_of_range"),
        ("/api/v1/reports?category=sam%00pah", "query.category", "control_character"),
        ("/api/v1/reports?area=%1b", "query.area", "control_character"),
        (f"/api/v1/admin/events?before_id={2**31}", "query.before_id", "less_than_equal"),
    ],
)
def test_out_of_range_and_control_characters_are_refused(
    client: TestClient, url: str, field: str, code: str
) -> None:
    found = detail(client.get(url, headers=admin(client)))
    assert (found["field"], found["code"]) == (field, code)


def test_the_largest_id_is_looked_up_and_not_found(client: TestClient) -> None:
    response = client.get(f"/api/v1/reports/{2**63 - 1}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "report_not_found"


def test_pages_refuse_ids_beyond_64_bits_with_an_error_page(client: TestClient) -> None:
    for path in (f"/reports/{BIG}", f"/app/reports/{BIG}"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 422
        assert "<code>invalid_input</code>" in response.text


def test_a_nul_in_a_description_is_refused_and_tabs_and_line_breaks_are_kept(
    client: TestClient,
) -> None:
    body = {"category": "sampah", "lat": -6.1754, "lon": 106.8272}
    refused = client.post("/api/v1/reports", json={**body, "description": "Sampah\x00 di sini"})
    kept = client.post("/api/v1/reports", json={**body, "description": "Sampah\tdi\r\nsini"})

    found = detail(refused)
    assert (found["field"], found["code"]) == ("body.description", "control_character")
    assert kept.status_code == 201, kept.text
    assert kept.json()["description"] == "Sampah\tdi\r\nsini"


def test_a_parent_id_beyond_64_bits_is_refused(client: TestClient) -> None:
    headers = admin(client)
    report = client.post("/api/v1/reports", json={**BODIES[("POST", "/api/v1/reports")]}).json()
    url = f"/api/v1/officials/reports/{report['id']}/duplicate"

    found = detail(client.post(url, json={"parent_id": 10**20}, headers=headers))

    assert (found["field"], found["code"]) == ("body.parent_id", "less_than_equal")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": BIG}, "page"),
        ({"end_date": "9999-12-31T23:59:59-12:00"}, "end_date"),
        ({"start_date": "0001-01-01T00:00:00+14:00"}, "start_date"),
        ({"service_request_id": "9" * 5000}, None),
    ],
)
def test_open311_refuses_them_in_its_own_errors_document(
    client: TestClient, params: dict[str, str], field: str | None
) -> None:
    for fmt in ("json", "xml"):
        response = client.get(f"/open311/v2/requests.{fmt}", params=params)
        assert response.status_code == 400, response.text
        if fmt == "json":
            error = response.json()[0]
            assert error["code"] in ("invalid_input", "invalid_service_request_id")
            assert field is None or error["description"].startswith(f"{field}: ")
        else:
            root = ET.fromstring(response.content)  # noqa: S314 - our own answer
            assert root.findtext("error/code") in ("invalid_input", "invalid_service_request_id")


@pytest.mark.parametrize("value", ["9" * 5000, BIG, "-1", "abc", NUL])
def test_the_live_stream_refuses_what_is_not_an_event_id(client: TestClient, value: str) -> None:
    answer = asgi(client, "GET", "/api/v1/live", {"Last-Event-ID": value}, b"")

    assert answer.status == 422
    assert json.loads(answer.content)["error"]["code"] == "invalid_input"


def test_the_live_stream_resumes_after_an_event_id(client: TestClient) -> None:
    answer = asgi(client, "GET", "/api/v1/live", {"Last-Event-ID": "1"}, b"")

    assert answer.status == 200
    assert answer.content.startswith(b"retry: ")
