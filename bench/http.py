"""HTTP benchmarks with wrk: submit throughput against a hello-world ceiling, list latency.

    python -m bench http submit --backend sqlite --backend postgresql
    python -m bench http list --backend sqlite --reports 1000000
    python -m bench http open311 --backend postgresql --reports 100000 --workers 2 --connections 16
    python -m bench http against --against 8f7ab4d --backend sqlite --rounds 5
    python -m bench http against --against 8f7ab4d --mode o311_one --reports 20000 --workers 2

``submit`` serves a bare FastAPI hello-world and Sigap side by side with the same uvicorn
settings and loads them in turn with wrk (one thread, 32 connections), ``--rounds`` times, so
each ratio is measured under the same machine conditions and the median is reported. ``list``
loads N synthetic reports (bench.generate; reused if the database already has them) and
measures GET /api/v1/reports by bbox and by area at low concurrency, reporting p50/p95 from
wrk's own latency histogram. ``against`` loads this checkout's submit (or ``--mode``, an Open311
workload on ``--reports`` generated reports) and another git ref's in turn, for what a change
costs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text

from bench.generate import generate, prepare
from sigap import models
from sigap.channels import service as channels
from sigap.db import Database, is_sqlite
from sigap.kit import utcnow
from sigap.portal.fold import fold_job, fold_now

HERE = Path(__file__).parent
OUT = HERE / "out"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def analyze(url: str) -> None:
    """What autovacuum does within its first minute on a live PostgreSQL server: statistics
    for the tables the warm-up filled. Without them the planner takes ``report`` for empty,
    and the foreign-key check of every ``report_event`` insert, planned once per connection,
    keeps scanning the whole table: a run from an empty database then measures a cost that
    grows with every report (one scan of all reports per report), which no server that has
    run a minute pays. SQLite's checks go by rowid and need nothing."""
    if is_sqlite(url):
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()


def database_url(backend: str, name: str, *, fresh: bool) -> str:
    if backend == "sqlite":
        path = OUT / f"{name}.db"
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        )
        if fresh and exists:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        if fresh or not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def write_points(url: str) -> Path:
    database, state = prepare(url)
    database.dispose()
    points = [
        (a.label_lon, a.label_lat, a.code)
        for a in state.areas.values()
        if a.level == "kelurahan" and a.label_lon is not None
    ]
    path = OUT / "points.lua"
    rows = ",\n".join(f'{{{lon}, {lat}, "{code}"}}' for lon, lat, code in points)
    path.write_text(f"return {{\n{rows}\n}}\n")
    return path


@contextmanager
def folding(url: str, interval_s: float = 2.0) -> Iterator[None]:
    """What ``sigap worker`` does beside a PostgreSQL deployment's servers: fold the queued
    portal counts (and vacuum the queue) every ``SIGAP_STATS_FOLD_INTERVAL_S`` (2 s), so its
    cost is in the run."""
    if is_sqlite(url):
        yield
        return
    database = Database(url, pool_size=1)
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(interval_s):
            fold_job(database, utcnow())

    thread = threading.Thread(target=run, name="fold")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        fold_now(database)
        database.dispose()


@contextmanager
def server(command: list[str], port: int, env: dict[str, str]) -> Iterator[None]:
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # it answers: a 404 is an answer
            except OSError:
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(
    port: int,
    mode: str,
    points: Path,
    *,
    seconds: int,
    connections: int,
    extra: dict[str, str] | None = None,
    after_warmup: Callable[[], None] | None = None,
    warmup: bool = True,
) -> dict[str, Any]:
    env = {
        **os.environ,
        "SIGAP_BENCH_MODE": mode,
        "SIGAP_BENCH_POINTS": str(points),
        **(extra or {}),
    }
    # Warm up (imports, pools, caches), then measure.
    for duration in (3, seconds) if warmup else (seconds,):
        result = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
             "-s", str(HERE / "wrk.lua"), f"http://127.0.0.1:{port}"],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        if after_warmup is not None and warmup and duration == 3:
            after_warmup()
    line = [ln for ln in result.stdout.splitlines() if ln.startswith("{")][-1]
    measured: dict[str, Any] = json.loads(line)
    return measured


def uvicorn_command(app: str, port: int, workers: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", app, "--factory", "--port", str(port),
            "--workers", str(workers), "--log-level", "warning", "--no-access-log",
            "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"]  # fmt: skip


