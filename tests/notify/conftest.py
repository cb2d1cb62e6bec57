"""Real peers on loopback for the notification tests: an SMTP server (aiosmtpd) and a webhook
receiver (http.server in a thread), plus helpers that write outbox rows as the workflow will."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import insert, update

from sigap import models
from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD
from sigap.jobs import build_worker
from sigap.kit import utcnow
from sigap.notify import targets
from sigap.notify.payloads import report_message
from sigap.notify.worker import Worker

MONAS = {"category": "sampah", "lat": -6.1754, "lon": 106.8272, "description": "Sampah menumpuk."}
GAMBIR = "kel-31.71.01.1001"
# The test receivers listen on loopback, which webhooks may reach only when it is allowed.
RECEIVERS_ALLOWED = "127.0.0.1/32"


class Inbox:
    """Collects what the SMTP server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(free_port: int) -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port)
    controller.start()
    yield inbox, free_port
    controller.stop()


class Receiver:
    """A webhook receiver that answers with ``status`` (changeable) and records each request."""

    def __init__(self) -> None:
        self.status = 200
        self.location: str | None = None  # sent with the answer (a redirect's target)
        self.delay_s = 0.0
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = self.rfile.read(length)
                if len(body) < length:
                    return  # the sender died mid-request (a crash test): nothing was delivered
                if receiver.delay_s:
                    threading.Event().wait(receiver.delay_s)
                with receiver.lock:
                    receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                return

        return Handler

    def events(self) -> list[dict[str, Any]]:
        with self.lock:
            return [json.loads(body) for _, body in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def worker_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "public_url": "http://sigap.test",
        "outbox_backoff_s": 0.01,
        "outbox_backoff_max_s": 0.05,
        "webhook_timeout_s": 2,
        "webhook_allow": RECEIVERS_ALLOWED,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def receivers_client(settings: Settings) -> Iterator[TestClient]:
    """A client of an app whose operators allow webhooks to the loopback test receivers."""
    allowed = settings.model_copy(update={"webhook_allow": RECEIVERS_ALLOWED})
    with TestClient(create_app(allowed)) as test_client:
        yield test_client


class FakeDNS:
    """Names the tests make up, answered without a DNS server (the network is what tests
    fake): ``names[name]`` is the list of addresses, or a function giving it at each lookup.
    Every other name goes to the system's resolver."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.names: dict[str, list[str] | Callable[[], list[str]]] = {}
        self.lookups: list[str] = []

    def __call__(self, host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        answer = self.names.get(host)
        if answer is None:
            return list(self.real(host, port, *args, **kwargs))
        self.lookups.append(host)
        addresses = answer() if callable(answer) else answer
        return [_addrinfo(address, int(port)) for address in addresses]


def _addrinfo(address: str, port: int) -> tuple[Any, ...]:
    if ":" in address:
        return (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    fake = FakeDNS(targets.getaddrinfo)
    monkeypatch.setattr(targets, "getaddrinfo", fake)
    return fake


def drain(worker: Worker, *, passes: int = 20) -> int:
    """Run the worker until nothing is due (failed messages wait out their short backoff)."""
    handled = 0
    for _ in range(passes):
        n = worker.run_once()
        handled += n
        if n == 0:
            break
    return handled


@pytest.fixture
def make_worker(database_url: str) -> Iterator[Callable[..., Worker]]:
    made: list[Database] = []

    def make(**overrides: Any) -> Worker:
        settings = worker_settings(database_url, **overrides)
        database = Database(database_url)
        made.append(database)
        return build_worker(database, settings)

    yield make
    for database in made:
        database.dispose()


def write_event(
    database: Database,
    topic: str,
    report_id: int,
    *,
    action: str,
    from_status: str | None,
    to_status: str,
    unit: str = GAMBIR,
    note: str | None = None,
) -> str:
    """An outbox row in the workflow's contract (what the CROP transitions write)."""
    row = report_message(
        topic, report_id=report_id, event_id=None, action=action, from_status=from_status,
        to_status=to_status, unit=unit, at=utcnow(), note=note,
    )  # fmt: skip
    with database.transaction() as session:
        session.execute(insert(models.OutboxMessage.__table__), [row])
    return str(row["message_id"])


@pytest.fixture
def unit_email(database: Database) -> Iterator[str]:
    """Gambir's office gets an e-mail address for the test (reference data: restored after)."""
    address = "gambir@jakarta.example"
    table = models.Unit.__table__
    with database.transaction() as session:
        session.execute(update(table).where(table.c.code == GAMBIR).values(email=address))
    yield address
    with database.transaction() as session:
        session.execute(update(table).where(table.c.code == GAMBIR).values(email=None))


@pytest.fixture
def unit_heads(database: Database) -> Iterator[dict[str, str]]:
    """Two heads of Gambir's office, one reading Indonesian and one English."""
    from sigap.accounts.service import create

    heads = {"id": "head.gambir@test.sigap.id", "en": "deputy.gambir@test.sigap.id"}
    with database.transaction() as session:
        for language, email in heads.items():
            create(
                session,
                email=email,
                name=f"Head {language}",
                password="x",
                role="unit_head",
                unit_code=GAMBIR,
                language=language,
            )
    yield heads
    table = models.Account.__table__
    with database.transaction() as session:
        session.execute(table.delete().where(table.c.email.in_(list(heads.values()))))


def child_env(**settings: str) -> dict[str, str]:
    """The environment of a ``sigap`` child process: the same Sigap code as this test process
    (not whichever checkout the shared site-packages points at), plus ``settings``."""
    import os
    from pathlib import Path

    import sigap

    source = str(Path(sigap.__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (source, os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, **settings}


def admin_headers(client: TestClient) -> dict[str, str]:
    """The bearer header of the demo admin account on this client's app (signed in once per
    app): the admin API takes admin accounts' tokens only."""
    state = client.app.state  # type: ignore[attr-defined]
    if not hasattr(state, "test_admin_headers"):
        response = client.post(
            "/api/v1/auth/tokens", json={"email": "admin@demo.sigap.id", "password": DEMO_PASSWORD}
        )
        assert response.status_code == 201, response.text
        state.test_admin_headers = {"Authorization": f"Bearer {response.json()['token']}"}
    headers: dict[str, str] = state.test_admin_headers
    return headers
