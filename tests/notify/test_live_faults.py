"""Live events across a database fault, on a served process with its writer process: clients
connected before the fault receive the events of reports filed after it, a client that
reconnects with ``Last-Event-ID`` gets what it missed, or ``event: reload`` when it missed
more than its queue holds."""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from tests.test_faults import kill_connections

from .test_live import free_ports, open_stream, serve, submit

# Each test starts `sigap serve` processes (docs/testing.md, "Markers").
pytestmark = pytest.mark.slow


def healthz(port: int) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def fault(backend: Any, database_url: str, port: int) -> None:
    """PostgreSQL: every connection of the server and its writer killed. SQLite: another
    process holds the write lock for a moment, and a submission then is refused (503)."""
    if backend.name == "postgresql":
        assert kill_connections(database_url) > 0
        time.sleep(1)  # the region check (every 0.3 s) meets its dead connection
        return
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            submit(port)
        assert refused.value.code == 503
        assert refused.value.headers["Retry-After"] == "5"
        assert json.load(refused.value)["error"]["code"] == "database_unavailable"
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_live_events_flow_after_a_database_fault(
    backend: Any, database_url: str, tmp_path: Path
) -> None:
    (port,) = free_ports(1)
    settings = {
        "SIGAP_WRITER_PROCESS": "true",
        "SIGAP_LIVE_POLL_S": "60" if backend.name == "postgresql" else "0.3",  # NOTIFY only
        "SIGAP_REGION_CHECK_SECONDS": "0.3",
        "SIGAP_SQLITE_BUSY_TIMEOUT_S": "0.3",
        "SIGAP_LIVE_KEEPALIVE_S": "0.5",
    }
    process = serve(database_url, port, tmp_path / "server.log", **settings)
    try:
        stream = open_stream(port)
        before = submit(port)
        seen = stream.next_event(timeout_s=10)
        assert seen["data"]["report_id"] == before

        fault(backend, database_url, port)

        after = submit(port)  # the first submission after the fault is stored
        assert stream.next_event(timeout_s=10)["data"]["report_id"] == after
        resumed = open_stream(port, {"Last-Event-ID": seen["id"]})
        assert resumed.next_event(timeout_s=10)["data"]["report_id"] == after
        later = submit(port)
        assert stream.next_event(timeout_s=10)["data"]["report_id"] == later
        assert resumed.next_event(timeout_s=10)["data"]["report_id"] == later
        deadline = time.monotonic() + 10
        while healthz(port)[0] != 200:
            assert time.monotonic() < deadline, healthz(port)
            time.sleep(0.1)
        assert healthz(port)[1]["checks"] == {
            "database": "ok",
            "live_events": "ok",
            "region_check": "ok",
        }
        stream.connection.close()
        resumed.connection.close()
    finally:
        process.kill()
        process.wait()
    assert "Traceback" not in (tmp_path / "server.log").read_text()


def test_a_client_that_missed_more_than_its_queue_is_told_to_reload(
    database_url: str, tmp_path: Path
) -> None:
    (port,) = free_ports(1)
    settings = {
        "SIGAP_LIVE_QUEUE_SIZE": "2",
        "SIGAP_LIVE_POLL_S": "0.3",
        "SIGAP_LIVE_KEEPALIVE_S": "0.5",  # a closed stream is noticed at its next keepalive
    }
    process = serve(database_url, port, tmp_path / "server.log", **settings)
    try:
        first = open_stream(port)
        submit(port)
        seen = first.next_event(timeout_s=10)
        first.connection.close()
        missed = [submit(port) for _ in range(2)]
        replayed = open_stream(port, {"Last-Event-ID": seen["id"]})  # within the bound
        assert [replayed.next_event(timeout_s=10)["data"]["report_id"] for _ in missed] == missed
        replayed.connection.close()
        submit(port)  # now three since the first: more than the client's queue of two

        behind = open_stream(port, {"Last-Event-ID": seen["id"]})
        reload = behind.next_event(timeout_s=10)
        assert reload["event"] == "reload"
        assert reload["data"] == {"reason": "missed_too_many"}
        assert int(reload["id"]) > int(seen["id"])
        later = submit(port)
        assert behind.next_event(timeout_s=10)["data"]["report_id"] == later
        behind.connection.close()
    finally:
        process.kill()
        process.wait()
