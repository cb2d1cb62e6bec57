"""Tamper-evident history: every event chained, `sigap audit verify` finds edits made with the
append-only triggers out of the way, on both databases."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, delete, func, select, text, update
from tests.workflow.conftest import ADMIN, LURAH

from sigap import cli
from sigap.db import Database
from sigap.history import chain, heads
from sigap.history import router as history_router
from sigap.kit import utcnow
from sigap.models import Account, AdminEvent, ReportEvent

EVENT: Any = ReportEvent.__table__
Login = Callable[[str], dict[str, str]]
Submit = Callable[..., dict[str, Any]]


def _history(client: TestClient, login: Login, submit: Submit) -> int:
    """Two reports with a few events each, one admin change; the first report's id."""
    first, second = submit(), submit()
    for report in (first, second):
        path = f"/api/v1/officials/reports/{report['id']}/acknowledge"
        assert client.post(path, json={}, headers=login(LURAH)).status_code == 200
    note = {"note": "Petugas sudah dijadwalkan.", "internal": False}
    path = f"/api/v1/officials/reports/{first['id']}/notes"
    assert client.post(path, json=note, headers=login(LURAH)).status_code == 200
    channel = {"name": "Kiosk"}
    assert (
        client.post("/api/v1/admin/channels", json=channel, headers=login(ADMIN)).status_code == 201
    )
    return int(first["id"])


def _tamper(database_url: str, table: Any, row_id: int, **values: Any) -> None:
    """Change history the way a database superuser could: with the guards out of the way.
    No ``values``: delete the row."""
    engine = create_engine(database_url)
    name = table.name
    with engine.begin() as connection:
        sqlite = connection.dialect.name == "sqlite"
        verb = "update" if values else "delete"
        if sqlite:
            connection.execute(text(f"DROP TRIGGER {name}_no_{verb}"))
        else:
            connection.execute(text(f"ALTER TABLE {name} DISABLE TRIGGER ALL"))
        row = table.c.id == row_id
        change = update(table).where(row).values(**values) if values else delete(table).where(row)
        connection.execute(change)
        if sqlite:
            connection.execute(
                text(
                    f"CREATE TRIGGER {name}_no_{verb} BEFORE {verb.upper()} ON {name} "
                    f"BEGIN SELECT RAISE(ABORT, '{name} is append-only'); END"
                )
            )
        else:
            connection.execute(text(f"ALTER TABLE {name} ENABLE TRIGGER ALL"))
    engine.dispose()


