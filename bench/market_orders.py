"""Benchmark order placement over HTTP on a served Sigap (issue #28: >= 500 orders/s durably
on PostgreSQL).

    python -m bench market_orders [--backend postgresql] [--shops 200] [--products 2000]
        [--buyers 1000] [--stock 1000] [--workers 2] [--connections 32] [--seconds 20]

Fills a fresh database (``sigap_bench_orders``) with the Jakarta pack, ``--shops`` curated
shops, ``--products`` products spread over them (each with ``--stock`` free), ``--buyers``
accounts each with its own API token; serves Sigap with uvicorn (``--workers``) and loads
``POST /api/v1/market/orders`` with wrk (``--connections``, one thread): each request is a
random buyer ordering one or two products of a random shop, one to three of each, cash or
pickup. Prints the rate and wrk's p50/p95/p99, then checks the database: no stock below zero,
for every product the stock taken equals the quantities of its orders' items, and as many
orders stored as wrk saw answered 201 (the warm-up's too; give or take the requests
in flight when wrk stopped).

The server's warm-up threads (maps, transit: ``SIGAP_WARM_MAPS``) are off: they compete
for the CPU for many seconds after the start, and no order needs them.

Then a bare FastAPI hello-world is served with the same settings and loaded the same way: the
machine's ceiling at that moment (the ratio is what the submit benchmark reports).

PostgreSQL's commits are durable as configured (``synchronous_commit`` and ``fsync`` are
printed: both on is durable).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import secrets
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select, text

from bench.generate import prepare
from bench.http import HERE, OUT, analyze, database_url, server, uvicorn_command
from sigap import models


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench market_orders")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--shops", type=int, default=200)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--buyers", type=int, default=1000)
    parser.add_argument("--stock", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--port", type=int, default=8391)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--synchronous-commit",
        choices=("on", "off"),
        default="on",
        help="off: a diagnostic of what the commits' flushes cost (not durable, not the target)",
    )
    args = parser.parse_args(argv)
    url = database_url(
        args.backend, "sigap_bench_orders" if args.backend != "sqlite" else "orders", fresh=True
    )
    started = time.perf_counter()
    database, state = prepare(url)
    kelurahan = [a for a in state.areas.values() if a.level == "kelurahan" and a.label_lat]
    script = fill(database, kelurahan, args, random.Random(args.seed))
    database.dispose()
    analyze(url)
    print(f"filled in {time.perf_counter() - started:.1f} s")
    if args.backend == "postgresql":
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            name = url.rsplit("/", 1)[1]
            connection.execute(
                text(f'ALTER DATABASE "{name}" SET synchronous_commit = {args.synchronous_commit}')
            )
        engine.dispose()  # a new session, as the server's, sees the database's setting
        with engine.connect() as connection:
            for name in ("synchronous_commit", "fsync"):
                print(f"{name} = {connection.scalar(text(f'SHOW {name}'))}")
        engine.dispose()
    env = {
        "SIGAP_DATABASE_URL": url,
        "SIGAP_DB_POOL_SIZE": str(args.connections),
        "SIGAP_PUBLIC_URL": "http://bench.test",
        # Not the maps' and transit's warm-up threads: each worker spends seconds of CPU on
        # them after it starts answering, which landed in the measured 20 s (a quarter of the
        # workers' CPU in a py-spy run) though no order needs them.
        "SIGAP_WARM_MAPS": "false",
    }
    answered = 0
    with server(uvicorn_command("sigap.app:create_app", args.port, args.workers), args.port, env):
        results = []
        for seconds in (3, args.seconds):  # warm-up (imports, pools, plans), then measured
            result = load(args.port, script, seconds, args.connections)
            answered += result["created"]
            results.append(result)
    measured = results[-1]
    print(json.dumps(measured))
    check(url, args, answered)
    # The machine's ceiling at this moment: a bare FastAPI hello-world, same server settings.
    hello_port = args.port + 1
    with server(
        uvicorn_command("bench.hello:create_app", hello_port, args.workers), hello_port, {}
    ):
        load(hello_port, script, 3, args.connections, "hello")
        hello = load(hello_port, script, args.seconds, args.connections, "hello")
    print(json.dumps({"hello": hello, "ratio": round(measured["rps"] / hello["rps"], 3)}))


def fill(database: Any, kelurahan: list[Any], args: argparse.Namespace, rng: random.Random) -> Path:
    """The shops, products and buyers; a Lua file for wrk with the buyers' tokens and each
    shop's product ids."""
    now = datetime.now(UTC)
    tokens = [secrets.token_urlsafe(24) for _ in range(args.buyers)]
    accounts = args.shops + args.buyers
    with database.transaction() as session:
        session.execute(
            insert(models.Account),
            [
                {
                    "id": 200_000 + n,
                    "email": f"akun{n}@bench.invalid",
                    "name": f"Akun {n}",
                    "password_hash": "-",
                    "role": "citizen",
                    "language": "id",
                    "active": True,
                    "created_at": now,
                }
                for n in range(accounts)
            ],
        )
        session.execute(
            insert(models.AuthSession),
            [
                {
                    "token_hash": hashlib.sha256(token.encode()).hexdigest(),
                    "account_id": 200_000 + args.shops + n,
                    "kind": "api",
                    "label": "bench",
                    "created_at": now,
                    "expires_at": now + timedelta(days=1),
                }
                for n, token in enumerate(tokens)
            ],
        )
        shops = []
        for n in range(args.shops):
            area = rng.choice(kelurahan)
            shops.append(
                {
                    "id": n + 1,
                    "account_id": 200_000 + n,
                    "name": f"Toko {n}",
                    "description": "",
                    "status": "active",
                    "lat": area.label_lat,
                    "lon": area.label_lon,
                    "kelurahan_code": area.code,
                    "kecamatan_code": area.parent_code,
                    "demo": True,
                    "created_at": now,
                }
            )
        session.execute(insert(models.MarketSeller), shops)
        products = [
            {
                "id": n + 1,
                "seller_id": shops[n % args.shops]["id"],
                "name": f"Kue {n}",
                "description": "",
                "category": "food",
                "food_class": "fresh",
                "price": rng.randrange(2, 200) * 500,
                "stock": args.stock,
                "active": True,
                "lat": shops[n % args.shops]["lat"],
                "lon": shops[n % args.shops]["lon"],
                "kelurahan_code": shops[n % args.shops]["kelurahan_code"],
                "kecamatan_code": shops[n % args.shops]["kecamatan_code"],
                "delivery": [],
                "photos": [],
                "created_at": now,
                "updated_at": now,
            }
            for n in range(args.products)
        ]
        session.execute(insert(models.MarketProduct), products)
    by_shop: dict[int, list[int]] = {}
    for product in products:
        by_shop.setdefault(product["seller_id"], []).append(product["id"])
    OUT.mkdir(exist_ok=True)
    path = OUT / "orders.lua"
    shop_rows = ",\n".join("{" + ",".join(map(str, ids)) + "}" for ids in by_shop.values())
    token_rows = ",\n".join(f'"{t}"' for t in tokens)
    path.write_text(f"return {{\ntokens = {{\n{token_rows}\n}},\nshops = {{\n{shop_rows}\n}}\n}}\n")
    return path


