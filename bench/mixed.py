"""A long mixed load: every kind of client at once, counting what no client should ever get.

    python -m bench mixed --backend postgresql --requests 10000 --workers 2

Serves Sigap (``sigap serve --workers N`` with its writer processes, and ``sigap worker``) on
a fresh database with the Jakarta pack and demo reports, then sends ``--requests`` requests
over ``--connections`` kept-alive connections (``--kill-every S``: while PostgreSQL's
connections are killed every S seconds): submissions on both APIs, report reads and
lists, Open311 GETs (plain and with extensions), the portal's maps and dashboards, pages,
officials' inbox and actions, live streams. It reports the statuses by kind of request, every
5xx, every connection that was reset or closed under a request, and the tracebacks in the
server's log. A healthy run has no 5xx, no reset and no traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CATEGORIES = ("sampah", "banjir", "jalan_rusak", "kemacetan", "parkir_liar", "lampu_jalan")
PASSWORD = "sigap-demo"  # noqa: S105 - the published demo logins
OFFICIAL = "petugas.gambir@demo.sigap.id"
HEAD = "lurah.gambir@demo.sigap.id"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class Connection:
    """One kept-alive HTTP/1.1 connection; reopened when the server closes it properly
    (``Connection: close``). A connection that breaks under a request is counted a reset."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> Answer:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        answer = await read_answer(self.reader, stream=path.startswith("/api/v1/live"))
        if answer.headers.get("connection", "").lower() == "close" or path.startswith(
            "/api/v1/live"
        ):
            await self.close()
        return answer

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def read_answer(reader: asyncio.StreamReader, *, stream: bool) -> Answer:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split()[1])
    headers = {}
    for line in header_lines:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if stream and status == 200:  # a live stream: its first frame is enough
        return Answer(status, headers, await reader.readuntil(b"\n\n"))
    if headers.get("transfer-encoding") == "chunked":
        body = bytearray()
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            body += await reader.readexactly(size + 2)
            if size == 0:
                break
        return Answer(status, headers, bytes(body))
    length = int(headers.get("content-length", "0"))
    return Answer(status, headers, await reader.readexactly(length))


@dataclass
class World:
    """What the clients know: points inside the region, reports that exist, tokens."""

    points: list[tuple[float, float, str]]
    api_key: str
    official_token: str
    report_ids: list[int] = field(default_factory=list)
    tracking: list[str] = field(default_factory=list)
    inbox: list[int] = field(default_factory=list)  # reports the official may act on

    def point(self) -> tuple[float, float, str]:
        lon, lat, code = random.choice(self.points)
        return lon + random.uniform(-1e-4, 1e-4), lat + random.uniform(-1e-4, 1e-4), code

    def report(self) -> int:
        return random.choice(self.report_ids) if self.report_ids else 1


Request = tuple[str, str, str, dict[str, str], bytes]  # kind, method, path, headers, body


def address() -> dict[str, str]:
    """A citizen's own address, as the reverse proxy on 127.0.0.1 passes it on."""
    a, b, c = random.randint(0, 255), random.randint(0, 255), random.randint(1, 254)
    return {"X-Forwarded-For": f"10.{a}.{b}.{c}"}


def submit_json(w: World) -> Request:
    lon, lat, _ = w.point()
    body = {"category": random.choice(CATEGORIES), "lat": lat, "lon": lon,
            "description": "Laporan uji beban campuran."}  # fmt: skip
    headers = {"Content-Type": "application/json", **address()}
    if random.random() < 0.3:
        headers["Idempotency-Key"] = f"mixed-{random.getrandbits(48)}"
    return "submit", "POST", "/api/v1/reports", headers, json.dumps(body).encode()


def submit_open311(w: World) -> Request:
    lon, lat, _ = w.point()
    form = {"api_key": w.api_key, "service_code": random.choice(CATEGORIES), "lat": lat,
            "long": lon, "description": "Laporan uji beban"}  # fmt: skip
    headers = {"Content-Type": "application/x-www-form-urlencoded", **address()}
    return "o311_post", "POST", "/open311/v2/requests.json", headers, urlencode(form).encode()


def get(kind: str, path: Callable[[World], str], **headers: str) -> Callable[[World], Request]:
    return lambda w: (kind, "GET", path(w), dict(headers), b"")


def bbox(w: World) -> str:
    lon, lat, _ = w.point()
    half = random.uniform(0.003, 0.03)
    return f"{lon - half:.5f},{lat - half:.5f},{lon + half:.5f},{lat + half:.5f}"


def acknowledge(w: World) -> Request:
    headers = {"Authorization": f"Bearer {w.official_token}", "Content-Type": "application/json"}
    report_id = random.choice(w.inbox) if w.inbox else w.report()
    path = f"/api/v1/officials/reports/{report_id}/acknowledge"
    return "official_action", "POST", path, headers, b"{}"


