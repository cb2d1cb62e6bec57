"""Live events over Server-Sent Events: a report submitted through one ``sigap serve`` process
reaches an SSE client of another (PostgreSQL: LISTEN/NOTIFY; SQLite: each hub looks itself),
``Last-Event-ID`` resumes from the timeline, slow clients are dropped, gaps are waited for."""

from __future__ import annotations

import http.client
import itertools
import json
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from tests.test_durability import wait_until_up

from sigap.db import Database
from sigap.notify import live
from sigap.notify.live import Client, LiveHub

from .conftest import MONAS, child_env

EVENT_FIELDS = {
    "report_id",
    "action",
    "status",
    "category_code",
    "lat",
    "lon",
    "kelurahan_code",
    "at",
}


def free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def serve(database_url: str, port: int, log: Path, **env: str) -> subprocess.Popen[bytes]:
    """``sigap serve`` on ``port``, once it answers; a server that never does is killed."""
    environment = child_env(SIGAP_DATABASE_URL=database_url, **env)
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603 - our own command
            [sys.executable, "-m", "sigap.cli", "serve", "--port", str(port)],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process)
    except AssertionError as exc:
        process.kill()
        process.wait()
        raise AssertionError(f"{exc}: {log.read_text()}") from None
    return process


@dataclass
class Stream:
    """An SSE client in a thread: every non-empty line lands in ``lines``."""

    lines: queue.Queue[str]
    connection: http.client.HTTPConnection

    def next_event(self, timeout_s: float) -> dict[str, Any]:
        """The next ``event: report`` block as {id, event, data}."""
        block: dict[str, Any] = {}
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line == "":
                if "data" in block:
                    return block
                block = {}
                continue
            field, _, value = line.partition(": ")
            block[field] = json.loads(value) if field == "data" else value
        raise AssertionError(f"no event within {timeout_s} s")


def open_stream(port: int, headers: dict[str, str] | None = None) -> Stream:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/api/v1/live", headers=headers or {})
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("content-type", "").startswith("text/event-stream")
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        try:
            for raw in response:
                lines.put(raw.decode().rstrip("\r\n"))
        except (OSError, ValueError, AttributeError):  # the test closed the connection
            return

    threading.Thread(target=read, daemon=True).start()
    return Stream(lines, connection)


_citizens = itertools.count(1)


