"""Benchmark the journey planner on the three Jakarta feeds (never bundled: read from
../shared/data/transit, README there).

    python -m bench transit [--data PATH] [--queries N] [--seed S]

Times reading each feed, the day's expansion and the RAPTOR index (patterns, footpaths and
the flat arrays of both directions), then ``--queries`` depart-at queries between random
served stops at random times from 06:00 to 21:00 on one weekday, and as many arrive-by
queries (the same stops, arriving by the same times plus an hour), and the next ten
departures at each query's origin: median and p95 on one core. Memory: the process's peak
RSS growth over the build, the resident growth once the feeds and the expanded trips are
dropped (an upper bound: freed memory is not always handed back), and what the loaded
network itself holds: the timetable's objects and arrays, both flat indexes included, each
counted once.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import date
from pathlib import Path

import numpy as np

from sigap.transit import departures, gtfs, network, raptor, schedule

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/transit"
FEEDS = {"tj": "transjakarta", "mrt": "mrt_jakarta", "krl": "krl_approx"}
DAY = date(2026, 12, 8)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench transit")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    before = _rss_mb()
    feeds = []
    for name, folder in FEEDS.items():
        started = time.perf_counter()
        feeds.append(gtfs.read_feed(args.data / folder, name))
        print(f"read {folder:13} {time.perf_counter() - started:6.2f} s")
    started = time.perf_counter()
    feed = gtfs.merge(feeds)
    trips = schedule.day_trips(feed, DAY)
    expanded = time.perf_counter()
    table = network.build(feed, trips)
    built = time.perf_counter()
    table.flat()
    table.flat(reverse=True)
    flattened = time.perf_counter()
    print(f"expand {len(trips):,} trips {expanded - started:6.2f} s")
    print(
        f"index {len(table.patterns)} patterns, {len(table.ids):,} stops, "
        f"{sum(map(len, table.footpaths)):,} footpaths {built - expanded:6.2f} s, "
        f"flat arrays {flattened - built:5.2f} s"
    )
    peak = _rss_mb() - before
    del feeds, feed, trips
    gc.collect()
    held = _deep_size(table)
    print(
        f"memory: peak RSS grew {peak:.0f} MB; held {_resident_mb() - before:.0f} MB "
        f"resident; the network holds {held / 2**20:.0f} MB"
    )
    queries = make_queries(table, args.queries, random.Random(args.seed))
    timed(table, queries, "depart-at", raptor.depart_at, 0)
    timed(table, queries, "arrive-by", raptor.arrive_by, 3600)
    timed(table, queries, "next departures", _board, 0)


def make_queries(
    table: network.Timetable, count: int, rng: random.Random
) -> list[tuple[int, int, int]]:
    served = [s for s, at in enumerate(table.stop_patterns) if at]
    return [
        (rng.choice(served), rng.choice(served), rng.randrange(6 * 3600, 21 * 3600))
        for _ in range(count)
    ]


def timed(
    table: network.Timetable,
    queries: list[tuple[int, int, int]],
    name: str,
    plan: Callable[[network.Timetable, dict[int, int], dict[int, int], int], object],
    later: int,
) -> None:
    times, found = [], 0
    for origin, target, at in queries:
        started = time.perf_counter()
        journeys = plan(table, {origin: 0}, {target: 0}, at + later)
        times.append(time.perf_counter() - started)
        found += bool(journeys)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"{name}: {len(times)} queries ({found} answered): median "
        f"{statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"max {times[-1] * 1000:.1f} ms"
    )


def _board(table: network.Timetable, origins: dict[int, int], _: object, at: int) -> object:
    """The next ten lines of the departures board at the query's origin."""
    return departures.next_departures(table, next(iter(origins)), at, 10)


def _deep_size(root: object) -> int:
    """The bytes of ``root`` and everything it refers to, each object counted once."""
    seen: set[int] = set()
    total, stack = 0, [root]
    while stack:
        value = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        total += sys.getsizeof(value)
        if isinstance(value, np.ndarray) and value.base is not None:
            stack.append(value.base)
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list | tuple | set):
            stack.extend(value)
        elif is_dataclass(value):
            stack.extend(getattr(value, f.name) for f in fields(value))
    return total


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _resident_mb() -> float:
    """The resident set now (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20
