"""Walking over a region's streets: the street layer (:mod:`sigap.geo.streets`) as a graph.

Every distinct point of the layer's lines is a node (the layer keeps OSM's points to five
decimals, about a metre, so lines meet where they share a point, as OSM's ways share nodes at
a junction; a bridge over a street shares none), every two consecutive points of a line an
edge of their length in metres. The searches run over junctions and the *ways* between them
(the chains of edges from one junction to the next): Jakarta's 57,877 points are 31,391
junctions, which halves a search's heap. Coordinates are projected once onto a plane in
metres around the layer's middle (a city spans a few tens of kilometres: the error is well
under one per cent). Streets closed to people on foot are left out: a motorway (``foot``
false, from OSM's ``highway=motorway``), and what a layer names a toll road (*tol*) or a
busway (Transjakarta's lanes in the middle of the road, mapped in 2012 as service roads: a
halte there is reached by a footbridge, which the layer lacks, from the street beside).

A point is *snapped* to the nearest edge within :data:`SNAP_M` (a grid of cells that size
finds the candidates), and a walk is the straight line onto that street, along the streets,
and off again. A search (:meth:`WalkGraph.search`) is Dijkstra's from a snapped point, bounded
by a distance and stopped as soon as every junction asked for is settled, in plain Python
over lists (numpy's per-call cost is higher than a heap's for the few hundred junctions one
search settles). Connected components are labelled once, so that a walk between two pieces of the
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
    """A point on the street layer: ``along`` metres from the first junction of way ``way``,
    reached from the point itself by a straight ``off`` metres."""

    way: int
    along: float
    off: float


@dataclass(slots=True)
class Search:
    """A bounded search's settled junctions with their metres from the snapped point, and the
    way each was reached by (-1 or -2: from the point itself, towards the way's first or last
    junction)."""

    start: Snap
    limit: float
    metres: dict[int, float]
    came: dict[int, int]


class WalkGraph:
    """See the module's docstring. The layer's points are nodes and ``ends`` holds each
    edge's two nodes; a search runs over *junctions* (nodes where other than two edges meet)
    and *ways*, the chains of edges between two junctions (a street from one crossing to the
    next): ``links[j]`` lists junction j's (junction, metres, way). Way w runs through the
    nodes ``way_nodes[way_starts[w]:way_starts[w + 1]]``, ``way_metres`` from its first."""

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
        self.component = _components(len(self.xy), self.ends)
        self._ways()
        self._grid()

    def __len__(self) -> int:
        return len(self.xy)

    def _ways(self) -> None:
        """The edges chained into ways between junctions; a loop with no junction on it gets
        one at its first node. Edge e is the ``edge_step[e]``-th of way ``edge_way[e]``,
        running from its first node towards the way's last junction where ``edge_forward``."""
        count = len(self.xy)
        touching: list[list[tuple[int, int]]] = [[] for _ in range(count)]
        for e, (u, v) in enumerate(self.ends.tolist()):
            touching[u].append((v, e))
            touching[v].append((u, e))
        junction = [len(t) != 2 for t in touching]
        seen = [False] * len(self.ends)
        nodes: list[int] = []
        starts, edge_way, edge_step = [0], [0] * len(self.ends), [0] * len(self.ends)

        def follow(first: int, other: int, edge: int) -> None:
            way = len(starts) - 1
            nodes.append(first)
            step = 0
            while True:
                seen[edge], edge_way[edge], edge_step[edge] = True, way, step
                nodes.append(other)
                if junction[other]:
                    break
                (n1, e1), (n2, e2) = touching[other]
                other, edge = (n2, e2) if e1 == edge else (n1, e1)
                step += 1
            starts.append(len(nodes))

        for j in range(count):
            if junction[j]:
                for other, edge in touching[j]:
                    if not seen[edge]:
                        follow(j, other, edge)
        for edge, (u, v) in enumerate(self.ends.tolist()):
            if not seen[edge]:  # a loop without a junction
                junction[u] = True
                follow(u, v, edge)
        self.way_nodes = np.array(nodes, dtype=np.int64)
        self.way_starts = np.array(starts, dtype=np.int64)
        step_m = np.zeros(len(nodes))
        if len(nodes):
            run = np.hypot(*(self.xy[self.way_nodes[1:]] - self.xy[self.way_nodes[:-1]]).T)
            step_m[1:] = run
            step_m[self.way_starts[:-1]] = 0.0  # each way starts again at 0
        ways = len(starts) - 1
        first = np.repeat(self.way_starts[:-1], np.diff(self.way_starts))
        self.way_metres = np.cumsum(step_m) - np.cumsum(step_m)[first] if len(nodes) else step_m
        self.way_first = self.way_nodes[self.way_starts[:-1]] if ways else self.way_nodes
        self.way_last = self.way_nodes[self.way_starts[1:] - 1] if ways else self.way_nodes
        self.way_length = self.way_metres[self.way_starts[1:] - 1] if ways else step_m
        self.edge_way = np.array(edge_way, dtype=np.int64)
        at = self.way_starts[self.edge_way] + np.array(edge_step, dtype=np.int64)
        self.edge_forward = self.way_nodes[at] == self.ends[:, 0] if len(at) else at > 0
        self.edge_from = self.way_metres[at] if len(at) else step_m  # metres to its first node
        self.links: list[list[tuple[int, float, int]]] = [[] for _ in range(count)]
        for w, (u, v, metres) in enumerate(
            zip(
                self.way_first.tolist(),
                self.way_last.tolist(),
                self.way_length.tolist(),
                strict=True,
            )
        ):
            if u != v:  # a loop never shortens a walk
                self.links[u].append((v, metres, w))
                self.links[v].append((u, metres, w))

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
        around = np.arange(-1, 2)
        wanted = _key(np.repeat(cx + around, 3), np.tile(cy + around, 3))
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
        edge, along = int(edges[best]), float(t[best] * lengths[best])
        if not self.edge_forward[edge]:
            along = float(lengths[best]) - along
        way = int(self.edge_way[edge])
        return Snap(way, float(self.edge_from[edge]) + along, float(off[best]))

    def search(self, start: Snap, limit: float, targets: dict[int, float] | None = None) -> Search:
        """Dijkstra's over the junctions from ``start`` up to ``limit`` metres (the straight
        line onto the street included). With ``targets`` (junction -> the farthest it is worth
        reaching it) it stops as soon as every target is settled or beyond its distance."""
        u, v = self.nodes_of(start)
        length = float(self.way_length[start.way])
        heap = [(start.off + start.along, u, -1), (start.off + length - start.along, v, -2)]
        heapq.heapify(heap)
        metres: dict[int, float] = {}
        came: dict[int, int] = {}
        # the targets, farthest-worth last: the search ends past the last one not settled
        wanted = sorted((far, node) for node, far in (targets or {}).items())
        links = self.links
        while heap:
            here, node, by = heapq.heappop(heap)
            if node in metres:
                continue
            while wanted and wanted[-1][1] in metres:
                wanted.pop()
            if here > limit or (targets is not None and (not wanted or here > wanted[-1][0])):
                break
            metres[node] = here
            came[node] = by
            for other, step, way in links[node]:
                if other not in metres:
                    heapq.heappush(heap, (here + step, other, way))
        return Search(start, limit, metres, came)

    def nodes_of(self, snap: Snap) -> tuple[int, int]:
        """The junctions at either end of the way under a snapped point."""
        return int(self.way_first[snap.way]), int(self.way_last[snap.way])

    def same_piece(self, a: Snap, b: Snap) -> bool:
        """Whether the streets under two points are connected at all."""
        return bool(self.component[self.way_first[a.way]] == self.component[self.way_first[b.way]])

    def reach(self, found: Search, end: Snap) -> tuple[float, int] | None:
        """Metres from the search's start to ``end`` (onto the street, along, off again), and
        which end of ``end``'s way the walk comes in by (0 its first junction, 1 its last, -1
        along the start's own way); None if the search did not get there within its limit."""
        u, v = self.nodes_of(end)
        length = float(self.way_length[end.way])
        best: tuple[float, int] | None = None
        if end.way == found.start.way:
            best = (found.start.off + abs(found.start.along - end.along) + end.off, -1)
        for side, node, rest in ((0, u, end.along), (1, v, length - end.along)):
            if node in found.metres:
                metres = found.metres[node] + rest + end.off
                if best is None or metres < best[0]:
                    best = (metres, side)
        return best if best is not None and best[0] <= found.limit else None

    def line(self, found: Search, start: Point, end: Snap, point: Point) -> list[Point]:
        """The walk from ``start`` (the searched point) to ``point`` (snapped at ``end``) as
        (lat, lon) points: onto the street, along it, off again."""
        reached = self.reach(found, end)
        if reached is None:
            return [start, point]
        first = found.start
        if reached[1] == -1:
            xy = self._piece(first.way, first.along, end.along)
        else:
            node = self.nodes_of(end)[reached[1]]
            pieces = [self._piece(end.way, 0.0 if reached[1] == 0 else self._long(end), end.along)]
            while found.came[node] >= 0:  # back along the ways to the start's own
                way = found.came[node]
                forward = int(self.way_last[way]) == node
                pieces.append(
                    self._piece(way, 0.0, self._long(way))
                    if forward
                    else self._piece(way, self._long(way), 0.0)
                )
                node = int(self.way_first[way]) if forward else int(self.way_last[way])
            towards = 0.0 if found.came[node] == -1 else self._long(first)
            pieces.append(self._piece(first.way, first.along, towards))
            xy = [p for piece in reversed(pieces) for p in piece]
        points = [start]
        for x, y in xy:
            lat, lon = self.unproject(x, y)
            at = (round(lat, 6), round(lon, 6))
            if at != points[-1]:  # pieces meet at their junctions
                points.append(at)
        return [*points, point]

    def _long(self, item: Snap | int) -> float:
        way = item.way if isinstance(item, Snap) else item
        return float(self.way_length[way])

    def _piece(self, way: int, a: float, b: float) -> list[tuple[float, float]]:
        """The (x, y) points of a way from ``a`` metres along it to ``b`` (either way round)."""
        lo, hi = int(self.way_starts[way]), int(self.way_starts[way + 1])
        metres = self.way_metres[lo:hi]
        xy = self.xy[self.way_nodes[lo:hi]]
        low, high = min(a, b), max(a, b)
        inside = np.flatnonzero((metres > low) & (metres < high))
        points = [
            self._at(metres, xy, low),
            *map(tuple, xy[inside].tolist()),
            self._at(metres, xy, high),
        ]
        return points if a <= b else points[::-1]

    @staticmethod
    def _at(metres: np.ndarray, xy: np.ndarray, along: float) -> tuple[float, float]:
        i = int(np.clip(np.searchsorted(metres, along, side="right") - 1, 0, len(metres) - 2))
        span = float(metres[i + 1] - metres[i])
        t = 0.0 if span <= 0 else min(max((along - float(metres[i])) / span, 0.0), 1.0)
        x, y = xy[i] + t * (xy[i + 1] - xy[i])
        return float(x), float(y)


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
