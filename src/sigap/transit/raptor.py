"""RAPTOR (Delling, Pajor, Werneck 2012): round k finds the earliest arrival at every stop
using at most k vehicles, so the rounds' arrivals at the destination are the Pareto front of
arrival time and number of transfers.

The model, which the brute-force reference in the tests shares: a journey starts at one of
the origin stops (reached by walking from the origin place, ``origins``' seconds), may walk
one footpath, then alternates rides and at most one footpath between two rides, and ends at
one of the target stops (then ``targets``' seconds of walking). Boarding needs the vehicle's
departure to be no earlier than the arrival at the stop (no minimum change time at one
stop; changing stops is a footpath, which has one).

Footpaths are not transitively closed (a walk of 400 m and another of 400 m do not make one
of 800 m), so a stop keeps two labels: the earliest arrival by any means (from which one
boards) and the earliest arrival by a ride (from which one may walk on). Pruning each against
its own best and against the best arrival at the destination keeps the answer exact.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from sigap.transit.network import Pattern, Timetable

INF = 2**31 - 1
MAX_RIDES = 6  # five transfers: more than any sensible journey across Jabodetabek


@dataclass(frozen=True, slots=True)
class Leg:
    """A walk (``route`` None) or a ride. ``from_stop``/``to_stop`` are GTFS ids, None for
    the origin or destination place. ``headway`` is set when the ride is frequency-based:
    its times are then an estimate and the vehicle comes every ``headway`` seconds."""

    from_stop: str | None
    to_stop: str | None
    depart: int
    arrive: int
    route: str | None = None
    trip: str | None = None
    headsign: str = ""
    stops: int = 0
    headway: int | None = None

    @property
    def is_walk(self) -> bool:
        return self.route is None


@dataclass(frozen=True, slots=True)
class Journey:
    depart: int
    arrive: int
    transfers: int
    legs: tuple[Leg, ...]

    @property
    def rides(self) -> list[Leg]:
        return [leg for leg in self.legs if not leg.is_walk]

    @property
    def estimated(self) -> bool:
        """True when a ride only has a headway: its times are ours, not the operator's."""
        return any(leg.headway is not None for leg in self.legs)


# A label's origin: (round, kind) with kind "origin", "walk" or "ride".
Source = tuple[int, str]
RideLabel = tuple[int, int, int, int, int, Source]  # time, pattern, trip, board, alight, from
WalkLabel = tuple[int, int]  # time, from stop


def depart_at(
    table: Timetable,
    origins: dict[int, int],
    targets: dict[int, int],
    time: int,
    max_rides: int = MAX_RIDES,
) -> list[Journey]:
    """The Pareto-optimal journeys leaving at ``time`` or later, fewest transfers first.
    ``origins`` and ``targets`` map stops to the seconds walked to or from them."""
    search = _Search(table, origins, targets, time)
    found: list[Journey] = []
    for rides in range(max_rides + 1):
        if rides and not search.round(rides):
            break
        arrival, stop = search.at_target()
        if arrival < search.bound:
            search.bound = arrival
            found.append(search.journey(rides, stop))
    return found


