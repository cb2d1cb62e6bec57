"""The officials' side at scale: the inbox of a kelurahan with 5,000 open reports in a database of
1,000,000, and the SLA sweep over all of them.

    python -m bench workflow --backend sqlite --backend postgresql

It copies the list benchmark's database of N reports (``python -m bench http list`` makes it;
SQLite: a file copy, PostgreSQL: CREATE DATABASE ... TEMPLATE), upgrades it to the current
schema, gives Kelurahan Gambir's unit 5,000 open reports, serves Sigap with uvicorn and requests
``GET /api/v1/officials/inbox`` (bearer token) and the ``/officials`` page (session cookie) one
at a time, reporting p50/p95. Then it times the sweep's query for what is due across the whole
database, and one full sweep (which escalates, warns and closes what the synthetic data has due).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, func, select, text, update

from bench.http import OUT, PG_ADMIN, each_backend, server, uvicorn_command
from sigap import models
from sigap.auth import service as auth
from sigap.db import Database
from sigap.kit import utcnow
from sigap.migrations import upgrade
from sigap.regions.state import load_state
from sigap.workflow.sweep import due, sweep

GAMBIR_UNIT = "kel-31.71.01.1001"
OPEN_IN_INBOX = 5000


def copy_database(backend: str, reports: int) -> str:
    source = f"sigap_bench_list_{reports}"
    target = f"sigap_bench_workflow_{reports}"
    if backend == "sqlite":
        path = OUT / f"{target}.db"
        if not path.exists():
            shutil.copyfile(OUT / f"{source}.db", path)
        return f"sqlite:///{path}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target}" TEMPLATE "{source}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{target}"


def fill_inbox(database: Database) -> tuple[str, int]:
    """Give Gambir's unit exactly 5,000 open reports; returns an API token of its lurah."""
    with database.transaction() as session:
        unit = session.scalars(select(models.Unit).where(models.Unit.code == GAMBIR_UNIT)).one()
        active = models.Report.status.in_(("open", "in_progress"))
        mine = session.scalar(select(func.count()).where(models.Report.unit_id == unit.id, active))
        missing = OPEN_IN_INBOX - (mine or 0)
        if missing > 0:
            ids = select(models.Report.id).where(models.Report.status == "closed").limit(missing)
            session.execute(
                update(models.Report)
                .where(models.Report.id.in_(ids.scalar_subquery()))
                .values(
                    unit_id=unit.id,
                    status="open",
                    due_at=models.Report.response_due_at,
                    first_response_at=None,
                    closed_at=None,
                    resolved_at=None,
                )
            )
        account = session.scalar(
            select(models.Account).where(models.Account.email == "bench.lurah@sigap.test")
        )
        if account is None:
            account = models.Account(
                email="bench.lurah@sigap.test", name="Bench Lurah", role="unit_head",
                password_hash=auth.hash_password("bench"), unit_id=unit.id, language="id",
                active=True, created_at=utcnow(),
            )  # fmt: skip
            session.add(account)
            session.flush()
        api = auth.issue(session, account, kind="api", lifetime=timedelta(days=1))
        web = auth.issue(session, account, kind="web", lifetime=timedelta(days=1))
        count = session.scalar(select(func.count()).where(models.Report.unit_id == unit.id, active))
    return json.dumps({"api": api.token, "web": web.token}), int(count or 0)


def latencies(url: str, headers: dict[str, str], n: int) -> dict[str, float]:
    timings = []
    for i in range(n + 10):
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            response.read()
        if i >= 10:  # the first requests warm caches and pools
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
    }


def sweep_find(database: Database, at: datetime) -> dict[str, Any]:
    """The sweep's finding step: every due report's id (one index range scan), and the first
    locked batch of 500 as the sweep takes it."""
    with database.reading() as session:
        started = time.perf_counter()
        ids = session.scalars(
            select(models.Report.id).where(models.Report.next_check_at <= at)
        ).all()
        find_s = time.perf_counter() - started
    with database.transaction() as session:
        started = time.perf_counter()
        batch = due(session, at, 500)
        batch_s = time.perf_counter() - started
    return {
        "due": len(ids),
        "find_all_ids_s": round(find_s, 3),
        "first_batch": len(batch),
        "first_batch_s": round(batch_s, 3),
    }


def run(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    url = copy_database(backend, args.reports)
    upgrade(url)
    database = Database(url)
    tokens, inbox_size = fill_inbox(database)
    secrets = json.loads(tokens)
    port = args.port
    env = {"SIGAP_DATABASE_URL": url}
    with server(uvicorn_command("sigap.app:create_app", port, 1), port, env):
        base = f"http://127.0.0.1:{port}"
        api = latencies(
            f"{base}/api/v1/officials/inbox?limit=50",
            {"Authorization": f"Bearer {secrets['api']}"}, args.requests,
        )  # fmt: skip
        overdue = latencies(
            f"{base}/api/v1/officials/inbox?limit=50&overdue=true&category=sampah",
            {"Authorization": f"Bearer {secrets['api']}"}, args.requests,
        )  # fmt: skip
        page = latencies(
            f"{base}/officials", {"Cookie": f"sigap_session={secrets['web']}"}, args.requests
        )
    print(json.dumps({"backend": backend, "inbox_api": api, "page": page}), flush=True)
    with database.reading() as session:
        state = load_state(session)
    first = sweep_find(database, utcnow())
    started = time.perf_counter()
    swept = sweep(database, state, utcnow())
    sweep_s = time.perf_counter() - started
    started = time.perf_counter()
    steady = sweep(database, state, utcnow())
    steady_s = time.perf_counter() - started
    # A week on, much more is due: how long finding it takes, without doing it.
    week = sweep_find(database, utcnow() + timedelta(days=7))
    database.dispose()
    return {
        "backend": backend,
        "reports": args.reports,
        "inbox_active_reports": inbox_size,
        "inbox_api": api,
        "inbox_api_overdue_sampah": overdue,
        "inbox_page": page,
        "sweep_find_now": first,
        "sweep_full_s": round(sweep_s, 1),
        "sweep_done": vars(swept),
        "sweep_again_s": round(steady_s, 2),
        "sweep_again_done": vars(steady),
        "sweep_find_in_a_week": week,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench workflow", description=__doc__)
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=8731)
    args = parser.parse_args(argv)
    each_backend(run, args)
