"""The outbox worker: fan-out, signed webhook deliveries, retries with backoff, dead letters,
the admin API over them, periodic jobs, and claims that two workers never share."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from sigap import models
from sigap.db import Database
from sigap.kit import utcnow
from sigap.notify import outbox, webhooks
from sigap.notify.worker import Worker

from .conftest import MONAS, RECEIVERS_ALLOWED, Receiver, admin_headers, drain, write_event


def rows(database: Database) -> list[models.OutboxMessage]:
    with database.reading() as session:
        return list(session.scalars(select(models.OutboxMessage).order_by(models.OutboxMessage.id)))


def register(database: Database, url: str, events: list[str]) -> dict[str, Any]:
    with database.transaction() as session:
        return webhooks.create(session, url=url, events=events, secret="s" * 32)


def test_submit_writes_the_shared_payload_contract(client: TestClient, database: Database) -> None:
    report_id = client.post("/api/v1/reports", json=MONAS).json()["id"]

    with database.reading() as session:
        event_id = session.scalar(select(models.ReportEvent.id))
    (message,) = rows(database)
    payload = message.payload
    assert message.topic == "report.created"
    assert payload.pop("at").endswith("Z")
    assert payload == {
        "report_id": report_id,
        "event_id": event_id,
        "action": "submit",
        "from_status": None,
        "to_status": "open",
        "unit": "kel-31.71.01.1001",
        "note": None,
    }


def test_a_report_reaches_a_subscribed_webhook_signed(
    client: TestClient,
    database: Database,
    receiver: Receiver,
    make_worker: Callable[..., Worker],
) -> None:
    register(database, receiver.url, ["report.created"])
    register(database, receiver.url + "/other", ["report.status_changed"])  # not this topic
    report_id = client.post("/api/v1/reports", json=MONAS).json()["id"]
    parent = rows(database)[0]

    drain(make_worker())

    ((headers, body),) = receiver.requests
    event = receiver.events()[0]
    assert event["id"] == parent.message_id == headers["Sigap-Event-Id"]
    assert event["type"] == "report.created"
    assert event["data"]["report_id"] == report_id
    assert datetime.fromisoformat(event["created_at"]).utcoffset() == timedelta(0)
    assert headers["Content-Type"] == "application/json"
    assert webhooks.verify("s" * 32, body, headers["Sigap-Signature"])
    assert not webhooks.verify("t" * 32, body, headers["Sigap-Signature"])
    assert not webhooks.verify("s" * 32, body + b" ", headers["Sigap-Signature"])
    assert {m.state for m in rows(database)} == {"delivered"}


def test_old_signatures_are_refused_by_the_reference_receiver() -> None:
    body = b'{"id":"x"}'
    old = int(utcnow().timestamp()) - 600

    assert not webhooks.verify("k" * 32, body, webhooks.sign("k" * 32, body, old))
    assert webhooks.verify("k" * 32, body, webhooks.sign("k" * 32, body, old + 400))


def test_non_2xx_is_retried_with_backoff_then_dead_then_retried_by_an_admin(
    client: TestClient,
    database: Database,
    receiver: Receiver,
    make_worker: Callable[..., Worker],
) -> None:
    register(database, receiver.url, ["*"])
    write_event(
        database, "report.rated", 1, action="rate", from_status="resolved", to_status="closed"
    )
    receiver.status = 503
    worker = make_worker(outbox_max_attempts=3, outbox_backoff_s=30, outbox_backoff_max_s=60)

    worker.run_once()  # fan-out: the parent is delivered, one delivery per endpoint
    worker.run_once()  # first attempt fails
    delivery = rows(database)[1]
    assert (delivery.topic, delivery.state, delivery.attempts) == ("webhook.send", "pending", 1)
    assert "503" in (delivery.last_error or "")
    wait = delivery.available_at - utcnow()
    assert timedelta(seconds=25) < wait <= timedelta(seconds=36)
    assert worker.run_once() == 0  # not due yet

    for _ in range(2):
        make_due(database)
        worker.run_once()
    assert rows(database)[1].state == "dead"
    assert len(receiver.requests) == 3

    listed = client.get("/api/v1/admin/outbox?state=dead", headers=admin_headers(client)).json()
    assert [m["id"] for m in listed["items"]] == [delivery.id]
    assert listed["counts"]["dead"] == 1
    assert listed["items"][0]["last_error"].endswith("503")
    retried = client.post(
        f"/api/v1/admin/outbox/{delivery.id}/retry", headers=admin_headers(client)
    )
    assert retried.status_code == 202
    receiver.status = 204
    worker.run_once()
    assert rows(database)[1].state == "delivered"
    assert len({e["id"] for e in receiver.events()}) == 1  # the same event id every time
    again = client.post(f"/api/v1/admin/outbox/{delivery.id}/retry", headers=admin_headers(client))
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "outbox_message_not_found"


def make_due(database: Database) -> None:
    table = models.OutboxMessage.__table__
    with database.transaction() as session:
        session.execute(update(table).values(available_at=utcnow() - timedelta(seconds=1)))


def test_backoff_grows_exponentially_up_to_the_cap() -> None:
    delays = [outbox.backoff_s(n, 10, 300) for n in range(1, 8)]

    assert 10 <= delays[0] <= 12
    assert 40 <= delays[2] <= 48
    assert all(300 <= d <= 360 for d in delays[5:])


def test_a_message_without_handler_fails_and_a_deleted_endpoint_gets_nothing(
    database: Database, receiver: Receiver, make_worker: Callable[..., Worker]
) -> None:
    endpoint = register(database, receiver.url, ["report.forwarded"])
    write_event(
        database, "report.forwarded", 1, action="forward", from_status="open", to_status="open"
    )
    with database.transaction() as session:
        session.execute(
            models.OutboxMessage.__table__.insert(), [outbox.new_row("unknown.topic", {})]
        )
    worker = make_worker()
    worker.run_once()  # fan-out; the unknown topic fails
    with database.transaction() as session:
        webhooks.delete(session, endpoint["id"])
    worker.run_once()

    states = {m.topic: (m.state, m.last_error) for m in rows(database)}
    assert states["webhook.send"] == ("delivered", None)
    assert states["unknown.topic"][0] == "pending"
    assert "no handler" in (states["unknown.topic"][1] or "")
    assert receiver.requests == []


def test_claims_are_leased_so_a_lost_worker_gives_its_rows_back(database: Database) -> None:
    for n in range(5):
        write_event(database, "report.rated", n, action="rate", from_status=None, to_status="x")
    now = utcnow()

    with database.transaction() as session:
        first = outbox.claim(session, now=now, lease_s=60, limit=3)
    with database.transaction() as session:
        second = outbox.claim(session, now=now, lease_s=60, limit=10)
    with database.transaction() as session:
        none_due = outbox.claim(session, now=now, lease_s=60, limit=10)
    with database.transaction() as session:
        after_lease = outbox.claim(session, now=now + timedelta(seconds=61), lease_s=60, limit=10)

    assert len(first) == 3
    assert len(second) == 2
    assert not {m.id for m in first} & {m.id for m in second}
    assert none_due == []
    assert len(after_lease) == 5


def test_two_workers_claiming_at_once_get_different_rows(database: Database, backend: Any) -> None:
    """PostgreSQL: the second claim skips the rows the first holds (SKIP LOCKED). SQLite: the
    second claim waits for the first one's write lock, then takes what is left."""
    for n in range(4):
        write_event(database, "report.rated", n, action="rate", from_status=None, to_status="x")
    now = utcnow()

    def claim_all() -> list[outbox.Message]:
        with database.transaction() as session:
            return outbox.claim(session, now=now, lease_s=60, limit=10)

    with database.transaction() as first_session:
        first = outbox.claim(first_session, now=now, lease_s=60, limit=2)
        if backend.name == "postgresql":
            second = claim_all()  # while the first still holds its locks
        else:
            found: list[list[outbox.Message]] = []
            other = threading.Thread(target=lambda: found.append(claim_all()))
            other.start()
            other.join(0.5)
            assert other.is_alive()  # one writer at a time: it waits for the first
    if backend.name != "postgresql":
        other.join(10)
        (second,) = found

    assert len(first) == 2
    assert len(second) == 2
    assert not {m.id for m in first} & {m.id for m in second}


