"""Every acknowledged report survives a crash (SIGKILL mid-load) of the server process or of
its writer process; a killed writer is replaced and the server goes on accepting reports."""

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

import pytest
from sqlalchemy import select
from tests.conftest import until

from sigap import models
from sigap.db import Database

# Each test starts `sigap serve` processes (docs/testing.md, "Markers").
pytestmark = pytest.mark.slow

# One address posting the same report over and over: a load test, not the flood the limits stop.
UNLIMITED = {"SIGAP_ADDRESS_REPORTS_PER_HOUR": "1000000", "SIGAP_IDENTICAL_PER_DAY": "1000000"}
BODY = json.dumps(
    {"category": "banjir", "lat": -6.2186, "lon": 106.8019, "description": "Banjir."}
).encode()


def wait_until_up(base: str, process: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    """Until /healthz answers, by the clock rather than a count of tries: a loaded machine (CI,
    or parallel test workers on two cores) has taken over 15 s to start a server."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert process.poll() is None, "server exited early"
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1):  # noqa: S310
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"server did not start within {timeout_s} s")


def post_until_refused(base: str, acknowledged: list[int], refused: list[int]) -> None:
    """Post until the server is gone; a 503 (the writer process died) is counted, not fatal."""
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
        except urllib.error.HTTPError as error:
            if error.code != 503:
                return
            refused.append(error.code)
        except (OSError, ValueError, http.client.HTTPException):
            return


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def name(pid: int) -> str:
    return Path(f"/proc/{pid}/comm").read_text().strip()


def writers_of(server: int) -> tuple[list[int], list[int]]:
    """The server's template of writers (its only child) and the report writers it forked
    (sigap.writer); beside each, the market's order writer."""
    templates = children(server)
    assert [name(pid) for pid in templates] in ([], ["sigap-writers"])
    forked = [pid for template in templates for pid in children(template)]
    assert sorted(name(pid) for pid in forked) in ([], ["sigap-orders", "sigap-writer"])
    return templates, [pid for pid in forked if name(pid) == "sigap-writer"]


def gone(pid: int, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize(
    ("victim", "writer_process"),
    [("server", True), ("writer", True), ("server", False)],
    ids=["server-with-writer-process", "writer-process", "server-with-writer-thread"],
)
def test_acknowledged_reports_survive_sigkill(
    database_url: str, tmp_path: Path, free_port: int, victim: str, writer_process: bool
) -> None:
    port = free_port
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SIGAP_DATABASE_URL": database_url,
        "SIGAP_WRITER_PROCESS": str(writer_process).lower(),
        **UNLIMITED,
    }
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "sigap.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    acknowledged: list[int] = []
    refused: list[int] = []
    try:
        wait_until_up(base, server)
        templates, writers = writers_of(server.pid)
        assert len(templates) == len(writers) == (1 if writer_process else 0)
        clients = [
            threading.Thread(target=post_until_refused, args=(base, acknowledged, refused))
            for _ in range(4)
        ]
        for client in clients:
            client.start()
        assert until(lambda: len(acknowledged) >= 20), "fewer than 20 answers in 60 s"
        if victim == "server":
            server.send_signal(signal.SIGKILL)
        else:
            os.kill(writers[0], signal.SIGKILL)
            before = len(acknowledged)
            # A new writer process is forked at the next submission: wait for the answers, not
            # a fixed time (a loaded machine is slow).
            assert until(lambda: len(acknowledged) > before + 10), "no new writer took over"
            assert server.poll() is None
            assert gone(writers[0])
            # ... forked by the same template
            assert writers_of(server.pid)[0] == templates
            writers += writers_of(server.pid)[1]
            assert len(set(writers)) == 2
            server.send_signal(signal.SIGTERM)
        for client in clients:
            client.join(timeout=30)
    finally:
        server.kill()
        server.wait()
        log.close()
    # A writer process whose server was killed writes what it holds, then exits; so does the
    # template.
    assert all(gone(pid) for pid in writers + templates)

    assert len(acknowledged) > 10, (tmp_path / "server.log").read_text()
    database = Database(database_url)
    with database.reading() as session:
        stored = set(session.scalars(select(models.Report.id)))
        events = set(session.scalars(select(models.ReportEvent.report_id)))
    database.dispose()
    assert set(acknowledged) <= stored
    assert set(acknowledged) <= events