def submit(port: int) -> int:
    """A report by a citizen of their own (the proxy's address header, which a server trusts
    from loopback): the same citizen may file the same problem only twice a day."""
    citizen = next(_citizens)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/reports",
        data=json.dumps(MONAS).encode(),
        headers={
            "Content-Type": "application/json",
            "X-Forwarded-For": f"10.1.{citizen // 250}.{citizen % 250 + 1}",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        report_id: int = json.load(response)["id"]
        return report_id


@pytest.fixture
def two_servers(database_url: str, backend: Any, tmp_path: Path) -> Iterator[tuple[int, int]]:
    # On PostgreSQL only NOTIFY can be fast enough: the fallback poll is set to a minute.
    poll = "60" if backend.name == "postgresql" else "0.3"
    settings = {
        "SIGAP_LIVE_POLL_S": poll,
        "SIGAP_LIVE_KEEPALIVE_S": "0.5",
        "SIGAP_WRITER_PROCESS": "true",
    }
    ports = free_ports(2)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for port in ports:
            processes.append(serve(database_url, port, tmp_path / f"{port}.log", **settings))
        yield ports[0], ports[1]
    finally:
        for process in processes:
            process.kill()
            process.wait()


@pytest.mark.slow  # `sigap serve` processes
def test_a_report_through_one_server_reaches_a_live_client_of_another(
    two_servers: tuple[int, int],
) -> None:
    a, b = two_servers
    stream = open_stream(a)
    assert stream.lines.get(timeout=5) == "retry: 3000"

    report_id = submit(b)

    event = stream.next_event(timeout_s=10)
    assert event["event"] == "report"
    assert set(event["data"]) == EVENT_FIELDS
    assert event["data"]["report_id"] == report_id
    assert event["data"]["action"] == "submit"
    assert event["data"]["status"] == "open"
    assert event["data"]["kelurahan_code"] == "31.71.01.1001"
    assert event["data"]["at"].endswith("Z")
    assert int(event["id"]) > 0
    keepalive_seen = False
    deadline = time.monotonic() + 5
    while not keepalive_seen and time.monotonic() < deadline:
        keepalive_seen = stream.lines.get(timeout=5) == ": keepalive"
    assert keepalive_seen
    stream.connection.close()


@pytest.mark.slow  # `sigap serve` processes
def test_the_writer_process_wakes_its_servers_live_clients_at_once(
    database_url: str, tmp_path: Path
) -> None:
    """Reports are written by the server's writer process; its commit, not the one-minute
    poll, must bring the event to the server's live clients (on SQLite the server wakes its
    hub when the writer answers, on PostgreSQL the writer's NOTIFY does)."""
    (port,) = free_ports(1)
    settings = {"SIGAP_LIVE_POLL_S": "60", "SIGAP_WRITER_PROCESS": "true"}
    process = serve(database_url, port, tmp_path / "server.log", **settings)
    try:
        stream = open_stream(port)
        assert stream.lines.get(timeout=5) == "retry: 3000"
        report_id = submit(port)
        event = stream.next_event(timeout_s=5)
        assert event["data"]["report_id"] == report_id
        stream.connection.close()
    finally:
        process.kill()
        process.wait()


@pytest.mark.slow  # `sigap serve` processes
def test_last_event_id_resumes_from_the_timeline(two_servers: tuple[int, int]) -> None:
    a, b = two_servers
    first = open_stream(a)
    first_id = submit(b)
    seen = first.next_event(timeout_s=10)
    first.connection.close()
    missed = [submit(b), submit(a)]

    resumed = open_stream(a, {"Last-Event-ID": seen["id"]})
    replayed = [resumed.next_event(timeout_s=10)["data"]["report_id"] for _ in missed]
    later = submit(b)

    assert seen["data"]["report_id"] == first_id
    assert replayed == missed
    assert resumed.next_event(timeout_s=10)["data"]["report_id"] == later
    resumed.connection.close()


def apart(n: int) -> dict[str, Any]:
    """The n-th of several reports from one client, each a new problem (70 m from the one
    before: one citizen may file the same problem at the same spot only twice a day)."""
    return {**MONAS, "lon": MONAS["lon"] + 0.00065 * n}


@dataclass
class Row:
    id: int
    report_id: int = 1
    action: str = "submit"
    to_status: str = "open"
    category_code: str = "banjir"
    lat: float = -6.2
    lon: float = 106.8
    kelurahan_code: str = "31.71.01.1001"
    created_at: Any = None
    data: Any = None
    visibility: str = "public"

    def __post_init__(self) -> None:
        from sigap.kit import utcnow

        self.created_at = utcnow()


def test_a_slow_client_is_dropped_and_the_others_keep_going(database: Database) -> None:
    hub = LiveHub(database, poll_s=60, queue_size=2)
    slow, fast = hub.subscribe(), hub.subscribe()

    hub.dispatch([Row(1), Row(2)])
    fast.frames.clear()
    hub.dispatch([Row(3)])

    assert slow.dropped
    assert slow not in hub.clients
    assert not fast.dropped
    assert [event_id for event_id, _ in fast.frames] == [3]
    assert isinstance(fast, Client)


def test_an_id_committed_late_is_still_sent_and_a_lost_one_given_up(database: Database) -> None:
    hub = LiveHub(database, poll_s=60, queue_size=100, gap_s=0.2)
    client = hub.subscribe()
    hub.floor = 10

    hub.dispatch([Row(11), Row(13)])  # 12 is not committed yet
    assert hub.floor == 11
    hub.dispatch([Row(12), Row(13)])  # it comes: sent once, and 13 not again
    assert hub.floor == 13
    hub.dispatch([Row(15)])  # 14 never comes (rolled back)
    assert hub.floor == 13
    time.sleep(0.25)
    hub.dispatch([])
    assert hub.floor == 15

    assert [event_id for event_id, _ in client.frames] == [11, 13, 12, 15]


def test_a_long_backlog_is_replayed_page_by_page(
    client: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from sigap.notify import live, router

    ids = [client.post("/api/v1/reports", json=apart(n)).json()["id"] for n in range(5)]
    monkeypatch.setattr(live, "READ_LIMIT", 2)

    async def replay(after: int, limit: int = 100) -> router.Missed:
        return await router._missed(database, after, limit)

    assert [row.report_id for row in asyncio.run(replay(0)).rows] == ids
    assert [row.report_id for row in asyncio.run(replay(2)).rows] == ids[2:]
    too_many = asyncio.run(replay(0, limit=4))  # 5 missed: more than the client may get
    assert too_many.reload
    assert too_many.rows == []
    assert too_many.newest == live.last_id(database)


def test_internal_notes_never_reach_live_clients(database: Database) -> None:
    hub = LiveHub(database, poll_s=60, queue_size=10)
    client = hub.subscribe()
    note = Row(2, action="note")
    note.data = {"internal": True}

    hub.dispatch([Row(1), note, Row(3)])

    assert [event_id for event_id, _ in client.frames] == [1, 3]
    assert hub.floor == 3


def test_a_hub_reads_nothing_while_nobody_listens_and_catches_up_for_a_new_client(
    client: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from sigap.notify import live

    reads: list[int] = []
    real_read = live.read_after

    def counted(db: Database, after: int) -> list[Any]:
        reads.append(after)
        return real_read(db, after)

    monkeypatch.setattr(live, "read_after", counted)

    async def run() -> tuple[list[int], int, list[int]]:
        hub = LiveHub(database, poll_s=0.05, queue_size=100)
        await hub.start()
        started_at = hub.floor
        old = [client.post("/api/v1/reports", json=apart(n)).json()["id"] for n in range(2)]
        await asyncio.sleep(0.3)  # several wake-ups with nobody listening
        idle_reads = len(reads)
        listener = await hub.join()
        floor_after_catch_up = hub.floor
        new = client.post("/api/v1/reports", json=apart(2)).json()["id"]
        for _ in range(100):
            if listener.frames:
                break
            await asyncio.sleep(0.05)
        await hub.stop()
        frames = [json.loads(f.split("data: ")[1]) for _, f in listener.frames]
        assert [f["report_id"] for f in frames] == [new]  # not the two from before
        assert floor_after_catch_up >= started_at + len(old)  # past their submit events
        return reads[:idle_reads], idle_reads, reads[idle_reads:]

    before, idle_reads, after = asyncio.run(run())

    assert idle_reads == 0
    assert before == []
    assert after  # it reads again once somebody listens


def test_a_committed_batch_is_announced(database: Database, database_url: str) -> None:
    """After the writer's commit: a NOTIFY of its own on PostgreSQL (outside the batch's
    transaction), this process's hubs woken on SQLite."""
    if database.dialect == "sqlite":
        woken: list[bool] = []
        live._local_wakers.add(wake := lambda: woken.append(True))
        try:
            live.announce_committed(database)
        finally:
            live._local_wakers.discard(wake)
        assert woken == [True]
        return
    plain = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as listener:
        listener.execute(f"LISTEN {live.CHANNEL}")
        live.announce_committed(database)
        received = [n.channel for n in listener.notifies(timeout=5, stop_after=1)]
    assert received == [live.CHANNEL]


def test_events_of_reports_the_public_may_not_see_never_reach_live_clients(
    database: Database,
) -> None:
    """Held for a moderator (triage) or taken down: sigap.moderation.rules."""
    hub = LiveHub(database, poll_s=60, queue_size=10)
    client = hub.subscribe()
    held, down = Row(2), Row(3)
    held.visibility, down.visibility = "pending", "withheld"

    hub.dispatch([Row(1), held, down, Row(4)])

    assert [event_id for event_id, _ in client.frames] == [1, 4]
