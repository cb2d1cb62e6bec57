"""Every report message and every webhook event has one shape and one timestamp format, and
sigap.notify.payloads is the only code that builds them."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sigap import models
from sigap.auth.service import Subject, scope_of
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD
from sigap.notify import payloads, webhooks
from sigap.notify.worker import Worker
from sigap.regions.state import RegionState
from sigap.workflow import actions
from sigap.workflow.answer import acknowledge
from sigap.workflow.rating import accept
from sigap.workflow.resolve import resolve
from sigap.workflow.sweep import sweep

from .conftest import MONAS, Receiver, drain

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
CONTRACT = {"report_id", "event_id", "action", "from_status", "to_status", "unit", "at", "note"}
TIMES = {"at", "due_at", "level_due_at"}  # the times a report message can carry
PHOTO = {"id": 0, "url": "/media/test.webp"}  # an after-photo as the photo intake returns it
SRC = Path(payloads.__file__).parents[1]


@pytest.fixture
def database_url(isolated_database_url: str) -> str:
    """A database of its own: the moderator's hide writes the admin audit, which the shared
    database keeps between tests."""
    return isolated_database_url


def test_a_stamp_is_utc_with_milliseconds_and_a_z() -> None:
    moment = datetime(2026, 12, 7, 10, 22, 13, 42999, tzinfo=UTC)
    assert payloads.stamp(moment) == "2026-12-07T10:22:13.042Z"
    assert payloads.stamp(moment.astimezone(ZoneInfo("Asia/Jakarta"))) == payloads.stamp(moment)
    assert payloads.stamp(moment.replace(microsecond=0)) == "2026-12-07T10:22:13.000Z"
    assert payloads.stamp(moment.replace(tzinfo=None)) == payloads.stamp(moment)  # SQLite's


def official(state: RegionState) -> actions.Actor:
    unit_id = state.units_by_code["prov-31"].id
    subject = Subject(
        account_id=1, name="admin", email="admin@test", role="admin", unit_id=unit_id,
        language="id", scope=scope_of(state, "admin", unit_id), session_hash="x",
    )  # fmt: skip
    return actions.Actor.official(subject)


def messages(database: Database, report_id: int) -> list[models.OutboxMessage]:
    with database.reading() as session:
        rows = session.scalars(select(models.OutboxMessage).order_by(models.OutboxMessage.id))
        return [m for m in rows if m.payload.get("report_id") == report_id]


def test_every_report_topic_and_its_webhooks_carry_z_stamps(
    client: TestClient,
    database: Database,
    receiver: Receiver,
    make_worker: Callable[..., Worker],
) -> None:
    with database.transaction() as session:
        webhooks.create(session, url=receiver.url, events=["*"], secret="s" * 32)
    state: RegionState = client.app.state.region  # type: ignore[attr-defined]
    reporter = {"name": "Siti", "email": "siti@example.id"}
    report_id = client.post("/api/v1/reports", json={**MONAS, "reporter": reporter}).json()["id"]
    with database.reading() as session:
        due = session.get_one(models.Report, report_id).response_due_at
    assert sweep(database, state, due - timedelta(minutes=1)).warned == 1
    assert sweep(database, state, due + timedelta(hours=1)).escalated == 1
    admin, photos = official(state), actions.Options(photos=[PHOTO])
    with database.transaction() as session:
        acknowledge(session, state, admin, report_id, note="Menuju.", options=photos)
        resolve(session, state, admin, report_id, note="Bersih.", options=photos)
        accept(session, state, actions.REPORTER, report_id, rating=5, comment=None, options=photos)
    token = client.post(
        "/api/v1/auth/tokens", json={"email": "admin@demo.sigap.id", "password": DEMO_PASSWORD}
    ).json()["token"]
    hidden = client.post(
        f"/api/v1/admin/reports/{report_id}/hide",
        json={"reason": "Data pribadi.", "parts": ["description"]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert hidden.status_code == 200, hidden.text

    written = messages(database, report_id)
    topics = {m.topic for m in written}
    assert topics == {
        "report.created", "report.sla_warning", "report.escalated", "report.status_changed",
        "report.rated", "report.moderated",
    }  # fmt: skip
    for message in written:
        payload: dict[str, Any] = message.payload
        assert set(payload) >= CONTRACT, message.topic
        stamps = {key: payload[key] for key in TIMES & set(payload)}
        assert all(STAMP.match(value) for value in stamps.values()), (message.topic, stamps)
    by_topic = {m.topic: m.payload for m in written}
    assert "due_at" in by_topic["report.sla_warning"]
    assert "level_due_at" in by_topic["report.escalated"]

    drain(make_worker())
    events = receiver.events()
    assert {e["type"] for e in events} == topics
    for event in events:
        assert STAMP.match(event["created_at"]), event
        assert STAMP.match(event["data"]["at"]), event
        assert "tracking_token" not in event["data"]


def _builds_a_payload(node: ast.AST) -> bool:
    """A dict with a report message's keys, or a webhook event's, or a row of the outbox
    made for anything but an e-mail."""
    if isinstance(node, ast.Dict):
        keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
        return {"report_id", "to_status"} <= keys or {"type", "created_at", "data"} <= keys
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = node.args[0] if node.args else None
        mail = isinstance(first, ast.Name) and first.id == "MAIL_TOPIC"
        return name in {"new_row", "outbox_row"} and not mail
    return False


def test_payloads_are_built_in_one_place() -> None:
    found = [
        f"{path.relative_to(SRC)}:{node.lineno}"  # type: ignore[attr-defined]
        for path in sorted(SRC.rglob("*.py"))
        if path.name != "payloads.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if _builds_a_payload(node)
    ]
    assert found == []
