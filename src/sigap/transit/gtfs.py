"""Read a GTFS feed (a folder or a ``.zip``) into plain records, validated as it is read.

Every problem is a :class:`FeedError` naming the feed, the file, the line and the field, in
Bahasa Indonesia and English (the ``gtfs_*`` codes of :mod:`sigap.errors.public`): whoever
imports an operator's feed must be able to fix it without reading this code. Problems that do
not stop a journey from being planned (a trip without stop times, a headway longer than
:data:`LONG_HEADWAY_S`) are kept as ``warnings`` instead.

Every id (stop, route, trip, service, agency) is prefixed with the feed's name and a colon:
two operators may both have a stop "1", and merging feeds (:func:`merge`) must not join them.
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sigap.errors import SigapError

REQUIRED_FILES = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
# A headway above this is more likely a placeholder than a promise (Transjakarta's feed has
# 44,000-52,700 s on route 1H and the tourist buses): kept, but named in the warnings.
LONG_HEADWAY_S = 3 * 3600
# The latest hour a feed's time may give: trips run past midnight into the next day, rarely
# further; the RAPTOR index holds a day's times from 72 hours back to 218 hours on (network.py).
MAX_HOURS = 72
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class FeedError(SigapError):
    """A feed that cannot be read as GTFS: where (``file``, ``line``, ``field``) and why."""

    def __init__(
        self, code: str, *, feed: str, file: str, line: int = 0, field: str = "", **params: Any
    ) -> None:
        super().__init__(code, feed=feed, file=file, line=line, field=field, **params)
        self.file, self.line, self.field = file, line, field


@dataclass(frozen=True, slots=True)
class Agency:
    id: str
    name: str
    url: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Stop:
    """location_type 0 is a stop or platform (where vehicles call), 1 a station grouping
    platforms (``parent``), 2 an entrance, 3 a generic node, 4 a boarding area."""

    id: str
    name: str
    lat: float
    lon: float
    location_type: int
    parent: str | None


@dataclass(frozen=True, slots=True)
class Route:
    id: str
    agency: str
    short_name: str
    long_name: str
    route_type: int
    color: str


@dataclass(frozen=True, slots=True)
class Trip:
    id: str
    route: str
    service: str
    headsign: str


@dataclass(frozen=True, slots=True)
class StopTimes:
    """One trip's calls in order; times in seconds after the service day's midnight (GTFS
    times pass 24:00 for trips after midnight)."""

    stops: tuple[str, ...]
    arrivals: tuple[int, ...]
    departures: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Frequency:
    """``exact`` False (exact_times=0, the usual case) promises only the headway: the trip's
    stop times are a template and no departure time is published."""

    trip: str
    start: int
    end: int
    headway: int
    exact: bool


@dataclass(frozen=True, slots=True)
class Transfer:
    """transfer_type 0 recommended, 1 timed, 2 needs ``min_time`` seconds, 3 not possible."""

    from_stop: str
    to_stop: str
    kind: int
    min_time: int | None


@dataclass(frozen=True, slots=True)
class Service:
    days: tuple[bool, ...]  # Monday first
    start: date
    end: date


@dataclass(slots=True)
class Feed:
    """One feed, or several merged (``name`` then lists them, joined by "+")."""

    name: str
    agencies: dict[str, Agency] = field(default_factory=dict)
    stops: dict[str, Stop] = field(default_factory=dict)
    routes: dict[str, Route] = field(default_factory=dict)
    trips: dict[str, Trip] = field(default_factory=dict)
    stop_times: dict[str, StopTimes] = field(default_factory=dict)
    frequencies: list[Frequency] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    services: dict[str, Service] = field(default_factory=dict)
    # service -> day -> True (added, exception_type 1) or False (removed, 2)
    exceptions: dict[str, dict[date, bool]] = field(default_factory=dict)
    # route -> the fare its operator gives it (GTFS v1 fare_rules.txt's fare_id, as written)
    route_fares: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def read_feed(path: Path, name: str | None = None) -> Feed:
    """The feed at ``path``, its ids prefixed with ``name`` (the folder's or zip's name
    without extension by default)."""
    source = _Source(path, name or path.stem)
    feed = Feed(source.feed)
    _read_agencies(source, feed)
    _read_stops(source, feed)
    _read_routes(source, feed)
    _read_services(source, feed)
    _read_trips(source, feed)
    _read_stop_times(source, feed)
    _read_frequencies(source, feed)
    _read_transfers(source, feed)
    _read_route_fares(source, feed)
    return feed


def merge(feeds: Iterable[Feed]) -> Feed:
    """One network of several feeds; their ids are already apart, their names must be."""
    merged = Feed("")
    names: list[str] = []
    for feed in feeds:
        if feed.name in names:
            raise FeedError("gtfs_feed_twice", feed=feed.name, file="")
        names.append(feed.name)
        for attribute in ("agencies", "stops", "routes", "trips", "stop_times", "services"):
            getattr(merged, attribute).update(getattr(feed, attribute))
        merged.exceptions.update(feed.exceptions)
        merged.route_fares.update(feed.route_fares)
        merged.frequencies.extend(feed.frequencies)
        merged.transfers.extend(feed.transfers)
        merged.warnings.extend(feed.warnings)
    merged.name = "+".join(names)
    return merged


# --- the files ---------------------------------------------------------------------------


class _Source:
    """A feed's files, from a folder or a zip (at its root or in one folder inside it)."""

    def __init__(self, path: Path, feed: str) -> None:
        self.path, self.feed = path, feed
        self.names: dict[str, str] = {}
        if path.is_dir():
            self.names = {p.name: p.name for p in path.iterdir() if p.is_file()}
        elif zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    self.names.setdefault(member.rsplit("/", 1)[-1], member)
        else:
            raise FeedError("gtfs_missing_file", feed=feed, file=str(path))
        for required in REQUIRED_FILES:
            if required not in self.names:
                raise FeedError("gtfs_missing_file", feed=feed, file=required)

    def has(self, name: str) -> bool:
        return name in self.names

    def text(self, name: str) -> str:
        """The file's text; utf-8-sig drops the byte-order mark some exporters write."""
        if self.path.is_dir():
            return (self.path / self.names[name]).read_text(encoding="utf-8-sig")
        with zipfile.ZipFile(self.path) as archive:
            return archive.read(self.names[name]).decode("utf-8-sig")

    def rows(self, name: str, required: tuple[str, ...] = ()) -> Iterator[_Row]:
        """The file's records (none when an optional file is absent), each knowing its line;
        a column in ``required`` must be in the header and filled on every line."""
        if not self.has(name):
            return
        reader = csv.reader(io.StringIO(self.text(name), newline=""))
        header = [column.strip() for column in next(reader, [])]
        for column in required:
            if column not in header:
                raise FeedError(
                    "gtfs_missing_field", feed=self.feed, file=name, line=1, field=column
                )
        for values in reader:
            if not any(value.strip() for value in values):
                continue  # a blank line, often the last one
            row = _Row(self, name, reader.line_num, dict(zip(header, values, strict=False)))
            for column in required:
                row.need(column)
            yield row


