"""The officials' workflow feeds notifications: its transitions reach live clients (announced
in their transaction) and reporters' mailboxes (through the outbox), and the worker runs the
SLA sweep."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from sigap import models
from sigap.app import create_app
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD
from sigap.kit import utcnow
from sigap.notify.worker import Worker

from .conftest import MONAS, Inbox, drain

LURAH = "lurah.gambir@demo.sigap.id"


def sign_in(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/tokens", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_an_officials_action_reaches_live_clients_and_the_reporter(
    settings: Any,
    database: Database,
    smtp: tuple[Inbox, int],
    make_worker: Callable[..., Worker],
) -> None:
    inbox, port = smtp
    # Only the announcement can wake the hub in time: its own look comes once a minute.
    app = create_app(settings.model_copy(update={"live_poll_s": 60}))
    with TestClient(app) as client:
        reporter = {"name": "Siti", "email": "siti@example.id"}
        report_id = client.post("/api/v1/reports", json={**MONAS, "reporter": reporter}).json()[
            "id"
        ]
        listener = client.portal.call(client.app.state.live.join)  # type: ignore[attr-defined]
        acknowledged = client.post(
            f"/api/v1/officials/reports/{report_id}/acknowledge",
            json={"note": "Petugas menuju lokasi."},
            headers=sign_in(client, LURAH),
        )
        assert acknowledged.status_code == 200, acknowledged.text
        for _ in range(100):
            if any('"acknowledge"' in frame for _, frame in listener.frames):
                break
            time.sleep(0.02)

    frames = [frame for _, frame in listener.frames if '"action":"acknowledge"' in frame]
    assert len(frames) == 1
    assert '"status":"in_progress"' in frames[0]
    drain(make_worker(smtp_host="127.0.0.1", smtp_port=port))
    subjects = sorted(mail["Subject"] for mail in inbox.to("siti@example.id"))
    assert subjects == [  # the tracking link of the submit, then the change
        f"Laporan #{report_id} diterima: Sampah",
        f"Laporan #{report_id}: Sedang ditangani",
    ]


def test_the_worker_runs_the_sla_sweep(
    client: TestClient, database: Database, make_worker: Callable[..., Worker]
) -> None:
    report_id = client.post("/api/v1/reports", json=MONAS).json()["id"]
    table = models.Report.__table__
    past = utcnow() - timedelta(days=3)
    with database.transaction() as session:  # long overdue, as after a weekend
        session.execute(
            update(table)
            .where(table.c.id == report_id)
            .values(
                created_at=past,
                response_due_at=past + timedelta(hours=1),
                resolution_due_at=past + timedelta(hours=2),
                due_at=past + timedelta(hours=1),
                next_check_at=past + timedelta(hours=1),
            )
        )

    make_worker().run_periodic()

    with database.reading() as session:
        actions = session.scalars(
            select(models.ReportEvent.action).where(models.ReportEvent.report_id == report_id)
        ).all()
        topics = set(session.scalars(select(models.OutboxMessage.topic)))
    assert "escalate" in actions
    assert "report.escalated" in topics
