"""A service day's timetable indexed for RAPTOR, and the footpaths between nearby stops.

RAPTOR scans *patterns*: trips of one route calling at exactly the same stops, sorted so
that no trip overtakes another (a trip that would is put in a pattern of its own). Then the
earliest trip one can catch at a stop is a binary search in that stop's column of departures,
and a later stop of the pattern is reached by the same trip's row. The times are kept in flat
``array('i')`` buffers (4 bytes a time; Transjakarta's expanded frequencies alone are 1.8
million calls, which as Python lists of ints would take some 190 MB). :meth:`Timetable.flat`
lays the patterns out once more as numpy arrays (:class:`Flat`), in which RAPTOR's rounds
ride all patterns at once, forwards or time-reversed.

Footpaths join stops less than :data:`MAX_WALK_M` apart in a straight line, timed at
:data:`WALK_SPEED_M_S` over the walk :class:`sigap.transit.walking.Walker` finds (along the
region's streets, or that distance times :data:`DETOUR` where there are none), never under
:data:`MIN_CHANGE_S` between two different stops. A transfers.txt entry wins: type 2 sets the
time, type 3 forbids the change, types 0 and 1 add the footpath even beyond the radius.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from sigap.errors import SigapError
from sigap.geo.walk import WalkGraph
from sigap.transit.gtfs import Feed, Route, Stop, Transfer
from sigap.transit.schedule import RunTrip
from sigap.transit.walking import DETOUR as DETOUR  # the walking constants, named here too
from sigap.transit.walking import EARTH_RADIUS_M as EARTH_RADIUS_M
from sigap.transit.walking import WALK_SPEED_M_S as WALK_SPEED_M_S
from sigap.transit.walking import Walker

MAX_WALK_M = 500.0  # the longest straight-line walk between two stops
MIN_CHANGE_S = 60  # from one stop or platform to another, however close


@dataclass(slots=True)
class Pattern:
    """Trips of one route over one stop sequence, none overtaking another. ``arrivals`` and
    ``departures`` are row-major (trip * length + position); ``columns`` holds the
    departures column-major (position * trips + trip), each column ascending."""

    route: str
    stops: list[int]
    trips: list[str]
    headsigns: list[str]
    headways: list[int | None]
    arrivals: array[int]
    departures: array[int]
    columns: array[int]


@dataclass(frozen=True, slots=True)
class Footpaths:
    """Stop i's footpaths are ``to[offsets[i]:offsets[i + 1]]``, each ``seconds`` long."""

    offsets: np.ndarray
    to: np.ndarray
    seconds: np.ndarray


# A slot's run keys are SLOT_SPAN apart and a time t sits at TIME_BASE + t in them: times may
# run from -TIME_BASE (72 hours back: the previous day's trips, arrive-by's negated times) to
# SLOT_SPAN - TIME_BASE.
SLOT_SPAN = 1 << 20
TIME_BASE = 1 << 18
MAX_PATTERN_STOPS = 1 << 12  # RAPTOR's running minimum codes a trip and a stop in 32 bits
MAX_PATTERN_TRIPS = 1 << 20


@dataclass(frozen=True, slots=True)
class Runs:
    """A slot's departures cut into runs leaving every ``steps`` seconds: run r is trips
    ``trips[r]`` to ``trips[r] + counts[r] - 1`` of slot ``slots[r]``, the first leaving at
    ``keys[r] - slots[r] * SLOT_SPAN - TIME_BASE``. A frequency's expanded trips are one run
    (Transjakarta's 1.4 million calls are some 61,000 runs), a timetable's mostly runs of
    one, so one binary search over the keys and a division find the first trip leaving at
    or after a time at every slot."""

    keys: np.ndarray
    slots: np.ndarray
    trips: np.ndarray
    counts: np.ndarray
    steps: np.ndarray


