"""A real ``sigap worker`` process killed with SIGKILL in the middle of deliveries loses
nothing: its claimed messages come back when their lease runs out and another worker sends
them (some perhaps twice, with the same event id; none never)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sigap import models
from sigap.db import Database
from sigap.notify import webhooks

from .conftest import RECEIVERS_ALLOWED, Receiver, child_env, write_event


def start_worker(database_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = child_env(
        SIGAP_DATABASE_URL=database_url,
        SIGAP_OUTBOX_LEASE_S="2",
        SIGAP_WORKER_POLL_S="0.1",
        SIGAP_WORKER_CONCURRENCY="2",  # 16 deliveries of 0.25 s take 2 s: time to kill it
        SIGAP_WEBHOOK_ALLOW=RECEIVERS_ALLOWED,
    )
    with log.open("ab") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "sigap.cli", "worker"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def wait_for(condition: object, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.05)
    return False


def undelivered(database: Database) -> int:
    table = models.OutboxMessage.__table__
    query = select(func.count()).select_from(table).where(table.c.state != "delivered")
    with database.reading() as session:
        return int(session.scalar(query) or 0)


@pytest.mark.slow  # kills a worker process
def test_sigkill_mid_delivery_loses_nothing(
    database_url: str, database: Database, receiver: Receiver, tmp_path: Path
) -> None:
    with database.transaction() as session:
        webhooks.create(session, url=receiver.url, events=["*"], secret="k" * 32)
    sent = {
        write_event(database, "report.rated", n, action="rate", from_status=None, to_status="x")
        for n in range(16)
    }
    receiver.delay_s = 0.25  # each delivery takes a while: the kill lands in the middle
    log = tmp_path / "worker.log"

    first = start_worker(database_url, log)
    try:
        assert wait_for(lambda: len(receiver.requests) >= 2, 30), log.read_text()
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        first.kill()
    received_before = len(receiver.requests)
    assert 0 < received_before < len(sent)
    assert undelivered(database) > 0

    second = start_worker(database_url, log)
    try:
        assert wait_for(lambda: undelivered(database) == 0, 60), log.read_text()
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(10)

    ids = [event["id"] for event in receiver.events()]
    assert set(ids) == sent
    assert len(ids) >= len(sent)
    assert second.returncode == 0