class _Row:
    """One record: its fields stripped, its parse helpers raising where it is."""

    __slots__ = ("file", "line", "source", "values")

    def __init__(self, source: _Source, file: str, line: int, values: dict[str, str]) -> None:
        self.source, self.file, self.line = source, file, line
        self.values = {k: (v or "").strip() for k, v in values.items()}

    def get(self, column: str, default: str = "") -> str:
        return self.values.get(column) or default

    def need(self, column: str) -> str:
        value = self.values.get(column, "")
        if not value:
            raise self.error("gtfs_missing_field", column)
        return value

    def id(self, column: str) -> str:
        """A required id, prefixed with the feed's name."""
        return f"{self.source.feed}:{self.need(column)}"

    def ref(self, column: str, table: dict[str, Any], target: str) -> str:
        """A required id that must name a record of ``table`` (read from ``target``)."""
        key = self.id(column)
        if key not in table:
            raise self.error("gtfs_unknown_reference", column, target=target)
        return key

    def error(self, code: str, column: str, **params: Any) -> FeedError:
        return FeedError(
            code,
            feed=self.source.feed,
            file=self.file,
            line=self.line,
            field=column,
            value=self.values.get(column, ""),
            **params,
        )

    def integer(self, column: str, default: int | None = None, low: int = 0) -> int:
        value = self.get(column)
        if not value and default is not None:
            return default
        try:
            number = int(self.need(column))
        except ValueError:
            raise self.error("gtfs_bad_value", column) from None
        if number < low:
            raise self.error("gtfs_bad_value", column)
        return number

    def coordinate(self, column: str, limit: float) -> float:
        try:
            number = float(self.need(column))
        except ValueError:
            raise self.error("gtfs_bad_value", column) from None
        if not -limit <= number <= limit:
            raise self.error("gtfs_bad_value", column)
        return number

    def time(self, column: str) -> int | None:
        """Seconds after midnight of ``H:MM:SS`` (hours may pass 24, up to :data:`MAX_HOURS`);
        None when empty."""
        value = self.get(column)
        if not value:
            return None
        parts = value.split(":")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            raise self.error("gtfs_bad_value", column)
        hours, minutes, seconds = (int(p) for p in parts)
        if hours > MAX_HOURS or minutes > 59 or seconds > 59:
            raise self.error("gtfs_bad_value", column)
        return hours * 3600 + minutes * 60 + seconds

    def day(self, column: str) -> date:
        value = self.need(column)
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        except ValueError:
            raise self.error("gtfs_bad_value", column) from None

    def unique(self, table: dict[str, Any], column: str) -> str:
        key = self.id(column)
        if key in table:
            raise self.error("gtfs_duplicate_id", column)
        return key