def test_periodic_jobs_run_at_their_interval(make_worker: Callable[..., Worker]) -> None:
    worker = make_worker()
    runs: list[datetime] = []
    worker.register_periodic("sla-sweep", 3600, lambda _db, now: runs.append(now))
    worker.register_periodic("broken", 0, lambda _db, _now: 1 / 0)

    worker.run_periodic()
    worker.run_periodic()

    assert len(runs) == 1
    assert runs[0].tzinfo is not None


def token_of(client: TestClient, email: str) -> dict[str, str]:
    from sigap.demo import DEMO_PASSWORD

    response = client.post("/api/v1/auth/tokens", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_admin_api_is_for_admin_accounts_only(client: TestClient) -> None:
    missing = client.get("/api/v1/admin/outbox")
    wrong = client.get("/api/v1/admin/webhooks", headers={"Authorization": "Bearer nope"})
    head = client.get(
        "/api/v1/admin/outbox", headers=token_of(client, "lurah.gambir@demo.sigap.id")
    )
    admin = client.get("/api/v1/admin/outbox", headers=token_of(client, "admin@demo.sigap.id"))

    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "not_signed_in"
    assert wrong.status_code == 401
    assert head.status_code == 403
    assert head.json()["error"]["code"] == "admin_only"
    assert admin.status_code == 200


def test_admins_register_list_and_delete_webhooks(client: TestClient) -> None:
    created = client.post(
        "/api/v1/admin/webhooks",
        json={"url": "https://lapor.example/hook", "events": ["report.created", "report.rated"]},
        headers=admin_headers(client),
    )
    refused = client.post(
        "/api/v1/admin/webhooks",
        json={"url": "ftp://x", "events": ["report.nothing"]},
        headers=admin_headers(client),
    )

    assert created.status_code == 201, created.text
    endpoint = created.json()
    assert endpoint["secret"].startswith("whsec_")
    listed = client.get("/api/v1/admin/webhooks", headers=admin_headers(client)).json()
    assert [(e["url"], e["events"]) for e in listed] == [
        ("https://lapor.example/hook", ["report.created", "report.rated"])
    ]
    assert "secret" not in listed[0]
    assert refused.status_code == 422
    assert {d["field"] for d in refused.json()["error"]["details"]} == {"body.url", "body.events.0"}
    assert (
        client.delete(
            f"/api/v1/admin/webhooks/{endpoint['id']}", headers=admin_headers(client)
        ).status_code
        == 204
    )
    gone = client.delete(f"/api/v1/admin/webhooks/{endpoint['id']}", headers=admin_headers(client))
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "webhook_not_found"


def test_the_in_process_worker_of_the_demo_delivers(settings: Any, receiver: Receiver) -> None:
    from sigap.app import create_app

    allowed = {"inprocess_worker": True, "worker_poll_s": 0.05, "webhook_allow": RECEIVERS_ALLOWED}
    app = create_app(settings.model_copy(update=allowed))
    with TestClient(app) as client:
        client.post(
            "/api/v1/admin/webhooks",
            json={"url": receiver.url, "events": ["*"]},
            headers=admin_headers(client),
        )
        report_id = client.post("/api/v1/reports", json=MONAS).json()["id"]
        for _ in range(100):
            if receiver.requests:
                break
            time.sleep(0.05)

    assert [e["data"]["report_id"] for e in receiver.events()] == [report_id]


def test_one_worker_at_a_time_runs_a_periodic_job(
    make_worker: Callable[..., Worker], database: Database, backend: Any
) -> None:
    first, second = make_worker(), make_worker()
    runs: list[str] = []

    def sweep_while_the_other_tries(_db: Database, _now: datetime) -> None:
        runs.append("first")
        second.run_periodic()  # the same job in another worker, while the first runs it

    first.register_periodic("sla-sweep", 3600, sweep_while_the_other_tries)
    second.register_periodic("sla-sweep", 3600, lambda _db, _now: runs.append("second"))
    first.run_periodic()
    third = make_worker()
    third.register_periodic("sla-sweep", 3600, lambda _db, _now: runs.append("third"))
    third.run_periodic()  # the lock was given back

    if backend.name == "postgresql":
        assert runs == ["first", "third"]
    else:  # one worker per SQLite database: no lock between workers
        assert runs == ["first", "second", "third"]
