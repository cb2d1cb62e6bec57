"""Benchmark the marketplace's product search at 100,000 products (issue #28).

    python -m bench market [--backend sqlite|postgresql] [--products N] [--queries N]

Fills a fresh database (bench/out/market.db, or the PostgreSQL database ``sigap_bench_market``)
with the Jakarta pack, 2,000 curated shops spread over the kelurahan and ``--products``
products named from a list of kue, snacks, drinks and crafts (their words indexed as the
product use case does, in bulk), then sends ``--queries`` searches through the app
(TestClient, one at a time): a product word or two with a typo in half of them, one of four
places to look (a kelurahan, a kecamatan, 3 km around a point, everywhere). Prints median
and p95 of the whole request per kind and overall.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import defaultdict
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import insert, text

from bench.generate import prepare
from bench.http import database_url
from sigap import models
from sigap.app import create_app
from sigap.config import Settings
from sigap.geo.places import trigrams
from sigap.market import search

FOODS = (
    "kue lapis legit",
    "kue putu",
    "kue cubit",
    "klepon",
    "onde onde",
    "lemper ayam",
    "risoles mayo",
    "pastel sayur",
    "bolu pandan",
    "bolu kukus",
    "brownies kukus",
    "nastar nanas",
    "kastengel keju",
    "putri salju",
    "keripik singkong balado",
    "keripik tempe",
    "keripik pisang",
    "rempeyek kacang",
    "kerupuk kulit",
    "sambal bawang",
    "sambal roa",
    "abon sapi",
    "dendeng balado",
    "rendang daging",
    "kue bawang",
    "dodol betawi",
    "kembang goyang",
    "kue kering coklat",
    "roti sobek",
    "martabak mini",
    "pempek kapal selam",
    "bakwan jagung",
    "tahu isi",
    "lontong sayur",
    "nasi uduk",
    "kue talam",
    "kue lumpur",
    "serabi kuah",
    "kue ape",
    "kerak telor",
)
DRINKS = (
    "es kopi susu gula aren",
    "wedang jahe",
    "bir pletok",
    "es teh manis",
    "jamu kunyit asam",
    "es cendol",
    "sirup markisa",
    "susu kedelai",
    "kopi tubruk",
    "teh serai",
)
CRAFTS = (
    "tas anyaman pandan",
    "batik betawi",
    "ondel ondel mini",
    "gantungan kunci",
    "kain tenun",
    "tempat tisu rotan",
    "vas bambu",
    "dompet kulit",
    "boneka rajut",
    "kaos sablon",
)
ADJECTIVES = (
    "spesial",
    "original",
    "pedas",
    "manis",
    "premium",
    "mini",
    "jumbo",
    "homemade",
    "asli",
    "",
    "",
    "",
)
SHOPS = 2000


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench market")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    url = database_url(
        args.backend, "sigap_bench_market" if args.backend != "sqlite" else "market", fresh=True
    )
    started = time.perf_counter()
    database, state = prepare(url)
    kelurahan = [a for a in state.areas.values() if a.level == "kelurahan" and a.label_lat]
    fill(database, kelurahan, args.products, rng)
    print(f"filled {args.products} products in {time.perf_counter() - started:.1f} s")
    if args.backend == "postgresql":  # what autovacuum does within a minute of such a load
        engine = database.write_engine
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    database.dispose()
    settings = Settings(database_url=url, public_url="http://bench.test")
    with TestClient(create_app(settings)) as client:
        run(client, kelurahan, args.queries, rng)


def fill(database: object, kelurahan: list[object], count: int, rng: random.Random) -> None:
    now = datetime.now(UTC)
    with database.transaction() as session:  # type: ignore[attr-defined]
        session.execute(
            insert(models.Account),
            [
                {
                    "id": 100_000 + n,
                    "email": f"toko{n}@bench.invalid",
                    "name": f"Toko {n}",
                    "password_hash": "-",
                    "role": "citizen",
                    "language": "id",
                    "active": True,
                    "created_at": now,
                }
                for n in range(SHOPS)
            ],
        )
        shops = []
        for n in range(SHOPS):
            area = rng.choice(kelurahan)
            shops.append(
                {
                    "id": n + 1,
                    "account_id": 100_000 + n,
                    "name": f"Toko {n}",
                    "description": "",
                    "status": "active",
                    "lat": area.label_lat + rng.uniform(-0.003, 0.003),  # type: ignore[attr-defined]
                    "lon": area.label_lon + rng.uniform(-0.003, 0.003),  # type: ignore[attr-defined]
                    "kelurahan_code": area.code,  # type: ignore[attr-defined]
                    "kecamatan_code": area.parent_code,
                    "demo": True,  # type: ignore[attr-defined]
                    "created_at": now,
                }
            )
        session.execute(insert(models.MarketSeller), shops)
        vocab: set[str] = set()
        for start in range(0, count, 10_000):
            rows, words = [], []
            for n in range(start, min(count, start + 10_000)):
                shop = shops[n % SHOPS]
                category, names = rng.choice(
                    (("food", FOODS), ("food", FOODS), ("drink", DRINKS), ("crafts", CRAFTS))
                )
                name = f"{rng.choice(names)} {rng.choice(ADJECTIVES)}".strip().title()
                rows.append(
                    {
                        "id": n + 1,
                        "seller_id": shop["id"],
                        "name": name,
                        "description": "",
                        "category": category,
                        "food_class": "fresh" if category != "crafts" else "none",
                        "price": rng.randrange(2, 200) * 500,
                        "stock": rng.randrange(0, 50),
                        "active": True,
                        "lat": shop["lat"],
                        "lon": shop["lon"],
                        "kelurahan_code": shop["kelurahan_code"],
                        "kecamatan_code": shop["kecamatan_code"],
                        "delivery": [],
                        "photos": [],
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                for word in search.terms(name, category):
                    words.append(
                        {"word": word, "product_id": n + 1, "lat": shop["lat"], "lon": shop["lon"]}
                    )
                    vocab.add(word)
            session.execute(insert(models.MarketProduct), rows)
            session.execute(insert(models.MarketWord), words)
        session.execute(
            insert(models.MarketVocab),
            [{"word": w, "grams": len(trigrams(w))} for w in sorted(vocab)],
        )
        session.execute(
            insert(models.MarketGram),
            [{"gram": g, "word": w} for w in sorted(vocab) for g in trigrams(w)],
        )


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # two letters swapped


def run(client: TestClient, kelurahan: list[object], count: int, rng: random.Random) -> None:
    every = [
        w for names in (FOODS, DRINKS, CRAFTS) for n in names for w in n.split() if len(w) >= 3
    ]
    times: dict[str, list[float]] = defaultdict(list)
    found = 0
    for n in range(count):
        words = rng.sample(every, rng.choice((1, 1, 2)))
        q = " ".join(typo(w, rng) if n % 2 else w for w in words)
        area = rng.choice(kelurahan)
        kind = ("kelurahan", "kecamatan", "point", "everywhere")[n % 4]
        params: dict[str, object] = {"q": q}
        if kind == "kelurahan":
            params["kelurahan"] = area.code  # type: ignore[attr-defined]
        elif kind == "kecamatan":
            params["kecamatan"] = area.parent_code  # type: ignore[attr-defined]
        elif kind == "point":
            params |= {"lat": area.label_lat, "lon": area.label_lon, "radius_m": 3000}  # type: ignore[attr-defined]
        started = time.perf_counter()
        response = client.get("/api/v1/market/products", params=params)
        times[kind].append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
        found += bool(response.json()["items"])
    every_time = [t for ts in times.values() for t in ts]
    for kind, values in [*times.items(), ("all", every_time)]:
        print(
            f"{kind:11} n={len(values):4} median {statistics.median(values):6.1f} ms  "
            f"p95 {_p95(values):6.1f} ms"
        )
    print(f"queries with results: {found}/{count}")


def _p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]
