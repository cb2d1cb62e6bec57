"""What the abuse limits cost the writer: CPU a submission, with and without them.

    python -m bench limits --backend sqlite --backend postgresql

On PostgreSQL the submit's throughput is the group-commit writer's cycle (docs/perf-log.md,
"Submit"), whose work is the writer's CPU and its database backend's. This stores batches of
32 submissions from random addresses (as ``bench/wrk.lua``'s submit sends them) through the
writer's own handler, :func:`sigap.reports.service.store_batch`, in alternating blocks with the
limits and without (``Source.limits=None``), after a warm-up that leaves thousands of reports
to count, and reads the CPU of this process and of its PostgreSQL backend (``/proc``). The
ratio is the share of the writer's work the limits take; CPU time is steadier than wall time on
a loaded machine. ``python -m bench http against`` measures the same end to end with wrk.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.generate import prepare
from bench.http import database_url
from sigap.db import Database
from sigap.regions.state import RegionState
from sigap.reports import service
from sigap.reports.filing import reporter_row
from sigap.reports.limits import Limits, Source
from sigap.reports.schemas import ReportCreate

BATCH = 32
CATEGORIES = ("sampah", "banjir", "jalan_rusak")
TICK = os.sysconf("SC_CLK_TCK")


def submissions(
    state: RegionState, rng: random.Random, limits: Limits | None
) -> list[tuple[service.Prepared, str | None]]:
    items = []
    for _ in range(BATCH):
        data = ReportCreate.model_validate(
            {"category": rng.choice(CATEGORIES), "lat": -6.2 + rng.random() * 0.05,
             "lon": 106.8 + rng.random() * 0.05, "description": "Laporan uji beban."}
        )  # fmt: skip
        address = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        source = Source("api", address=address, limits=limits)
        prepared = service.prepare(state, data=data, channel="api")
        items.append(
            (
                dataclasses.replace(prepared, reporter=reporter_row(data, source), source=source),
                None,
            )
        )
    return items


def store(database: Database, items: list[tuple[service.Prepared, str | None]]) -> None:
    with database.transaction() as session:
        service.store_batch(session, items)


def backend_cpu_s(database: Database) -> float:
    """CPU seconds so far of the database backend serving this process (0 on SQLite)."""
    if database.dialect != "postgresql":
        return 0.0
    with database.transaction() as session:  # the pool hands this thread its one connection
        pid = session.scalar(text("SELECT pg_backend_pid()"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def measure(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    database, state = prepare(database_url(backend, "sigap_bench_limits", fresh=True))
    rng = random.Random(1)
    limits = Limits(per_hour=10, per_address=30, same_per_day=3, same_m=50.0)
    for _ in range(args.warmup):
        store(database, submissions(state, rng, limits))
    if database.dialect == "postgresql":
        with database.autocommit() as connection:
            connection.execute(text("ANALYZE"))
    spent = {"with": 0.0, "without": 0.0}
    for block in range(args.blocks):
        sides = ("with", "without") if block % 2 == 0 else ("without", "with")
        for side in sides:
            made = [
                submissions(state, rng, limits if side == "with" else None)
                for _ in range(args.batches)
            ]
            cpu, backend_cpu = time.process_time(), backend_cpu_s(database)
            for items in made:
                store(database, items)
            spent[side] += time.process_time() - cpu + backend_cpu_s(database) - backend_cpu
    database.dispose()
    stored = args.blocks * args.batches * BATCH
    per = {side: round(seconds / stored * 1e6, 1) for side, seconds in spent.items()}
    return {
        "backend": backend,
        "cpu_us_a_submission": per,
        "without_over_with": round(spent["without"] / spent["with"], 3),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench limits", description=__doc__)
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--warmup", type=int, default=300, help="batches stored first")
    parser.add_argument("--blocks", type=int, default=40, help="alternating blocks")
    parser.add_argument("--batches", type=int, default=20, help="batches of 32 a block")
    args = parser.parse_args(argv)
    for backend in args.backend or ["sqlite", "postgresql"]:
        print(json.dumps(measure(backend, args)), flush=True)