def submit(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    """The hello-world and Sigap served side by side, loaded in turn for ``--rounds`` rounds:
    each round's ratio comes from two runs a few seconds apart, so a machine that slows down
    or speeds up during the benchmark moves both sides of it (the result is the median)."""
    url = database_url(backend, "sigap_bench_submit", fresh=True)
    points = write_points(url)
    hello_port, port = args.port + 1, args.port
    env = {"SIGAP_DATABASE_URL": url, "SIGAP_DB_POOL_SIZE": str(args.connections)}
    rounds: list[dict[str, Any]] = []
    with (
        server(uvicorn_command("bench.hello:create_app", hello_port, args.workers), hello_port, {}),
        folding(url),  # stops after the servers: its last fold takes their last batches
        server(uvicorn_command("sigap.app:create_app", port, args.workers), port, env),
    ):
        for number in range(args.rounds):
            first = number == 0
            hello = wrk(hello_port, "hello", points, seconds=args.seconds,
                        connections=args.connections, warmup=first)  # fmt: skip
            sigap = wrk(port, "submit", points, seconds=args.seconds, connections=args.connections,
                        warmup=first, after_warmup=lambda: analyze(url))  # fmt: skip
            rounds.append({"hello": hello, "submit": sigap,
                           "ratio": round(sigap["rps"] / hello["rps"], 3)})  # fmt: skip
    engine = create_engine(url)
    with engine.connect() as connection:
        stored = connection.scalar(select(func.count()).select_from(models.Report))
        counted = connection.scalar(select(func.sum(models.StatArea.n)))
    engine.dispose()
    acknowledged = sum(r["submit"]["requests"] for r in rounds)
    return {
        "backend": backend,
        "workers": args.workers,
        "connections": args.connections,
        "rounds": rounds,
        "stored_reports": stored,  # the warm-up's reports too: at least the acknowledged ones
        "acknowledged_measured": acknowledged,
        "counted_reports": counted,  # the portal's counts, after the last fold: = stored
        "submit_over_hello": statistics.median(r["ratio"] for r in rounds),
    }


def against(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    """This checkout's Sigap and the one at git ``--against REF`` (a worktree under bench/out,
    its own database made by its own migrations), served side by side and loaded in turn
    like ``submit``: the median of the rounds' ratios is what the change costs or gains."""
    ref = args.against
    tree = OUT / f"against-{ref.replace('/', '-')}"
    if not tree.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), ref], check=True)
    sides = {"this": (HERE.parent, args.port), "ref": (tree, args.port + 2)}
    urls = {name: database_url(backend, f"sigap_bench_{name}_{args.port}", fresh=True)
            for name in sides}  # fmt: skip
    for name, (root, _) in sides.items():  # each side's own migrations and region import
        subprocess.run([sys.executable, "-c", "import sys; from bench.generate import prepare; "
                        "prepare(sys.argv[1])[0].dispose()", urls[name]],
                       cwd=root, env={**os.environ, "PYTHONPATH": str(root / "src")},
                       check=True)  # fmt: skip
    points = write_points(urls["this"])
    extra = {}
    if args.mode.startswith("o311"):
        for name, url in urls.items():
            generate(url, args.reports, seed=1)
            extra[name] = open311_env(url)
    rounds: list[dict[str, Any]] = []
    with contextlib.ExitStack() as running:
        for name, (root, port) in sides.items():
            env = {"SIGAP_DATABASE_URL": urls[name], "SIGAP_DB_POOL_SIZE": str(args.connections),
                   "PYTHONPATH": str(root / "src")}  # fmt: skip
            running.enter_context(folding(urls[name]))
            running.enter_context(
                server(uvicorn_command("sigap.app:create_app", port, args.workers), port, env)
            )
        for mode in args.mode.split(","):
            for number in range(args.rounds):
                order = list(sides) if number % 2 == 0 else list(reversed(sides))  # no side first
                measured = {}
                for name in order:
                    port = sides[name][1]
                    measured[name] = wrk(port, mode, points, seconds=args.seconds,
                                         connections=args.connections, warmup=number == 0,
                                         extra=extra.get(name))  # fmt: skip
                ratio = round(measured["this"]["rps"] / measured["ref"]["rps"], 3)
                rounds.append({**measured, "mode": mode, "ratio": ratio})
    return {
        "backend": backend,
        "against": ref,
        "rounds": rounds,
        "this_over_ref": {
            mode: statistics.median(r["ratio"] for r in rounds if r["mode"] == mode)
            for mode in args.mode.split(",")
        },
    }


