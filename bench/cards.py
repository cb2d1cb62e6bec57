"""Taps stored and priced, durably: the fare card's ingestion (issue #27: ≥ 5,000 taps/s on
PostgreSQL).

    python -m bench cards --backend sqlite --backend postgresql

A fresh database with ``--cards`` registered cards, each with money, and 50 validators (half
Transjakarta's, half the MRT's); then ``--batches`` batches of ``--batch`` taps, each stored
and priced by the validators' use case (:func:`sigap.cards.taps.ingest`, what ``POST
/api/v1/cards/taps`` runs, with THE fare engine over the bundled Jakarta rules) in one
committed transaction, one after the other on one connection. The taps are a morning's: each
card taps in a few times, a tap in twenty arrives an hour late (a validator that was
offline), so repricing posts adjustments too. The figure is taps over wall time, commits
included (the database's default durability: synchronous_commit on; SQLite in WAL as the app
runs it). HTTP is not in it (docs/cards.md, "Performance").

On a loaded machine the wall time measures the neighbours too, so the run also reports the CPU
time it cost: this process's, and on PostgreSQL its server processes' (read from /proc: the
server must run on this machine), and ``cpu_bound_taps_per_s``, taps over the two summed: what
one connection reaches when nothing else runs (a batch's work is sequential).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, text

from bench.http import database_url
from sigap import models
from sigap.accounts.service import create as create_account
from sigap.cards import service, taps, validators
from sigap.cards.pricing import EnginePricer
from sigap.db import Database
from sigap.fares import planner
from sigap.fares.rules import FareRules
from sigap.kit import utcnow
from sigap.migrations import upgrade
from sigap.rows import insert_rows

START = datetime(2026, 12, 7, 22, 0, tzinfo=UTC)  # 05:00 WIB
PLACES = (("transjakarta", "tj:H00275P", "tj:1"), ("mrt", "mrt:SLBB", None))


def prepare(url: str, cards: int) -> tuple[Database, list[str], list[validators.ValidatorRef]]:
    upgrade(url)
    database = Database(url)
    numbers = [f"{60000000 + n:08d}" for n in range(cards)]
    with database.transaction() as session:
        holder = create_account(
            session, email="bench@test.sigap.id", name="B", password="x" * 12, role="citizen"
        )
        hasher = service.Hasher.load(session)
        connection = session.connection()
        now = utcnow()
        accounts = [
            {"kind": "card", "name": f"card:b{n}", "balance": 1_000_000, "created_at": now}
            for n in range(cards)
        ]
        ids = insert_rows(
            connection, cast(Table, models.LedgerAccount.__table__), accounts, returning=("id",)
        )
        rows = [
            {"card_hash": hasher(number), "holder_id": holder.id, "ledger_account_id": i,
             "name": "b", "last4": number[-4:], "status": "active", "created_at": now}
            for number, (i,) in zip(numbers, ids, strict=True)
        ]  # fmt: skip
        insert_rows(connection, cast(Table, models.Card.__table__), rows)
        refs = []
        for n in range(50):
            network, stop, route = PLACES[n % 2]
            _, key = validators.create(
                session, name=f"v{n}", network=network, stop_id=stop, route_id=route, now=now
            )
            refs.append(validators.authenticate(session, key))
    # The balances were set without entries: the bench's books start from an opening balance.
    return database, numbers, refs


def _missing() -> FareRules:
    raise SystemExit("the bundled Jakarta pack has no fare rules")


def batches(
    numbers: list[str], count: int, size: int, rng: random.Random
) -> list[list[taps.TapIn]]:
    made, serial = [], 0
    for b in range(count):
        clock = START + timedelta(seconds=b * 20)
        batch = []
        for _ in range(size):
            serial += 1
            late = timedelta(hours=1) if rng.random() < 0.05 else timedelta(0)
            at = clock - late + timedelta(milliseconds=rng.randrange(20_000))
            batch.append(taps.TapIn(str(serial), rng.choice(numbers), "in", at))
        made.append(batch)
    return made


def run(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    url = database_url(backend, "sigap_bench_cards", fresh=True)
    database, numbers, refs = prepare(url, args.cards)
    with database.reading() as session:
        hasher = service.Hasher.load(session)
    rng = random.Random(7)
    work = batches(numbers, args.batches, args.batch, rng)
    # Tap-ins only: no distance to measure, so no stop positions (an MRT leg is estimated).
    rules = planner.bundled("jakarta") or _missing()
    pricer = EnginePricer(rules)
    chosen = [rng.choice(refs) for _ in work]

    def post(n: int) -> None:
        with database.transaction() as session:
            taps.ingest(
                session, chosen[n], work[n], hasher=hasher, pricer=pricer, floor=0,
                zone=rules.zone, now=utcnow(),
            )  # fmt: skip

    server = _server_cpu(database)
    client = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with ThreadPoolExecutor(args.connections) as pool:  # validators posting side by side
        list(pool.map(post, range(len(work))))
    elapsed = time.perf_counter() - started
    done = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = done.ru_utime - client.ru_utime + done.ru_stime - client.ru_stime
    server_cpu = _server_cpu(database) - server
    database.dispose()
    total = args.batches * args.batch
    return {"backend": backend, "connections": args.connections, "taps": total,
            "seconds": round(elapsed, 2), "taps_per_s": round(total / elapsed),
            "client_cpu_s": round(client_cpu, 2), "server_cpu_s": round(server_cpu, 2),
            "cpu_bound_taps_per_s": round(total / (client_cpu + server_cpu)),
            "load": round(os.getloadavg()[0], 1)}  # fmt: skip


def _server_cpu(database: Database) -> float:
    """CPU seconds the database's server processes have used (0 for SQLite, in process)."""
    if database.dialect == "sqlite":
        return 0.0
    with database.reading() as session:
        query = text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        pids = list(session.scalars(query))
    used = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # ended, or a server on another machine
            continue
        used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench cards", description=__doc__)
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--connections", type=int, default=1, help="batches side by side")
    args = parser.parse_args(argv)
    for backend in args.backend or ["postgresql"]:
        print(run(backend, args))
