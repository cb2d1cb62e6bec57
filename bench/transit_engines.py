"""Choose the journey planner's engine by measuring (issue #26): Sigap's RAPTOR (numpy),
``pynigiri`` (Python bindings to nigiri, MOTIS's routing core) and ``ferrobus`` (a RAPTOR in
Rust), on the three Jakarta feeds (never bundled: read from ../shared/data/transit).

The two other engines are not Sigap's dependencies; they live in a virtualenv of their own,
made once (``--system-site-packages`` reuses numpy, shapely and osmium)::

    python -m venv --system-site-packages /tmp/engines-venv
    /tmp/engines-venv/bin/pip install ferrobus==0.2.1 pynigiri==0.1.5
    PYTHONPATH=src /tmp/engines-venv/bin/python -m bench transit_engines [--queries N]

What it does, for the three feeds merged, again with ferrobus given Transjakarta's trips of
the day as expanded by Sigap (ferrobus reads no ``frequencies.txt``, so on the published feed
it only has the template trips; written as a plain timetable into ``bench/out/``, never
bundled), and for MRT + KRL alone: loads each engine
alone in a new process (time, resident and peak RSS growth), then all three in this one,
and runs the same ``--queries`` depart-at queries (random served stops, a random whole minute
from 06:00 to 21:00 on one weekday) on each, the engines' order turned at every query because
the machine is shared; median and p95 per engine on one core (``RAYON_NUM_THREADS=1`` for
ferrobus's thread pool). Agreement: for every number of transfers, the earliest arrival in
Sigap's front against nigiri's (compared to the minute: nigiri drops the seconds), and
ferrobus's one answer against the best arrival in Sigap's front with at most as many
transfers (ferrobus answers the fastest journey only), also where it leaves its last vehicle
(from ``detailed_journey``, not timed). ``--show N`` prints the first N disagreements of each
kind to read; ``--link-metres M`` has nigiri link stops up to M metres apart (its default
100; Sigap walks up to 500 m).

How each engine is asked:

- Sigap: ``raptor.depart_at(table, {origin: 0}, {target: 0}, time)``.
- nigiri: ``pynigiri.route`` from the origin stop (``EXACT``, start footpaths allowed) to
  the target stop (``EXACT``), at the query's minute, at most five transfers; nigiri's own
  transfer model (the loader's footpaths, its minimum change times).
- ferrobus: ``find_route`` between two points at the stops' positions, each joined to its
  one nearest stop (``max_nearest_stops=1``), at most six rides (its "transfers" count
  rides). ferrobus needs an OpenStreetMap ``.osm.pbf``: it walks over streets. None is in
  ../shared/data, so the 2012 roads shapefile (../shared/data/jakarta/osm-2012, ©
  OpenStreetMap contributors) is written as one with ``osmium`` into ``bench/out/`` first
  (its time is reported apart). A query with an end too far from any street is not asked.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sigap.transit import gtfs, network, raptor, schedule

DATA = Path(__file__).resolve().parents[2] / "shared/data"
FEEDS = {"tj": "transjakarta", "mrt": "mrt_jakarta", "krl": "krl_approx"}
EXPANDED = "tjx"  # Transjakarta with its frequencies expanded by Sigap, for ferrobus only
NETWORKS = {
    "the three feeds": ("tj", "mrt", "krl"),
    "the three feeds, ferrobus given Transjakarta's trips expanded": (EXPANDED, "mrt", "krl"),
    "rail only": ("mrt", "krl"),
}
DAY = date(2026, 12, 8)
JAKARTA = timezone(timedelta(hours=7))
MAX_TRANSFERS = raptor.MAX_RIDES - 1
OUT = Path(__file__).resolve().parent / "out"
VENV_HINT = (
    "needs ferrobus and pynigiri, which are not Sigap's dependencies: "
    "python -m venv --system-site-packages /tmp/engines-venv && "
    "/tmp/engines-venv/bin/pip install ferrobus==0.2.1 pynigiri==0.1.5, then "
    "PYTHONPATH=src /tmp/engines-venv/bin/python -m bench transit_engines"
)

UNPLACED = "unplaced"  # ferrobus could not place an end of the query on its streets
Query = tuple[int, int, int]  # origin stop, target stop, seconds after midnight
Front = dict[int, int]  # transfers -> earliest arrival, seconds after midnight


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench transit_engines", epilog=VENV_HINT)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=5, help="disagreements printed per kind")
    parser.add_argument(
        "--link-metres",
        type=int,
        default=100,
        help="nigiri's footpaths between stops up to this far apart (its default: 100)",
    )
    parser.add_argument("--load", choices=LOADERS, help=argparse.SUPPRESS)
    parser.add_argument("--feeds", nargs="+", default=list(FEEDS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("RAYON_NUM_THREADS", "1")
    os.environ["BENCH_NIGIRI_LINK_METRES"] = str(args.link_metres)  # for --load too
    try:
        import ferrobus  # noqa: F401
        import pynigiri  # noqa: F401
    except ImportError as error:
        sys.exit(f"{error}: {VENV_HINT}")
    transit = args.data / "transit"
    pbf = OUT / "jakarta_roads_2012.osm.pbf"
    if args.load:  # one engine alone in this process, for its memory
        feeds = tuple(args.feeds)
        peak = _peak_mb()
        _, took, grew = _loaded(lambda: LOADERS[args.load](transit, pbf, feeds))
        print(f"{took:.2f} {grew:.0f} {_peak_mb() - peak:.0f}")
        return
    started = time.perf_counter()
    _streets_pbf(args.data / "jakarta/osm-2012/jakarta_roads.shp", pbf)
    print(f"ferrobus: streets written as {pbf.name} in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    count = _expanded_feed(transit / FEEDS["tj"], OUT / "transjakarta_expanded")
    print(
        f"ferrobus: Transjakarta's {count:,} trips of the day written as a timetable in "
        f"{time.perf_counter() - started:.2f} s (bench/out, never bundled)"
    )
    for title, feeds in NETWORKS.items():
        print(f"\n== {title} ({', '.join(FEEDS[_published(f)] for f in feeds)})")
        compare_on(transit, pbf, feeds, args)


def compare_on(transit: Path, pbf: Path, feeds: tuple[str, ...], args: argparse.Namespace) -> None:
    """Load one network in each engine, then the same queries on each, alternating."""
    for name in LOADERS:  # each alone in a new process: memory freed by one is not reused
        link = os.environ["BENCH_NIGIRI_LINK_METRES"]
        command = [sys.executable, "-m", "bench", "transit_engines", "--load", name]
        run = subprocess.run(
            [*command, "--feeds", *feeds, "--link-metres", link],
            capture_output=True,
            text=True,
            check=True,
        )
        took, grew, peak = run.stdout.split()[-3:]
        print(
            f"{name:9} alone in a process: loaded in {took} s, resident +{grew} MB, "
            f"peak RSS +{peak} MB"
        )
    table, took, _ = _loaded(lambda: _sigap(transit, pbf, feeds))
    print(f"sigap:    loaded in {took:5.2f} s ({len(table.ids):,} stops)")
    nigiri, took, _ = _loaded(lambda: _nigiri(transit, pbf, feeds))
    print(
        f"nigiri:   loaded in {took:5.2f} s ({nigiri.n_locations():,} locations, "
        f"{nigiri.n_transports():,} transports)"
    )
    model, took, _ = _loaded(lambda: _ferrobus(transit, pbf, feeds))
    print(f"ferrobus: loaded in {took:5.2f} s ({model})")

    queries = make_queries(table, nigiri, feeds, args.queries, random.Random(args.seed))
    fast, detail = _ferrobus_planner(model, table, queries, transit, feeds)
    engines: dict[str, Callable[[Query], Any]] = {
        "sigap": lambda q: raptor.depart_at(table, {q[0]: 0}, {q[1]: 0}, q[2]),
        "nigiri": _nigiri_planner(nigiri, table, feeds),
        "ferrobus": fast,
    }
    times: dict[str, list[float]] = {name: [] for name in engines}
    answers: dict[str, list[Any]] = {name: [] for name in engines}
    names = list(engines)
    for number, query in enumerate(queries):
        for name in names[number % 3 :] + names[: number % 3]:
            started = time.perf_counter()
            answer = engines[name](query)
            took = time.perf_counter() - started
            if answer != UNPLACED:
                times[name].append(took)
            answers[name].append(answer)
    for name in names:
        asked = [a for a in answers[name] if a != UNPLACED]
        found = sum(bool(a) for a in asked)
        print(f"{name:9} {len(asked)} queries ({found} answered): {_spread(times[name])}")
    compare(table, queries, answers, [detail(q) for q in queries], args.show)


LOADERS: dict[str, Callable[[Path, Path, tuple[str, ...]], Any]] = {}


def make_queries(
    table: network.Timetable,
    nigiri: Any,
    feeds: tuple[str, ...],
    count: int,
    rng: random.Random,
) -> list[Query]:
    """Random served stops that nigiri knows too, at random whole minutes 06:00-21:00."""
    served = [
        s
        for s, at in enumerate(table.stop_patterns)
        if at and _nigiri_location(nigiri, feeds, table.ids[s]) is not None
    ]
    return [
        (rng.choice(served), rng.choice(served), 60 * rng.randrange(6 * 60, 21 * 60))
        for _ in range(count)
    ]


def compare(
    table: network.Timetable,
    queries: list[Query],
    answers: dict[str, list[Any]],
    rides: list[dict[str, Any] | str | None],
    show: int,
) -> None:
    """How often the engines agree on the earliest arrival for a number of transfers."""
    counts: Counter[str] = Counter()
    odd: dict[str, list[str]] = {"nigiri": [], "ferrobus": []}
    for query, ours, theirs, fast, ride in zip(
        queries, answers["sigap"], answers["nigiri"], answers["ferrobus"], rides, strict=True
    ):
        front = _sigap_front(ours)
        for transfers in sorted(set(front) | set(theirs)):
            if transfers not in theirs or transfers not in front:
                counts["only sigap" if transfers in front else "only nigiri"] += 1
            else:
                gap = theirs[transfers] - front[transfers] // 60 * 60
                counts["pairs"] += 1
                counts["same"] += gap == 0
                counts["within 1"] += abs(gap) <= 60
                counts["within 5"] += abs(gap) <= 300
                if not gap:
                    continue
            odd["nigiri"].append(
                _case(table, query, transfers, front.get(transfers), theirs.get(transfers))
            )
        if front and theirs:
            gap = min(theirs.values()) - min(front.values()) // 60 * 60
            counts["best both"] += 1
            counts["best same"] += gap == 0
            counts["best nigiri earlier"] += gap < 0
            counts["best sigap earlier"] += gap > 0
        if fast == UNPLACED:
            continue
        if ride is None or isinstance(ride, str):
            counts["fb none"] += 1
            counts["fb none, sigap answered"] += bool(front)
            continue
        best = min((a for t, a in front.items() if t <= ride["transfers"]), default=None)
        counts["fb answered"] += 1
        counts["fb not joined"] += not ride["joined"]
        counts["fb find_route differs"] += fast is None or fast[1] != ride["arrive"]
        counts["fb same"] += best == ride["arrive"]
        counts["fb ride same"] += best == ride["off"]
        counts["fb earlier"] += best is None or ride["arrive"] < best
        if best != ride["arrive"]:
            odd["ferrobus"].append(
                _case(table, query, ride["transfers"], best, ride["arrive"], ride["off"])
            )
    c = counts
    print(
        f"sigap vs nigiri, each (query, transfers) in both fronts: {c['pairs']}, "
        f"{c['same']} the same minute, {c['within 1']} within 1 min, {c['within 5']} within "
        f"5 min; {c['only sigap']} only in sigap's front, {c['only nigiri']} only in nigiri's"
    )
    print(
        f"  each front's earliest arrival, {c['best both']} queries: {c['best same']} the "
        f"same minute, sigap earlier {c['best sigap earlier']}, nigiri earlier "
        f"{c['best nigiri earlier']}"
    )
    print(
        f"sigap vs ferrobus (its detailed journeys), {c['fb answered']} answered: "
        f"{c['fb same']} arrive the same second as sigap's best with at most as many "
        f"transfers, {c['fb ride same']} leave their last vehicle then (ferrobus walks on "
        f"over streets), {c['fb earlier']} earlier; {c['fb none']} without an answer "
        f"({c['fb none, sigap answered']} that sigap answers); {c['fb not joined']} with a "
        f"leg starting elsewhere than the one before ended; find_route's arrival differs "
        f"from the detailed journey's in {c['fb find_route differs']}"
    )
    for name, cases in odd.items():
        for case in cases[:show]:
            print(f"  sigap vs {name}: {case}")


def _case(
    table: network.Timetable,
    query: Query,
    transfers: int,
    ours: int | None,
    theirs: int | None,
    off: int | None = None,
) -> str:
    origin, target, at = query
    last = f" (off its last vehicle {_clock(off)})" if off is not None else ""
    return (
        f"{table.ids[origin]} -> {table.ids[target]} at {_clock(at)}, {transfers} transfers: "
        f"sigap {_clock(ours)}, other {_clock(theirs)}{last}"
    )


def _clock(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds // 3600:02}:{seconds // 60 % 60:02}:{seconds % 60:02}"


def _sigap_front(journeys: list[raptor.Journey]) -> Front:
    front: Front = {}
    for journey in journeys:
        transfers = max(journey.transfers, 0)
        front[transfers] = min(front.get(transfers, journey.arrive), journey.arrive)
    return front


def _sigap(transit: Path, _: Path, feeds: tuple[str, ...]) -> network.Timetable:
    feed = gtfs.merge(
        gtfs.read_feed(transit / FEEDS[_published(name)], _published(name)) for name in feeds
    )
    table = network.build(feed, schedule.day_trips(feed, DAY))
    table.flat()
    return table


def _nigiri(transit: Path, _: Path, feeds: tuple[str, ...]) -> Any:
    import pynigiri as ng

    config = ng.LoaderConfig()
    config.link_stop_distance = int(os.environ.get("BENCH_NIGIRI_LINK_METRES", "100"))
    sources = [
        ng.TimetableSource(name, str(transit / FEEDS[_published(name)]), config) for name in feeds
    ]
    with _quiet():  # nigiri logs every loader step
        return ng.load_timetable(
            sources, (DAY - timedelta(days=1)).isoformat(), (DAY + timedelta(days=1)).isoformat()
        )


def _nigiri_location(nigiri: Any, feeds: tuple[str, ...], stop_id: str) -> Any:
    import pynigiri as ng

    feed, _, local = stop_id.partition(":")
    return nigiri.find_location(local, ng.SourceIdx([_published(f) for f in feeds].index(feed)))


def _nigiri_planner(
    nigiri: Any, table: network.Timetable, feeds: tuple[str, ...]
) -> Callable[[Query], Front]:
    import pynigiri as ng

    midnight = int(datetime(DAY.year, DAY.month, DAY.day, tzinfo=JAKARTA).timestamp())

    def plan(query: Query) -> Front:
        origin, target, at = query
        request = ng.Query()
        request.start_time = (midnight + at) // 60
        request.start = [ng.Offset(_nigiri_location(nigiri, feeds, table.ids[origin]), 0, 0)]
        request.destination = [ng.Offset(_nigiri_location(nigiri, feeds, table.ids[target]), 0, 0)]
        request.start_match_mode = ng.LocationMatchMode.EXACT
        request.dest_match_mode = ng.LocationMatchMode.EXACT
        request.use_start_footpaths = True
        request.max_transfers = MAX_TRANSFERS
        request.max_travel_time = 24 * 60
        front: Front = {}
        for journey in ng.route(nigiri, request):
            arrival = journey.arrival_time() * 60 - midnight
            front[journey.transfers] = min(front.get(journey.transfers, arrival), arrival)
        return front

    return plan


def _ferrobus(transit: Path, pbf: Path, feeds: tuple[str, ...]) -> Any:
    import ferrobus

    folders = [
        str(OUT / "transjakarta_expanded" if name == EXPANDED else transit / FEEDS[name])
        for name in feeds
    ]
    with _quiet():  # a line for every optional file a feed lacks
        return ferrobus.create_transit_model(str(pbf), folders, DAY)


def _ferrobus_planner(
    model: Any,
    table: network.Timetable,
    queries: list[Query],
    transit: Path,
    feeds: tuple[str, ...],
) -> tuple[Callable[[Query], tuple[int, int] | str | None], Callable[[Query], Any]]:
    """ferrobus's query, and the rides of its journey (transfers, when it leaves its last
    vehicle) from ``detailed_journey``, to tell its walks from its rides."""
    import ferrobus

    station = {  # ferrobus names stops by their feed's own ids: each to its station
        row["stop_id"]: row.get("parent_station") or row["stop_id"]
        for folder in feeds
        for row in _rows(transit / FEEDS[_published(folder)] / "stops.txt")
    }
    started = time.perf_counter()
    points: dict[int, Any] = {}
    for stop in sorted({s for q in queries for s in q[:2]}):
        with contextlib.suppress(ValueError):  # ValueError: no street near enough
            points[stop] = ferrobus.create_transit_point(  # once a stop, as ferrobus advises
                float(table.lat[stop]), float(table.lon[stop]), model, 1200, 1
            )
    print(
        f"ferrobus: {len(points)} points made in {time.perf_counter() - started:.2f} s; "
        f"{sum(s not in points for q in queries for s in q[:2])} query ends could not be "
        "placed (no street near the stop)"
    )

    def plan(query: Query) -> tuple[int, int] | str | None:
        origin, target, at = query
        if origin not in points or target not in points:
            return UNPLACED
        # ferrobus's "transfers" count rounds, that is rides: max_transfers=1 is one ride
        route = ferrobus.find_route(model, points[origin], points[target], at, raptor.MAX_RIDES)
        if route is None:
            return None
        rides = int(route.get("transfers") or 0)
        return max(rides - 1, 0), at + int(route["travel_time_seconds"])

    def detail(query: Query) -> dict[str, Any] | str | None:
        origin, target, at = query
        if origin not in points or target not in points:
            return UNPLACED
        found = ferrobus.detailed_journey(
            model, points[origin], points[target], at, raptor.MAX_RIDES
        )
        if found is None or found == "null":
            return None
        legs = [f["properties"] for f in json.loads(found)["features"]]
        rides = [leg for leg in legs if leg.get("leg_type") == "transit"]
        if not rides:
            return None
        at_stop, joined = None, True  # does each leg start where the one before ended?
        for leg in legs:  # (at the same stop or station: ferrobus walks in from entrances)
            start = (
                leg.get("stop_name") if leg.get("leg_type") == "waiting" else leg.get("from_name")
            )
            if start and at_stop is not None:
                joined &= station.get(start, start) == station.get(at_stop, at_stop)
            if leg.get("leg_type") != "waiting":
                at_stop = leg.get("to_name")
        return {
            "transfers": len(rides) - 1,
            "arrive": max(int(leg["arrival_time"]) for leg in legs if "arrival_time" in leg),
            "off": int(rides[-1]["arrival_time"]),
            "joined": joined,
        }

    return plan, detail


def _rows(path: Path) -> list[dict[str, str]]:
    import csv

    with open(path, newline="", encoding="utf-8-sig") as file:
        return list(csv.DictReader(file))


def _published(name: str) -> str:
    """The feed Sigap and nigiri read where ferrobus reads Transjakarta expanded."""
    return "tj" if name == EXPANDED else name


def _expanded_feed(source: Path, out: Path) -> int:
    """Transjakarta's trips of the day, frequencies expanded by Sigap, as a GTFS timetable
    (for ferrobus, which reads no frequencies.txt): stops, routes and agency as published,
    one service running on the day, a trip per expanded trip. Written to ``bench/out``, never
    bundled (the feed's licence: ../shared/data/transit/README.md)."""
    import csv
    import shutil

    trips = schedule.day_trips(gtfs.read_feed(source, "tj"), DAY, overnight=False)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("agency.txt", "stops.txt", "routes.txt"):
        shutil.copy(source / name, out / name)
    day = DAY.strftime("%Y%m%d")
    with open(out / "calendar.txt", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["service_id", *WEEKDAYS, "start_date", "end_date"])
        writer.writerow(["day", *(int(d == DAY.weekday()) for d in range(7)), day, day])
    with open(out / "trips.txt", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["route_id", "service_id", "trip_id", "trip_headsign"])
        for trip in trips:
            writer.writerow([_local(trip.route), "day", _local(trip.id), trip.headsign])
    with open(out / "stop_times.txt", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"])
        for trip in trips:
            trip_id = _local(trip.id)
            for number, (stop, arrives, leaves) in enumerate(
                zip(trip.stops, trip.arrivals, trip.departures, strict=True)
            ):
                # a trip leaving at 00:00:00 arrives at its first stop before midnight
                arrives = max(arrives, 0)
                writer.writerow(
                    [trip_id, _gtfs_time(arrives), _gtfs_time(leaves), _local(stop), number]
                )
    return len(trips)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _local(key: str) -> str:
    return key.partition(":")[2]


def _gtfs_time(seconds: int) -> str:
    return f"{seconds // 3600:02}:{seconds // 60 % 60:02}:{seconds % 60:02}"


def _streets_pbf(shapefile: Path, path: Path) -> None:
    """The roads shapefile as an ``.osm.pbf`` ferrobus can read (each line a way, shared
    points one node; the street kinds as highway values)."""
    import osmium

    from sigap.geo import streets

    highway = {"major": "primary", "medium": "secondary", "minor": "residential"}
    nodes: dict[tuple[float, float], int] = {}
    ways: list[tuple[list[int], str]] = []
    for street in streets.from_source(shapefile):
        for line in street.lines:
            ids = [
                nodes.setdefault((round(lon, 7), round(lat, 7)), len(nodes) + 1)
                for lon, lat in line
            ]
            if len(ids) > 1:
                ways.append((ids, highway.get(street.kind, "footway")))
    path.parent.mkdir(exist_ok=True)
    path.unlink(missing_ok=True)
    meta = {"version": 1, "changeset": 1, "uid": 1, "user": "sigap"}
    writer = osmium.SimpleWriter(str(path))
    try:
        for (lon, lat), node in nodes.items():
            writer.add_node(osmium.osm.mutable.Node(id=node, location=(lon, lat), **meta))
        for number, (ids, kind) in enumerate(ways, 1):
            writer.add_way(
                osmium.osm.mutable.Way(id=number, nodes=ids, tags={"highway": kind}, **meta)
            )
    finally:
        writer.close()


LOADERS.update(sigap=_sigap, nigiri=_nigiri, ferrobus=_ferrobus)


def _loaded(load: Callable[[], Any]) -> tuple[Any, float, float]:
    before = _resident_mb()
    started = time.perf_counter()
    made = load()
    return made, time.perf_counter() - started, _resident_mb() - before


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Native code's own output (file descriptors 1 and 2) sent to /dev/null."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)


def _spread(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[int(0.95 * (len(times) - 1))]
    return (
        f"median {statistics.median(times) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, "
        f"max {times[-1] * 1000:.2f} ms"
    )


def _peak_mb() -> float:
    """The process's peak resident set (Linux's VmHWM: unlike ru_maxrss, not inherited
    from the parent across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _resident_mb() -> float:
    """The resident set now (Linux)."""
    import resource

    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20
