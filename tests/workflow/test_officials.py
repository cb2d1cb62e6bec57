"""The officials' API: scoped visibility, each transition through HTTP, and its timeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.workflow.conftest import (
    ADMIN,
    BINAMARGA,
    CAMAT,
    LURAH,
    PETUGAS,
    WALIKOTA,
    Clock,
)

from sigap import models
from sigap.accounts.service import create as create_account
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD

Login = Callable[[str], dict[str, str]]
Submit = Callable[..., dict[str, Any]]


def act(
    client: TestClient, headers: dict[str, str], report_id: int, action: str, **body: Any
) -> Any:
    return client.post(
        f"/api/v1/officials/reports/{report_id}/{action}", json=body, headers=headers
    )


def test_lurah_sees_the_report_with_its_allowed_actions(
    client: TestClient, login: Login, submit: Submit
) -> None:
    report = submit()
    response = client.get(f"/api/v1/officials/reports/{report['id']}", headers=login(LURAH))

    assert response.status_code == 200, response.text
    seen = response.json()
    assert seen["unit"]["code"] == "kel-31.71.01.1001"
    assert seen["allowed_actions"] == sorted(
        ["acknowledge", "assign", "forward", "mark_duplicate", "note", "reject", "resolve"]
    )
    assert seen["reporter_contact"] is None


def test_other_units_get_404_not_403(
    client: TestClient, login: Login, submit: Submit, db: Database
) -> None:
    report = submit()
    with db.transaction() as session:
        create_account(
            session, email="lurah.menteng@test.sigap.id", name="Lurah Menteng",
            password=DEMO_PASSWORD, role="unit_head", unit_code="kel-31.71.06.1001",
        )  # fmt: skip
    missing = client.get("/api/v1/officials/reports/999999", headers=login(LURAH))
    for email in ("lurah.menteng@test.sigap.id", BINAMARGA, CAMAT):
        headers = login(email)
        hidden = client.get(f"/api/v1/officials/reports/{report['id']}", headers=headers)
        assert hidden.status_code == 404, email
        assert hidden.json()["error"]["code"] == missing.json()["error"]["code"]
        assert act(client, headers, report["id"], "acknowledge").status_code == 404
    for email in (WALIKOTA, ADMIN):  # a supervisor above it, and the admin
        assert (
            client.get(
                f"/api/v1/officials/reports/{report['id']}", headers=login(email)
            ).status_code
            == 200
        )


def test_acknowledge_starts_work_and_is_recorded(
    client: TestClient, login: Login, submit: Submit, db: Database, clock: Clock
) -> None:
    report = submit()
    clock.advance(hours=3)
    response = act(client, login(PETUGAS), report["id"], "acknowledge", note="Menuju lokasi.")

    assert response.status_code == 200, response.text
    after = response.json()
    assert after["status"] == "in_progress"
    assert after["status_colour"] == "yellow"
    assert after["first_response_at"] is not None
    last = after["timeline"][-1]
    assert (last["action"], last["from_status"], last["to_status"]) == (
        "acknowledge", "open", "in_progress",
    )  # fmt: skip
    assert last["actor"] == "Kelurahan Gambir"  # the unit, never the person
    with db.reading() as session:
        message = session.scalars(
            select(models.OutboxMessage).where(
                models.OutboxMessage.topic == "report.status_changed"
            )
        ).one()
    assert message.payload["report_id"] == report["id"]
    assert message.payload["to_status"] == "in_progress"
    assert message.payload["unit"] == "kel-31.71.01.1001"


def test_an_illegal_action_is_409_with_what_is_allowed(
    client: TestClient, login: Login, submit: Submit
) -> None:
    report = submit()
    act(client, login(LURAH), report["id"], "acknowledge")

    again = act(client, login(LURAH), report["id"], "acknowledge")
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "illegal_transition"
    assert "resolve" in error["details"][0]["allowed_actions"]
    assert "acknowledge" not in error["details"][0]["allowed_actions"]
    # A field officer may not forward: also a 409 naming what it may do.
    refused = act(client, login(PETUGAS), report["id"], "forward", unit="bina-marga", reason="x")
    assert refused.status_code == 409
    assert "forward" not in refused.json()["error"]["details"][0]["allowed_actions"]


def test_forward_moves_the_report_and_restarts_the_clock(
    client: TestClient, login: Login, submit: Submit, clock: Clock
) -> None:
    report = submit(category="jalan_rusak")
    clock.advance(hours=5)
    response = act(
        client, login(LURAH), report["id"], "forward",
        unit="bina-marga", reason="Jalan provinsi, wewenang Dinas Bina Marga.",
        out_of_authority=True,
    )  # fmt: skip

    assert response.status_code == 200, response.text
    answer = response.json()  # where it went, and nothing left for the lurah to do
    assert (answer["unit"]["code"], answer["allowed_actions"]) == ("bina-marga", [])
    assert (
        client.get(f"/api/v1/officials/reports/{report['id']}", headers=login(LURAH)).status_code
        == 404
    )
    moved = client.get(f"/api/v1/officials/reports/{report['id']}", headers=login(BINAMARGA)).json()
    assert moved["unit"]["code"] == "bina-marga"
    assert moved["status"] == "open"
    assert moved["response_due_at"] > report["response_due_at"]
    assert moved["first_response_at"] is None  # Bina Marga's numbers wait for its own answer
    forward = moved["events"][-1]
    assert forward["data"] == {
        "from_unit": "kel-31.71.01.1001", "to_unit": "bina-marga", "out_of_authority": True,
    }  # fmt: skip
    inbox = client.get("/api/v1/officials/inbox", headers=login(BINAMARGA)).json()
    assert [item["id"] for item in inbox["items"]] == [report["id"]]


def test_forward_needs_a_known_other_unit_and_a_reason(
    client: TestClient, login: Login, submit: Submit
) -> None:
    report = submit()
    headers = login(LURAH)
    unknown = act(client, headers, report["id"], "forward", unit="nope", reason="x")
    same = act(client, headers, report["id"], "forward", unit="kel-31.71.01.1001", reason="x")
    blank = act(client, headers, report["id"], "forward", unit="bina-marga", reason="   ")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (422, "unknown_unit")
    assert (same.status_code, same.json()["error"]["code"]) == (422, "forward_same_unit")
    assert blank.status_code == 422
    assert client.get(f"/api/v1/reports/{report['id']}").json()["status"] == "open"


def test_reject_then_one_appeal_to_the_unit_above(
    client: TestClient, login: Login, submit: Submit
) -> None:
    report = submit()
    token = report["tracking_token"]
    bad = act(client, login(LURAH), report["id"], "reject", reason="because")
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "unknown_rejection_reason")

    rejected = act(client, login(LURAH), report["id"], "reject", reason="not_city_problem")
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejection_reason"] == "not_city_problem"

    appealed = client.post(f"/api/v1/track/{token}/appeal", json={"reason": "Ini fasilitas umum."})
    assert appealed.status_code == 200, appealed.text
    assert appealed.json()["status"] == "open"
    assert appealed.json()["unit"]["code"] == "kec-31.71.01"
    act(client, login(CAMAT), report["id"], "reject", reason="not_city_problem")

    twice = client.post(f"/api/v1/track/{token}/appeal", json={"reason": "Lagi."})
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "appeal_used")


def test_duplicate_merges_supporters_into_the_parent(
    client: TestClient, login: Login, submit: Submit
) -> None:
    parent, child = submit(), submit()
    headers = login(PETUGAS)
    itself = act(client, headers, child["id"], "duplicate", parent_id=child["id"])
    assert itself.status_code == 422

    merged = act(client, headers, child["id"], "duplicate", parent_id=parent["id"])
    assert merged.json()["status"] == "duplicate"
    assert merged.json()["duplicate_of"] == parent["id"]
    seen = client.get(f"/api/v1/reports/{parent['id']}").json()
    assert seen["support_count"] == 1
    assert seen["timeline"][-1]["action"] == "merge"
    onto_duplicate = act(client, headers, submit()["id"], "duplicate", parent_id=child["id"])
    assert onto_duplicate.json()["error"]["code"] == "invalid_duplicate_parent"


def test_internal_notes_stay_internal(client: TestClient, login: Login, submit: Submit) -> None:
    report = submit()
    headers = login(LURAH)
    act(client, headers, report["id"], "notes", note="Pelapor sering melapor palsu.")
    act(client, headers, report["id"], "notes", note="Petugas dijadwalkan besok.", internal=False)

    public = client.get(f"/api/v1/reports/{report['id']}").text
    assert "palsu" not in public
    assert "dijadwalkan" in public
    official = client.get(f"/api/v1/officials/reports/{report['id']}", headers=headers).json()
    assert [e["internal"] for e in official["events"] if e["action"] == "note"] == [True, False]


def test_supervisor_reopens_a_closed_report_but_a_lurah_cannot(
    client: TestClient, login: Login, submit: Submit, db: Database, clock: Clock
) -> None:
    from tests.workflow.test_machine import resolve_directly

    report = submit()
    resolve_directly(client, db, report["id"])
    rated = client.post(f"/api/v1/track/{report['tracking_token']}/rating", json={"stars": 4})
    assert rated.json()["status"] == "closed"
    assert rated.json()["rating"] == 4

    denied = act(client, login(LURAH), report["id"], "reopen", reason="Belum beres.")
    assert denied.status_code == 409
    reopened = act(client, login(WALIKOTA), report["id"], "reopen", reason="Warga komplain lagi.")
    assert reopened.json()["status"] == "in_progress"
    assert reopened.json()["reopen_count"] == 1


def test_low_rating_needs_a_reason_and_reopens(
    client: TestClient, submit: Submit, db: Database
) -> None:
    from tests.workflow.test_machine import resolve_directly

    report = submit()
    resolve_directly(client, db, report["id"])
    url = f"/api/v1/track/{report['tracking_token']}/rating"

    no_reason = client.post(url, json={"stars": 1})
    assert (no_reason.status_code, no_reason.json()["error"]["code"]) == (
        422,
        "rating_reason_required",
    )
    assert client.get(f"/api/v1/reports/{report['id']}").json()["status"] == "resolved"

    reopened = client.post(url, json={"stars": 2, "reason": "Sampah masih ada."})
    assert reopened.json()["status"] == "in_progress"
    assert reopened.json()["reopen_count"] == 1
    again = client.post(url, json={"stars": 5})
    assert again.status_code == 409  # only a resolved report can be rated


def test_open311_shows_the_workflow_but_no_internal_note(
    client: TestClient, login: Login, submit: Submit
) -> None:
    report = submit()
    headers = login(LURAH)
    act(client, headers, report["id"], "notes", note="Pelapor sering melapor palsu.")
    act(client, headers, report["id"], "acknowledge", note="Petugas menuju lokasi.")

    for suffix in ("json", "xml"):
        body = client.get(f"/open311/v2/requests/{report['id']}.{suffix}?extensions=true").text
        assert "palsu" not in body
        assert "Petugas menuju lokasi." in body
