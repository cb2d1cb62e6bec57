"""Walking over a region's streets: the street layer (:mod:`sigap.geo.streets`) as a graph.

Every distinct point of the layer's lines is a node (the layer keeps OSM's points to five
decimals, about a metre, so lines meet where they share a point, as OSM's ways share nodes at
a junction; a bridge over a street shares none), every two consecutive points of a line an
edge of their length in metres. Coordinates are projected once onto a plane in metres around
the layer's middle (a city spans a few tens of kilometres: the error is well under one per
cent). Streets closed to people on foot are left out: a motorway (``foot`` false, from OSM's
``highway=motorway``), and what a layer names a toll road (*tol*) or a busway (Transjakarta's
lanes in the middle of the road, mapped in 2012 as service roads: a halte there is reached by
a footbridge, which the layer lacks, from the street beside).

A point is *snapped* to the nearest edge within :data:`SNAP_M` (a grid of cells that size
finds the candidates), and a walk is the straight line onto that street, along the streets,
and off again. A search (:meth:`WalkGraph.search`) is Dijkstra's from a snapped point, bounded
by a distance and stopped as soon as every node asked for is settled, in plain Python over
lists (numpy's per-call cost is higher than a heap's for the few thousand nodes one search
settles). Connected components are labelled once, so that a walk between two pieces of the
layer that never meet (the 2012 layer has gaps) is known to be a gap, not a long way round.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from sigap.geo.streets import METRES_PER_DEGREE, Street

SNAP_M = 150.0  # a point farther than this from every street is not on the street layer
CLOSED = re.compile(r"\b(tol|busway)\b", re.IGNORECASE)  # toll roads, Transjakarta's lanes
Point = tuple[float, float]  # lat, lon


@dataclass(frozen=True, slots=True)
class Snap:
    """A point on the street layer: ``along`` metres from edge ``edge``'s first node, reached
    from the point itself by a straight ``off`` metres."""

    edge: int
    along: float
    off: float


@dataclass(slots=True)
class Search:
    """A bounded search's settled distances (metres from the snapped point) and the node each
    was reached from (-1: from the point itself)."""

    start: Snap
    limit: float
    metres: dict[int, float]
    came: dict[int, int]


class WalkGraph:
    """See the module's docstring. ``ends`` holds each edge's two nodes, ``lengths`` its
    metres; ``links[n]`` lists node n's (neighbour, metres)."""

    def __init__(self, streets: Iterable[Street]) -> None:
        parts = [p for s in streets if s.foot and not CLOSED.search(s.name) for p in s.lines]
        points = np.array([xy for p in parts for xy in p], dtype=np.float64).reshape(-1, 2)
        lon0, lat0 = (points.min(0) + points.max(0)) / 2 if len(points) else (0.0, 0.0)
        self.lat0, self.lon0 = float(lat0), float(lon0)
        self.scale = math.cos(math.radians(self.lat0)) * METRES_PER_DEGREE
        keys = np.round(points * 1e5).astype(np.int64)
        unique, node_of = np.unique(keys, axis=0, return_inverse=True)
        node_of = node_of.reshape(-1)
        self.xy = self.project(unique[:, 1] / 1e5, unique[:, 0] / 1e5) if len(unique) else points
        sizes = np.array([len(p) for p in parts], dtype=np.int64)
        follows = np.ones(len(points), dtype=bool)  # point i and i + 1 are on one line
        follows[np.cumsum(sizes) - 1] = False
        a, b = node_of[:-1][follows[:-1]], node_of[1:][follows[:-1]]
        pairs = np.unique(np.sort(np.stack([a, b], axis=1)[a != b], axis=1), axis=0)
        self.ends = pairs.reshape(-1, 2)
        self.lengths = np.hypot(*(self.xy[self.ends[:, 0]] - self.xy[self.ends[:, 1]]).T)
        self.links: list[list[tuple[int, float]]] = [[] for _ in range(len(self.xy))]
        for (u, v), metres in zip(self.ends.tolist(), self.lengths.tolist(), strict=True):
            self.links[u].append((v, metres))
            self.links[v].append((u, metres))
        self.component = _components(len(self.xy), self.ends)
        self._grid()

    def __len__(self) -> int:
        return len(self.xy)

    def project(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Points as (x, y) metres east and north of the layer's middle."""
        x = (np.asarray(lon, dtype=np.float64) - self.lon0) * self.scale
        y = (np.asarray(lat, dtype=np.float64) - self.lat0) * METRES_PER_DEGREE
        return np.stack([x, y], axis=-1)

    def unproject(self, x: float, y: float) -> Point:
        """(lat, lon) of a point of the plane."""
        return self.lat0 + y / METRES_PER_DEGREE, self.lon0 + x / self.scale

    def _grid(self) -> None:
        """Each edge filed under every cell of :data:`SNAP_M` its bounds touch, as sorted cell
        keys; a point's candidates are then the edges of its cell and the eight around."""
        if not len(self.ends):
            self.cells, self.filed = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
            return
        first, second = self.xy[self.ends[:, 0]], self.xy[self.ends[:, 1]]
        low = np.floor(np.minimum(first, second) / SNAP_M).astype(np.int64)
        high = np.floor(np.maximum(first, second) / SNAP_M).astype(np.int64)
        keys, edges = [], []
        span = high - low
        single = (span == 0).all(axis=1)
        keys.append(_key(low[single, 0], low[single, 1]))
        edges.append(np.flatnonzero(single))
        for edge in np.flatnonzero(~single).tolist():
            xs = np.arange(low[edge, 0], high[edge, 0] + 1)
            ys = np.arange(low[edge, 1], high[edge, 1] + 1)
            gx, gy = np.meshgrid(xs, ys)
            keys.append(_key(gx.ravel(), gy.ravel()))
            edges.append(np.full(gx.size, edge))
        all_keys, all_edges = np.concatenate(keys), np.concatenate(edges)
        order = np.argsort(all_keys, kind="stable")
        self.cells, self.filed = all_keys[order], all_edges[order]

    def snap(self, lat: float, lon: float) -> Snap | None:
        """The nearest point of a street within :data:`SNAP_M`, or None."""
        x, y = self.project(np.array(lat), np.array(lon)).tolist()
        cx, cy = math.floor(x / SNAP_M), math.floor(y / SNAP_M)
        wanted = _key(
            np.repeat(np.arange(cx - 1, cx + 2), 3), np.tile(np.arange(cy - 1, cy + 2), 3)
        )
        lows = np.searchsorted(self.cells, wanted, side="left")
        highs = np.searchsorted(self.cells, wanted, side="right")
        found = [self.filed[lo:hi] for lo, hi in zip(lows.tolist(), highs.tolist(), strict=True)]
        edges = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
        if not len(edges):
            return None
        first, second = self.xy[self.ends[edges, 0]], self.xy[self.ends[edges, 1]]
        run = second - first
        lengths = self.lengths[edges]
        t = ((x - first[:, 0]) * run[:, 0] + (y - first[:, 1]) * run[:, 1]) / np.maximum(
            lengths**2, 1e-9
        )
        t = np.clip(t, 0.0, 1.0)
        off = np.hypot(first[:, 0] + t * run[:, 0] - x, first[:, 1] + t * run[:, 1] - y)
        best = int(np.argmin(off))
        if off[best] > SNAP_M:
            return None
        return Snap(int(edges[best]), float(t[best] * lengths[best]), float(off[best]))

    def search(self, start: Snap, limit: float, targets: dict[int, float] | None = None) -> Search:
        """Dijkstra's from ``start`` up to ``limit`` metres (the straight line onto the street
        included). With ``targets`` (node -> the farthest it is worth reaching it) it stops
        as soon as every target is settled or beyond its distance."""
        u, v = self.ends[start.edge].tolist()
        length = float(self.lengths[start.edge])
        heap = [(start.off + start.along, u, -1), (start.off + length - start.along, v, -1)]
        heapq.heapify(heap)
        metres: dict[int, float] = {}
        came: dict[int, int] = {}
        # the targets, farthest-worth first: the search ends past the first one not settled
        wanted = sorted((far, node) for node, far in (targets or {}).items())
        links = self.links
        while heap:
            here, node, before = heapq.heappop(heap)
            if node in metres:
                continue
            while wanted and wanted[-1][1] in metres:
                wanted.pop()
            if here > limit or (targets is not None and (not wanted or here > wanted[-1][0])):
                break
            metres[node] = here
            came[node] = before
            for other, step in links[node]:
                if other not in metres:
                    heapq.heappush(heap, (here + step, other, node))
        return Search(start, limit, metres, came)

    def nodes_of(self, snap: Snap) -> tuple[int, int]:
        u, v = self.ends[snap.edge].tolist()
        return u, v

    def same_piece(self, a: Snap, b: Snap) -> bool:
        """Whether the streets under two points are connected at all."""
        return bool(self.component[self.ends[a.edge, 0]] == self.component[self.ends[b.edge, 0]])

    def reach(self, found: Search, end: Snap) -> tuple[float, int] | None:
        """Metres from the search's start to ``end`` (onto the street, along, off again), and
        the node the walk leaves the streets by (-1: straight along one edge); None if the
        search did not get there within its limit."""
        u, v = self.ends[end.edge].tolist()
        length = float(self.lengths[end.edge])
        best: tuple[float, int] | None = None
        if end.edge == found.start.edge:
            best = (found.start.off + abs(found.start.along - end.along) + end.off, -1)
        for node, rest in ((u, end.along), (v, length - end.along)):
            if node in found.metres:
                metres = found.metres[node] + rest + end.off
                if best is None or metres < best[0]:
                    best = (metres, node)
        return best if best is not None and best[0] <= found.limit else None

    def line(
        self, found: Search, start: tuple[float, float], end: Snap, point: tuple[float, float]
    ) -> list[tuple[float, float]]:
        """The walk from ``start`` (the searched point) to ``point`` (snapped at ``end``) as
        (lat, lon) points: onto the street, along it, off again."""
        reached = self.reach(found, end)
        if reached is None:
            return [start, point]
        path = [point, self._on(end)]  # from the end back; the ends are kept as given
        node = reached[1]
        while node != -1:
            path.append(self.unproject(*self.xy[node].tolist()))
            node = found.came[node]
        path.append(self._on(found.start))
        path.reverse()
        return [start, *((round(lat, 6), round(lon, 6)) for lat, lon in path[:-1]), point]

    def _on(self, snap: Snap) -> Point:
        u, v = self.ends[snap.edge].tolist()
        t = snap.along / max(float(self.lengths[snap.edge]), 1e-9)
        x, y = self.xy[u] + t * (self.xy[v] - self.xy[u])
        return self.unproject(float(x), float(y))


def _key(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A grid cell's key (cells within about a million of the middle either way)."""
    return (np.asarray(x, dtype=np.int64) + (1 << 20)) * (1 << 21) + np.asarray(y, dtype=np.int64)


def _components(count: int, ends: np.ndarray) -> np.ndarray:
    """Each node's component: labels spread along the edges (the smaller wins) until still."""
    label = np.arange(count, dtype=np.int64)
    if not len(ends):
        return label
    u, v = ends[:, 0], ends[:, 1]
    while True:
        low = np.minimum(label[u], label[v])
        before = label.copy()
        np.minimum.at(label, u, low)
        np.minimum.at(label, v, low)
        label = label[label]  # jump: a node takes its label's label
        if (label == before).all():
            return label
