"""A brute-force journey search to check RAPTOR against, and random small networks.

The reference is Dijkstra over the time-expanded graph: a state is (stop, rides so far, may
walk), its key the time one is there. From a state one may walk one footpath (when the last
move was not a walk) or board any trip calling there at or after that time and ride it to
any later stop. It knows nothing of patterns, rounds, pruning or binary search, only the
day's trips as lists of calls and the footpaths, which is what makes it a reference: the same
model as :mod:`sigap.transit.raptor`'s docstring, searched the slow and obvious way.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass

from sigap.transit import network
from sigap.transit.gtfs import Feed, Route, Stop
from sigap.transit.raptor import INF
from sigap.transit.schedule import RunTrip


def best_by_rides(
    table: network.Timetable,
    trips: list[RunTrip],
    origins: dict[int, int],
    targets: dict[int, int],
    time: int,
    max_rides: int,
) -> list[int]:
    """The earliest arrival at the destination with at most k rides, for k = 0..max_rides."""
    calls: dict[int, list[tuple[RunTrip, int]]] = {}
    for trip in trips:
        for position, stop in enumerate(trip.stops):
            calls.setdefault(table.index[stop], []).append((trip, position))
    best = [INF] * (max_rides + 1)
    seen: set[tuple[int, int, bool]] = set()
    heap = [(time + walk, stop, 0, True) for stop, walk in origins.items()]
    heapq.heapify(heap)
    while heap:
        at, stop, rides, may_walk = heapq.heappop(heap)
        if (stop, rides, may_walk) in seen:
            continue
        seen.add((stop, rides, may_walk))
        if stop in targets:
            best[rides] = min(best[rides], at + targets[stop])
        if may_walk:
            for to, seconds in table.footpaths[stop]:
                heapq.heappush(heap, (at + seconds, to, rides, False))
        if rides == max_rides:
            continue
        for trip, position in calls.get(stop, ()):
            if trip.departures[position] < at:
                continue
            for later in range(position + 1, len(trip.stops)):
                arrival = trip.arrivals[later]
                heapq.heappush(heap, (arrival, table.index[trip.stops[later]], rides + 1, True))
    for rides in range(1, max_rides + 1):
        best[rides] = min(best[rides], best[rides - 1])
    return best


def latest_by_rides(
    table: network.Timetable,
    trips: list[RunTrip],
    origins: dict[int, int],
    targets: dict[int, int],
    time: int,
    max_rides: int,
) -> list[int]:
    """The latest departure from the origin place arriving by ``time`` with at most k rides
    (-INF when none does), for k = 0..max_rides, found with :func:`best_by_rides` alone:
    arriving by ``time`` only gets harder the later one leaves, so it is the last departure
    that still does, and that is one where some trip is caught just in time (or, walking,
    one that arrives just at ``time``); a binary search over those candidates finds it."""
    paths = [dict(p) for p in table.footpaths]

    def walks(a: int, b: int) -> list[int]:  # the ways from stop a to stop b on foot
        return ([0] if a == b else []) + ([paths[a][b]] if b in paths[a] else [])

    candidates = {
        time - walk - seconds - targets[t]
        for o, walk in origins.items()
        for t in targets
        for seconds in walks(o, t)
    }
    for trip in trips:
        for stop, leaves in zip(trip.stops, trip.departures, strict=True):
            s = table.index[stop]
            candidates |= {
                leaves - seconds - walk for o, walk in origins.items() for seconds in walks(o, s)
            }
    ordered = sorted(candidates)
    known: dict[int, list[int]] = {}

    def best(at: int) -> list[int]:
        if at not in known:
            known[at] = best_by_rides(table, trips, origins, targets, at, max_rides)
        return known[at]

    latest = []
    for rides in range(max_rides + 1):
        low, high = 0, len(ordered)  # the first candidate that arrives too late
        while low < high:
            middle = (low + high) // 2
            if best(ordered[middle])[rides] <= time:
                low = middle + 1
            else:
                high = middle
        latest.append(ordered[low - 1] if low else -INF)
    return latest


def pareto(best: list[int]) -> list[tuple[int, int]]:
    """(rides, arrival) where one more ride arrives strictly earlier."""
    front, bound = [], INF
    for rides, arrival in enumerate(best):
        if arrival < bound:
            front.append((rides, arrival))
            bound = arrival
    return front


@dataclass(frozen=True)
class Network:
    feed: Feed
    trips: list[RunTrip]
    table: network.Timetable


def random_network(rng: random.Random, stops: int, routes: int) -> Network:
    """Stops scattered over about 2.2 km (so some footpaths join them, some do not), routes
    through random stops, trips whose speeds differ (so some overtake) or that leave every
    few minutes with the same travel times (as frequencies are expanded), times on whole
    minutes (so that departures equal arrivals and boarding's edge case is met)."""
    feed = Feed("t")
    for i in range(stops):
        lat, lon = -6.2 + rng.uniform(0, 0.02), 106.8 + rng.uniform(0, 0.02)
        feed.stops[f"t:{i}"] = Stop(f"t:{i}", f"Halte {i}", lat, lon, 0, None)
    trips: list[RunTrip] = []
    for r in range(routes):
        feed.routes[f"t:r{r}"] = Route(f"t:r{r}", "t", f"R{r}", "", 3, "")
        path = rng.sample(range(stops), rng.randint(2, min(stops, 6)))
        if rng.random() < 0.2:
            path.append(path[0])  # a loop, as Transjakarta's feeders run
        stops_of = [f"t:{s}" for s in path]
        if rng.random() < 0.3:  # a frequency: one template every few minutes, as expanded
            template, headway = _trip(rng, f"t:r{r}", f"t:r{r}", stops_of), 60 * rng.randint(1, 9)
            trips.extend(_shifted(template, k, headway) for k in range(rng.randint(2, 8)))
            continue
        for k in range(rng.randint(1, 5)):
            trips.append(_trip(rng, f"t:r{r}", f"t:r{r}-{k}", stops_of))
    return Network(feed, trips, network.build(feed, trips))


def _trip(rng: random.Random, route: str, key: str, stops: list[str]) -> RunTrip:
    at = 60 * rng.randint(0, 60)
    arrivals, departures = [], []
    for _ in stops:
        arrivals.append(at)
        at += 60 * rng.randint(0, 1)
        departures.append(at)
        at += 60 * rng.randint(1, 8)
    return RunTrip(key, route, "", tuple(stops), tuple(arrivals), tuple(departures))


def _shifted(trip: RunTrip, number: int, headway: int) -> RunTrip:
    shift = number * headway
    return RunTrip(
        f"{trip.id}@{number}",
        trip.route,
        "",
        trip.stops,
        tuple(t + shift for t in trip.arrivals),
        tuple(t + shift for t in trip.departures),
        headway,
    )