# --- one reader per file -----------------------------------------------------------------


def _read_agencies(source: _Source, feed: Feed) -> None:
    for row in source.rows("agency.txt", ("agency_name", "agency_url", "agency_timezone")):
        # agency_id may be empty in a feed of one agency: the feed's name stands for it
        key = f"{feed.name}:{row.get('agency_id')}" if row.get("agency_id") else feed.name
        if key in feed.agencies:
            raise row.error("gtfs_duplicate_id", "agency_id")
        feed.agencies[key] = Agency(
            key, row.need("agency_name"), row.need("agency_url"), row.need("agency_timezone")
        )
    if not feed.agencies:
        raise FeedError("gtfs_missing_field", feed=feed.name, file="agency.txt", field="agency_id")


def _read_stops(source: _Source, feed: Feed) -> None:
    parents: list[tuple[_Row, str]] = []
    for row in source.rows("stops.txt", ("stop_id",)):
        key = row.unique(feed.stops, "stop_id")
        kind = row.integer("location_type", default=0)
        if kind > 4:
            raise row.error("gtfs_bad_value", "location_type")
        located = kind <= 2  # nodes and boarding areas may leave their position out
        lat = row.coordinate("stop_lat", 90) if located or row.get("stop_lat") else 0.0
        lon = row.coordinate("stop_lon", 180) if located or row.get("stop_lon") else 0.0
        parent = f"{feed.name}:{row.get('parent_station')}" if row.get("parent_station") else None
        if parent:
            parents.append((row, parent))
        feed.stops[key] = Stop(key, row.get("stop_name"), lat, lon, kind, parent)
    for row, parent in parents:
        if parent not in feed.stops:
            raise row.error("gtfs_unknown_reference", "parent_station", target="stops.txt")


def _read_routes(source: _Source, feed: Feed) -> None:
    only = next(iter(feed.agencies)) if len(feed.agencies) == 1 else None
    for row in source.rows("routes.txt", ("route_id", "route_type")):
        key = row.unique(feed.routes, "route_id")
        agency = row.ref("agency_id", feed.agencies, "agency.txt") if row.get("agency_id") else only
        if agency is None:
            raise row.error("gtfs_missing_field", "agency_id")
        if not (row.get("route_short_name") or row.get("route_long_name")):
            raise row.error("gtfs_missing_field", "route_short_name")
        feed.routes[key] = Route(
            key,
            agency,
            row.get("route_short_name"),
            row.get("route_long_name"),
            row.integer("route_type"),
            row.get("route_color"),
        )


def _read_services(source: _Source, feed: Feed) -> None:
    if not (source.has("calendar.txt") or source.has("calendar_dates.txt")):
        raise FeedError("gtfs_missing_file", feed=feed.name, file="calendar.txt")
    for row in source.rows("calendar.txt", ("service_id", *WEEKDAYS, "start_date", "end_date")):
        key = row.unique(feed.services, "service_id")
        days = tuple(_flag(row, day) for day in WEEKDAYS)
        feed.services[key] = Service(days, row.day("start_date"), row.day("end_date"))
    for row in source.rows("calendar_dates.txt", ("service_id", "date", "exception_type")):
        kind = row.integer("exception_type")
        if kind not in (1, 2):
            raise row.error("gtfs_bad_value", "exception_type")
        feed.exceptions.setdefault(row.id("service_id"), {})[row.day("date")] = kind == 1


def _flag(row: _Row, column: str) -> bool:
    value = row.integer(column)
    if value > 1:
        raise row.error("gtfs_bad_value", column)
    return value == 1


def _read_trips(source: _Source, feed: Feed) -> None:
    for row in source.rows("trips.txt", ("route_id", "service_id", "trip_id")):
        key = row.unique(feed.trips, "trip_id")
        route = row.ref("route_id", feed.routes, "routes.txt")
        service = row.id("service_id")
        if service not in feed.services and service not in feed.exceptions:
            raise row.error("gtfs_unknown_reference", "service_id", target="calendar.txt")
        feed.trips[key] = Trip(key, route, service, row.get("trip_headsign"))


