"""SIGTERM under load: every request a client sent is answered (201, or 503 shutting_down
once the server is stopping), none is reset; new connections are refused, which a client can
retry safely; every acknowledged report is stored. With one worker and with several (the
supervisor's copy of the listening socket used to queue connections nobody served)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.conftest import until

from sigap import models
from sigap.db import Database

from .test_durability import BODY, UNLIMITED, wait_until_up

# Each test starts `sigap serve` processes (docs/testing.md, "Markers").
pytestmark = pytest.mark.slow


class Outcomes:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.created: list[int] = []
        self.statuses: list[int] = []
        self.refused = 0
        self.lost: list[str] = []  # a request sent and never answered


def post_until_refused(port: int, outcomes: Outcomes, stop: threading.Event) -> None:
    """A new connection per request, as clients behind many proxies arrive."""
    while not stop.is_set():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            connection.connect()
        except OSError:  # refused, or the SYN dropped until it was: nothing was sent
            with outcomes.lock:
                outcomes.refused += 1
            time.sleep(0.05)
            if outcomes.refused > 20:
                return
            continue
        try:
            connection.request(
                "POST", "/api/v1/reports", body=BODY, headers={"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            with outcomes.lock:
                outcomes.lost.append(repr(exc))
            continue
        finally:
            connection.close()
        with outcomes.lock:
            outcomes.statuses.append(response.status)
            if response.status == 201:
                outcomes.created.append(json.loads(body)["id"])
            elif response.status == 503:
                assert json.loads(body)["error"]["code"] == "shutting_down"
                assert response.getheader("Retry-After")


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_under_load_answers_every_request(
    database_url: str, tmp_path: Path, free_port: int, workers: int
) -> None:
    env = {**os.environ, "SIGAP_DATABASE_URL": database_url, **UNLIMITED}
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "sigap.cli", "serve", "--port", str(free_port),
         "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    outcomes, stop = Outcomes(), threading.Event()
    clients = [
        threading.Thread(target=post_until_refused, args=(free_port, outcomes, stop))
        for _ in range(8)
    ]
    try:
        wait_until_up(f"http://127.0.0.1:{free_port}", server)
        if workers > 1:
            time.sleep(2)  # every worker up, not only the first to answer
        for client in clients:
            client.start()
        assert until(lambda: len(outcomes.created) >= 20), "fewer than 20 answers in 60 s"
        server.send_signal(signal.SIGTERM)
        # uvicorn raises the signal again once it has shut down: the status of a SIGTERM.
        assert server.wait(timeout=40) in (0, -signal.SIGTERM)
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=30)
        server.kill()
        log.close()
    assert not outcomes.lost, (outcomes.lost[:5], len(outcomes.created), outcomes.refused)
    assert set(outcomes.statuses) <= {201, 503}
    assert len(outcomes.created) > 10, (tmp_path / "server.log").read_text()
    database = Database(database_url)
    with database.reading() as session:
        stored = set(session.scalars(select(models.Report.id)))
    database.dispose()
    assert set(outcomes.created) <= stored
