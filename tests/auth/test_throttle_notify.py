"""A lock e-mails the official or admin once (through the outbox and a real SMTP server), in
their language, with the region's local time and a partial address; citizens are not e-mailed
unless configured. Old counts are forgotten by the worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.notify.conftest import Inbox, drain, make_worker, smtp
from tests.workflow.conftest import LURAH

from sigap.accounts.service import create
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD
from sigap.kit import utcnow
from sigap.models import OutboxMessage, SignInThrottle
from sigap.notify.worker import Worker

from .conftest import Clock, token

__all__ = ["make_worker", "smtp"]
WRONG = "bukan-kata-sandinya"
ADMIN_EN = "admin.en@test.sigap.id"
QUICK = {"sign_in_free_failures": 1, "sign_in_lock_failures": 3}  # cheaper locks


def lock(client: TestClient, clock: Clock, email: str) -> int:
    """Fail, waiting out each delay, until the account locks; the failures it took."""
    for failures in range(1, 20):
        answer = token(client, email, WRONG)
        if answer.json()["error"]["code"] == "sign_in_locked":
            return failures
        clock.advance(seconds=int(answer.headers.get("retry-after", 0)))
    raise AssertionError("never locked")


def mails(database: Database) -> list[dict[str, object]]:
    with database.reading() as session:
        query = select(OutboxMessage.payload).where(OutboxMessage.topic == "mail.send")
        return list(session.scalars(query))


def test_an_official_and_an_admin_hear_once_of_their_lock(
    make_client: Callable[..., TestClient],
    database: Database,
    smtp: tuple[Inbox, int],
    make_worker: Callable[..., Worker],
) -> None:
    inbox, port = smtp
    with database.transaction() as session:
        create(
            session,
            email=ADMIN_EN,
            name="Admin",
            password="x",
            role="admin",
            unit_code="prov-31",
            language="en",
        )
    clock = Clock()
    client = make_client("203.0.113.77", clock, smtp_host="127.0.0.1", smtp_port=port, **QUICK)
    assert lock(client, clock, LURAH) == 3
    locked_at = clock.now
    assert token(client, LURAH, DEMO_PASSWORD).status_code == 429  # refused, not counted
    clock.advance(minutes=15)
    assert token(client, LURAH, WRONG).json()["error"]["code"] == "sign_in_locked"  # again
    lock(client, clock, ADMIN_EN)
    assert [m["to"] for m in mails(database)] == [LURAH, ADMIN_EN]  # one mail per lock run

    drain(make_worker(smtp_host="127.0.0.1", smtp_port=port))

    (lurah,) = inbox.to(LURAH)
    assert lurah["Subject"] == "Akun Sigap Anda dikunci sementara"
    text = lurah.get_body(preferencelist=("plain",))
    assert text is not None
    jakarta = ZoneInfo("Asia/Jakarta")
    start = locked_at.astimezone(jakarta)
    end = (locked_at + timedelta(minutes=15)).astimezone(jakarta)
    content = text.get_content()
    assert f"dikunci pada {start:%Y-%m-%d %H:%M} WIB sampai {end:%Y-%m-%d %H:%M} WIB" in content
    assert "setelah 3 kali gagal masuk" in content
    assert "203.0.113.x" in content
    assert "203.0.113.77" not in content
    assert "http://sigap.test/officials/login" in content
    (admin,) = inbox.to(ADMIN_EN)
    assert admin["Subject"] == "Your Sigap account is locked for now"
    html = admin.get_body(preferencelist=("html",))
    assert html is not None
    assert "ask for a new password" in html.get_content()


def test_citizens_and_unknown_emails_are_not_emailed_by_default(
    make_client: Callable[..., TestClient], database: Database, smtp: tuple[Inbox, int]
) -> None:
    _, port = smtp
    clock = Clock()
    client = make_client("203.0.113.78", clock, smtp_host="127.0.0.1", smtp_port=port, **QUICK)
    lock(client, clock, "warga@demo.sigap.id")
    lock(client, clock, "tidak.ada@demo.sigap.id")
    assert mails(database) == []

    told = make_client(
        "203.0.113.79", clock, smtp_host="127.0.0.1", sign_in_notify_citizens=True, **QUICK
    )
    clock.advance(minutes=15)
    assert token(told, "warga@demo.sigap.id", DEMO_PASSWORD).status_code == 201  # a reset
    lock(told, clock, "warga@demo.sigap.id")
    (mail,) = mails(database)
    assert mail["to"] == "warga@demo.sigap.id"
    assert mail["context"]["link"] == "http://sigap.test/app/signin"  # type: ignore[index]


def test_the_worker_forgets_counts_nobody_has_added_to_for_a_day(
    make_client: Callable[..., TestClient],
    database: Database,
    make_worker: Callable[..., Worker],
) -> None:
    clock = Clock()
    client = make_client("203.0.113.80", clock)
    clock.now = utcnow() - timedelta(days=2)
    token(client, "lama@demo.sigap.id", WRONG)
    clock.now = utcnow()
    token(client, LURAH, WRONG)

    with database.reading() as session:
        before = session.scalar(select(func.count()).select_from(SignInThrottle))
    assert before == 3

    make_worker().run_periodic()

    with database.reading() as session:
        left = session.scalar(select(func.count()).select_from(SignInThrottle))
    assert left == 2  # LURAH's count and the address's, which the recent failure renewed
