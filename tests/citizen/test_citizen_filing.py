"""Filing from the app: /app/submit (photos, routing, idempotency, private contact, limits)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from sigap.db import Database
from sigap.demo import DEMO_PASSWORD
from sigap.models import Account, Report, ReportReporter

from .conftest import MONAS, App, jpeg


def reporter_of(db: Database, report_id: int) -> ReportReporter:
    with db.reading() as session:
        row = session.get(ReportReporter, report_id)
        assert row is not None
        session.expunge(row)
        return row


def test_anonymous_report_with_a_photo_shows_the_confirmation(app: App, db: Database) -> None:
    created = app.file(reporter={"email": "warga@example.org"})
    assert created.status_code == 201, created.text
    body = created.json()
    token = body["tracking_token"]
    assert body["tracking_url"] == f"http://sigap.test/app/track/{token}"
    page = app.client.get(body["next"] + "&lang=en")
    assert page.status_code == 200
    assert "Report sent" in page.text
    assert f"/app/track/{token}" in page.text
    assert '<dd id="kelurahan">' in page.text
    assert '<a href="/areas/31.71.01.1001?lang=en">Gambir</a>' in page.text
    assert 'id="unit">Gambir kelurahan office' in page.text
    due = app.client.get(f"/api/v1/reports/{body['id']}").json()["response_due_at"]
    local = datetime.fromisoformat(due).astimezone(ZoneInfo("Asia/Jakarta"))
    assert f'id="deadline">{local:%d-%m-%Y %H:%M} WIB<' in page.text
    assert "warga@example.org" not in page.text
    reporter = reporter_of(db, body["id"])
    assert reporter.email == "warga@example.org"
    assert reporter.contact_visible is False
    assert reporter.reporter_account_id is None
    assert reporter.client_ip is not None
    assert len(reporter.client_ip) == 64
    with db.reading() as session:
        report = session.get(Report, body["id"])
        assert report is not None
        assert report.channel == "web"


def test_signed_in_report_belongs_to_the_account_and_is_in_my_reports(
    app: App, db: Database
) -> None:
    app.sign_up(email="f@test.sigap.id")
    created = app.file(reporter={"contact_visible": True})
    assert created.status_code == 201, created.text
    reporter = reporter_of(db, created.json()["id"])
    with db.reading() as session:
        account = session.scalar(select(Account).where(Account.email == "f@test.sigap.id"))
        assert account is not None
        assert reporter.reporter_account_id == account.id
    assert reporter.email == "f@test.sigap.id"
    assert reporter.contact_visible is True
    mine = app.client.get("/app/my")
    assert f"/reports/{created.json()['id']}?" in mine.text
    assert "st-open" in mine.text
    public = app.client.get(f"/api/v1/reports/{created.json()['id']}").text
    assert "f@test.sigap.id" not in public
    assert "reporter_account_id" not in public


def test_the_web_channel_needs_a_photo(app: App) -> None:
    refused = app.file(photos=0)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "photo_required"


def test_submit_needs_the_csrf_token(app: App) -> None:
    refused = app.file(csrf="forged")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"


def test_a_retry_with_the_drafts_key_returns_the_first_report(app: App) -> None:
    first = app.file(key="draft-1")
    again = app.file(key="draft-1")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["tracking_token"] == first.json()["tracking_token"]


def test_outside_the_region_is_refused_with_a_clear_message(app: App) -> None:
    refused = app.client.post(
        "/app/submit?lang=en",
        data={"report": json.dumps(_report(lat=-7.25, lon=112.75))},
        files=[("photo", ("p.jpg", jpeg(), "image/jpeg"))],
        headers={"X-CSRF-Token": app.csrf()},
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "outside_service_area"
    assert "outside the" in refused.json()["error"]["message"]


def test_the_photos_gps_is_suggested(app: App) -> None:
    created = app.client.post(
        "/app/submit",
        data={"report": json.dumps(_report())},
        files=[("photo", ("p.jpg", jpeg(gps=(-6.1760, 106.8280)), "image/jpeg"))],
        headers={"X-CSRF-Token": app.csrf()},
    )
    assert created.status_code == 201, created.text
    lat, lon = created.json()["photo_location"]
    assert abs(lat + 6.1760) < 1e-4
    assert abs(lon - 106.8280) < 1e-4


def _report(**fields: Any) -> dict[str, Any]:
    return {"category": "sampah", **MONAS, "description": "Sampah menumpuk.", **fields}


def test_the_form_asks_each_category_its_questions(app: App) -> None:
    page = app.client.get("/app/new").text
    english = app.client.get("/app/new?lang=en").text

    assert 'id="questions-banjir" data-category="banjir" hidden' in page
    assert 'id="questions-kemacetan"' not in page  # asks nothing
    assert '<label for="q-banjir-ketinggian_air">Ketinggian air (cm)</label>' in page
    assert 'id="q-banjir-ketinggian_air" aria-describedby="q-banjir-ketinggian_air-hint" ' in page
    assert 'type="number" step="any"' in page
    assert 'id="q-banjir-tergenang_sejak" aria-describedby' in page
    assert 'type="datetime-local"' in page
    assert 'type="checkbox" name="q-sampah-jenis_sampah" value="plastik"> Plastik' in page
    assert 'type="radio" name="q-jalan_rusak-ukuran_kerusakan" value="besar"' in page
    assert 'Nama rumah sakit <span class="required">(wajib)</span>' in page
    assert 'id="q-layanan_rumah_sakit-nama_rumah_sakit" required aria-required="true"' in page
    assert "Hanya dibaca petugas" in page  # the free-text question says who reads it
    assert 'Name of the hospital <span class="required">(required)</span>' in english
    assert "Household waste" in english


def test_answers_from_the_app_are_stored_and_errors_explained(app: App, db: Database) -> None:
    created = app.file(category="banjir", attributes={"ketinggian_air": "35",
                       "tergenang_sejak": "2026-11-27T05:45"})  # fmt: skip
    assert created.status_code == 201, created.text
    with db.reading() as session:
        report = session.get_one(Report, created.json()["id"])
    assert report.attributes == {
        "ketinggian_air": 35,
        "tergenang_sejak": "2026-11-27T05:45:00+07:00",
    }

    refused = app.client.post(
        "/app/submit?lang=en",
        data={"report": json.dumps({"category": "layanan_rumah_sakit", **MONAS,
                                    "description": "Antrean lama sekali."})},
        files=[("photo", ("p.jpg", jpeg(), "image/jpeg"))],
        headers={"X-CSRF-Token": app.csrf()},
    )  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["error"]["message"] == (
        "The question 'Name of the hospital' must be answered: send an answer with the code "
        "'nama_rumah_sakit'."
    )


def test_my_reports_leave_out_what_only_officials_see(app: App, db: Database) -> None:
    app.sign_up(email="g@test.sigap.id")
    created = app.file()
    report_id = created.json()["id"]
    with db.reading() as session:
        officer = session.scalar(
            select(Account.id).where(Account.email == "petugas.gambir@demo.sigap.id")
        )
    token = app.client.post(
        "/api/v1/auth/tokens",
        json={"email": "lurah.gambir@demo.sigap.id", "password": DEMO_PASSWORD},
    ).json()["token"]
    lurah = {"Authorization": f"Bearer {token}"}
    base = f"/api/v1/officials/reports/{report_id}"
    assert app.client.post(f"{base}/assign", json={"officer": officer}, headers=lurah).is_success
    assert app.client.post(f"{base}/notes", json={"note": "Rahasia."}, headers=lurah).is_success

    mine = app.client.get("/app/my?lang=id").text
    assert "Dilaporkan" in mine  # the submit event is shown
    assert "Penugasan" not in mine
    assert "Catatan" not in mine