class _Search:
    """The labels of one query, round by round."""

    def __init__(
        self, table: Timetable, origins: dict[int, int], targets: dict[int, int], time: int
    ) -> None:
        count = len(table.ids)
        self.table, self.targets, self.time = table, targets, time
        self.best = [INF] * count  # by any means: where one may board
        self.source: list[Source] = [(0, "")] * count
        self.best_ride = [INF] * count  # by a ride: where one may walk on from
        self.bound = INF  # the best arrival at the destination so far
        self.origin = {stop: time + walk for stop, walk in origins.items()}
        self.rides: list[dict[int, RideLabel]] = [{}]
        self.walks: list[dict[int, WalkLabel]] = []
        self.marked: set[int] = set()
        for stop, at in self.origin.items():
            self._improve(stop, at, (0, "origin"))
        self._walk(self.origin, 0)

    def _improve(self, stop: int, at: int, source: Source) -> bool:
        if at < self.best[stop]:
            self.best[stop], self.source[stop] = at, source
            self.marked.add(stop)
            return True
        return False

    def _walk(self, arrivals: dict[int, int], rides: int) -> None:
        """One footpath from each stop just reached by a ride (or from the origin stops).
        The candidates are made with numpy (a round may reach thousands of stops, each with
        a dozen footpaths) and only the best one per stop is tried in Python."""
        walks: dict[int, WalkLabel] = {}
        self.walks.append(walks)
        if not arrivals:
            return
        paths = self.table.walks()
        stops = np.fromiter(arrivals.keys(), dtype=np.int64, count=len(arrivals))
        times = np.fromiter(arrivals.values(), dtype=np.int64, count=len(arrivals))
        starts, counts = paths.offsets[stops], paths.offsets[stops + 1] - paths.offsets[stops]
        total = int(counts.sum())
        if not total:
            return
        first = np.repeat(np.cumsum(counts) - counts, counts)
        edges = np.repeat(starts, counts) + np.arange(total) - first
        then = np.repeat(times, counts) + paths.seconds[edges]
        to, came = paths.to[edges], np.repeat(stops, counts)
        keep = then < self.bound
        then, to, came = then[keep], to[keep], came[keep]
        order = np.lexsort((then, to))
        to, then, came = to[order], then[order], came[order]
        head = np.flatnonzero(np.concatenate([[True], to[1:] != to[:-1]])) if len(to) else to
        for stop, at, before in zip(
            to[head].tolist(), then[head].tolist(), came[head].tolist(), strict=True
        ):
            if self._improve(stop, at, (rides, "walk")):
                walks[stop] = (at, before)

    def round(self, rides: int) -> bool:
        """Round ``rides``: ride every pattern through a stop improved in the last round, then
        walk; False when no stop was improved (nothing more can be found)."""
        if not self.marked:
            return False
        queue: dict[int, int] = {}
        for stop in self.marked:
            for pattern, position in self.table.stop_patterns[stop]:
                if queue.get(pattern, INF) > position:
                    queue[pattern] = position
        self.marked = set()
        boarding, sources = self.best[:], self.source[:]
        found: dict[int, RideLabel] = {}
        for number, start in queue.items():
            self._scan(number, start, boarding, sources, found)
        for stop, label in found.items():
            self._improve(stop, label[0], (rides, "ride"))
        self.rides.append(found)
        self._walk({stop: label[0] for stop, label in found.items()}, rides)
        return True

    def _scan(
        self,
        number: int,
        start: int,
        boarding: list[int],
        sources: list[Source],
        found: dict[int, RideLabel],
    ) -> None:
        """Ride pattern ``number`` from position ``start``: at each stop, first alight from
        the trip held, then see whether an earlier trip can be caught there."""
        pattern: Pattern = self.table.patterns[number]
        length, count = len(pattern.stops), len(pattern.trips)
        arrivals, departures, columns = pattern.arrivals, pattern.departures, pattern.columns
        best_ride, bound = self.best_ride, self.bound
        trip, board = count, -1  # count: no trip held
        for position in range(start, length):
            stop = pattern.stops[position]
            if trip < count:
                at = arrivals[trip * length + position]
                if at < best_ride[stop] and at < bound:
                    best_ride[stop] = at
                    source = sources[pattern.stops[board]]
                    found[stop] = (at, number, trip, board, position, source)
            ready = boarding[stop]
            if ready < INF and (trip == count or ready < departures[trip * length + position]):
                low = position * count
                earlier = bisect_left(columns, ready, low, low + trip) - low
                if earlier < trip:
                    trip, board = earlier, position

    def at_target(self) -> tuple[int, int]:
        """The earliest arrival at the destination place so far, and its last stop."""
        best, stop = INF, -1
        for target, walk in self.targets.items():
            if self.best[target] < INF and self.best[target] + walk < best:
                best, stop = self.best[target] + walk, target
        return best, stop

    def journey(self, rides: int, stop: int) -> Journey:
        legs = self._legs(stop, self.source[stop])
        ids = self.table.ids
        walk = self.targets[stop]
        if walk:
            at = self.best[stop]
            legs.append(Leg(ids[stop], None, at, at + walk))
        legs = _just_in_time(legs) or [Leg(ids[stop], ids[stop], self.time, self.time)]
        return Journey(legs[0].depart, legs[-1].arrive, max(0, rides - 1), tuple(legs))

    def _legs(self, stop: int, source: Source) -> list[Leg]:
        """The legs that reach ``stop`` by the label ``source`` names, walking back."""
        rides, kind = source
        ids = self.table.ids
        if kind == "origin":
            at = self.origin[stop]
            return [Leg(None, ids[stop], self.time, at)] if at > self.time else []
        if kind == "walk":
            at, before = self.walks[rides][stop]
            came = (0, "origin") if rides == 0 else (rides, "ride")
            leg = Leg(ids[before], ids[stop], self._time(before, came), at)
            return [*self._legs(before, came), leg]
        at, number, trip, board, alight, came = self.rides[rides][stop]
        return [
            *self._legs(self.table.patterns[number].stops[board], came),
            self._ride(at, number, trip, board, alight),
        ]

    def _time(self, stop: int, source: Source) -> int:
        rides, kind = source
        if kind == "origin":
            return self.origin[stop]
        if kind == "walk":
            return self.walks[rides][stop][0]
        return self.rides[rides][stop][0]

    def _ride(self, at: int, number: int, trip: int, board: int, alight: int) -> Leg:
        pattern = self.table.patterns[number]
        length = len(pattern.stops)
        return Leg(
            self.table.ids[pattern.stops[board]],
            self.table.ids[pattern.stops[alight]],
            pattern.departures[trip * length + board],
            at,
            pattern.route,
            pattern.trips[trip],
            pattern.headsigns[trip],
            alight - board,
            pattern.headways[trip],
        )


def _just_in_time(legs: list[Leg]) -> list[Leg]:
    """The walks before the first ride moved to end as it leaves: nobody waits at a stop for
    a departure they could have walked to later."""
    first = next((i for i, leg in enumerate(legs) if not leg.is_walk), len(legs))
    if first == len(legs) or first == 0:
        return legs
    moved: list[Leg] = []
    end = legs[first].depart
    for leg in reversed(legs[:first]):
        span = leg.arrive - leg.depart
        moved.insert(0, Leg(leg.from_stop, leg.to_stop, end - span, end))
        end -= span
    return [*moved, *legs[first:]]