@dataclass(frozen=True, slots=True)
class Flat:
    """Every pattern's stops and times in flat numpy arrays, so that one RAPTOR round rides
    all patterns at once. A *slot* is one stop of one pattern; slots run pattern by pattern,
    each pattern's in the order of travel. ``runs`` finds the first trip leaving a slot at or
    after a time; trip t reaches slot s at ``alights[starts[s] + t * strides[s]]`` (a
    pattern's times trip by trip, so that the stops one trip reaches lie side by side).

    The reverse index is the same network with time running backwards (times negated,
    trips and each pattern's stops in reverse order, footpaths turned round): arrive-by is
    depart-at on it. ``positions`` and ``trips`` (how many trips the slot's pattern has)
    lead back to the pattern's own numbering."""

    reverse: bool
    stops: np.ndarray  # the slot's stop
    patterns: np.ndarray  # the slot's pattern
    positions: np.ndarray  # the slot's position in its pattern (as the GTFS feed runs)
    steps: np.ndarray  # the slot's position in this direction's order of travel
    heads: np.ndarray  # each pattern's first slot in this direction
    trips: np.ndarray  # the number of trips of the slot's pattern
    starts: np.ndarray
    strides: np.ndarray  # the number of stops of the slot's pattern
    alights: np.ndarray
    runs: Runs
    walks: Footpaths
    walkers: np.ndarray  # the stop each of ``walks``' footpaths starts from


@dataclass(slots=True)
class Timetable:
    """Stops are numbered 0..n-1 (``ids[i]`` is the namespaced GTFS id)."""

    ids: list[str]
    names: list[str]
    lat: np.ndarray
    lon: np.ndarray
    patterns: list[Pattern]
    routes: dict[str, Route]
    stop_patterns: list[list[tuple[int, int]]] = field(default_factory=list)
    footpaths: list[list[tuple[int, int]]] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    stations: dict[str, list[int]] = field(default_factory=dict)
    walker: Walker | None = None  # the walks over the region's streets; None: straight lines
    _walks: tuple[list[list[tuple[int, int]]], Footpaths] | None = None
    _flat: dict[bool, tuple[list[Pattern], Footpaths, Flat]] = field(default_factory=dict)

    def walks(self) -> Footpaths:
        """The footpaths as flat arrays, for relaxing thousands of them at once; made again
        whenever ``footpaths`` is another list (tests damage a copy of the table)."""
        if self._walks is None or self._walks[0] is not self.footpaths:
            counts = np.array([len(p) for p in self.footpaths], dtype=np.int64)
            offsets = np.concatenate([[0], np.cumsum(counts)])
            pairs = [pair for p in self.footpaths for pair in p] or [(0, 0)]
            to, seconds = np.array(pairs, dtype=np.int64).T
            self._walks = (self.footpaths, Footpaths(offsets, to, seconds))
        return self._walks[1]

    def flat(self, reverse: bool = False) -> Flat:
        """The patterns as RAPTOR's rounds read them (:class:`Flat`), in the direction of
        travel or time-reversed (for arrive-by); made once, again if ``patterns`` or
        ``footpaths`` is another list."""
        walks = self.walks()
        made = self._flat.get(reverse)
        if made is None or made[0] is not self.patterns or made[1] is not walks:
            made = (self.patterns, walks, _flat(self.patterns, walks, reverse))
            self._flat[reverse] = made
        return made[2]

    def stops_of(self, key: str) -> list[int]:
        """The stops a GTFS id stands for: a stop itself, or every platform of a station."""
        if key in self.index:
            return [self.index[key]]
        if key in self.stations:
            return self.stations[key]
        raise SigapError("transit_stop_not_found", stop=key)

    def near(self, lat: float, lon: float, radius_m: float = MAX_WALK_M) -> dict[int, int]:
        """The stops within ``radius_m`` of a point, with the seconds it takes to walk there
        (over the streets where :attr:`walker` has them: :mod:`sigap.transit.walking`)."""
        if self.walker is not None:
            return {i: w.seconds for i, w in self.walker.around(lat, lon, radius_m).items()}
        metres = distances(self.lat, self.lon, lat, lon)
        found = np.flatnonzero(metres <= radius_m)
        return {int(i): walk_seconds(float(metres[i])) for i in found}