def _verify(database_url: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = cli.main(["audit", "verify", "--database-url", database_url, *extra])
    return code, capsys.readouterr().out


def test_every_event_is_chained_and_names_its_account(
    client: TestClient, login: Login, submit: Submit, db: Database, database_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    report_id = _history(client, login, submit)
    with db.reading() as session:
        lurah = session.scalar(select(Account.id).where(Account.email == LURAH))
        events = session.scalars(
            select(ReportEvent).where(ReportEvent.report_id == report_id).order_by(ReportEvent.id)
        ).all()
        admin = session.scalars(select(AdminEvent).order_by(AdminEvent.id.desc())).first()
    assert [e.action for e in events] == ["submit", "acknowledge", "note"]
    assert [e.actor_account_id for e in events] == [None, lurah, lurah]
    prev = chain.GENESIS
    for event in events:
        assert event.hash == chain.report_link(chain.fields_of(event, chain.REPORT_FIELDS), prev)
        prev = event.hash
    assert admin is not None
    assert admin.action == "channel.create"
    assert admin.account_id is not None
    assert admin.hash is not None

    code, out = _verify(database_url, capsys)
    assert code == 0, out
    assert "BROKEN" not in out


def test_an_edit_with_the_triggers_disabled_is_named(
    client: TestClient, login: Login, submit: Submit, db: Database, database_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    report_id = _history(client, login, submit)
    with db.reading() as session:
        ids = session.scalars(
            select(ReportEvent.id)
            .where(ReportEvent.report_id == report_id)
            .order_by(ReportEvent.id)
        ).all()
    _tamper(database_url, EVENT, ids[1], note="Sudah selesai.")

    code, out = _verify(database_url, capsys)
    assert code == 1
    assert f"BROKEN report chain at report {report_id}, event {ids[1]}: expected " in out


def test_a_rewritten_hash_breaks_the_next_link(
    client: TestClient, login: Login, submit: Submit, db: Database, database_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Whoever edits a row and recomputes its hash still breaks the link to the next row."""
    report_id = _history(client, login, submit)
    with db.reading() as session:
        events = session.scalars(
            select(ReportEvent).where(ReportEvent.report_id == report_id).order_by(ReportEvent.id)
        ).all()
        fields = chain.fields_of(events[1], chain.REPORT_FIELDS)
    forged = chain.report_link({**fields, "actor_account_id": None}, events[0].hash or "")
    _tamper(database_url, EVENT, events[1].id, actor_account_id=None, hash=forged)

    code, out = _verify(database_url, capsys)
    assert code == 1
    assert f"report {report_id}, event {events[2].id}" in out
    assert f"found {events[2].hash}" in out


def test_a_deleted_event_breaks_the_chain(
    client: TestClient, login: Login, submit: Submit, db: Database, database_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    report_id = _history(client, login, submit)
    with db.reading() as session:
        ids = session.scalars(
            select(ReportEvent.id)
            .where(ReportEvent.report_id == report_id)
            .order_by(ReportEvent.id)
        ).all()
    _tamper(database_url, EVENT, ids[1])

    code, out = _verify(database_url, capsys)
    assert code == 1
    assert f"report {report_id}, event {ids[2]}" in out


def test_an_edited_admin_event_is_named(
    client: TestClient, login: Login, submit: Submit, db: Database, database_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _history(client, login, submit)
    with db.reading() as session:
        last = session.get_one(AdminEvent, session.scalar(select(func.max(AdminEvent.id))))
    _tamper(database_url, AdminEvent.__table__, last.id, action="unit.rename")

    code, out = _verify(database_url, capsys)
    # The admin audit outlives a test on PostgreSQL: put the row back for the next one.
    _tamper(database_url, AdminEvent.__table__, last.id, action=last.action)
    assert code == 1
    assert f"BROKEN admin chain at admin event {last.id}: expected " in out
    assert _verify(database_url, capsys)[0] == 0


def test_the_daily_digest_holds_the_city_to_its_history(
    client: TestClient, login: Login, submit: Submit, db: Database, database_url: str,
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """A saved day's digest shows a change even when the whole chain after it was rewritten."""
    report_id = _history(client, login, submit)
    zone = client.app.state.region.timezone  # type: ignore[attr-defined]
    today = utcnow().astimezone(zone).date()
    path = f"/api/v1/open-data/chain-heads/{today.isoformat()}.json"
    not_over = client.get(path)
    assert not_over.status_code == 404
    assert not_over.json()["error"]["code"] == "chain_day_not_over"
    assert client.get("/api/v1/open-data/chain-heads/2026-13-01.json").status_code == 422

    monkeypatch.setattr(history_router, "utcnow", lambda: utcnow() + timedelta(days=1))
    published = client.get(path)
    assert published.status_code == 200, published.text
    document = published.json()
    assert document["digest"] == heads.digest(document)
    assert report_id in [row[0] for row in document["reports"]]
    assert document["admin"] is not None
    saved = tmp_path / "heads.json"
    saved.write_text(json.dumps(document))
    code, out = _verify(database_url, capsys, "--heads", str(saved))
    assert code == 0, out

    # Rewrite the last event and its hash: every link holds, the published head does not.
    with db.reading() as session:
        last = session.scalars(
            select(ReportEvent)
            .where(ReportEvent.report_id == report_id)
            .order_by(ReportEvent.id.desc())
        ).first()
        prev = session.scalars(
            select(ReportEvent.hash)
            .where(ReportEvent.report_id == report_id, ReportEvent.id < (last.id if last else 0))
            .order_by(ReportEvent.id.desc())
        ).first()
    assert last is not None
    assert prev is not None
    fields = {**chain.fields_of(last, chain.REPORT_FIELDS), "note": "Tidak ada masalah."}
    forged = chain.report_link(fields, prev)
    _tamper(database_url, EVENT, last.id, note="Tidak ada masalah.", hash=forged)
    code, out = _verify(database_url, capsys, "--heads", str(saved))
    assert code == 1
    assert "BROKEN" not in out
    assert f"DIFFERS from {saved}: report {report_id}: saved head" in out


def test_the_open_data_page_names_the_digest(client: TestClient) -> None:
    page = client.get("/open-data", headers={"Accept": "text/html"})
    assert page.status_code == 200
    zone = client.app.state.region.timezone  # type: ignore[attr-defined]
    yesterday = heads.last_closed_day(utcnow(), zone).isoformat()
    assert f"/api/v1/open-data/chain-heads/{yesterday}.json" in page.text
