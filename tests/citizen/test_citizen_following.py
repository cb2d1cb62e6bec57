"""The report page of the app: support, follow, comment, and the reporter's rating and appeal,
by account or by tracking token, through the CROP workflow."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sigap.auth.service import Subject, scope_of
from sigap.db import Database
from sigap.regions.state import RegionState
from sigap.workflow import actions
from sigap.workflow.answer import reject as reject_report
from sigap.workflow.resolve import resolve as resolve_report

from .conftest import App


def admin(state: RegionState) -> actions.Actor:
    subject = Subject(1, "Admin", "admin@demo.sigap.id", "admin", None, "id",
                      scope_of(state, "admin", None), "x")  # fmt: skip
    return actions.Actor.official(subject)


def resolve(client: TestClient, db: Database, report_id: int) -> None:
    state: RegionState = client.app.state.region  # type: ignore[attr-defined]
    with db.transaction() as session:
        resolve_report(
            session, state, admin(state), report_id, note="Sudah dibersihkan.",
            options=actions.Options(photos=[{"id": 0, "url": "/media/after.jpg"}]),
        )  # fmt: skip


def reject(client: TestClient, db: Database, report_id: int) -> None:
    state: RegionState = client.app.state.region  # type: ignore[attr-defined]
    with db.transaction() as session:
        reject_report(
            session, state, admin(state), report_id, reason="not_city_problem",
            note="Bukan urusan pemerintah.", options=actions.Options(),
        )  # fmt: skip


def status(app: App, report_id: int) -> str:
    value: str = app.client.get(f"/api/v1/reports/{report_id}").json()["status"]
    return value


def test_support_by_device_once_then_shown(app: App, other: App) -> None:
    report_id = app.file().json()["id"]
    first = other.act(f"/app/reports/{report_id}/support")
    assert first.status_code == 303
    assert first.headers["location"] == f"/reports/{report_id}?done=support"
    page = other.client.get(f"/reports/{report_id}?lang=en")
    assert "You support this report" in page.text
    assert "1 supports" in page.text
    again = other.act(f"/app/reports/{report_id}/support")
    assert again.status_code == 409
    assert "You already support this report" in again.text  # English was chosen above


def test_the_reporter_cannot_support_their_own_report(app: App, other: App) -> None:
    report_id = app.file().json()["id"]
    own = app.act(f"/app/reports/{report_id}/support")
    assert own.status_code == 409
    assert "laporan Anda sendiri" in own.text
    assert other.act(f"/app/reports/{report_id}/support").status_code == 303
    assert app.client.get(f"/api/v1/reports/{report_id}").json()["support_count"] == 1


def test_follow_comment_and_my_reports(app: App, other: App) -> None:
    report_id = app.file().json()["id"]
    assert other.act(f"/app/reports/{report_id}/follow").status_code == 303  # to sign in
    other.sign_up(email="h@test.sigap.id")
    assert other.act(f"/app/reports/{report_id}/follow").status_code == 303
    assert f"/reports/{report_id}?" in other.client.get("/app/my").text
    assert other.act(f"/app/reports/{report_id}/comment", body="Masih ada.").status_code == 303
    page = other.client.get(f"/reports/{report_id}")
    assert "Masih ada." in page.text
    assert "Berhenti mengikuti" in page.text
    assert other.act(f"/app/reports/{report_id}/unfollow").status_code == 303
    assert f"/reports/{report_id}?" not in other.client.get("/app/my").text


def test_two_stars_with_a_reason_reopen_the_reporters_report(
    app: App, other: App, db: Database
) -> None:
    app.sign_up(email="i@test.sigap.id")
    report_id = app.file().json()["id"]
    resolve(app.client, db, report_id)
    page = app.client.get(f"/reports/{report_id}")
    assert 'id="rate-form"' in page.text
    other.sign_up(email="j@test.sigap.id")
    stranger = other.act(f"/app/reports/{report_id}/rate", stars="5")
    assert stranger.status_code == 403
    no_reason = app.act(f"/app/reports/{report_id}/rate", stars="2")
    assert no_reason.status_code == 422
    assert status(app, report_id) == "resolved"
    reopened = app.act(f"/app/reports/{report_id}/rate", stars="2", comment="Masih kotor.")
    assert reopened.status_code == 303
    assert status(app, report_id) == "in_progress"
    assert "Masih kotor." in app.client.get(f"/reports/{report_id}").text


def test_anonymous_reporter_rates_by_token(app: App, db: Database) -> None:
    created = app.file().json()
    resolve(app.client, db, created["id"])
    token = created["tracking_token"]
    closed = app.act(f"/app/track/{token}/rate", stars="5", comment="Terima kasih.")
    assert closed.status_code == 303
    assert closed.headers["location"] == f"/app/track/{token}?done=rate"
    assert status(app, created["id"]) == "closed"


def test_appeal_of_a_rejection_by_token(app: App, db: Database) -> None:
    created = app.file().json()
    reject(app.client, db, created["id"])
    token = created["tracking_token"]
    assert "Ajukan banding" in app.client.get(f"/app/track/{token}").text
    appealed = app.act(f"/app/track/{token}/appeal", reason="Ini jalan umum.")
    assert appealed.status_code == 303
    assert status(app, created["id"]) == "open"
    twice = app.act(f"/app/track/{token}/appeal", reason="Lagi.")
    assert twice.status_code == 409


def test_unknown_token_report_or_action(app: App) -> None:
    assert app.client.get("/app/track/nope").status_code == 404
    assert app.client.get("/reports/999999").status_code == 404
    report_id = app.file().json()["id"]
    assert app.act(f"/app/reports/{report_id}/explode").status_code == 404
