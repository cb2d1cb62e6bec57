"""E-mail through a real SMTP server on loopback (aiosmtpd): who gets what, in which language,
with the link, as plain text and HTML."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from sigap import models
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD
from sigap.kit import utcnow
from sigap.notify import mail
from sigap.notify.worker import Worker
from sigap.workflow.sweep import sweep

from .conftest import MONAS, Inbox, admin_headers, drain, worker_settings, write_event

SITI = {"name": "Siti", "email": "siti@example.id"}


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


def submit(client: TestClient, **extra: object) -> int:
    response = client.post("/api/v1/reports", json={**MONAS, **extra})
    assert response.status_code == 201, response.text
    report_id: int = response.json()["id"]
    return report_id


def test_the_unit_hears_of_a_new_report(
    client: TestClient,
    smtp: tuple[Inbox, int],
    unit_email: str,
    make_worker: Callable[..., Worker],
) -> None:
    inbox, port = smtp
    report_id = submit(client, description="Sampah <b>menumpuk</b> di trotoar.")

    drain(make_worker(smtp_host="127.0.0.1", smtp_port=port))

    (message,) = inbox.to(unit_email)
    assert message["Subject"] == f"Laporan baru #{report_id} untuk Kelurahan Gambir: Sampah"
    assert message["Content-Language"] == "id"
    text, html = parts(message)
    assert f"http://sigap.test/reports/{report_id}" in text
    assert "Sampah <b>menumpuk</b> di trotoar." in text
    assert "Sampah &lt;b&gt;menumpuk&lt;/b&gt; di trotoar." in html  # escaped in HTML
    assert f'href="http://sigap.test/reports/{report_id}"' in html
    assert inbox.envelopes[0][0] == "noreply@localhost"


def test_the_reporter_hears_of_every_status_change_with_a_link(
    client: TestClient,
    database: Database,
    smtp: tuple[Inbox, int],
    make_worker: Callable[..., Worker],
) -> None:
    inbox, port = smtp
    report_id = submit(client, reporter=SITI)
    anonymous = submit(client)
    worker = make_worker(smtp_host="127.0.0.1", smtp_port=port)
    drain(worker)
    # No unit e-mail configured; the reporter who gave an e-mail gets the tracking link only.
    (received,) = inbox.messages
    assert received["To"] == SITI["email"]
    inbox.messages.clear()

    write_event(
        database,
        "report.status_changed",
        report_id,
        action="respond",
        from_status="open",
        to_status="in_progress",
        note="Petugas menuju lokasi.",
    )
    write_event(
        database,
        "report.forwarded",
        report_id,
        action="forward",
        from_status="in_progress",
        to_status="in_progress",
    )
    write_event(
        database,
        "report.status_changed",
        anonymous,
        action="respond",
        from_status="open",
        to_status="in_progress",
    )
    drain(worker)

    (message,) = inbox.to(SITI["email"])
    assert message["Subject"] == f"Laporan #{report_id}: Sedang ditangani"
    text, html = parts(message)
    assert 'dari "Diterima" menjadi "Sedang ditangani"' in text
    assert "Catatan petugas: Petugas menuju lokasi." in text
    assert f"http://sigap.test/reports/{report_id}" in text
    assert f'<a href="http://sigap.test/reports/{report_id}">' in html
    assert len(inbox.messages) == 1


def test_unit_heads_hear_of_sla_warnings_and_escalations_in_their_language(
    client: TestClient,
    database: Database,
    smtp: tuple[Inbox, int],
    unit_heads: dict[str, str],
    make_worker: Callable[..., Worker],
) -> None:
    inbox, port = smtp
    report_id = submit(client)
    write_event(
        database,
        "report.sla_warning",
        report_id,
        action="sla_warning",
        from_status="open",
        to_status="open",
    )
    write_event(
        database,
        "report.escalated",
        report_id,
        action="escalate",
        from_status="open",
        to_status="open",
    )

    drain(make_worker(smtp_host="127.0.0.1", smtp_port=port))

    indonesian = sorted(m["Subject"] for m in inbox.to(unit_heads["id"]))
    english = sorted(m["Subject"] for m in inbox.to(unit_heads["en"]))
    assert indonesian == [
        f"Eskalasi: laporan #{report_id} ke Kelurahan Gambir",
        f"Peringatan SLA: laporan #{report_id} (Kelurahan Gambir)",
    ]
    assert english == [
        f"Escalation: report #{report_id} to Gambir kelurahan office",
        f"SLA warning: report #{report_id} (Gambir kelurahan office)",
    ]
    warning = next(m for m in inbox.to(unit_heads["en"]) if "SLA" in m["Subject"])
    text, html = parts(warning)
    assert text.startswith("Dear Head en,")
    assert "respond by 20" in text
    assert '<html lang="en">' in html


def test_a_mail_server_that_is_down_means_a_retry_not_a_loss(
    client: TestClient,
    database: Database,
    smtp: tuple[Inbox, int],
    unit_email: str,
    make_worker: Callable[..., Worker],
) -> None:
    inbox, port = smtp
    submit(client)
    down = make_worker(smtp_host="127.0.0.1", smtp_port=1, outbox_max_attempts=100)
    down.run_once()  # fan-out
    down.run_once()  # the e-mail fails: nothing listens on port 1

    with database.reading() as session:
        pending = session.scalars(
            select(models.OutboxMessage).where(models.OutboxMessage.topic == "mail.send")
        ).one()
    assert (pending.state, pending.attempts) == ("pending", 1)
    assert "Connection" in (pending.last_error or "")
    assert inbox.messages == []
    time.sleep(0.1)  # the tests' backoff is a few milliseconds
    drain(make_worker(smtp_host="127.0.0.1", smtp_port=port))
    assert [m["To"] for m in inbox.messages] == [unit_email]


def test_the_unit_an_escalation_reaches_is_told_with_its_own_deadline(
    client: TestClient,
    database: Database,
    smtp: tuple[Inbox, int],
    unit_heads: dict[str, str],
    make_worker: Callable[..., Worker],
) -> None:
    inbox, port = smtp
    report_id = submit(client)
    table = models.Unit.__table__
    kecamatan = table.c.code == "kec-31.71.01"
    with database.transaction() as session:
        session.execute(update(table).where(kecamatan).values(email="kec.gambir@jakarta.example"))
    try:
        late = utcnow() + timedelta(days=10)
        assert sweep(database, client.app.state.region, late).escalated == 1  # type: ignore[attr-defined]
        drain(make_worker(smtp_host="127.0.0.1", smtp_port=port))
    finally:
        with database.transaction() as session:
            session.execute(update(table).where(kecamatan).values(email=None))

    subject = f"Eskalasi ke Kecamatan Gambir: laporan #{report_id} (Sampah)"
    (camat,) = inbox.to("camat.gambir@demo.sigap.id")  # the receiving unit's head
    assert camat["Subject"] == subject
    text, html = parts(camat)
    assert text.startswith("Yth. Camat Gambir,")
    due = late + timedelta(hours=24)  # in UTC or the region's time: both name the moment
    shown = {f"{d:%Y-%m-%d %H:%M}" for d in (due, due.astimezone(ZoneInfo("Asia/Jakarta")))}
    assert any(f"Tanggapi sebelum {moment}" in text for moment in shown)
    assert f"http://sigap.test/officials/reports/{report_id}" in html
    assert [m["Subject"] for m in inbox.to("kec.gambir@jakarta.example")] == [subject]
    # The heads of the kelurahan that missed its deadline hear where the report went.
    (english,) = inbox.to(unit_heads["en"])
    assert english["Subject"] == (
        f"Escalation: report #{report_id} to Gambir district office (kecamatan)"
    )
    assert inbox.to("walikota.pusat@demo.sigap.id") == []  # the level above is not told yet


def test_every_template_renders_in_both_languages(database_url: str) -> None:
    context = {
        "report_id": 7,
        "link": "http://x/reports/7",
        "category": "Banjir",
        "status": "S",
        "from_status": "F",
        "unit": "U",
        "at": "A",
        "note": "N",
        "address": "",
        "lat": 1.0,
        "lon": 2.0,
        "description": "D",
        "response_due_at": "R",
        "resolution_due_at": "Q",
        "forwarded": True,
        "name": "Nama",
        "escalated_to": "E",
        "level": 1,
        "level_due_at": "L",
    }
    settings = worker_settings(database_url)
    names = ("reporter_status", "reporter_received", "unit_new_report", "head_sla_warning")
    for name in (*names, "head_escalated", "officer_assigned", "unit_escalated"):
        subjects = set()
        for language in ("id", "en"):
            message = mail.compose(
                settings, to="a@b.c", name=name, language=language, context=context
            )
            subjects.add(message["Subject"])
            text, html = parts(message)
            assert "#7" in text
            assert "#7" in html
        assert len(subjects) == 2, name


def test_without_a_mail_server_no_email_is_queued(
    client: TestClient,
    database: Database,
    unit_email: str,
    make_worker: Callable[..., Worker],
) -> None:
    submit(client, reporter=SITI)

    drain(make_worker(smtp_host=None))

    with database.reading() as session:
        topics = session.scalars(select(models.OutboxMessage.topic)).all()
    assert topics == ["report.created"]


def test_reporters_of_merged_duplicates_and_followers_hear_of_the_parent(
    client: TestClient,
    database: Database,
    smtp: tuple[Inbox, int],
    make_worker: Callable[..., Worker],
) -> None:
    inbox, port = smtp
    parent = submit(client, reporter=SITI)
    child = submit(client, reporter={"email": "budi@example.id"})
    with database.transaction() as session:
        session.get_one(models.Report, child).duplicate_of_id = parent
    with database.transaction() as session:
        account = session.scalars(
            select(models.Account).where(models.Account.email == "warga@demo.sigap.id")
        ).one()
        session.add(models.ReportFollow(account_id=account.id, report_id=parent,
                                        created_at=utcnow()))  # fmt: skip
    worker = make_worker(smtp_host="127.0.0.1", smtp_port=port)
    drain(worker)
    inbox.messages.clear()  # the tracking-link e-mails of both submits
    write_event(
        database, "report.status_changed", parent,
        action="resolve", from_status="open", to_status="resolved", note="Sudah beres.",
    )  # fmt: skip
    drain(worker)

    for address in (SITI["email"], "budi@example.id", "warga@demo.sigap.id"):
        (message,) = inbox.to(address)
        assert f"#{parent}" in message["Subject"]
        assert "Sudah beres." in parts(message)[0]
    assert len(inbox.messages) == 3


def test_the_reporter_gets_the_secret_tracking_link_and_webhooks_do_not(
    receivers_client: TestClient,
    smtp: tuple[Inbox, int],
    make_worker: Callable[..., Worker],
    receiver: Any,
) -> None:
    client = receivers_client
    inbox, port = smtp
    admin = admin_headers(client)
    hook = {"url": receiver.url, "secret": "s" * 32, "events": ["report.created"]}
    assert client.post("/api/v1/admin/webhooks", json=hook, headers=admin).status_code == 201
    response = client.post("/api/v1/reports", json={**MONAS, "reporter": SITI})
    token = response.json()["tracking_token"]

    drain(make_worker(smtp_host="127.0.0.1", smtp_port=port))

    (message,) = inbox.to(SITI["email"])
    assert "diterima" in message["Subject"]
    assert f"http://sigap.test/app/track/{token}" in parts(message)[0]
    (event,) = receiver.events()
    assert event["data"]["report_id"] == response.json()["id"]
    assert token not in json.dumps(event)


def test_the_assigned_officer_is_told_in_their_language(
    client: TestClient,
    database: Database,
    smtp: tuple[Inbox, int],
    make_worker: Callable[..., Worker],
) -> None:
    inbox, port = smtp
    report_id = submit(client)
    with database.transaction() as session:
        officer = session.scalars(
            select(models.Account).where(models.Account.email == "petugas.gambir@demo.sigap.id")
        ).one()
        officer.language = "en"
        officer_id = officer.id
    try:  # a demo account of the shared PostgreSQL template: put back as it was
        token = client.post(
            "/api/v1/auth/tokens",
            json={"email": "lurah.gambir@demo.sigap.id", "password": DEMO_PASSWORD},
        ).json()["token"]
        assigned = client.post(
            f"/api/v1/officials/reports/{report_id}/assign",
            json={"officer": officer_id, "note": "Internal: bring the truck."},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert assigned.status_code == 200, assigned.text
        drain(make_worker(smtp_host="127.0.0.1", smtp_port=port))
    finally:
        with database.transaction() as session:
            session.get_one(models.Account, officer_id).language = "id"

    (message,) = inbox.to("petugas.gambir@demo.sigap.id")
    assert message["Subject"] == f"New task: report #{report_id} (Garbage)"
    text, html = parts(message)
    assert text.startswith("Dear Petugas Kelurahan Gambir,")
    assert f"http://sigap.test/officials/reports/{report_id}" in text
    assert f'href="http://sigap.test/officials/reports/{report_id}"' in html
    assert "truck" not in text  # the internal note stays in Sigap
    assert [m["To"] for m in inbox.messages] == ["petugas.gambir@demo.sigap.id"]