def _read_stop_times(source: _Source, feed: Feed) -> None:
    calls: dict[str, list[tuple[int, str, int | None, int | None, _Row]]] = {}
    for row in source.rows("stop_times.txt", ("trip_id", "stop_id", "stop_sequence")):
        trip = row.ref("trip_id", feed.trips, "trips.txt")
        stop = row.ref("stop_id", feed.stops, "stops.txt")
        arrival, departure = row.time("arrival_time"), row.time("departure_time")
        calls.setdefault(trip, []).append(
            (row.integer("stop_sequence"), stop, arrival, departure, row)
        )
    for trip in list(feed.trips):
        found = sorted(calls.get(trip, ()), key=lambda call: call[0])
        if len(found) < 2:
            feed.warnings.append(f"{trip}: fewer than two stop times, left out")
            continue
        feed.stop_times[trip] = _timed(found)


def _timed(calls: list[tuple[int, str, int | None, int | None, _Row]]) -> StopTimes:
    """A trip's stop times, the untimed calls between two timed ones interpolated evenly
    (GTFS lets non-timepoints leave both times out); times must never go back."""
    for end in (calls[0], calls[-1]):
        if end[2] is None and end[3] is None:
            raise end[4].error("gtfs_missing_field", "arrival_time")
    untimed = -1
    arrivals = [_first(a, d, untimed) for _, _, a, d, _ in calls]
    departures = [_first(d, a, untimed) for _, _, a, d, _ in calls]
    known = [i for i, a in enumerate(arrivals) if a != untimed]
    for left, right in itertools.pairwise(known):
        start, stop = departures[left], arrivals[right]
        for i in range(left + 1, right):
            arrivals[i] = departures[i] = start + (stop - start) * (i - left) // (right - left)
    last = -1
    for (_, _, _, _, row), a, d in zip(calls, arrivals, departures, strict=True):
        if a < last or d < a:
            raise row.error("gtfs_bad_value", "arrival_time" if a < last else "departure_time")
        last = d
    return StopTimes(tuple(call[1] for call in calls), tuple(arrivals), tuple(departures))


def _first(value: int | None, other: int | None, missing: int) -> int:
    if value is not None:
        return value
    return other if other is not None else missing


def _read_frequencies(source: _Source, feed: Feed) -> None:
    columns = ("trip_id", "start_time", "end_time", "headway_secs")
    for row in source.rows("frequencies.txt", columns):
        trip = row.ref("trip_id", feed.trips, "trips.txt")
        if trip not in feed.stop_times:
            continue  # a trip without stop times: already warned
        start, end = row.time("start_time") or 0, row.time("end_time") or 0  # required
        headway = row.integer("headway_secs", low=1)
        if end <= start:
            raise row.error("gtfs_bad_value", "end_time")
        if headway > LONG_HEADWAY_S:
            feed.warnings.append(f"{trip}: headway of {headway} s, kept as given")
        exact = row.integer("exact_times", default=0) == 1
        feed.frequencies.append(Frequency(trip, start, end, headway, exact))


def _read_transfers(source: _Source, feed: Feed) -> None:
    for row in source.rows("transfers.txt", ("from_stop_id", "to_stop_id")):
        kind = row.integer("transfer_type", default=0)
        if kind > 5:
            raise row.error("gtfs_bad_value", "transfer_type")
        if kind > 3:
            continue  # in-seat transfers (4, 5) link trips, not stops
        from_stop = row.ref("from_stop_id", feed.stops, "stops.txt")
        to_stop = row.ref("to_stop_id", feed.stops, "stops.txt")
        min_time = row.integer("min_transfer_time") if row.get("min_transfer_time") else None
        if kind == 2 and min_time is None:
            raise row.error("gtfs_missing_field", "min_transfer_time")
        feed.transfers.append(Transfer(from_stop, to_stop, kind, min_time))


def _read_route_fares(source: _Source, feed: Feed) -> None:
    """Which fare each route pays, as the operator's feed says (v1 fare_rules.txt): the fare
    rules of a region name a feed's fare ids, not its routes (sigap.fares.rules)."""
    for row in source.rows("fare_rules.txt", ("fare_id",)):
        if not row.get("route_id"):
            continue  # a fare by zones or for the whole feed: nothing to say of a route
        route = row.id("route_id")
        if route in feed.routes:
            feed.route_fares.setdefault(route, row.get("fare_id"))
        else:
            feed.warnings.append(f"fare_rules.txt line {row.line}: no route {route}, left out")
