"""Database faults injected for real: PostgreSQL's connections killed (``pg_terminate_backend``),
PostgreSQL gone and back (a TCP proxy in front of it, stopped and started), SQLite's write lock
held by another process. During the fault every endpoint answers 503 ``database_unavailable``
with ``Retry-After`` in its client's form (JSON, page, Open311); afterwards everything recovers
by itself, the first submission after a blip is stored, and the background tasks are still
running (``/healthz``)."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.jobs import build_worker

MONAS = {"category": "sampah", "lat": -6.1754, "lon": 106.8272, "description": "Sampah menumpuk."}
MESSAGE_EN = "The database cannot be reached right now."
MESSAGE_ID = "Basis data sedang tidak dapat dijangkau."


class Proxy:
    """A TCP proxy in front of PostgreSQL, on a loop of its own. :meth:`stop` closes its
    listener and every connection through it (for the app the server is gone: connections
    reset, new ones refused); :meth:`start` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.start()

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    def start(self) -> None:
        self._run(self._start())

    def stop(self) -> None:
        self._run(self._stop())

    def close(self) -> None:
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._open):
            writer.transport.abort()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(self._serve(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._open |= {writer, upstream}
        await asyncio.gather(_pipe(reader, upstream), _pipe(upstream_reader, writer))
        self._open -= {writer, upstream}


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        writer.transport.abort()


# Faults of a server (PostgreSQL) or of a file (SQLite): each test on its database alone.
ON_POSTGRESQL = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
ON_SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@pytest.fixture
def proxied_url(database_url: str) -> Iterator[tuple[str, Proxy]]:
    """The test database's URL through a :class:`Proxy` (PostgreSQL)."""
    url = make_url(database_url)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    yield url.set(port=proxy.port).render_as_string(hide_password=False), proxy
    proxy.close()


def kill_connections(database_url: str) -> int:
    """``pg_terminate_backend`` on every connection to the test's database but this one."""
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        killed = connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    engine.dispose()
    return int(killed or 0)


def app_settings(url: str, tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": url,
        "public_url": "http://sigap.test",
        "media_dir": str(tmp_path / "media"),
        "region_check_seconds": 0.2,
        "warm_maps": False,
        **overrides,
    }
    return Settings(**values)


def spot(n: int) -> dict[str, Any]:
    """The n-th report: a new problem 70 m from the one before (a citizen may report the same
    spot only twice a day)."""
    return {**MONAS, "lon": MONAS["lon"] + 0.00065 * n}


def until(check: Callable[[], bool], timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.05)


def assert_unavailable(response: Response, language: str = "id") -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    error = response.json()["error"]
    assert error["code"] == "database_unavailable"
    assert error["message"].startswith(MESSAGE_EN if language == "en" else MESSAGE_ID)


@ON_POSTGRESQL
def test_a_database_outage_is_a_503_everywhere_then_recovers_by_itself(
    proxied_url: tuple[str, Proxy], tmp_path: Path
) -> None:
    url, proxy = proxied_url
    with TestClient(create_app(app_settings(url, tmp_path))) as client:
        report_id = client.post("/api/v1/reports", json=spot(0)).json()["id"]
        assert client.get("/healthz").json()["status"] == "ok"
        proxy.stop()

        assert_unavailable(client.get(f"/api/v1/reports/{report_id}"))
        assert_unavailable(client.get("/api/v1/reports", params={"lang": "en"}), "en")
        assert_unavailable(client.post("/api/v1/reports", json=spot(1)))
        page = client.get(f"/reports/{report_id}", headers={"Accept": "text/html"})
        assert page.status_code == 503
        assert page.headers["retry-after"] == "5"
        assert page.headers["content-type"].startswith("text/html")
        assert "Layanan sedang tidak tersedia" in page.text
        assert MESSAGE_ID in page.text
        xml = client.get(f"/open311/v2/requests/{report_id}.xml")  # the fast lane
        assert xml.status_code == 503
        assert xml.headers["retry-after"] == "5"
        assert "<code>database_unavailable</code>" in xml.text
        listed = client.get("/open311/v2/requests.json", params={"extensions": "true"})
        assert listed.status_code == 503
        assert listed.json()[0]["code"] == "database_unavailable"
        assert listed.headers["access-control-allow-origin"] == "*"
        form = {"api_key": "k", "service_code": "sampah", "lat": "-6.1754", "long": "106.8272"}
        posted = client.post("/open311/v2/requests.json", data=form)  # the fast lane
        assert posted.status_code == 503
        assert posted.headers["retry-after"] == "5"
        assert posted.json() == [
            {"code": "database_unavailable", "description": posted.json()[0]["description"]}
        ]
        # The database is asked at most once a second, however often /healthz is.
        until(lambda: client.get("/healthz").json()["checks"]["database"] != "ok")
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable"
        assert health.json()["checks"]["database"].startswith("down: OperationalError")
        until(lambda: client.get("/healthz").json()["checks"]["region_check"] != "ok")
        assert client.get("/healthz").json()["checks"]["region_check"].startswith("failing")

        proxy.start()
        until(lambda: client.get("/healthz").status_code == 200)
        checks = client.get("/healthz").json()["checks"]
        assert checks == {"database": "ok", "live_events": "ok", "region_check": "ok"}
        until(lambda: client.get(f"/api/v1/reports/{report_id}").status_code == 200)
        created = client.post("/api/v1/reports", json=spot(2))
        assert created.status_code == 201, created.text
        assert client.get(f"/open311/v2/requests/{created.json()['id']}.json").status_code == 200


@ON_POSTGRESQL
def test_killed_connections_cost_no_submission_and_no_hot_read(
    database_url: str, tmp_path: Path
) -> None:
    """After pg_terminate_backend the first submission is stored (the writer writes its
    batch again on a new connection) and Open311's hot reads read again; every other answer
    is a 200 or, at most once per pool, a clear 503."""
    with TestClient(create_app(app_settings(database_url, tmp_path))) as client:
        first = client.post("/api/v1/reports", json=spot(0)).json()["id"]
        assert client.get(f"/open311/v2/requests/{first}.json").status_code == 200
        assert kill_connections(database_url) > 0

        created = client.post("/api/v1/reports", json=spot(1))
        assert created.status_code == 201, created.text
        assert client.get(f"/open311/v2/requests/{first}.json").status_code == 200
        for _ in range(2):
            listed = client.get("/api/v1/reports")
            if listed.status_code != 200:
                assert_unavailable(listed)
        assert listed.status_code == 200
        ids = {item["id"] for item in listed.json()["items"]}
        assert ids == {first, created.json()["id"]}
        until(lambda: client.get("/healthz").status_code == 200)


@ON_SQLITE
def test_a_locked_sqlite_database_is_a_503_until_the_lock_is_let_go(
    database_url: str, tmp_path: Path
) -> None:
    settings = app_settings(database_url, tmp_path, sqlite_busy_timeout_s=0.2)
    with TestClient(create_app(settings)) as client:
        assert client.post("/api/v1/reports", json=spot(0)).status_code == 201
        holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process writing for a long time
        try:
            english = {"Accept-Language": "en"}
            assert_unavailable(client.post("/api/v1/reports", json=spot(1), headers=english), "en")
            assert client.get("/api/v1/reports").status_code == 200  # reads go on
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert client.post("/api/v1/reports", json=spot(1)).status_code == 201


def test_a_dead_background_task_makes_healthz_say_so(client: TestClient) -> None:
    assert client.get("/healthz").json() == {
        "status": "ok",
        "checks": {"database": "ok", "live_events": "ok", "region_check": "ok"},
    }
    hub = client.app.state.live  # type: ignore[attr-defined]
    pump = hub._tasks[0]
    client.portal.call(_cancel, pump)  # type: ignore[union-attr]
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "unavailable"
    assert answer.json()["checks"]["live_events"] == "stopped"


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


@ON_POSTGRESQL
def test_the_worker_rides_out_an_outage_and_logs_it_once(
    proxied_url: tuple[str, Proxy], caplog: pytest.LogCaptureFixture
) -> None:
    url, proxy = proxied_url
    database = Database(url)
    worker = build_worker(database, Settings(database_url=url, worker_poll_s=0.05))
    runs: list[int] = []

    def probe(db: Database, _now: object) -> None:
        with db.reading() as session:
            runs.append(session.execute(text("SELECT 1")).scalar_one())

    worker.register_periodic("probe", 0.05, probe)
    worker.start()
    try:
        until(lambda: len(runs) >= 2)
        with caplog.at_level(logging.WARNING, logger="sigap.worker"):
            proxy.stop()
            until(lambda: "failing" in worker.health()["worker"])
            time.sleep(1.5)  # several failed passes, with their backoff
            down = [r.getMessage() for r in caplog.records if "unavailable" in r.getMessage()]
            proxy.start()
            before = len(runs)
            until(lambda: len(runs) > before and worker.health() == {"worker": "ok"})
        recovered = [r.getMessage() for r in caplog.records if "recovered" in r.getMessage()]
    finally:
        worker.stop()
        database.dispose()
    # One warning per loop (the outbox pass, the probe) however many passes failed, and one
    # when each came back.
    assert sorted(m.split(":")[0] for m in down) == ["outbox worker", "periodic job probe"]
    assert sorted(m.split(":")[0] for m in recovered) == ["outbox worker", "periodic job probe"]


@contextlib.contextmanager
def served(app: Any, port: int) -> Iterator[None]:
    """``app`` on uvicorn in a thread of the test (a real HTTP server: kept-alive connections,
    and uvicorn's own handling of an error after an answer)."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        until(lambda: server.started)
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def exchange(
    connection: http.client.HTTPConnection, method: str, path: str, body: Any = None
) -> http.client.HTTPResponse:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    connection.request(
        method, path, body=None if body is None else json.dumps(body), headers=headers
    )
    response = connection.getresponse()
    response.read()
    return response


@ON_SQLITE
def test_after_an_error_answer_a_kept_alive_client_goes_on(
    database_url: str, tmp_path: Path, free_port: int
) -> None:
    """A 503 leaves the connection open for the next request; after a 500 the server closes
    it, and the answer says so (Connection: close), so the client's next request goes on a
    new connection instead of being lost on the closed one."""
    app = create_app(app_settings(database_url, tmp_path, sqlite_busy_timeout_s=0.2))

    @app.get("/test-bug")
    def bug() -> None:
        raise RuntimeError("a bug")

    with served(app, free_port):
        connection = http.client.HTTPConnection("127.0.0.1", free_port, timeout=10)
        holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            refused = exchange(connection, "POST", "/api/v1/reports", spot(0))
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert refused.status == 503
        assert refused.getheader("retry-after") == "5"
        kept = connection.sock
        assert exchange(connection, "POST", "/api/v1/reports", spot(0)).status == 201
        assert connection.sock is kept  # the same connection answered

        failed = exchange(connection, "GET", "/test-bug")
        assert failed.status == 500
        assert failed.getheader("connection") == "close"
        assert exchange(connection, "GET", "/healthz").status == 200
        connection.close()