MIX: list[tuple[float, Callable[[World], Request]]] = [
    (10, submit_json),
    (5, submit_open311),
    (10, get("report", lambda w: f"/api/v1/reports/{w.report()}")),
    (6, get("list_bbox", lambda w: f"/api/v1/reports?bbox={bbox(w)}")),
    (4, get("list_area", lambda w: f"/api/v1/reports?area={w.point()[2]}")),
    (8, get("o311_one", lambda w: f"/open311/v2/requests/{w.report()}.json")),
    (3, get("o311_one_xml", lambda w: f"/open311/v2/requests/{w.report()}.xml")),
    (5, get("o311_list", lambda w: "/open311/v2/requests.json?status=open&page_size=50")),
    (
        2,
        get(
            "o311_ext",
            lambda w: (
                f"/open311/v2/requests.json?extensions=true&lat="
                f"{w.point()[1]}&long={w.point()[0]}&radius=2000"
            ),
        ),
    ),
    (3, get("o311_services", lambda w: "/open311/v2/services.json")),
    (2, get("categories", lambda w: "/api/v1/categories")),
    (4, get("clusters", lambda w: f"/api/v1/map/clusters?bbox={bbox(w)}&zoom=14")),
    (2, get("dashboard", lambda w: "/api/v1/dashboard")),
    (1, get("ranking", lambda w: "/api/v1/ranking")),
    (2, get("area_dashboard", lambda w: f"/api/v1/areas/{w.point()[2]}/dashboard")),
    (2, get("track", lambda w: f"/api/v1/track/{random.choice(w.tracking or ['x'])}")),
    (
        2,
        get(
            "nearby",
            lambda w: f"/api/v1/nearby?category=sampah&lat={w.point()[1]}&lon={w.point()[0]}",
        ),
    ),
    (2, get("locate", lambda w: f"/api/v1/locate?lat={w.point()[1]}&lon={w.point()[0]}")),
    (1, get("places", lambda w: "/api/v1/places?q=monas")),
    (3, get("page_portal", lambda w: "/", Accept="text/html")),
    (2, get("page_report", lambda w: f"/reports/{w.report()}", Accept="text/html")),
    (1, get("page_app", lambda w: "/app", Accept="text/html")),
    (
        3,
        lambda w: (
            "inbox",
            "GET",
            "/api/v1/officials/inbox",
            {"Authorization": f"Bearer {w.official_token}"},
            b"",
        ),
    ),
    (2, acknowledge),
    (1, get("live", lambda w: "/api/v1/live")),
    (0.2, get("export", lambda w: "/api/v1/export/reports.csv")),
    (2, get("healthz", lambda w: "/healthz")),
]


@dataclass
class Tally:
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    resets: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


async def client(port: int, world: World, tally: Tally, budget: list[int]) -> None:
    connection = Connection(port)
    weights = [weight for weight, _ in MIX]
    makers = [make for _, make in MIX]
    while budget[0] > 0:
        budget[0] -= 1
        kind, method, path, headers, body = random.choices(makers, weights)[0](world)
        try:
            answer = await asyncio.wait_for(connection.request(method, path, headers, body), 60)
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
            tally.resets[kind] += 1
            tally.errors.append(f"{kind} {method} {path}: {type(exc).__name__} {exc}")
            await connection.close()
            continue
        tally.statuses[(kind, answer.status)] += 1
        if answer.status >= 500:
            tally.errors.append(f"{kind} {method} {path}: {answer.status} {answer.body[:200]!r}")
        if kind in ("submit", "o311_post") and answer.status == 201:
            created = json.loads(answer.body)
            created = created[0] if isinstance(created, list) else created
            report_id = created.get("id") or created.get("service_request_id")
            world.report_ids.append(int(report_id))
            if "tracking_token" in created:
                world.tracking.append(created["tracking_token"])
        if kind == "inbox" and answer.status == 200:
            world.inbox = [item["id"] for item in json.loads(answer.body)["items"]]
    await connection.close()


def prepare(backend: str, workdir: Path) -> tuple[str, World]:
    """A fresh database with the Jakarta pack, its demo accounts and a few hundred reports."""
    from sigap.channels import service as channels
    from sigap.db import Database
    from sigap.demo import busy_kelurahan, seed_accounts, seed_reports
    from sigap.migrations import upgrade
    from sigap.regions import pack as packs
    from sigap.regions.service import import_pack
    from sigap.regions.state import load_state

    if backend == "postgresql":
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text('DROP DATABASE IF EXISTS "sigap_bench_mixed" WITH (FORCE)'))
            connection.execute(text('CREATE DATABASE "sigap_bench_mixed"'))
        admin.dispose()
        url = PG_ADMIN.rsplit("/", 1)[0] + "/sigap_bench_mixed"
    else:
        url = f"sqlite:///{workdir / 'mixed.db'}"
    upgrade(url)
    database = Database(url)
    with database.transaction() as session:
        pack = packs.read(packs.resolve("jakarta"))
        import_pack(session, pack)
        accounts = seed_accounts(session, pack.meta["demo_accounts"])
        state = load_state(session)
        seed_reports(session, state, count=300, busy=busy_kelurahan(state, accounts))
        _, key = channels.create(session, name="mixed load")
    database.dispose()
    points = [
        (area.label_lon, area.label_lat, area.code)
        for area in state.areas.values()
        if area.level == "kelurahan" and area.label_lon is not None
    ]
    return url, World(points, key, "")


