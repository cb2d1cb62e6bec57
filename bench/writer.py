"""What the submit path's group-commit writer costs, alone and under load.

    python -m bench writer alone --backend sqlite --backend postgresql
    python -m bench writer load --backend sqlite --seconds 10
    python -m bench writer ceiling --seconds 10

``alone`` stores batches of prepared reports (random kelurahan, six categories, like
``bench/wrk.lua``) through ``reports.service.store_batch`` in one process, one transaction per
batch, as the writer thread does, and reports wall and CPU time per report (SQLite with the
background checkpointer of a server; on PostgreSQL also its backend's CPU per report).
``load`` serves Sigap with the writer timed (batches, reports per batch, wall and CPU time per
batch) while wrk posts reports at concurrency 32,
as ``python -m bench http submit`` does (warm-up included), with the writer in a thread of
the server (``SIGAP_WRITER_PROCESS=false``; ``load`` and ``ceiling`` patch that writer): a
writer whose wall time is much longer than its CPU time is waiting (for the GIL, under load),
not working. ``ceiling`` serves
the bare hello-world and then Sigap with the writer's database work replaced by made-up ids
(every report answered, none stored), in one run: how fast the event loop's side of a submit
could go with a free writer.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.generate import prepare
from bench.http import (
    OUT,
    database_url,
    each_backend,
    server,
    uvicorn_command,
    write_points,
    wrk,
)
from sigap.config import Settings
from sigap.db import Checkpointer, Database
from sigap.reports import service
from sigap.reports.schemas import ReportCreate

CATEGORIES = ["sampah", "banjir", "jalan_rusak", "kemacetan", "parkir_liar", "lampu_jalan"]


def alone(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    url = database_url(backend, "sigap_bench_submit", fresh=False)
    setup, state = prepare(url)
    setup.dispose()
    # One connection, so that on PostgreSQL every batch runs in the backend timed below.
    database = Database(url, pool_size=1, background_checkpoint=True)
    checkpointer = Checkpointer(database.write_engine) if backend == "sqlite" else None
    points = [
        (a.label_lon, a.label_lat)
        for a in state.areas.values()
        if a.level == "kelurahan" and a.label_lon is not None
    ]
    rng = random.Random(1)

    def batch() -> list[tuple[service.Prepared, str | None]]:
        made = []
        for _ in range(args.batch):
            lon, lat = rng.choice(points)
            data = ReportCreate(
                category=rng.choice(CATEGORIES), lat=lat, lon=lon, description="Laporan uji."
            )
            made.append((service.prepare(state, data=data, channel="api"), None))
        return made

    batches = [batch() for _ in range(args.batches + 20)]
    for items in batches[:20]:  # warm up: statements prepared, pages cached
        with database.transaction() as session:
            service.store_batch(session, items)
    backend_pid = None
    if backend == "postgresql":  # the server runs here: its backend's CPU is in /proc
        with database.transaction() as session:
            backend_pid = session.scalar(text("SELECT pg_backend_pid()"))
    wall, cpu = time.perf_counter(), time.thread_time()
    server_cpu = _process_cpu(backend_pid)
    for items in batches[20:]:
        with database.transaction() as session:
            service.store_batch(session, items)
    server_cpu = _process_cpu(backend_pid) - server_cpu
    count = args.batches * args.batch
    result = {
        "backend": backend,
        "batch": args.batch,
        "reports": count,
        "wall_us_per_report": round((time.perf_counter() - wall) / count * 1e6),
        "cpu_us_per_report": round((time.thread_time() - cpu) / count * 1e6),
    }
    if backend_pid is not None:
        result["postgres_cpu_us_per_report"] = round(server_cpu / count * 1e6)
    if checkpointer is not None:
        checkpointer.close()
    database.dispose()
    return result


def _process_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) of a process of this machine, 0 without one."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    url = database_url(backend, "sigap_bench_submit", fresh=True)
    points = write_points(url)
    env = {
        "SIGAP_DATABASE_URL": url,
        "SIGAP_DB_POOL_SIZE": "32",
        "SIGAP_BENCH_WRITER_OUT": str(OUT / "writer-load.json"),
    }
    app = "bench.writer:timed_app"
    with server(uvicorn_command(app, args.port, 1), args.port, env):
        measured = wrk(args.port, "submit", points, seconds=args.seconds, connections=32)
    timed = json.loads((OUT / "writer-load.json").read_text())
    return {"backend": backend, "submit": measured, "writer": timed}


def ceiling(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    url = database_url(backend, "sigap_bench_submit", fresh=True)
    points = write_points(url)
    env = {"SIGAP_DATABASE_URL": url, "SIGAP_DB_POOL_SIZE": "32"}
    results: dict[str, Any] = {"backend": backend}
    for name, app, mode in (("hello", "bench.hello:create_app", "hello"),
                            ("no_writes", "bench.writer:unwritten_app", "submit")):  # fmt: skip
        with server(uvicorn_command(app, args.port, 1), args.port, env):
            results[name] = wrk(args.port, mode, points, seconds=args.seconds, connections=32)
    results["no_writes_over_hello"] = round(
        results["no_writes"]["rps"] / results["hello"]["rps"], 3
    )
    return results


def unwritten_app() -> Any:
    """Sigap whose report writer answers with made-up ids and stores nothing (bench only)."""
    from sigap import db
    from sigap.app import create_app

    ids = itertools.count(10**12)

    def answer(self: Any, batch: list[Any]) -> None:
        results = []
        for job in batch:
            prepared, _key = job.item
            report_id = next(ids)
            event = {"id": report_id, "report_id": report_id, **prepared.event}
            report = {"id": report_id, **prepared.report}
            results.append(service.Submitted(report, [event], prepared.tracking_token, False, []))
        db._answer(batch, [(True, result) for result in results])

    db.BatchWriter._write = answer  # type: ignore[method-assign]
    return create_app(thread_writer())


def timed_app() -> Any:
    """Sigap with ``BatchWriter._write`` timed; the totals are written twice a second (the
    file read after the run has the last of them)."""
    from sigap import db
    from sigap.app import create_app

    totals = {"batches": 0, "reports": 0, "wall_s": 0.0, "cpu_s": 0.0}
    write = db.BatchWriter._write

    def timed(self: Any, batch: list[Any]) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        write(self, batch)
        totals["wall_s"] += time.perf_counter() - wall
        totals["cpu_s"] += time.thread_time() - cpu
        totals["batches"] += 1
        totals["reports"] += len(batch)

    def report() -> None:
        batches, reports = max(1, int(totals["batches"])), max(1, int(totals["reports"]))
        summary = {
            "batches": totals["batches"],
            "reports_per_batch": round(reports / batches, 1),
            "wall_ms_per_batch": round(totals["wall_s"] / batches * 1000, 2),
            "cpu_ms_per_batch": round(totals["cpu_s"] / batches * 1000, 2),
            "wall_us_per_report": round(totals["wall_s"] / reports * 1e6),
            "cpu_us_per_report": round(totals["cpu_s"] / reports * 1e6),
        }
        with open(os.environ["SIGAP_BENCH_WRITER_OUT"], "w") as out:
            json.dump(summary, out)

    def keep_reporting() -> None:
        while True:
            time.sleep(0.5)
            report()

    db.BatchWriter._write = timed  # type: ignore[method-assign]
    threading.Thread(target=keep_reporting, daemon=True).start()
    return create_app(thread_writer())


def thread_writer() -> Settings:
    """The server's settings with the writer in a thread (``db.BatchWriter``), the one these
    modes patch: by default a server writes from a process of its own (``sigap.writer``)."""
    return Settings(writer_process=False)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench writer", description=__doc__)
    parser.add_argument("mode", choices=["alone", "load", "ceiling"])
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--batch", type=int, default=16, help="alone: reports per batch")
    parser.add_argument("--batches", type=int, default=150, help="alone: batches timed")
    parser.add_argument("--seconds", type=int, default=10, help="load: wrk's measured seconds")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    each_backend({"alone": alone, "load": load, "ceiling": ceiling}[args.mode], args)


if __name__ == "__main__":
    main(sys.argv[1:])
