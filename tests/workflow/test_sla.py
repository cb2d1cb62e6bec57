"""Deadlines, the SLA warning, escalation up the unit tree and auto-close, with the clock moved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.workflow.conftest import CAMAT, LURAH, WALIKOTA, Clock
from tests.workflow.test_machine import resolve_directly

from sigap import models
from sigap.db import Database
from sigap.regions.state import RegionState
from sigap.workflow.sweep import sweep

Login = Callable[[str], dict[str, str]]
Submit = Callable[..., dict[str, Any]]


def region(client: TestClient) -> RegionState:
    state: RegionState = client.app.state.region  # type: ignore[attr-defined]
    return state


def topics(db: Database, report_id: int) -> list[str]:
    with db.reading() as session:
        messages = session.scalars(select(models.OutboxMessage).order_by(models.OutboxMessage.id))
        return [m.topic for m in messages if m.payload["report_id"] == report_id]


def test_a_missed_response_climbs_one_unit_per_missed_window(
    client: TestClient, login: Login, submit: Submit, db: Database, clock: Clock
) -> None:
    report = submit()  # sampah: respond within 24 h
    state = region(client)

    assert sweep(db, state, clock.advance(hours=21)).total == 0
    assert sweep(db, state, clock.advance(hours=1, minutes=30)).warned == 1
    assert topics(db, report["id"])[-1] == "report.sla_warning"
    assert client.get("/api/v1/officials/inbox", headers=login(CAMAT)).json()["items"] == []

    escalated = sweep(db, state, clock.advance(hours=2))
    assert escalated.escalated == 1
    seen = client.get(f"/api/v1/reports/{report['id']}").json()
    assert seen["escalation_level"] == 1
    assert seen["escalated_to"]["code"] == "kec-31.71.01"
    assert seen["timeline"][-1]["action"] == "escalate"
    camat_inbox = client.get("/api/v1/officials/inbox", headers=login(CAMAT)).json()["items"]
    assert [item["id"] for item in camat_inbox] == [report["id"]]
    assert camat_inbox[0]["overdue"] is True
    assert camat_inbox[0]["seconds_left"] < 0

    sweep(db, state, clock.advance(hours=24))
    assert client.get(f"/api/v1/reports/{report['id']}").json()["escalated_to"]["code"] == (
        "kota-31.71"
    )
    sweep(db, state, clock.advance(hours=24))
    top = client.get(f"/api/v1/reports/{report['id']}").json()
    assert (top["escalation_level"], top["escalated_to"]["code"]) == (3, "prov-31")
    assert sweep(db, state, clock.advance(days=30)).total == 0  # nothing above the province
    assert topics(db, report["id"]).count("report.escalated") == 3


def test_acting_stops_the_climb(
    client: TestClient, login: Login, submit: Submit, db: Database, clock: Clock
) -> None:
    report = submit()
    state = region(client)
    sweep(db, state, clock.advance(hours=25))
    response = client.post(
        f"/api/v1/officials/reports/{report['id']}/acknowledge", json={}, headers=login(LURAH)
    )
    assert response.json()["escalated_to"] is None
    assert response.json()["escalation_level"] == 0
    assert [e["action"] for e in response.json()["timeline"]][-2:] == ["escalate", "acknowledge"]
    # In progress now: the next climb is due only after the resolution deadline.
    assert sweep(db, state, clock.advance(hours=24)).escalated == 0


def test_an_unrated_fix_closes_after_the_rating_window(
    client: TestClient, submit: Submit, db: Database, clock: Clock
) -> None:
    report = submit()
    resolve_directly(client, db, report["id"])
    state = region(client)
    window = timedelta(days=7)

    assert sweep(db, state, clock.advance(days=6), rating_window=window).closed == 0
    assert sweep(db, state, clock.advance(days=1, hours=1), rating_window=window).closed == 1
    closed = client.get(f"/api/v1/reports/{report['id']}").json()
    assert closed["status"] == "closed"
    assert closed["timeline"][-1]["actor"] == "system"


def test_inbox_is_most_urgent_first_and_pages(
    client: TestClient, login: Login, submit: Submit, clock: Clock
) -> None:
    slow = submit(category="jalan_rusak")  # respond within 24 h too, but acknowledged below
    reports = [submit() for _ in range(3)]
    headers = login(LURAH)
    client.post(f"/api/v1/officials/reports/{slow['id']}/acknowledge", json={}, headers=headers)

    first = client.get("/api/v1/officials/inbox?limit=2", headers=headers).json()
    rest = client.get(
        f"/api/v1/officials/inbox?limit=2&cursor={first['next_cursor']}", headers=headers
    ).json()
    order = [item["id"] for item in first["items"] + rest["items"]]
    assert order == [r["id"] for r in reports] + [slow["id"]]  # response deadlines come first
    assert rest["next_cursor"] is None

    only_progress = client.get("/api/v1/officials/inbox?status=in_progress", headers=headers).json()
    assert [item["id"] for item in only_progress["items"]] == [slow["id"]]
    clock.advance(hours=25)
    overdue = client.get("/api/v1/officials/inbox?overdue=true", headers=headers).json()
    assert {item["id"] for item in overdue["items"]} == {r["id"] for r in reports}
    bad = client.get("/api/v1/officials/inbox?status=lost", headers=headers)
    assert bad.status_code == 422


def test_supervisor_inbox_spans_the_units_below(
    client: TestClient, login: Login, submit: Submit
) -> None:
    gambir = submit()
    menteng = submit(lat=-6.1963, lon=106.8306)  # Menteng, same kota
    south = submit(lat=-6.2615, lon=106.8106)  # Jakarta Selatan
    items = client.get("/api/v1/officials/inbox", headers=login(WALIKOTA)).json()["items"]
    ids = {item["id"] for item in items}
    assert {gambir["id"], menteng["id"]} <= ids
    assert south["id"] not in ids


def test_a_report_at_the_top_unit_never_climbs(
    client: TestClient, submit: Submit, db: Database, clock: Clock, login: Login
) -> None:
    report = submit()
    state = region(client)
    province = state.units_by_code["prov-31"].id
    with db.transaction() as session:
        stored = session.get_one(models.Report, report["id"])
        stored.unit_id = province  # e.g. forwarded to the province itself
    assert sweep(db, state, clock.advance(days=10)).escalated == 0
    seen = client.get(f"/api/v1/reports/{report['id']}").json()
    assert seen["escalation_level"] == 0


def test_escalated_and_own_reports_merge_by_deadline_across_pages(
    client: TestClient, login: Login, submit: Submit, db: Database, clock: Clock
) -> None:
    escalated = submit()
    state = region(client)
    sweep(db, state, clock.advance(hours=25))  # now escalated to Kecamatan Gambir
    own = submit()
    with db.transaction() as session:  # a report of the kecamatan's own unit, due later
        stored = session.get_one(models.Report, own["id"])
        stored.unit_id = state.units_by_code["kec-31.71.01"].id
    headers = login(CAMAT)

    first = client.get("/api/v1/officials/inbox?limit=1", headers=headers).json()
    second = client.get(
        f"/api/v1/officials/inbox?limit=1&cursor={first['next_cursor']}", headers=headers
    ).json()
    assert [item["id"] for item in first["items"] + second["items"]] == [escalated["id"], own["id"]]
    assert second["next_cursor"] is None