def load(
    port: int, script: Path, seconds: int, connections: int, mode: str = "order"
) -> dict[str, Any]:
    result = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
         "-s", str(HERE / "wrk.lua"), f"http://127.0.0.1:{port}"],
        env={"SIGAP_BENCH_MODE": mode, "SIGAP_BENCH_ORDERS": str(script),
             "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    measured: dict[str, Any] = {}
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            measured |= json.loads(line)
    return measured


def check(url: str, args: argparse.Namespace, answered: int) -> None:
    """No stock below zero; each product's stock taken equals its ordered quantities; as many
    orders stored as answered 201 (give or take the requests in flight when wrk stopped)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        stock = dict(
            connection.execute(select(models.MarketProduct.id, models.MarketProduct.stock))
            .tuples()
            .all()
        )
        ordered = dict(
            connection.execute(
                select(
                    models.MarketOrderItem.product_id, func.sum(models.MarketOrderItem.quantity)
                ).group_by(models.MarketOrderItem.product_id)
            )
            .tuples()
            .all()
        )
        orders = connection.scalar(select(func.count()).select_from(models.MarketOrder))
    engine.dispose()
    negative = [p for p, s in stock.items() if s < 0]
    wrong = [p for p, s in stock.items() if args.stock - s != int(ordered.get(p, 0))]
    print(
        f"orders stored {orders}, answered 201 {answered}; products below zero: {len(negative)}; "
        f"products whose stock taken != ordered: {len(wrong)}; "
        f"items ordered {sum(int(v) for v in ordered.values())}"
    )
    # wrk stops with requests in flight: their orders may be stored, unanswered (one per
    # connection per run at most).
    if negative or wrong or not answered <= orders <= answered + 2 * args.connections:
        raise SystemExit("check failed")
    print("check passed")