def build(feed: Feed, trips: Iterable[RunTrip], walker: Walker | None = None) -> Timetable:
    """The timetable of ``trips`` (a day's, :func:`sigap.transit.schedule.day_trips`);
    ``walker`` (:func:`stop_walker`) walks the streets, made once per network."""
    stops = platforms(feed)
    if walker is not None and len(walker.lat) != len(stops):
        raise ValueError("the walker's stops are not the feed's")
    table = Timetable(
        [s.id for s in stops],
        [s.name for s in stops],
        np.array([s.lat for s in stops], dtype=np.float64),
        np.array([s.lon for s in stops], dtype=np.float64),
        [],
        feed.routes,
    )
    table.index = {key: i for i, key in enumerate(table.ids)}
    table.stations = _stations(stops, table.index)
    table.patterns = patterns(trips, table.index)
    table.stop_patterns = _stop_patterns(table.patterns, len(stops))
    table.walker = walker
    table.footpaths = footpaths(table.lat, table.lon, _transfers(feed, table), walker)
    return table


def platforms(feed: Feed) -> list[Stop]:
    """The stops a vehicle calls at, in the timetable's order (stop i is the i-th)."""
    return [s for s in feed.stops.values() if s.location_type == 0]


def stop_walker(feed: Feed, graph: WalkGraph | None) -> Walker:
    """The feed's stops snapped onto a street graph (None: every walk a straight line)."""
    stops = platforms(feed)
    lat = np.array([s.lat for s in stops], dtype=np.float64)
    lon = np.array([s.lon for s in stops], dtype=np.float64)
    return Walker(graph, lat, lon)


def _flat(found: list[Pattern], walks: Footpaths, reverse: bool) -> Flat:
    stops, pattern_of, positions, steps, boards, alights = [], [], [], [], [], []
    for number, pattern in enumerate(found):
        length, count = len(pattern.stops), len(pattern.trips)
        if length >= MAX_PATTERN_STOPS or count >= MAX_PATTERN_TRIPS:
            raise ValueError(f"pattern {number} has more stops or trips than the index holds")
        arrive = np.frombuffer(pattern.arrivals, dtype=np.int32).reshape(count, length)
        leave = np.frombuffer(pattern.departures, dtype=np.int32).reshape(count, length)
        order = np.arange(length)
        if reverse:  # later trips first, last stop first, time negated
            arrive, leave = -leave[::-1, ::-1], -arrive[::-1, ::-1]
            order = order[::-1]
        stops.append(np.array(pattern.stops, dtype=np.int64)[order])
        pattern_of.append(np.full(length, number, dtype=np.int64))
        positions.append(order)
        steps.append(np.arange(length))
        boards.append(leave.T.ravel())
        alights.append(arrive.ravel())
    slot_stops = np.concatenate(stops) if stops else np.zeros(0, dtype=np.int64)
    slot_patterns = np.concatenate(pattern_of) if stops else slot_stops
    counts = np.array([len(found[p].trips) for p in slot_patterns.tolist()], dtype=np.int64)
    columns = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    times = np.concatenate(boards) if stops else np.zeros(0, dtype=np.int32)
    if len(times) and not (times.min() >= -TIME_BASE and times.max() < SLOT_SPAN - TIME_BASE):
        raise ValueError("a trip's times are beyond what the index holds")
    step = np.concatenate(steps) if stops else slot_stops
    strides = np.array([len(found[p].stops) for p in slot_patterns.tolist()], dtype=np.int64)
    paths = _turned(walks) if reverse else walks
    sizes = np.array([len(p.trips) * len(p.stops) for p in found], dtype=np.int64)
    starts = (np.cumsum(sizes) - sizes)[slot_patterns] + step
    return Flat(
        reverse,
        slot_stops,
        slot_patterns,
        np.concatenate(positions).astype(np.int64) if stops else slot_stops,
        step.astype(np.int64),
        np.flatnonzero(step == 0),
        counts,
        starts.astype(np.int64),
        strides,
        np.concatenate(alights) if stops else times,
        _runs(times, columns),
        paths,
        np.repeat(np.arange(len(paths.offsets) - 1, dtype=np.int64), np.diff(paths.offsets)),
    )


