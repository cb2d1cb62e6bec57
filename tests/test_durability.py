"""Every acknowledged report survives a crash of the server process (SIGKILL mid-load)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import select

from sigap import models
from sigap.db import Database

BODY = json.dumps(
    {"category": "banjir", "lat": -6.2186, "lon": 106.8019, "description": "Banjir."}
).encode()


def wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        assert process.poll() is None, "server exited early"
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1):  # noqa: S310
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("server did not start")


def post_until_refused(base: str, acknowledged: list[int]) -> None:
    while True:
        request = urllib.request.Request(  # noqa: S310 - loopback test server
            f"{base}/api/v1/reports",
            data=BODY,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                if response.status == 201:
                    acknowledged.append(json.load(response)["id"])
        except (OSError, urllib.error.URLError, ValueError, http.client.HTTPException):
            return


def test_acknowledged_reports_survive_sigkill(
    database_url: str, tmp_path: Path, free_port: int
) -> None:
    port = free_port
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "SIGAP_DATABASE_URL": database_url}
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "sigap.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        wait_until_up(base, server)
        acknowledged: list[int] = []
        clients = [
            threading.Thread(target=post_until_refused, args=(base, acknowledged)) for _ in range(4)
        ]
        for client in clients:
            client.start()
        time.sleep(1.5)
        server.send_signal(signal.SIGKILL)
        for client in clients:
            client.join(timeout=30)
    finally:
        server.kill()
        server.wait()
        log.close()

    assert len(acknowledged) > 10, (tmp_path / "server.log").read_text()
    database = Database(database_url)
    with database.reading() as session:
        stored = set(session.scalars(select(models.Report.id)))
        events = set(session.scalars(select(models.ReportEvent.report_id)))
    database.dispose()
    assert set(acknowledged) <= stored
    assert set(acknowledged) <= events
