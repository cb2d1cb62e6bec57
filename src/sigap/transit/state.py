"""The network each server process plans on, rebuilt when the stored one changes.

:class:`Network` is what the stored feeds make in memory: the merged feed, the lookups the API
answers from (stop search, the routes at a stop, a route's stop sequences) and the RAPTOR
timetable of each service day asked for (built on first use, the last few kept).
:class:`Holder` keeps a process's current network and reads ``transit_network.version`` at most
every ``every`` seconds (one single-row read); when it moved, the request that saw it builds the
new network while the others keep answering from the old one, so an import never stops the
planner (docs/transit.md, "Storage, import and the API"). A version that cannot be built (a
lost database) leaves the old network answering until the next look.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.db import Database
from sigap.errors import SigapError
from sigap.geo import streets as street_layer
from sigap.geo.walk import WalkGraph
from sigap.kit import settle_heap
from sigap.models import RegionLayer
from sigap.transit import gtfs, network, schedule, store
from sigap.transit.walking import Walker

log = logging.getLogger("sigap.transit")

# Timetables a process keeps. A day's timetable depends only on which services run that day and
# the day before (last night's trips), so days alike share one: a week of a feed with weekday,
# Saturday and Sunday calendars needs four (Monday, Tuesday to Friday, Saturday, Sunday), and
# asking for many dates builds no more than their kinds (a build takes about 2 s of CPU).
TABLES_KEPT = 4
DEFAULT_ZONE = "Asia/Jakarta"


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What the API says of a stored feed: its agencies, version and credit."""

    name: str
    version: int
    agencies: list[str]
    credit: str | None
    imported_at: datetime
    service_start: date
    service_end: date


@dataclass(frozen=True, slots=True)
class Sequence:
    """One stop sequence of a route (a direction, a branch) and how many trips run it."""

    headsign: str
    stops: tuple[str, ...]
    trips: int


Services = tuple[frozenset[str], frozenset[str]]


def services_key(feed: gtfs.Feed, day: date) -> Services:
    """What a day's timetable is made of: the services running that day and the day before."""
    return (
        frozenset(schedule.services_on(feed, day)),
        frozenset(schedule.services_on(feed, day - timedelta(days=1))),
    )


class Network:
    """The stored feeds of one version, merged, with the lookups the API needs."""

    def __init__(
        self,
        version: int,
        feed: gtfs.Feed,
        feeds: list[FeedInfo],
        streets: WalkGraph | None = None,
    ) -> None:
        self.version, self.feed, self.feeds = version, feed, feeds
        self.streets = streets  # the region's streets to walk (None: straight lines)
        self._walker: Walker | None = None
        zones = [agency.timezone for agency in feed.agencies.values()]
        self.zone = ZoneInfo(zones[0] if zones else DEFAULT_ZONE)
        self._tables: OrderedDict[Services, tuple[network.Timetable, set[date]]] = OrderedDict()
        self._lock = threading.Lock()
        self.platforms: dict[str, list[str]] = {}
        for stop in feed.stops.values():
            if stop.parent and stop.location_type == 0:
                self.platforms.setdefault(stop.parent, []).append(stop.id)
        self.sequences = _sequences(feed)
        self.routes_at = _routes_at(feed)
        self.calls = _calls(feed)
        self.frequencies: dict[str, list[gtfs.Frequency]] = {}
        for frequency in feed.frequencies:
            self.frequencies.setdefault(frequency.trip, []).append(frequency)
        # Stations, and the stops that belong to none: what a rider searches for.
        self.searchable = sorted(
            (
                (stop.name.casefold(), stop)
                for stop in feed.stops.values()
                if stop.location_type == 1 or (stop.location_type == 0 and not stop.parent)
            ),
            key=lambda pair: pair[0],
        )

    def table(self, day: date) -> network.Timetable:
        """The RAPTOR timetable of ``day``'s service, built once for every day alike (the same
        services that day and the day before) and kept for a while."""
        key = services_key(self.feed, day)
        with self._lock:
            kept = self._tables.get(key)
            if kept is None:
                trips = schedule.day_trips(self.feed, day)
                kept = (network.build(self.feed, trips, self._walks()), set())
                self._tables[key] = kept
                while len(self._tables) > TABLES_KEPT:
                    self._tables.popitem(last=False)
            else:
                self._tables.move_to_end(key)
            kept[1].add(day)
            return kept[0]

    def walks(self) -> Walker:
        """The stops snapped onto the streets and their footpaths walked, made once (seconds
        for Jakarta: :func:`load` makes them while the previous network still answers)."""
        with self._lock:
            return self._walks()

    def _walks(self) -> Walker:
        if self._walker is None:
            walker = network.stop_walker(self.feed, self.streets)
            walker.footpaths(network.MAX_WALK_M)
            self._walker = walker
        return self._walker

    def timetables(self) -> list[date]:
        """The days whose timetables are built."""
        with self._lock:
            return sorted(day for _table, days in self._tables.values() for day in days)

    def calls_at(self, stops: Iterable[str]) -> list[tuple[str, int]]:
        """The (trip, position) of every departure from ``stops``: each call but a trip's last."""
        return [call for stop in stops for call in self.calls.get(stop, ())]

    def span(self) -> tuple[date, date] | None:
        """The first and last day of the feeds' calendars."""
        return store.service_span(self.feed)

    def search(self, text: str, limit: int) -> list[gtfs.Stop]:
        """Stations and stops whose name holds every word of ``text`` (any case): first those
        holding the words as typed, together ("blok m" is Blok M before Blok A, whose "MRT"
        holds an m), then those whose name starts with them, then shorter names."""
        words = text.casefold().split()
        first = " ".join(words)
        found = [
            (f" {first}" not in f" {name}", not name.startswith(first), len(name), name, stop)
            for name, stop in self.searchable
            if all(word in name for word in words)
        ]
        found.sort(key=lambda item: item[:4])
        return [item[4] for item in found[:limit]]

    def stop(self, key: str) -> gtfs.Stop:
        stop = self.feed.stops.get(key)
        if stop is None:
            raise SigapError("transit_stop_not_found", stop=key)
        return stop

    def route(self, key: str) -> gtfs.Route:
        route = self.feed.routes.get(key)
        if route is None:
            raise SigapError("transit_route_not_found", route=key)
        return route