def _runs(times: np.ndarray, starts: np.ndarray) -> Runs:
    """The columns' departures cut where the gap from one trip to the next changes (and
    around equal times), so that each run leaves at a constant, positive interval."""
    count = len(times)
    firsts = starts[:-1][np.diff(starts) > 0]
    gap = np.full(count, -1, dtype=np.int32)  # times are 32 bits: so are their differences
    gap[1:] = times[1:] - times[:-1]
    gap[firsts] = -1
    begins = np.ones(count, dtype=bool)
    begins[1:] = gap[1:] != gap[:-1]
    begins |= gap <= 0  # a column's first trip, or one leaving with the one before
    at = np.flatnonzero(begins)
    counts = np.diff(np.append(at, count))
    steps = np.ones(len(at), dtype=np.int64)
    longer = counts > 1
    steps[longer] = times[at[longer] + 1] - times[at[longer]]
    slots = np.searchsorted(starts, at, side="right") - 1
    keys = slots * SLOT_SPAN + TIME_BASE + times[at].astype(np.int64)
    return Runs(keys, slots, at - starts[slots], counts, steps)


def _turned(walks: Footpaths) -> Footpaths:
    """The footpaths walked backwards: b's list holds (a, seconds) for each path a to b."""
    count = len(walks.offsets) - 1
    came = np.repeat(np.arange(count, dtype=np.int64), np.diff(walks.offsets))
    real = len(came)  # walks() pads an empty network with one dummy path
    order = np.argsort(walks.to[:real], kind="stable")
    offsets = np.concatenate([[0], np.cumsum(np.bincount(walks.to[:real], minlength=count))])
    to, seconds = came[order], walks.seconds[:real][order]
    if not real:
        to, seconds = np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)
    return Footpaths(offsets.astype(np.int64), to, seconds)


def _stations(stops: Sequence[Stop], index: dict[str, int]) -> dict[str, list[int]]:
    stations: dict[str, list[int]] = {}
    for stop in stops:
        if stop.parent:
            stations.setdefault(stop.parent, []).append(index[stop.id])
    return stations


def patterns(trips: Iterable[RunTrip], index: dict[str, int]) -> list[Pattern]:
    """The trips grouped by route and stop sequence, each group split where trips overtake."""
    groups: dict[tuple[str, tuple[str, ...]], list[RunTrip]] = {}
    for trip in trips:
        groups.setdefault((trip.route, trip.stops), []).append(trip)
    found: list[Pattern] = []
    for (route, stops), group in groups.items():
        group.sort(key=lambda t: (t.departures[0], t.arrivals[-1]))
        for fifo in _without_overtaking(group):
            found.append(_pattern(route, [index[s] for s in stops], fifo))
    return found


def _without_overtaking(trips: list[RunTrip]) -> list[list[RunTrip]]:
    """Trips (sorted by first departure) in runs where each trip is never earlier than the
    one before it at any stop: the first run that takes a trip gets it."""
    runs: list[list[RunTrip]] = []
    lasts: list[tuple[np.ndarray, np.ndarray]] = []
    for trip in trips:
        arrivals, departures = np.array(trip.arrivals), np.array(trip.departures)
        for number, (a, d) in enumerate(lasts):
            if (a <= arrivals).all() and (d <= departures).all():
                runs[number].append(trip)
                lasts[number] = (arrivals, departures)
                break
        else:
            runs.append([trip])
            lasts.append((arrivals, departures))
    return runs


