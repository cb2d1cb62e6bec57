"""RAPTOR (Delling, Pajor, Werneck 2012): round k finds the earliest arrival at every stop
using at most k vehicles, so the rounds' arrivals at the destination are the Pareto front of
arrival time and number of transfers. Arrive-by is the same search on the time-reversed
network (:meth:`Timetable.flat` with ``reverse``): the latest departure for each number of
rides.

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

A round rides every pattern at once with numpy (:class:`sigap.transit.network.Flat`): only
stops improved in the round before are boarded at (RAPTOR's marking); one binary search over
the departures' runs and a division by their interval find each such slot's first catchable
trip (:class:`sigap.transit.network.Runs`); since no trip of a pattern overtakes another,
the trip held at a stop is the earliest caught at any stop before it on the pattern, a
running minimum over each pattern's slots.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from sigap.transit.network import SLOT_SPAN, TIME_BASE, Flat, Runs, Timetable

INF = 2**31 - 1
MAX_RIDES = 6  # five transfers: more than any sensible journey across Jabodetabek
BOARD_SIDE: Literal["left", "right"] = "left"  # a vehicle leaving as one arrives is caught
ORIGIN, WALK, RIDE = 0, 1, 2  # a label's kind; its source is round * 4 + kind
STEP_BITS = 12  # a pattern's stops (154 at most in Jakarta) in the running minimum's code
HELD = 1 << 32  # one pattern's codes: trip << STEP_BITS | step, below HELD


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


def depart_at(
    table: Timetable,
    origins: dict[int, int],
    targets: dict[int, int],
    time: int,
    max_rides: int = MAX_RIDES,
) -> list[Journey]:
    """The Pareto-optimal journeys leaving at ``time`` or later, fewest transfers first.
    ``origins`` and ``targets`` map stops to the seconds walked to or from them."""
    search = _Search(table.flat(), len(table.ids), origins, targets, time)
    return [
        _journey(table, search.flat, rides, stop, steps, time)
        for rides, stop, steps in search.run(max_rides)
    ]


def arrive_by(
    table: Timetable,
    origins: dict[int, int],
    targets: dict[int, int],
    time: int,
    max_rides: int = MAX_RIDES,
) -> list[Journey]:
    """The Pareto-optimal journeys arriving at ``time`` or earlier, fewest transfers first,
    each leaving as late as it can (a later departure for each more transfer): RAPTOR on
    the time-reversed network, from the targets back to the origins."""
    search = _Search(table.flat(reverse=True), len(table.ids), targets, origins, -time)
    return [
        _journey(table, search.flat, rides, stop, steps, time)
        for rides, stop, steps in search.run(max_rides)
    ]


# A step of a journey as the search found it, in the search's direction and times:
# ("access", stop, seconds walked, time at the origin place, 0, 0) first, then
# ("walk", from stop, to stop, 0, start, end) and ("ride", board slot, alight slot, trip, 0,
# end), and ("egress", stop, seconds walked, time at the stop, 0, 0) last.
Step = tuple[str, int, int, int, int, int]


class _Search:
    """The labels of one query, round by round, over one direction's :class:`Flat`."""

    def __init__(
        self, flat: Flat, count: int, starts: dict[int, int], ends: dict[int, int], time: int
    ) -> None:
        self.flat, self.time, self.ends = flat, time, ends
        self.best = np.full(count, INF, dtype=np.int64)  # by any means: where one may board
        self.best_ride = np.full(count, INF, dtype=np.int64)  # by a ride: one may walk on
        self.source = np.zeros(count, dtype=np.int64)  # round * 4 + kind of ``best``
        self.marked = np.zeros(count, dtype=bool)
        self.bound = INF  # the best arrival at the destination so far
        self.start = {stop: time + walk for stop, walk in starts.items()}
        self.end_stops = np.array(list(ends), dtype=np.int64)
        self.end_walks = np.array(list(ends.values()), dtype=np.int64)
        # per round, sorted by stop: rides (stop, at, alight slot, board slot, trip, source)
        # and walks (stop, at, from stop)
        self.rides: list[tuple[np.ndarray, ...]] = [()]
        self.walks: list[tuple[np.ndarray, ...]] = []
        stops = np.array(list(self.start), dtype=np.int64)
        at = np.array(list(self.start.values()), dtype=np.int64)
        if len(stops):
            self._improve(stops, at, ORIGIN)
        self._walk(stops, at, 0)

    def run(self, max_rides: int) -> list[tuple[int, int, list[Step]]]:
        """(rides, last stop, steps) of each journey on the front, fewest rides first."""
        found = []
        for rides in range(max_rides + 1):
            if rides and not self.round(rides):
                break
            arrival, stop = self.at_end()
            if arrival < self.bound:
                self.bound = arrival
                found.append((rides, stop, self.steps(stop)))
        return found

    def _improve(self, stops: np.ndarray, at: np.ndarray, source: int) -> np.ndarray:
        """Set ``best`` where ``at`` beats it (``stops`` distinct); which ones did."""
        better: np.ndarray = at < self.best[stops]
        won = stops[better]
        self.best[won] = at[better]
        self.source[won] = source
        self.marked[won] = True
        return better

    def _walk(self, stops: np.ndarray, times: np.ndarray, rides: int) -> None:
        """One footpath from each stop just reached by a ride (or from the origin stops)."""
        paths = self.flat.walks
        starts, counts = paths.offsets[stops], paths.offsets[stops + 1] - paths.offsets[stops]
        total = int(counts.sum())
        if not total:
            self.walks.append((stops[:0], stops[:0], stops[:0]))
            return
        edges = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
        then = np.repeat(times, counts) + paths.seconds[edges]
        to = paths.to[edges]
        keep = np.flatnonzero(then < np.minimum(self.best[to], self.bound))
        came = self.flat.walkers[edges[keep]]
        to, (then, came) = self._least(to[keep], then[keep], came)
        self._improve(to, then, rides * 4 + WALK)  # all better: kept only below best
        self.walks.append((to, then, came))

    def _least(
        self, stops: np.ndarray, at: np.ndarray, *more: np.ndarray
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """The stops among ``stops`` (in order), and for each the least ``at`` with ``more``
        of the same entry."""
        least = np.full(len(self.best), INF, dtype=np.int64)
        np.minimum.at(least, stops, at)
        won = np.flatnonzero(at == least[stops])
        entry = np.empty(len(self.best), dtype=np.int64)
        entry[stops[won]] = won
        reached = np.flatnonzero(least < INF)
        pick = entry[reached]
        return reached, (at[pick], *(values[pick] for values in more))

    def round(self, rides: int) -> bool:
        """Round ``rides``: ride every pattern from the stops improved in the last round,
        then walk; False when no stop was improved (nothing more can be found)."""
        if not self.marked.any():
            return False
        flat = self.flat
        slots = np.flatnonzero(self.marked[flat.stops])
        self.marked[:] = False
        trip = _first_trips(flat.runs, slots, self.best[flat.stops[slots]])
        caught = trip < flat.trips[slots]
        slots, trip = slots[caught], trip[caught]
        # each pattern's codes: HELD - 1 - (trip, step), so the running maximum is the
        # earliest trip caught so far and the first stop it was caught at
        floor = flat.patterns * HELD
        code = floor.copy()
        code[slots] += HELD - 1 - ((trip << STEP_BITS) | flat.steps[slots])
        held = np.maximum.accumulate(code)
        held[1:] = held[:-1]  # the trip held on arriving: caught at an earlier stop
        held[flat.heads] = floor[flat.heads]
        held -= floor
        alight = np.flatnonzero(held)
        inner = HELD - 1 - held[alight]
        trip, step = inner >> STEP_BITS, inner & ((1 << STEP_BITS) - 1)
        at = flat.alights[flat.starts[alight] + trip * flat.strides[alight]].astype(np.int64)
        stops = flat.stops[alight]
        keep = at < np.minimum(self.best_ride[stops], self.bound)
        alight, trip, step, at, stops = (a[keep] for a in (alight, trip, step, at, stops))
        stops, (at, alight, trip, step) = self._least(stops, at, alight, trip, step)
        board = alight - flat.steps[alight] + step
        source = self.source[flat.stops[board]]
        self.rides.append((stops, at, alight, board, trip, source))
        self.best_ride[stops] = at
        self._improve(stops, at, rides * 4 + RIDE)
        self._walk(stops, at, rides)
        return True

    def at_end(self) -> tuple[int, int]:
        """The earliest arrival at the destination place so far, and its last stop."""
        if not len(self.end_stops):
            return INF, -1
        arrival = self.best[self.end_stops] + self.end_walks
        best = int(arrival.argmin())
        if self.best[self.end_stops[best]] >= INF:
            return INF, -1
        return int(arrival[best]), int(self.end_stops[best])

    def steps(self, stop: int) -> list[Step]:
        """The journey to ``stop`` by its best label, then on to the destination place."""
        at = int(self.best[stop])
        egress = ("egress", stop, self.ends[stop], at, 0, 0)
        return [*self._steps(stop, int(self.source[stop])), egress]

    def _steps(self, stop: int, source: int) -> list[Step]:
        """The steps that reach ``stop`` by the label ``source`` names, walking back."""
        rides, kind = divmod(source, 4)
        if kind == ORIGIN:
            return [("access", stop, self.start[stop] - self.time, self.time, 0, 0)]
        if kind == WALK:
            to, then, came = self.walks[rides]
            i = int(np.searchsorted(to, stop))
            before = int(came[i])
            back = ORIGIN if rides == 0 else rides * 4 + RIDE
            begin = self._time(before, back)
            return [*self._steps(before, back), ("walk", before, stop, 0, begin, int(then[i]))]
        stops, at, alight, board, trip, came = self.rides[rides]
        i = int(np.searchsorted(stops, stop))
        b, t = int(board[i]), int(trip[i])
        return [
            *self._steps(int(self.flat.stops[b]), int(came[i])),
            ("ride", b, int(alight[i]), t, 0, int(at[i])),
        ]

    def _time(self, stop: int, source: int) -> int:
        rides, kind = divmod(source, 4)
        if kind == ORIGIN:
            return self.start[stop]
        stops, at = self.rides[rides][:2]
        return int(at[int(np.searchsorted(stops, stop))])


def _first_trips(runs: Runs, slots: np.ndarray, ready: np.ndarray) -> np.ndarray:
    """At each of ``slots`` (ascending), the first trip leaving at ``ready`` or later (the
    slot's number of trips when none does): in the last run of the slot leaving before
    ``ready``, so many headways on, or else the next run's first trip."""
    key = slots * SLOT_SPAN + TIME_BASE + np.clip(ready, -TIME_BASE, SLOT_SPAN - TIME_BASE - 1)
    run = np.searchsorted(runs.keys, key, side=BOARD_SIDE) - 1
    trip = np.zeros(len(slots), dtype=np.int64)
    if not len(runs.keys):
        return trip
    mine = np.flatnonzero(runs.slots[np.maximum(run, 0)] == slots)
    mine = mine[run[mine] >= 0]
    run = run[mine]
    gap = key[mine] - runs.keys[run]  # > 0 (>= 0 when a vehicle leaving now is missed)
    headways = -(-gap // runs.steps[run]) if BOARD_SIDE == "left" else gap // runs.steps[run] + 1
    trip[mine] = runs.trips[run] + np.minimum(headways, runs.counts[run])
    return trip


def _journey(
    table: Timetable, flat: Flat, rides: int, stop: int, steps: list[Step], time: int
) -> Journey:
    """The journey ending at ``stop`` (where the search ended), its legs in the order of
    travel; on the reverse network the steps are turned round and their times negated."""
    legs = [
        leg
        for step in (reversed(steps) if flat.reverse else steps)
        if (leg := _leg(table, flat, step)) is not None
    ]
    if not legs:
        here = table.ids[stop]
        legs = [Leg(here, here, time, time)]
    legs = _right_away(legs) if flat.reverse else _just_in_time(legs)
    return Journey(legs[0].depart, legs[-1].arrive, max(0, rides - 1), tuple(legs))


def _leg(table: Timetable, flat: Flat, step: Step) -> Leg | None:
    kind, a, b, c, start, end = step
    ids = table.ids
    if kind in ("access", "egress"):  # a: the stop, b: seconds walked, c: time there
        if not b:
            return None
        if (kind == "access") != flat.reverse:
            return (
                Leg(None, ids[a], c, c + b) if kind == "access" else Leg(None, ids[a], -c - b, -c)
            )
        return Leg(ids[a], None, c, c + b) if kind == "egress" else Leg(ids[a], None, -c - b, -c)
    if kind == "walk":
        return (
            Leg(ids[b], ids[a], -end, -start) if flat.reverse else Leg(ids[a], ids[b], start, end)
        )
    number = int(flat.patterns[a])
    trip, board, alight = c, int(flat.positions[a]), int(flat.positions[b])
    if flat.reverse:
        trip, board, alight = int(flat.trips[a]) - 1 - c, alight, board
    pattern = table.patterns[number]
    length = len(pattern.stops)
    return Leg(
        ids[pattern.stops[board]],
        ids[pattern.stops[alight]],
        pattern.departures[trip * length + board],
        pattern.arrivals[trip * length + alight],
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


def _right_away(legs: list[Leg]) -> list[Leg]:
    """Arrive-by's mirror: the walks after the last ride start as it arrives (the search
    gave their latest start, which only leaves one waiting at the far end)."""
    last = max((i for i, leg in enumerate(legs) if not leg.is_walk), default=-1)
    if last in (-1, len(legs) - 1):
        return legs
    moved: list[Leg] = []
    start = legs[last].arrive
    for leg in legs[last + 1 :]:
        span = leg.arrive - leg.depart
        moved.append(Leg(leg.from_stop, leg.to_stop, start, start + span))
        start += span
    return [*legs[: last + 1], *moved]
