"""Assigning a report to one field officer of its unit: who may, to whom, and what it records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.workflow.conftest import ADMIN, BINAMARGA, CAMAT, LURAH, PETUGAS, WALIKOTA

from sigap import models
from sigap.accounts.service import create as create_account
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD

Login = Callable[[str], dict[str, str]]
Submit = Callable[..., dict[str, Any]]
GAMBIR = "kel-31.71.01.1001"


def assign(client: TestClient, headers: dict[str, str], report_id: int, **body: Any) -> Any:
    return client.post(f"/api/v1/officials/reports/{report_id}/assign", json=body, headers=headers)


def account_id(db: Database, email: str) -> int:
    with db.reading() as session:
        found = session.scalar(select(models.Account.id).where(models.Account.email == email))
    assert found is not None, email
    return found


def second_officer(db: Database, *, unit: str = GAMBIR, role: str = "field_officer") -> int:
    with db.transaction() as session:
        account = create_account(
            session, email=f"{role}.{unit}@test.sigap.id", name="Petugas Kedua",
            password=DEMO_PASSWORD, role=role, unit_code=unit,
        )  # fmt: skip
        return account.id


def stored_assignee(db: Database, report_id: int) -> int | None:
    with db.reading() as session:
        return session.scalar(
            select(models.Report.assignee_id).where(models.Report.id == report_id)
        )


def test_a_lurah_assigns_to_an_officer_of_the_unit_and_it_is_on_the_timeline(
    client: TestClient, login: Login, submit: Submit, db: Database
) -> None:
    report = submit()
    petugas = account_id(db, PETUGAS)

    seen = client.get(f"/api/v1/officials/reports/{report['id']}", headers=login(LURAH)).json()
    assert seen["assignee"] is None
    assert {"id": petugas, "name": "Petugas Kelurahan Gambir"} in seen["officers"]
    assert all(o["id"] != account_id(db, BINAMARGA) for o in seen["officers"])

    response = assign(client, login(LURAH), report["id"], officer=petugas, note="Cek hari ini.")

    assert response.status_code == 200, response.text
    after = response.json()
    assert after["assignee"] == {"id": petugas, "name": "Petugas Kelurahan Gambir"}
    assert after["status"] == "open"  # assigning changes no state
    event = after["events"][-1]
    assert (event["action"], event["from_status"], event["to_status"]) == ("assign", "open", "open")
    assert event["internal"] is True
    assert event["actor"] == "Kelurahan Gambir"
    assert event["note"] == "Cek hari ini."
    assert event["data"] == {
        "assignee": petugas,
        "assignee_name": "Petugas Kelurahan Gambir",
        "previous": None,
    }
    with db.reading() as session:
        message = session.scalars(
            select(models.OutboxMessage).where(models.OutboxMessage.topic == "report.assigned")
        ).one()
    assert message.payload["assignee"] == petugas
    assert message.payload["report_id"] == report["id"]
    assert message.payload["note"] is None  # the note is internal: no webhook carries it
    # The public never learns who works on it, nor that someone was assigned.
    for url in (
        f"/api/v1/reports/{report['id']}",
        f"/open311/v2/requests/{report['id']}.json?extensions=true",
    ):
        public = client.get(url).text
        assert "Petugas Kelurahan Gambir" not in public
        assert "assign" not in public
        assert "Cek hari ini." not in public


def test_field_officers_may_not_assign_even_to_themselves(
    client: TestClient, login: Login, submit: Submit, db: Database
) -> None:
    report = submit()
    other = second_officer(db)

    for officer in (other, account_id(db, PETUGAS)):
        refused = assign(client, login(PETUGAS), report["id"], officer=officer)
        assert refused.status_code == 409
        error = refused.json()["error"]
        assert error["code"] == "illegal_transition"
        assert "assign" not in error["details"][0]["allowed_actions"]
    assert stored_assignee(db, report["id"]) is None
    seen = client.get(f"/api/v1/officials/reports/{report['id']}", headers=login(PETUGAS))
    assert seen.json()["officers"] == []  # nothing to choose from without the right


def test_only_an_active_field_officer_of_the_reports_unit_can_be_assigned(
    client: TestClient, login: Login, submit: Submit, db: Database
) -> None:
    report = submit()
    menteng = second_officer(db, unit="kel-31.71.06.1001")
    strangers = {
        "another unit's officer": menteng,
        "an agency's officer": account_id(db, BINAMARGA),
        "a unit head": account_id(db, LURAH),
        "the kecamatan's head": account_id(db, CAMAT),
        "no such account": 999_999,
    }
    for why, officer in strangers.items():
        refused = assign(client, login(LURAH), report["id"], officer=officer)
        assert refused.status_code == 422, why
        error = refused.json()["error"]
        assert error["code"] == "assignee_not_in_unit", why
        assert str(officer) in error["message"]
    english = assign(
        client, {**login(LURAH), "Accept-Language": "en"}, report["id"], officer=menteng
    )
    assert english.json()["error"]["message"] == (
        f"Officer {menteng} is not an active field officer of this report's unit."
    )
    assert stored_assignee(db, report["id"]) is None
    with db.reading() as session:
        actions = session.scalars(
            select(models.ReportEvent.action).where(models.ReportEvent.report_id == report["id"])
        ).all()
    assert actions == ["submit"]  # nothing was recorded


def test_reassign_clear_and_unchanged(
    client: TestClient, login: Login, submit: Submit, db: Database
) -> None:
    report = submit()
    petugas, other = account_id(db, PETUGAS), second_officer(db)
    headers = login(LURAH)
    assert assign(client, headers, report["id"], officer=petugas).status_code == 200

    moved = assign(client, headers, report["id"], officer=other)
    assert moved.json()["assignee"]["id"] == other
    assert moved.json()["events"][-1]["data"]["previous"] == petugas
    same = assign(client, headers, report["id"], officer=other)
    assert (same.status_code, same.json()["error"]["code"]) == (422, "assignment_unchanged")

    cleared = assign(client, headers, report["id"], officer=None)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["assignee"] is None
    assert cleared.json()["events"][-1]["data"]["assignee"] is None
    again = assign(client, headers, report["id"], officer=None)
    assert again.json()["error"]["code"] == "assignment_unchanged"
    missing = assign(client, headers, report["id"])  # "officer" must be said, even as null
    assert missing.status_code == 422
    assert stored_assignee(db, report["id"]) is None
    events = [e for e in cleared.json()["events"] if e["action"] == "assign"]
    assert len(events) == 3


def test_supervisors_and_admins_assign_but_settled_reports_cannot_be(
    client: TestClient, login: Login, submit: Submit, db: Database
) -> None:
    petugas = account_id(db, PETUGAS)
    for who in (WALIKOTA, ADMIN):
        report = submit()
        assert assign(client, login(who), report["id"], officer=petugas).status_code == 200
    rejected = submit()
    client.post(
        f"/api/v1/officials/reports/{rejected['id']}/reject",
        json={"reason": "spam"},
        headers=login(LURAH),
    )
    late = assign(client, login(LURAH), rejected["id"], officer=petugas)
    assert (late.status_code, late.json()["error"]["code"]) == (409, "illegal_transition")


def test_forwarding_to_another_unit_clears_the_assignment(
    client: TestClient, login: Login, submit: Submit, db: Database
) -> None:
    report = submit()
    assign(client, login(LURAH), report["id"], officer=account_id(db, PETUGAS))
    forwarded = client.post(
        f"/api/v1/officials/reports/{report['id']}/forward",
        json={"unit": "bina-marga", "reason": "Jalan provinsi."},
        headers=login(LURAH),
    )
    assert forwarded.status_code == 200, forwarded.text
    assert stored_assignee(db, report["id"]) is None
    assert forwarded.json()["assignee"] is None