def _pattern(route: str, stops: list[int], trips: list[RunTrip]) -> Pattern:
    arrivals = np.array([t.arrivals for t in trips], dtype=np.int32)
    departures = np.array([t.departures for t in trips], dtype=np.int32)
    return Pattern(
        route,
        stops,
        [t.id for t in trips],
        [t.headsign for t in trips],
        [t.headway for t in trips],
        _ints(arrivals.ravel()),
        _ints(departures.ravel()),
        _ints(departures.T.ravel()),
    )


def _ints(values: np.ndarray) -> array[int]:
    buffer = array("i")
    buffer.frombytes(np.ascontiguousarray(values, dtype=np.int32).tobytes())
    return buffer


def _stop_patterns(found: list[Pattern], count: int) -> list[list[tuple[int, int]]]:
    at: list[list[tuple[int, int]]] = [[] for _ in range(count)]
    for number, pattern in enumerate(found):
        for position, stop in enumerate(pattern.stops):
            at[stop].append((number, position))
    return at


# --- walking -------------------------------------------------------------------------------


def distances(lat: np.ndarray, lon: np.ndarray, at_lat: float, at_lon: float) -> np.ndarray:
    """Metres from one point to many, on a local flat approximation (exact enough within the
    few kilometres a walk spans)."""
    scale = math.cos(math.radians(at_lat))
    dy = np.radians(lat - at_lat)
    dx = np.radians(lon - at_lon) * scale
    return np.hypot(dx, dy) * EARTH_RADIUS_M


def walk_seconds(metres: float) -> int:
    return math.ceil(metres * DETOUR / WALK_SPEED_M_S)


Rules = dict[tuple[int, int], int | None]  # (from, to) -> seconds, None: no change possible


def footpaths(
    lat: np.ndarray, lon: np.ndarray, rules: Rules, walker: Walker | None = None
) -> list[list[tuple[int, int]]]:
    """Each stop's footpaths (to, seconds): stops within :data:`MAX_WALK_M` (walked by
    ``walker`` when there is one), then ``rules`` (from transfers.txt) applied over them."""
    paths: list[dict[int, int]] = [{} for _ in range(len(lat))]
    if walker is not None:
        for i, walks in enumerate(walker.footpaths(MAX_WALK_M)):
            paths[i] = {j: max(MIN_CHANGE_S, w.seconds) for j, w in walks.items()}
    elif len(lat):
        order = np.argsort(lat)
        sorted_lat = lat[order]
        reach = np.degrees(MAX_WALK_M / EARTH_RADIUS_M)
        for i in range(len(lat)):
            low, high = np.searchsorted(sorted_lat, [lat[i] - reach, lat[i] + reach])
            near = order[low:high]
            metres = distances(lat[near], lon[near], float(lat[i]), float(lon[i]))
            for j, m in zip(near.tolist(), metres.tolist(), strict=True):
                if j != i and m <= MAX_WALK_M:
                    paths[i][j] = max(MIN_CHANGE_S, walk_seconds(m))
    for (a, b), seconds in rules.items():
        if seconds is None:
            paths[a].pop(b, None)
        elif a != b:
            paths[a][b] = seconds
    return [sorted(p.items()) for p in paths]


def _transfers(feed: Feed, table: Timetable) -> Rules:
    """transfers.txt as footpath rules between stops (a station stands for its platforms)."""
    rules: Rules = {}
    for transfer in feed.transfers:
        for a in _stops_or_none(table, transfer.from_stop):
            for b in _stops_or_none(table, transfer.to_stop):
                rules[(a, b)] = _seconds(transfer, table, a, b)
    return rules


def _stops_or_none(table: Timetable, key: str) -> list[int]:
    if key in table.index:
        return [table.index[key]]
    return table.stations.get(key, [])


def _seconds(transfer: Transfer, table: Timetable, a: int, b: int) -> int | None:
    if transfer.kind == 3:
        return None
    if transfer.kind == 2 and transfer.min_time is not None:
        return transfer.min_time
    metres = float(distances(table.lat[[b]], table.lon[[b]], table.lat[a], table.lon[a])[0])
    return max(MIN_CHANGE_S, walk_seconds(metres))
