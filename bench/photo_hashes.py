"""Looking up a copy among many photo hashes (sigap.photos.proof.find_copy).

    python -m bench photo_hashes [--rows 100000] [--postgres URL]

Fills a table shaped like ``photo``'s hash columns (four indexed 16-bit bands) with ``rows``
hashes, in two shapes: uniform (unrelated photos) and clustered (1,000 scenes, each hash a few
bits from its scene's: many similar street photos), then times ``find_copy`` for hashes that
are near a stored one (a copy) and for new ones (a miss), reporting the median and the 95th
percentile, and how many candidate rows the band query returned.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select

from sigap.photos import phash, proof


def table() -> Table:
    meta = MetaData()
    return Table(
        "bench_photo_hash",
        meta,
        Column("id", Integer, primary_key=True),
        Column("report_id", Integer, nullable=False),
        *(Column(f"phash{i}", Integer, index=True) for i in range(phash.BANDS)),
    )


def hashes(rows: int, clustered: bool, rng: random.Random) -> list[int]:
    if not clustered:
        return [rng.getrandbits(64) for _ in range(rows)]
    scenes = [rng.getrandbits(64) for _ in range(1000)]
    return [near(rng.choice(scenes), rng.randint(4, 16), rng) for _ in range(rows)]


def near(value: int, bits: int, rng: random.Random) -> int:
    return value ^ sum(1 << bit for bit in rng.sample(range(64), bits))


def run(url: str, rows: int, clustered: bool) -> dict[str, Any]:
    rng = random.Random(23)
    engine = create_engine(url)
    photos = table()
    photos.metadata.drop_all(engine)
    photos.metadata.create_all(engine)
    stored = hashes(rows, clustered, rng)
    with engine.begin() as connection:
        for start in range(0, rows, 10_000):
            connection.execute(
                insert(photos),
                [
                    {"id": start + i + 1, "report_id": start + i + 1, **_bands(value)}
                    for i, value in enumerate(stored[start : start + 10_000])
                ],
            )
    found: dict[str, Any] = {"rows": rows, "shape": "clustered" if clustered else "uniform"}
    with engine.connect() as connection:
        for kind in ("copy", "miss"):
            times, candidates = [], []
            for _ in range(200):
                if kind == "copy":
                    query = [near(rng.choice(stored), rng.randint(0, 6), rng)]
                else:
                    query = [rng.getrandbits(64)]
                query.append(rng.getrandbits(64))  # the mirror image's hash, as at take-in
                started = time.perf_counter()
                hit = proof.find_copy(connection, query, photos)
                times.append((time.perf_counter() - started) * 1000)
                candidates.append(_candidates(connection, photos, query))
                if kind == "copy" and hit is None:
                    raise AssertionError("a copy was missed")
            times.sort()
            found[kind] = {
                "median_ms": round(statistics.median(times), 2),
                "p95_ms": round(times[int(len(times) * 0.95)], 2),
                "candidates_median": statistics.median(candidates),
            }
    photos.metadata.drop_all(engine)
    engine.dispose()
    return found


def _bands(value: int) -> dict[str, int]:
    return {f"phash{i}": part for i, part in enumerate(phash.bands(value))}


def _candidates(connection: Any, photos: Table, query: list[int]) -> int:
    from sqlalchemy import func, or_

    values: list[set[int]] = [set() for _ in range(phash.BANDS)]
    for value in query:
        for index, band in enumerate(phash.bands(value)):
            values[index].update(phash.neighbours(band))
    near_ = [photos.c[f"phash{i}"].in_(sorted(v)) for i, v in enumerate(values)]
    return int(connection.scalar(select(func.count()).where(or_(*near_))) or 0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench photo_hashes")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", default=None, help="also on this PostgreSQL database")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        urls = [f"sqlite:///{Path(folder) / 'hashes.db'}"]
        if args.postgres:
            urls.append(args.postgres)
        for url in urls:
            for clustered in (False, True):
                print(url.split(":")[0], run(url, args.rows, clustered))


if __name__ == "__main__":
    main()