def warm(backend: str, url: str) -> None:
    """Measure a server whose database is in memory (24 GiB here), not the first disk reads:
    read the SQLite file once; on PostgreSQL analyse and pre-warm the table and its indexes."""
    if backend == "sqlite":
        with Path(url.split("///", 1)[1]).open("rb") as fh:
            while fh.read(1 << 24):
                pass
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE report"))
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
        connection.execute(
            text(
                "SELECT pg_prewarm(c.oid) FROM pg_class c WHERE c.relname = 'report' "
                "OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'report'::regclass)"
            )
        )
    engine.dispose()


def listing(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    url = database_url(backend, f"sigap_bench_list_{args.reports}", fresh=False)
    database, _ = prepare(url)
    with database.reading() as session:
        have = session.scalar(select(func.count()).select_from(models.Report)) or 0
    database.dispose()
    loaded = None
    if have < args.reports:
        loaded = generate(url, args.reports - have, seed=have + 1)
    warm(backend, url)
    points = write_points(url)
    port = args.port
    env = {"SIGAP_DATABASE_URL": url}
    results: dict[str, Any] = {"backend": backend, "reports": max(have, args.reports),
                               "generated": loaded}  # fmt: skip
    with server(uvicorn_command("sigap.app:create_app", port, args.workers), port, env):
        for mode in ("bbox", "area"):
            for connections in (1, args.list_connections):
                results[f"{mode}_c{connections}"] = wrk(
                    port, mode, points, seconds=args.seconds, connections=connections
                )
    return results


def open311_env(url: str) -> dict[str, str]:
    """What wrk.lua's Open311 modes read: a new API key, the highest report id, a week back."""
    database = Database(url, pool_size=1)
    with database.transaction() as session:
        # A load test, not the flood a channel's quota stops.
        _, key = channels.create(session, name="bench", reports_per_hour=1_000_000_000)
        newest = session.scalar(select(func.max(models.Report.created_at)))
        highest = session.scalar(select(func.max(models.Report.id))) or 1
    database.dispose()
    since = (newest or utcnow()) - timedelta(days=7)
    return {
        "SIGAP_BENCH_KEY": key,
        "SIGAP_BENCH_MAX_ID": str(highest),
        "SIGAP_BENCH_SINCE": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def open311(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    """The Open311 workload of the Open311 issue: N reports loaded, wrk -c16, --workers 2."""
    url = database_url(backend, f"sigap_bench_list_{args.reports}", fresh=False)
    database, _ = prepare(url)
    with database.reading() as session:
        have = session.scalar(select(func.count()).select_from(models.Report)) or 0
    database.dispose()
    if have < args.reports:
        generate(url, args.reports - have, seed=have + 1)
    warm(backend, url)
    points = write_points(url)
    extra = open311_env(url)
    results: dict[str, Any] = {"backend": backend, "reports": max(have, args.reports),
                               "workers": args.workers}  # fmt: skip
    env = {"SIGAP_DATABASE_URL": url}
    port = args.port
    with (
        folding(url),
        server(uvicorn_command("sigap.app:create_app", port, args.workers), port, env),
    ):
        for mode in ("o311_services", "o311_one", "o311_list", "o311_list_since", "o311_post"):
            results[mode] = wrk(port, mode, points, seconds=args.seconds,
                                connections=args.connections, extra=extra)  # fmt: skip
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench http", description=__doc__)
    parser.add_argument("what", choices=["submit", "list", "open311", "against"])
    parser.add_argument("--against", default="HEAD~1", help="against: the git ref to compare")
    parser.add_argument("--mode", default="submit", help="against: wrk.lua modes, comma-separated")
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3, help="submit: hello/Sigap rounds")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--list-connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    runs = {"submit": submit, "list": listing, "open311": open311, "against": against}
    each_backend(runs[args.what], args)


def each_backend(
    run: Callable[[str, argparse.Namespace], dict[str, Any]], args: argparse.Namespace
) -> None:
    """Run one benchmark per ``--backend`` given (SQLite if none), one JSON line each."""
    OUT.mkdir(exist_ok=True)
    for backend in args.backend or ["sqlite"]:
        print(json.dumps(run(backend, args)), flush=True)
