"""Walks to, from and between stops: over the region's streets where it has them
(:mod:`sigap.geo.walk`), otherwise the straight line times :data:`DETOUR`.

A :class:`Walker` belongs to one loaded network: the stops are snapped onto the street graph
once. A walk goes over the streets when both of its ends are within
:data:`sigap.geo.walk.SNAP_M` of a street of the same connected piece of the layer; then it is
the street distance (never less than the straight line) if the streets get there within
:func:`_limit` of the straight line (:data:`STREET_REACH` times it, plus :data:`SLACK_M`).
Otherwise (no street layer, an end off the streets, two pieces of the layer that never meet,
ends nearer each other than to the streets, or streets that go far round: the 2012 layer
lacks most crossings, footbridges and alleys)
the walk is the straight line times ``DETOUR``, and says so (``over`` is
``"straight_line"``). So every stop within the radius stays within walking reach, as without
streets.

From a place, one bounded search finds every stop of the radius (:meth:`Walker.around`); the
last few places' searches are kept, so that the answer drawing the walks finds them again.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from sigap.geo.walk import Search, Snap, WalkGraph

# A walk along the streets is taken when it is at most STREET_REACH times the straight line
# plus SLACK_M (the steps onto and off the streets); a longer one goes round a gap of the
# layer (a crossing, an alley or a footbridge it lacks) more often than round a real obstacle.
STREET_REACH = 2.0
SLACK_M = 100.0
STREETS, STRAIGHT = "streets", "straight_line"
KEPT = 64  # the places whose searches are kept for drawing their walks
WALK_SPEED_M_S = 1.2  # about 4.3 km/h: a commuter with a bag in Jakarta's heat
DETOUR = 1.3  # straight line to street distance, a usual factor for a city grid
EARTH_RADIUS_M = 6_371_000.0

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Walk:
    """A walk's metres (along the streets, or the straight line times the detour factor)
    and which of the two it is."""

    metres: float
    over: str

    @property
    def seconds(self) -> int:
        return math.ceil(self.metres / WALK_SPEED_M_S)


@dataclass(frozen=True, slots=True)
class _Around:
    snap: Snap | None
    search: Search | None
    walks: dict[int, Walk]


class Walker:
    """The stops of one network on a street graph (or on none: every walk straight)."""

    def __init__(self, graph: WalkGraph | None, lat: np.ndarray, lon: np.ndarray) -> None:
        self.graph, self.lat, self.lon = graph, lat, lon
        self.snaps: list[Snap | None] = [None] * len(lat)
        if graph is not None and len(graph.ends):
            self.snaps = [graph.snap(a, b) for a, b in zip(lat.tolist(), lon.tolist(), strict=True)]
        self._kept: OrderedDict[tuple[float, float, float], _Around] = OrderedDict()
        self._lock = threading.Lock()
        self._footpaths: dict[float, _Paths] = {}

    def around(self, lat: float, lon: float, radius_m: float) -> dict[int, Walk]:
        """The stops within ``radius_m`` (straight line) of a point, with the walk to each."""
        return self._around(lat, lon, radius_m).walks

    def line(self, lat: float, lon: float, radius_m: float, stop: int) -> list[Point]:
        """The walk from a point to ``stop`` as (lat, lon) points (a search of
        :meth:`around`, kept or made again): two points when it is a straight line."""
        found = self._around(lat, lon, radius_m)
        end = self.snaps[stop]
        target = (float(self.lat[stop]), float(self.lon[stop]))
        walk = found.walks.get(stop)
        if self.graph is None or found.search is None or end is None or walk is None:
            return [(lat, lon), target]
        if walk.over != STREETS:
            return [(lat, lon), target]
        return self.graph.line(found.search, (lat, lon), end, target)

    def between(self, a: int, b: int, limit_m: float) -> tuple[Walk, list[Point]]:
        """The walk from stop ``a`` to stop ``b`` (a footpath of the answer), and its line."""
        start = (float(self.lat[a]), float(self.lon[a]))
        target = (float(self.lat[b]), float(self.lon[b]))
        straight = _metres(start, target)
        if a == b:
            return Walk(0.0, STRAIGHT), [start]
        first, end = self.snaps[a], self.snaps[b]
        graph = self.graph
        if graph is None or first is None or end is None or not graph.same_piece(first, end):
            return Walk(straight * DETOUR, STRAIGHT), [start, target]
        targets = dict.fromkeys(graph.nodes_of(end), _limit(straight))
        search = graph.search(first, _limit(max(limit_m, straight)), targets)
        walk = _over(graph, search, end, straight)
        if walk.over == STRAIGHT:
            return walk, [start, target]
        return walk, graph.line(search, start, end, target)

    def footpaths(self, max_m: float) -> list[dict[int, Walk]]:
        """Each stop's walks to the stops within ``max_m`` (straight line) of it: one bounded
        search from each stop, stopped when all are reached. Made once per network and kept
        as flat arrays (some 100,000 walks in Jakarta: 2 MB, not the 20 MB of objects)."""
        with self._lock:
            made = self._footpaths.get(max_m)
            if made is None:
                made = _Paths.of([self._from_stop(i, max_m) for i in range(len(self.lat))])
                self._footpaths[max_m] = made
        return made.walks()

    def _from_stop(self, i: int, max_m: float) -> dict[int, Walk]:
        near = _within(self.lat, self.lon, float(self.lat[i]), float(self.lon[i]), max_m)
        near.pop(i, None)
        return self._walks(self.snaps[i], near, max_m)

    def _around(self, lat: float, lon: float, radius_m: float) -> _Around:
        key = (lat, lon, radius_m)
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                return found
        near = _within(self.lat, self.lon, lat, lon, radius_m)
        snap = None if self.graph is None else self.graph.snap(lat, lon)
        search = self._search(snap, near, radius_m)
        found = _Around(snap, search, self._walks(snap, near, radius_m, search))
        with self._lock:
            self._kept[key] = found
            while len(self._kept) > KEPT:
                self._kept.popitem(last=False)
        return found

    def _search(self, snap: Snap | None, near: dict[int, float], limit_m: float) -> Search | None:
        graph = self.graph
        if graph is None or snap is None:
            return None
        targets: dict[int, float] = {}
        for j, straight in near.items():
            end = self.snaps[j]
            if end is not None and graph.same_piece(snap, end):  # others are never reached
                for node in graph.nodes_of(end):
                    targets[node] = max(targets.get(node, 0.0), _limit(straight))
        return graph.search(snap, _limit(limit_m), targets)

    def _walks(
        self,
        snap: Snap | None,
        near: dict[int, float],
        limit_m: float,
        search: Search | None = None,
    ) -> dict[int, Walk]:
        """The walks from a snapped point (None: off the streets) to stops ``near`` it."""
        graph = self.graph
        walks: dict[int, Walk] = {}
        if graph is not None and snap is not None and search is None:
            search = self._search(snap, near, limit_m)
        for j, straight in near.items():
            end = self.snaps[j]
            if graph is None or snap is None or search is None or end is None:
                walks[j] = Walk(straight * DETOUR, STRAIGHT)
            else:
                walks[j] = _over(graph, search, end, straight)
        return walks


@dataclass(frozen=True, slots=True)
class _Paths:
    """Stop i's walks are to ``to[offsets[i]:offsets[i + 1]]``, of ``metres``, over the
    streets where ``streets``."""

    offsets: np.ndarray
    to: np.ndarray
    metres: np.ndarray
    streets: np.ndarray

    @classmethod
    def of(cls, walks: list[dict[int, Walk]]) -> _Paths:
        counts = [len(w) for w in walks]
        flat = [(j, w.metres, w.over == STREETS) for one in walks for j, w in one.items()]
        to, metres, streets = zip(*flat, strict=True) if flat else ((), (), ())
        return cls(
            np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]),
            np.array(to, dtype=np.int32),
            np.array(metres, dtype=np.float32),
            np.array(streets, dtype=bool),
        )

    def walks(self) -> list[dict[int, Walk]]:
        bounds = self.offsets.tolist()
        to, metres, streets = self.to.tolist(), self.metres.tolist(), self.streets.tolist()
        return [
            {
                to[k]: Walk(metres[k], STREETS if streets[k] else STRAIGHT)
                for k in range(bounds[i], bounds[i + 1])
            }
            for i in range(len(bounds) - 1)
        ]


def _limit(straight_m: float) -> float:
    """The longest street walk taken for one of ``straight_m`` metres in a straight line."""
    return STREET_REACH * straight_m + SLACK_M


def _over(graph: WalkGraph, search: Search, end: Snap, straight: float) -> Walk:
    """The walk to ``end`` over the streets, unless they do not join it or go round by more
    than :func:`_limit`, or the two ends are nearer each other than both are to the streets
    (two stops 50 m behind a street, 80 m apart: no street between them is known): then the
    straight line times the detour factor."""
    if straight > search.start.off + end.off and graph.same_piece(search.start, end):
        reached = graph.reach(search, end)
        if reached is not None and reached[0] <= _limit(straight):
            return Walk(max(reached[0], straight), STREETS)
    return Walk(straight * DETOUR, STRAIGHT)


def _within(
    lat: np.ndarray, lon: np.ndarray, at_lat: float, at_lon: float, radius_m: float
) -> dict[int, float]:
    scale = math.cos(math.radians(at_lat))
    dy = np.radians(lat - at_lat)
    dx = np.radians(lon - at_lon) * scale
    metres = np.hypot(dx, dy) * EARTH_RADIUS_M
    found = np.flatnonzero(metres <= radius_m)
    return dict(zip(found.tolist(), metres[found].tolist(), strict=True))


def _metres(a: Point, b: Point) -> float:
    return float(_within(np.array([b[0]]), np.array([b[1]]), a[0], a[1], math.inf)[0])