def login(port: int, email: str) -> str:
    body = json.dumps({"email": email, "password": PASSWORD}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/auth/tokens",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        token: str = json.load(response)["token"]
        return token


def wait_up(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit("the server exited at start")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


@contextlib.contextmanager
def connections_peak(url: str) -> Iterator[dict[str, int]]:
    """PostgreSQL: the most connections the deployment held at once (sampled), and the
    server's whole count then (every database: the load may share the server)."""
    peak: dict[str, int] = {"sigap": 0, "server": 0}
    if not url.startswith("postgresql"):
        yield peak
        return
    stop = threading.Event()
    engine = create_engine(
        url, isolation_level="AUTOCOMMIT", connect_args={"application_name": "bench-sampler"}
    )

    def sample() -> None:
        with engine.connect() as connection:
            while not stop.wait(0.2):
                row = connection.execute(
                    text(
                        "SELECT count(*) FILTER (WHERE datname = current_database()), "
                        "count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                    )
                ).one()
                if row[0] > peak["sigap"]:
                    peak["sigap"], peak["server"] = row[0], row[1]
                named = connection.execute(
                    text(
                        "SELECT application_name, count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() GROUP BY 1"
                    )
                )
                for name, n in named:
                    peak[name or "?"] = max(peak.get(name or "?", 0), n)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        stop.set()
        sampler.join()
        engine.dispose()


@contextlib.contextmanager
def killing(url: str, every_s: float) -> Iterator[list[int]]:
    """Kill every connection of the deployment's database every ``every_s`` seconds."""
    kills: list[int] = []
    if every_s <= 0 or not url.startswith("postgresql"):
        yield kills
        return
    stop = threading.Event()
    engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)

    def kill() -> None:
        sql = text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND application_name <> 'bench-sampler'"
        )
        while not stop.wait(every_s):
            with engine.connect() as connection:
                kills.append(int(connection.scalar(sql) or 0))

    killer = threading.Thread(target=kill, daemon=True)
    killer.start()
    try:
        yield kills
    finally:
        stop.set()
        killer.join()
        engine.dispose()


def run(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="sigap-mixed-"))
    url, world = prepare(backend, workdir)
    env = {**os.environ, "SIGAP_DATABASE_URL": url, "SIGAP_MEDIA_DIR": str(workdir / "media"),
           "SIGAP_PUBLIC_URL": f"http://127.0.0.1:{args.port}",
           # The clients' own addresses come through a proxy on loopback, and one channel
           # files for many people.
           "SIGAP_TRUSTED_PROXIES": "127.0.0.1", "SIGAP_CHANNEL_REPORTS_PER_HOUR": "1000000",
           "SIGAP_DB_POOL_SIZE": str(args.pool)}  # fmt: skip
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "sigap.cli", "serve", "--port", str(args.port),
             "--workers", str(args.workers)],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        worker = subprocess.Popen(
            [sys.executable, "-m", "sigap.cli", "worker"],
            env={**env, "SIGAP_SWEEP_INTERVAL_S": "5"}, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_up(args.port, server)
        world.official_token = login(args.port, OFFICIAL)
        engine = create_engine(url)
        with engine.connect() as connection:
            world.report_ids = list(connection.scalars(text("SELECT id FROM report")))
        engine.dispose()
        tally = Tally()
        budget = [args.requests]
        started = time.monotonic()

        async def load() -> None:
            await asyncio.gather(
                *(client(args.port, world, tally, budget) for _ in range(args.connections))
            )

        with connections_peak(url) as peak, killing(url, args.kill_every) as kills:
            asyncio.run(load())
        seconds = time.monotonic() - started
    finally:
        for process in (worker, server):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    log_text = log_path.read_text(errors="replace")
    by_kind: dict[str, dict[int, int]] = {}
    for (kind, status), n in sorted(tally.statuses.items()):
        by_kind.setdefault(kind, {})[status] = n
    return {
        "backend": backend,
        "requests": args.requests,
        "seconds": round(seconds, 1),
        "statuses": by_kind,
        "server_errors": sum(n for (_, status), n in tally.statuses.items() if status >= 500),
        "unavailable_503": sum(n for (_, status), n in tally.statuses.items() if status == 503),
        "connections_killed": kills,
        "resets": dict(tally.resets),
        "errors": tally.errors[:50],
        "tracebacks": log_text.count("Traceback"),
        "database_connections_peak": peak,
        "log": str(log_path),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench mixed", description=__doc__)
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pool", type=int, default=10, help="SIGAP_DB_POOL_SIZE")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--kill-every",
        type=float,
        default=0,
        help="PostgreSQL: pg_terminate_backend on every connection of the deployment this "
        "often (seconds) during the load: the answers may be 503s, never a 500 or a reset",
    )
    args = parser.parse_args(argv)
    random.seed(args.seed)
    for backend in args.backend or ["postgresql"]:
        print(json.dumps(run(backend, args), indent=1), flush=True)
