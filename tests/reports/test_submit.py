"""Submitting a report through the JSON API: routing, deadlines, timeline, outbox, privacy."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from sigap import models
from sigap.db import Database

MONAS = {"lat": -6.1754, "lon": 106.8272}
REPORTER = {"name": "Siti Rahma", "email": "siti.rahma@example.id", "phone": "+62 812 3456 7890"}


def report_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": "sampah",
        **MONAS,
        "description": "Sampah menumpuk di trotoar dekat gerbang.",
    }
    body.update(overrides)
    return body


def count(database: Database, model: type[models.Base]) -> int:
    with database.reading() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_submit_routes_to_the_kelurahan_with_deadlines(client: TestClient) -> None:
    response = client.post("/api/v1/reports", json=report_body(address="Jl. Medan Merdeka"))

    assert response.status_code == 201, response.text
    report = response.json()
    assert response.headers["location"] == f"/api/v1/reports/{report['id']}"
    assert report["status"] == "open"
    assert report["status_colour"] == "red"
    assert report["kelurahan"] == {"code": "31.71.01.1001", "name": "Gambir"}
    assert report["kecamatan"]["code"] == "31.71.01"
    assert report["kabkota"]["code"] == "31.71"
    assert report["unit"]["code"] == "kel-31.71.01.1001"
    assert report["routing"]["method"] == "inside"
    created = datetime.fromisoformat(report["created_at"])
    assert created.utcoffset() == timedelta(0)
    assert datetime.fromisoformat(report["response_due_at"]) - created == timedelta(hours=24)
    assert datetime.fromisoformat(report["resolution_due_at"]) - created == timedelta(hours=72)
    assert [e["action"] for e in report["timeline"]] == ["submit"]
    assert report["timeline"][0]["to_status"] == "open"
    assert len(report["tracking_token"]) >= 32
    assert report["tracking_url"].endswith(report["tracking_token"])


def test_submit_writes_event_and_outbox_in_one_transaction(
    client: TestClient, database: Database
) -> None:
    report_id = client.post("/api/v1/reports", json=report_body()).json()["id"]

    with database.reading() as session:
        events = session.scalars(select(models.ReportEvent)).all()
        outbox = session.scalars(select(models.OutboxMessage)).all()
    assert [(e.report_id, e.action) for e in events] == [(report_id, "submit")]
    assert [(m.topic, m.payload["report_id"], m.state) for m in outbox] == [
        ("report.created", report_id, "pending")
    ]


@pytest.mark.parametrize(
    ("category", "point", "unit"),
    [
        ("kemacetan", MONAS, "dishub"),
        ("kebakaran", MONAS, "gulkarmat"),
        ("tindak_kriminal", MONAS, "polda-metro-jaya"),
        # A rule for the Kepulauan Seribu kabupaten beats the province-wide transport rule.
        ("kemacetan", {"lat": -5.7453, "lon": 106.6136}, "kab-31.01"),
        ("banjir", {"lat": -5.7453, "lon": 106.6136}, "kel-31.01.01.1001"),
    ],
)
def test_most_specific_routing_rule_wins(
    client: TestClient, category: str, point: dict[str, float], unit: str
) -> None:
    response = client.post("/api/v1/reports", json=report_body(category=category, **point))

    assert response.status_code == 201, response.text
    assert response.json()["unit"]["code"] == unit


def test_fire_has_a_one_hour_response_target(client: TestClient) -> None:
    report = client.post("/api/v1/reports", json=report_body(category="kebakaran")).json()

    due = datetime.fromisoformat(report["response_due_at"])
    assert due - datetime.fromisoformat(report["created_at"]) == timedelta(hours=1)


def test_reporter_identity_is_stored_but_never_shown(
    client: TestClient, database: Database
) -> None:
    created = client.post("/api/v1/reports", json=report_body(reporter=REPORTER))
    report_id = created.json()["id"]
    token = created.json()["tracking_token"]

    bodies = [
        created.text,
        client.get(f"/api/v1/reports/{report_id}").text,
        client.get("/api/v1/reports").text,
        client.get(f"/api/v1/track/{token}").text,
    ]
    for body in bodies:
        for secret in ("Siti", "siti.rahma", "812 3456"):
            assert secret not in body
    with database.reading() as session:
        stored = session.get_one(models.ReportReporter, report_id)
    assert (stored.name, stored.email, stored.contact_visible) == (
        "Siti Rahma",
        "siti.rahma@example.id",
        False,
    )


def test_tracking_token_finds_the_report(client: TestClient) -> None:
    created = client.post("/api/v1/reports", json=report_body()).json()

    tracked = client.get(f"/api/v1/track/{created['tracking_token']}")
    assert tracked.status_code == 200
    assert tracked.json()["id"] == created["id"]
    assert client.get("/api/v1/track/not-a-token").json()["error"]["code"] == "not_found"


def test_outside_the_service_area_is_refused_in_both_languages(
    client: TestClient, database: Database
) -> None:
    bogor = report_body(lat=-6.595, lon=106.799)

    indonesian = client.post("/api/v1/reports", json=bogor)
    english = client.post("/api/v1/reports", json=bogor, headers={"Accept-Language": "en-GB"})

    assert indonesian.status_code == english.status_code == 422
    assert indonesian.json()["error"]["code"] == "outside_service_area"
    assert "di luar wilayah layanan" in indonesian.json()["error"]["message"]
    assert "outside the DKI Jakarta service area" in english.json()["error"]["message"]
    assert english.headers["content-language"] == "en"
    assert count(database, models.Report) == 0


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        (report_body(lat=100), "body.lat", "less_than_equal"),
        (
            {k: v for k, v in report_body().items() if k != "description"},
            "body.description",
            "missing",
        ),
        (report_body(colour="red"), "body.colour", "extra_forbidden"),
        (report_body(description="  "), "body.description", "string_too_short"),
        (
            report_body(reporter={"email": "not-an-address"}),
            "body.reporter.email",
            "string_pattern_mismatch",
        ),
        (report_body(lon="east"), "body.lon", "float_parsing"),
    ],
)
def test_invalid_input_is_explained_and_changes_nothing(
    client: TestClient, database: Database, body: dict[str, Any], field: str, code: str
) -> None:
    response = client.post("/api/v1/reports", json=body)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["message"].startswith("Data yang dikirim tidak valid")
    assert {"field": field, "code": code} in [
        {"field": d["field"], "code": d["code"]} for d in error["details"]
    ]
    assert count(database, models.Report) == 0


def test_unknown_category_is_refused(client: TestClient, database: Database) -> None:
    response = client.post("/api/v1/reports", json=report_body(category="ufo"))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_category"
    assert "'ufo'" in response.json()["error"]["message"]
    assert count(database, models.Report) == 0


def test_malformed_json_is_an_invalid_input(client: TestClient) -> None:
    response = client.post(
        "/api/v1/reports", content=b"{not json", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["code"] == "json_invalid"


def test_timeline_is_append_only(client: TestClient, database: Database) -> None:
    client.post("/api/v1/reports", json=report_body())

    for statement in ("UPDATE report_event SET note = 'edited'", "DELETE FROM report_event"):
        with pytest.raises(Exception, match="append-only"), database.transaction() as session:
            session.execute(text(statement))
    assert count(database, models.ReportEvent) == 1


def test_a_body_over_the_limit_is_refused_unread_and_changes_nothing(
    client: TestClient, database: Database
) -> None:
    """A report body is read only up to 64 KiB: a bigger one is refused, never buffered."""
    before = count(database, models.Report)
    huge = report_body(description="x" * 70_000)
    for language in ("id", "en"):
        response = client.post("/api/v1/reports", json=huge, headers={"Accept-Language": language})
        assert response.status_code == 413
        error = response.json()["error"]
        assert error["code"] == "request_too_large"
        assert "65536" in error["message"]
    assert count(database, models.Report) == before


def test_errors_of_the_fast_lane_are_the_apps_handlers_answers(client: TestClient) -> None:
    """Submission is answered before the middleware and routing (sigap.web.fast); its errors
    still come from the app's exception handlers, in the caller's language."""
    english = client.post(
        "/api/v1/reports", json=report_body(lat=1.0), headers={"Accept-Language": "en"}
    )
    indonesian = client.post("/api/v1/reports", json=report_body(lat=1.0))
    assert english.status_code == indonesian.status_code == 422
    assert english.json()["error"]["code"] == indonesian.json()["error"]["code"]
    assert english.json()["error"]["message"] != indonesian.json()["error"]["message"]
    assert english.headers["content-language"] == "en"


def test_a_report_knows_its_rw_where_the_region_has_rw_boundaries(
    client: TestClient, database: Database
) -> None:
    inside_rw = report_body(lat=-6.19851, lon=106.81918)  # RW 03 of Kebon Melati (OSM 2012)
    created = client.post("/api/v1/reports", json=inside_rw).json()
    assert created["kelurahan"]["code"] == "31.71.07.1005"
    assert created["rw"] == {"code": "31.71.07.1005.03", "name": "RW 03"}
    shown = client.get(f"/api/v1/reports/{created['id']}").json()
    assert shown["rw"] == created["rw"]
    with database.reading() as session:
        stored = session.get(models.Report, created["id"])
        assert stored is not None
        assert stored.rw_code == "31.71.07.1005.03"

    island = client.post("/api/v1/reports", json=report_body(lat=-5.7006354, lon=106.5386599))
    assert island.status_code == 201, island.text
    assert island.json()["kelurahan"]["name"] == "Pulau Panggang"  # no RW outlines out there
    assert island.json()["rw"] is None
