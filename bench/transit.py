"""Benchmark the journey planner on the three Jakarta feeds (never bundled: read from
../shared/data/transit, README there).

    python -m bench transit [--data PATH] [--queries N] [--seed S]

Times reading each feed, the day's expansion and the RAPTOR index (patterns, footpaths and
the flat arrays of both directions), then ``--queries`` depart-at queries between random
served stops at random times from 06:00 to 21:00 on one weekday, and as many arrive-by
queries (the same stops, arriving by the same times plus an hour), and the next ten
departures at each query's origin: median and p95 on one core. Then the street layer
(``--streets``, Jakarta's pack by default) as a walking graph, the stops snapped on it and
their footpaths walked along it, and the whole query of the API from a place to a place
(points up to 400 m from the same stops: the walks at both ends, then RAPTOR), with straight
lines and over the streets. Memory: the process's peak
RSS growth over the build, the resident growth once the feeds and the expanded trips are
dropped (an upper bound: freed memory is not always handed back), and what the loaded
network itself holds: the timetable's objects and arrays, both flat indexes included, each
counted once.
"""

from __future__ import annotations

import argparse
import gc
import math
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

from sigap.geo import streets, walk
from sigap.transit import departures, gtfs, network, plan, raptor, schedule, walking

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/transit"
FEEDS = {"tj": "transjakarta", "mrt": "mrt_jakarta", "krl": "krl_approx"}
DAY = date(2026, 12, 8)
STREETS = Path(__file__).resolve().parents[1] / "src/sigap/data/regions/jakarta/streets.geojson"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench transit")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--streets", type=Path, default=STREETS)
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
    streets = _on_streets(args.streets, feed_again(args.data))
    places = make_places(table, queries, random.Random(args.seed))
    timed_places({"straight lines": table, "over streets": streets}, places)
    _walks_said(streets, places)


def feed_again(data: Path) -> gtfs.Feed:
    return gtfs.merge(gtfs.read_feed(data / folder, name) for name, folder in FEEDS.items())


def _on_streets(path: Path, feed: gtfs.Feed) -> network.Timetable:
    """The day's timetable again, its walks over the street layer at ``path``: the time and
    memory the graph, the snapped stops and the footpaths along the streets add."""
    gc.collect()
    before = _resident_mb()
    started = time.perf_counter()
    graph = walk.WalkGraph(streets.parse(path.read_text(encoding="utf-8")))
    built = time.perf_counter()
    walker = network.stop_walker(feed, graph)
    snapped = time.perf_counter()
    paths = walker.footpaths(network.MAX_WALK_M)
    walked = time.perf_counter()
    over = sum(w.over == walking.STREETS for p in paths for w in p.values())
    print(
        f"streets: graph of {len(graph):,} nodes, {len(graph.ends):,} edges "
        f"{built - started:.2f} s; {sum(s is not None for s in walker.snaps):,} of "
        f"{len(walker.snaps):,} stops snapped {snapped - built:.2f} s; "
        f"{sum(map(len, paths)):,} footpaths ({over:,} over streets) {walked - snapped:.2f} s"
    )
    gc.collect()
    size = _deep_size(walker)  # the graph with it
    print(
        f"memory: the graph, the snapped stops and their footpaths hold {size / 2**20:.0f} MB; "
        f"resident grew {_resident_mb() - before:.0f} MB"
    )
    trips = schedule.day_trips(feed, DAY)
    started = time.perf_counter()
    on_streets = network.build(feed, trips, walker)
    on_streets.flat()
    print(f"index with the streets' footpaths {time.perf_counter() - started:.2f} s")
    return on_streets


def make_places(
    table: network.Timetable, queries: list[tuple[int, int, int]], rng: random.Random
) -> list[tuple[tuple[float, float], tuple[float, float], int]]:
    """Points up to 400 m from each query's stops (a home, a shop near the stop)."""

    def near(stop: int) -> tuple[float, float]:
        metres, angle = rng.uniform(0, 400), rng.uniform(0, 2 * math.pi)
        lat = float(table.lat[stop]) + metres * math.sin(angle) / 111_195
        scale = 111_195 * math.cos(math.radians(lat))
        return lat, float(table.lon[stop]) + metres * math.cos(angle) / scale

    return [(near(a), near(b), at) for a, b, at in queries]


def timed_places(
    tables: dict[str, network.Timetable],
    places: list[tuple[tuple[float, float], tuple[float, float], int]],
) -> None:
    """The whole query of the API: the walks at both ends (``Timetable.near``), then RAPTOR;
    on each table in turn, query by query, so that the machine's load falls on both alike."""
    times: dict[str, list[float]] = {name: [] for name in tables}
    found = dict.fromkeys(tables, 0)
    for start, end, at in places:
        for name, table in tables.items():
            started = time.perf_counter()
            origins = table.near(*start, plan.WALK_RADIUS_M)
            targets = table.near(*end, plan.WALK_RADIUS_M)
            journeys = raptor.depart_at(table, origins, targets, at) if origins and targets else []
            times[name].append(time.perf_counter() - started)
            found[name] += bool(journeys)
    for name in tables:
        _said(f"place to place, {name}", times[name], found[name])


def _walks_said(
    table: network.Timetable, places: list[tuple[tuple[float, float], tuple[float, float], int]]
) -> None:
    """How the access walks of the queries went: over streets or straight, and how long a
    street walk is against the straight line."""
    walker = table.walker
    assert walker is not None
    over = straight = 0
    ratios = []
    for start, _, _ in places:
        for stop, w in walker.around(*start, plan.WALK_RADIUS_M).items():
            if w.over == walking.STREETS:
                over += 1
                line = plan.distance_m(start, (float(table.lat[stop]), float(table.lon[stop])))
                ratios.append(w.metres / max(line, 1.0))
            else:
                straight += 1
    ratios.sort()
    print(
        f"access walks: {over:,} over streets, {straight:,} straight; street / straight line: "
        f"median {statistics.median(ratios):.2f}, p90 {ratios[int(0.9 * len(ratios))]:.2f}"
    )


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
    _said(name, times, found)


def _said(name: str, times: list[float], found: int) -> None:
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
        elif type(value).__module__.startswith("sigap.") and hasattr(value, "__dict__"):
            stack.extend(vars(value).values())  # the walking graph, the walker
    return total


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _resident_mb() -> float:
    """The resident set now (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20