def _sequences(feed: gtfs.Feed) -> dict[str, list[Sequence]]:
    """Each route's stop sequences, the most travelled first."""
    counted: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for key, times in feed.stop_times.items():
        trip = feed.trips[key]
        counted.setdefault((trip.route, times.stops), []).append(trip.headsign)
    found: dict[str, list[Sequence]] = {}
    for (route, stops), headsigns in counted.items():
        headsign = max(set(headsigns), key=headsigns.count)
        found.setdefault(route, []).append(Sequence(headsign, stops, len(headsigns)))
    for sequences in found.values():
        sequences.sort(key=lambda s: (-s.trips, s.headsign))
    return found


def _routes_at(feed: gtfs.Feed) -> dict[str, list[str]]:
    """The routes calling at each stop, and at each station through its platforms."""
    at: dict[str, set[str]] = {}
    for key, times in feed.stop_times.items():
        route = feed.trips[key].route
        for stop in set(times.stops):
            at.setdefault(stop, set()).add(route)
            parent = feed.stops[stop].parent
            if parent:
                at.setdefault(parent, set()).add(route)
    return {stop: sorted(routes) for stop, routes in at.items()}


def _calls(feed: gtfs.Feed) -> dict[str, list[tuple[str, int]]]:
    calls: dict[str, list[tuple[str, int]]] = {}
    for key, times in feed.stop_times.items():
        for position, stop in enumerate(times.stops[:-1]):
            calls.setdefault(stop, []).append((key, position))
    return calls


def load(database: Database) -> Network | None:
    """The stored network, built (None when no feed was ever imported). The rows are copied
    out of a short read; the feeds are parsed after it ends."""
    with database.reading() as session:
        current, rows = store.feeds(session)
        archives = [(row.name, row.archive) for row in rows]
        infos = [
            FeedInfo(
                row.name,
                row.version,
                list(row.agencies),
                row.credit,
                row.imported_at,
                row.service_start,
                row.service_end,
            )
            for row in rows
        ]
        streets = _streets(session) if current is not None and archives else None
    if current is None or not archives:
        return None
    feeds = [store.read(name, archive) for name, archive in archives]
    graph = None if streets is None else walk_graph(*streets)
    built = Network(current, gtfs.merge(feeds), infos, graph)
    built.walks()
    settle_heap()
    return built


_GRAPHS: dict[str, WalkGraph] = {}  # the street layer's sha256 -> its graph (the newest only)
_GRAPHS_LOCK = threading.Lock()


def _streets(session: Session) -> tuple[str, str | None] | None:
    """The region's street layer: its sha256, and its text unless its graph is built."""
    digest = session.scalar(select(RegionLayer.sha256).where(RegionLayer.name == "streets"))
    if digest is None:
        return None
    if digest in _GRAPHS:
        return digest, None
    text = session.scalar(select(RegionLayer.geojson).where(RegionLayer.name == "streets"))
    return digest, text


def walk_graph(sha256: str, text: str | None) -> WalkGraph:
    """The region's street layer as a walking graph (:mod:`sigap.geo.walk`), built once per
    layer and process (Jakarta's: 1.8-2.9 s and some 24 MB), shared by the networks that follow
    (a new feed version keeps the streets). ``text`` may be None when the graph is built."""
    with _GRAPHS_LOCK:
        graph = _GRAPHS.get(sha256)
        if graph is None:
            graph = WalkGraph(street_layer.parse(text or ""))
            _GRAPHS.clear()
            _GRAPHS[sha256] = graph
        return graph


class Holder:
    """A process's current network; see the module's docstring."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.network: Network | None = None
        self.checked = -float("inf")
        self._lock = threading.Lock()

    def warm(self, database: Database, now: datetime) -> None:
        """Build the network and today's timetable before the first journey asks for them (on
        a thread at the app's start); nothing when no feed was imported."""
        try:
            held = self.current(database)
        except SigapError:
            return
        held.table(now.astimezone(held.zone).date())

    def current(self, database: Database) -> Network:
        """The network to answer with (on a worker thread: it may read and build)."""
        held = self.network
        if held is not None and time.monotonic() - self.checked < self.every:
            return held
        # Without a network every request looks (one single-row read), so the first import is
        # planned on at once. A request that finds another one looking (or building) answers
        # from the network there is; only when there is none does it wait.
        if not self._lock.acquire(blocking=held is None):
            return _built(held)
        try:
            if self.network is not held:
                return _built(self.network)  # built by the request this one waited for
            with database.reading() as session:
                stored = store.version(session)
            if stored is None:
                self.network = None
            elif held is None or held.version != stored:
                try:
                    self.network = load(database)
                except Exception:
                    if held is None:
                        raise
                    # A lost database, a stored feed today's reader refuses: keep answering
                    # from the network there is, and try again at the next look.
                    log.warning(
                        "transit network version %s not built; still planning on version %s",
                        stored,
                        held.version,
                        exc_info=True,
                    )
            self.checked = time.monotonic()
            return _built(self.network)
        finally:
            self._lock.release()


def _built(held: Network | None) -> Network:
    if held is None:
        raise SigapError("transit_no_network")
    return held
