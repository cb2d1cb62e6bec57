"""Simple routes from one spreadsheet CSV into a GTFS feed (docs/transit.md, "Routes from a
spreadsheet").

One row per stop of a route, in order; a route's own values (its long name, agency, mode,
colour) on its first row, a direction's service (first and last departure, headway, days) on
the direction's first row; later rows may leave them blank or repeat them. ``return`` = yes
adds the same stops run back. Minutes left blank are derived from the straight-line distance
times the planner's detour at ``speed_kmh``. The result is a feed of frequencies (exact_times=0:
a headway is promised, not a timetable), read back by :func:`sigap.transit.gtfs.read_feed`
through :func:`sigap.transit.store.load` before anything is written or stored.

Every problem is a :class:`CsvError` naming the CSV's line and column (its name and its
spreadsheet letter), in Bahasa Indonesia and English (the ``transit_csv_*`` codes).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import tempfile
import unicodedata
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sigap.errors import SigapError
from sigap.inputs import CONTROL
from sigap.transit import gtfs, store
from sigap.transit.network import DETOUR

REQUIRED = ("route", "stop", "lat", "lon")
ROUTE_COLUMNS = ("route_name", "agency", "agency_url", "timezone", "mode", "color")
DIRECTION_COLUMNS = ("first", "last", "headway", "days", "return", "speed_kmh", "from", "until")
COLUMNS = frozenset((*REQUIRED, *ROUTE_COLUMNS, *DIRECTION_COLUMNS, "direction", "minutes"))
DEFAULT_SPEED_KMH = 20.0
MAX_HEADWAY_MIN = 720
# An operator's file is a few hundred rows; a spreadsheet of 1 MB is far beyond one region.
MAX_BYTES = 1024 * 1024
MODES = {
    "bus": 3, "angkot": 3, "minibus": 3, "tram": 0, "lrt": 0, "metro": 1, "mrt": 1,
    "rail": 2, "train": 2, "kereta": 2, "krl": 2, "ferry": 4, "kapal": 4,
}  # fmt: skip
DAYS = {
    "mon": 0, "monday": 0, "sen": 0, "senin": 0,
    "tue": 1, "tuesday": 1, "sel": 1, "selasa": 1,
    "wed": 2, "wednesday": 2, "rab": 2, "rabu": 2,
    "thu": 3, "thursday": 3, "kam": 3, "kamis": 3,
    "fri": 4, "friday": 4, "jum": 4, "jumat": 4,
    "sat": 5, "saturday": 5, "sab": 5, "sabtu": 5,
    "sun": 6, "sunday": 6, "min": 6, "minggu": 6,
}  # fmt: skip
ALL_DAYS = {"daily": 7, "every day": 7, "setiap hari": 7, "weekdays": 5, "hari kerja": 5}
YES, NO = {"yes", "ya", "y", "1", "true", "x"}, {"", "no", "tidak", "n", "0", "false"}
# The hint of each value refused: what the column takes, in id and en.
HINTS: dict[str, tuple[str, str]] = {
    "lat": ("lintang dalam derajat desimal, -90 sampai 90", "a latitude in decimal degrees"),
    "lon": ("bujur dalam derajat desimal, -180 sampai 180", "a longitude in decimal degrees"),
    "minutes": (
        "menit sejak halte pertama, tidak berkurang, 0 di halte pertama",
        "minutes from the first stop, never decreasing, 0 at the first stop",
    ),
    "first": ("jam JJ:MM", "a time HH:MM"),
    "last": ("jam JJ:MM, tidak sebelum 'first'", "a time HH:MM, not before 'first'"),
    "headway": (f"menit, 1 sampai {MAX_HEADWAY_MIN}", f"minutes, 1 to {MAX_HEADWAY_MIN}"),
    "days": ("misalnya 'sen-jum', 'sab,min' atau 'setiap hari'", "e.g. 'mon-fri' or 'daily'"),
    "return": ("ya atau tidak", "yes or no"),
    "speed_kmh": ("km/jam, 1 sampai 200", "km/h, 1 to 200"),
    "from": ("tanggal YYYY-MM-DD", "a date YYYY-MM-DD"),
    "until": ("tanggal YYYY-MM-DD, tidak sebelum 'from'", "a date YYYY-MM-DD, not before 'from'"),
    "mode": ("bus, angkot, lrt, tram, mrt, kereta atau kapal", "bus, lrt, tram, rail, ferry"),
    "color": ("warna heksadesimal, misalnya 0A7E3C", "a hex colour, e.g. 0A7E3C"),
    "timezone": ("zona waktu, misalnya Asia/Makassar", "a time zone, e.g. Asia/Makassar"),
    "route": ("kode rute lain: huruf dan angka", "another route code: letters and digits"),
    "text": ("teks CSV UTF-8", "UTF-8 CSV text"),
}


class CsvError(SigapError):
    """A problem in the operator's CSV: its ``line`` (1 is the header) and ``column``."""

    def __init__(self, code: str, *, file: str, line: int, column: str = "", **params: Any) -> None:
        super().__init__(
            code,
            details=[{"line": line, "column": column}],
            file=file,
            line=line,
            column=column,
            **params,
        )
        self.line, self.column = line, column


@dataclass(frozen=True, slots=True)
class RouteSpec:
    id: str
    short_name: str
    long_name: str
    agency: str
    agency_url: str
    timezone: str
    mode: int
    color: str


@dataclass(slots=True)
class Direction:
    """One direction of a route as listed (``back``: it runs back the same way too)."""

    route: str
    trip: str
    headsign: str
    first: int
    last: int
    headway: int  # seconds
    days: tuple[bool, ...]
    start: date
    end: date
    back: bool
    speed: float  # m/s
    line: int
    stops: list[tuple[str, str, float, float, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Converted:
    """The feed made of a CSV: read back and packed as ``import-gtfs`` stores it."""

    loaded: store.Loaded
    routes: list[RouteSpec]
    directions: list[Direction]

    def preview(self) -> dict[str, Any]:
        """The routes, directions (stops in order, minutes, service) and counts."""
        routes = []
        for route in self.routes:
            mine = [d for d in self.directions if d.route == route.id]
            routes.append(
                {
                    "id": route.id,
                    "short_name": route.short_name,
                    "long_name": route.long_name,
                    "agency": route.agency,
                    "directions": [_direction_dict(d) for d in mine],
                }
            )
        feed = self.loaded.feed
        return {
            "name": self.loaded.name,
            "routes": routes,
            "stops": len(feed.stops),
            "trips": len(feed.trips),
            "warnings": list(feed.warnings),
        }


def _direction_dict(d: Direction) -> dict[str, Any]:
    days = ",".join(name for name, on in zip(_DAY_NAMES, d.days, strict=True) if on)
    return {
        "headsign": d.headsign,
        "stops": [name for _, name, _, _, _ in d.stops],
        "minutes": [round(s[4] / 60, 1) for s in d.stops],
        "first": _hhmm(d.first),
        "last": _hhmm(d.last),
        "headway_min": d.headway // 60,
        "days": days,
        "start": d.start.isoformat(),
        "end": d.end.isoformat(),
        "both_ways": d.back,
    }


_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def convert(
    data: bytes, name: str, *, file: str, today: date, timezone: str = "Asia/Jakarta"
) -> Converted:
    """The feed ``name`` made of the CSV ``data`` (its name ``file`` in errors), its calendars
    from ``today`` for a year unless the rows say ``from``/``until``; ``timezone`` is the
    agencies' unless a row says another."""
    store.check_name(name)
    if len(data) > MAX_BYTES:
        raise CsvError("transit_csv_too_large", file=file, line=0, limit=MAX_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvError("transit_csv_unreadable", file=file, line=0) from None
    control = CONTROL.search(text)
    if control:  # the text rule of every input (sigap.inputs): no control characters
        line = text.count("\n", 0, control.start()) + 1
        raise CsvError("transit_csv_unreadable", file=file, line=line)
    reader = _Reader(text, file, timezone, today)
    routes, directions = reader.read()
    files = _gtfs(routes, directions)
    with tempfile.TemporaryDirectory(prefix="sigap-csv-") as folder:
        for filename, content in files.items():
            (Path(folder) / filename).write_text(content, encoding="utf-8")
        loaded = store.load(Path(folder), name)  # the reader's own validation
    return Converted(loaded, routes, directions)


# --- reading the rows --------------------------------------------------------------------


class _Row:
    __slots__ = ("line", "reader", "values")

    def __init__(self, reader: _Reader, line: int, values: dict[str, str]) -> None:
        self.reader, self.line, self.values = reader, line, values

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def need(self, column: str) -> str:
        value = self.get(column)
        if not value:
            raise self.error("transit_csv_missing_value", column)
        return value

    def error(self, code: str, column: str, **params: Any) -> CsvError:
        hint = HINTS.get(column, ("", ""))
        return CsvError(
            code,
            file=self.reader.file,
            line=self.line,
            column=column,
            letter=self.reader.letters.get(column, "?"),
            value=self.get(column),
            hint_id=hint[0],
            hint_en=hint[1],
            **params,
        )

    def bad(self, column: str) -> CsvError:
        return self.error("transit_csv_bad_value", column)

    def number(self, column: str, low: float, high: float) -> float:
        value = self.get(column)
        if self.reader.decimal_comma:
            value = value.replace(",", ".")
        try:
            number = float(value)
        except ValueError:
            raise self.bad(column) from None
        if not (low <= number <= high) or math.isnan(number):
            raise self.bad(column)
        return number


class _Reader:
    def __init__(self, text: str, file: str, timezone: str, today: date) -> None:
        self.text, self.file, self.timezone, self.today = text, file, timezone, today
        self.letters: dict[str, str] = {}
        self.decimal_comma = False

    def rows(self) -> Generator[_Row, None, None]:
        first_line = self.text.split("\n", 1)[0]
        delimiter = max((";", "\t", ","), key=first_line.count)
        # A spreadsheet in Indonesian writes "-5,21" and separates fields with ';'.
        self.decimal_comma = delimiter != ","
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=delimiter)
        header = [column.strip().lower() for column in next(reader, [])]
        for index, column in enumerate(header):
            self.letters[column] = _letter(index)
            if column and column not in COLUMNS:
                raise CsvError(
                    "transit_csv_unknown_column",
                    file=self.file,
                    line=1,
                    column=column,
                    letter=_letter(index),
                )
        for column in REQUIRED:
            if column not in header:
                raise CsvError("transit_csv_missing_column", file=self.file, line=1, column=column)
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            extra = [i for i in range(len(header), len(values)) if values[i].strip()]
            if extra:  # often a decimal comma in a file separated by commas
                raise self._extra(reader.line_num, extra[0], len(header))
            row = _Row(
                self,
                reader.line_num,
                {k: v.strip() for k, v in zip(header, values, strict=False) if k},
            )
            try:
                yield row
            except CsvError:
                # A row longer than the header whose values are refused: a decimal comma has
                # most likely moved them one column on (-5,2045 read as -5 and 2045).
                if len(values) > len(header):
                    raise self._extra(reader.line_num, len(header), len(header)) from None
                raise

    def _extra(self, line: int, index: int, columns: int) -> CsvError:
        return CsvError(
            "transit_csv_extra_values",
            file=self.file,
            line=line,
            letter=_letter(index),
            columns=columns,
        )

    def read(self) -> tuple[list[RouteSpec], list[Direction]]:
        routes: dict[str, RouteSpec] = {}
        first_rows: dict[str, _Row] = {}  # route code -> its first row
        set_at: dict[tuple[str, str, str], tuple[str, int]] = {}  # (route, dir, column)
        directions: dict[tuple[str, str], Direction] = {}
        last_row: _Row | None = None
        rows = self.rows()
        for row in rows:
            last_row = row
            try:
                self._take(row, routes, first_rows, set_at, directions)
            except CsvError as error:
                rows.throw(error)  # the reader may name a better cause; else it raises this
        if last_row is None:
            raise CsvError("transit_csv_empty", file=self.file, line=1)
        for direction in directions.values():
            if len(direction.stops) < 2:
                raise CsvError(
                    "transit_csv_too_few_stops",
                    file=self.file,
                    line=direction.line,
                    column="stop",
                    route=direction.route,
                )
            if not direction.headsign:
                direction.headsign = direction.stops[-1][1]
        return list(routes.values()), list(directions.values())

    def _take(
        self,
        row: _Row,
        routes: dict[str, RouteSpec],
        first_rows: dict[str, _Row],
        set_at: dict[tuple[str, str, str], tuple[str, int]],
        directions: dict[tuple[str, str], Direction],
    ) -> None:
        """One stop's row: its route and direction the first time they are named."""
        code = row.need("route")
        route_id = _slug(code)
        if not route_id:
            raise row.bad("route")
        if code not in first_rows:
            if any(r.id == route_id for r in routes.values()):
                raise row.error("transit_csv_bad_value", "route")
            first_rows[code] = row
            routes[code] = self._route(row, route_id, code)
        heading = row.get("direction")
        for column in (*ROUTE_COLUMNS, *DIRECTION_COLUMNS):
            value = row.get(column)
            scope = "" if column in ROUTE_COLUMNS else heading
            key = (code, scope, column)
            if not value:
                continue
            if key in set_at and set_at[key][0] != value:
                before, line = set_at[key]
                raise row.error("transit_csv_conflict", column, earlier=line, before=before)
            set_at.setdefault(key, (value, row.line))
        direction = directions.get((code, heading))
        if direction is None:
            trip = f"{route_id}-{1 + sum(d.route == route_id for d in directions.values())}"
            direction = self._direction(row, route_id, trip, heading)
            directions[(code, heading)] = direction
        self._stop(row, direction)

    def _route(self, row: _Row, route_id: str, code: str) -> RouteSpec:
        mode = row.get("mode").lower() or "bus"
        if mode not in MODES:
            raise row.bad("mode")
        color = row.get("color").lstrip("#").upper()
        if color and not re.fullmatch(r"[0-9A-F]{6}", color):
            raise row.bad("color")
        zone = row.get("timezone") or self.timezone
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise row.bad("timezone") from None
        agency = row.need("agency")
        url = row.get("agency_url") or f"https://{_slug(agency) or 'agency'}.invalid"
        return RouteSpec(
            route_id, code, row.get("route_name"), agency, url, zone, MODES[mode], color
        )

    def _direction(self, row: _Row, route_id: str, trip: str, heading: str) -> Direction:
        first = _time(row, "first")
        last = _time(row, "last")
        if last < first:
            raise row.bad("last")
        headway = row.number("headway", 1, MAX_HEADWAY_MIN)
        if headway != int(headway):
            raise row.bad("headway")
        back = row.get("return").lower()
        if back not in YES | NO:
            raise row.bad("return")
        speed = row.number("speed_kmh", 1, 200) if row.get("speed_kmh") else DEFAULT_SPEED_KMH
        start = _date(row, "from") if row.get("from") else self.today
        end = _date(row, "until") if row.get("until") else start + timedelta(days=365)
        if end < start:
            raise row.bad("until")
        return Direction(
            route_id,
            trip,
            heading,
            first,
            last,
            int(headway) * 60,
            _days(row),
            start,
            end,
            back in YES,
            speed * 1000 / 3600,
            row.line,
        )

    def _stop(self, row: _Row, direction: Direction) -> None:
        name = row.need("stop")
        row.need("lat")
        row.need("lon")
        lat, lon = row.number("lat", -90, 90), row.number("lon", -180, 180)
        stop_id = f"{_slug(name)[:40] or 'stop'}-{_place(lat, lon)}"
        if not direction.stops:
            if row.get("minutes") and row.number("minutes", 0, 0) != 0:
                raise row.bad("minutes")
            seconds = 0
        else:
            _, _, lat0, lon0, before = direction.stops[-1]
            if row.get("minutes"):
                seconds = round(row.number("minutes", 0, 48 * 60) * 60)
                if seconds < before:
                    raise row.bad("minutes")
            else:
                metres = _distance(lat0, lon0, lat, lon) * DETOUR
                seconds = before + round(metres / direction.speed)
        direction.stops.append((stop_id, name, lat, lon, seconds))


def _letter(index: int) -> str:
    """The spreadsheet's name of a column (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _place(lat: float, lon: float) -> str:
    """Six hex digits of a stop's position to the 5th decimal (about a metre): the same name
    at the same place is the same stop in every route and at every import."""
    return hashlib.sha1(f"{lat:.5f},{lon:.5f}".encode(), usedforsecurity=False).hexdigest()[:6]


def _distance(lat0: float, lon0: float, lat1: float, lon1: float) -> float:
    """Metres along the sphere between two points (haversine)."""
    p0, p1 = math.radians(lat0), math.radians(lat1)
    dp, dl = p1 - p0, math.radians(lon1 - lon0)
    h = math.sin(dp / 2) ** 2 + math.cos(p0) * math.cos(p1) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def _time(row: _Row, column: str) -> int:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", row.need(column))
    if not match or int(match.group(1)) > 47 or int(match.group(2)) > 59:
        raise row.bad(column)
    return int(match.group(1)) * 3600 + int(match.group(2)) * 60


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _date(row: _Row, column: str) -> date:
    try:
        return date.fromisoformat(row.get(column))
    except ValueError:
        raise row.bad(column) from None


def _days(row: _Row) -> tuple[bool, ...]:
    text = " ".join(row.need("days").lower().split())
    if text in ALL_DAYS:
        return tuple(day < ALL_DAYS[text] for day in range(7))
    chosen = [False] * 7
    for part in re.split(r"[,;/ ]+", text):
        if not part:
            continue
        ends = part.split("-")
        if len(ends) > 2 or not all(end in DAYS for end in ends):
            raise row.bad("days")
        first, last = DAYS[ends[0]], DAYS[ends[-1]]
        day = first
        while True:  # a range may wrap over the week's end: sat-mon
            chosen[day] = True
            if day == last:
                break
            day = (day + 1) % 7
    return tuple(chosen)


# --- writing the feed --------------------------------------------------------------------


def _table(header: Sequence[str], rows: list[tuple[object, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _gtfs_time(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _gtfs(routes: list[RouteSpec], directions: list[Direction]) -> dict[str, str]:
    agencies: dict[str, RouteSpec] = {}
    for route in routes:
        agencies.setdefault(_slug(route.agency) or "agency", route)
    stops: dict[str, tuple[str, float, float]] = {}
    services: dict[str, tuple[tuple[bool, ...], date, date]] = {}
    trips: list[tuple[object, ...]] = []
    times: list[tuple[object, ...]] = []
    frequencies: list[tuple[object, ...]] = []
    for d in directions:
        mask = "".join("1" if on else "0" for on in d.days)
        service = f"d{mask}-{d.start:%Y%m%d}-{d.end:%Y%m%d}"
        services[service] = (d.days, d.start, d.end)
        total = d.stops[-1][4]
        runs = [(d.trip, d.headsign, d.stops)]
        if d.back:
            back = [(s, n, la, lo, total - t) for s, n, la, lo, t in reversed(d.stops)]
            runs.append((f"{d.trip}r", d.stops[0][1], back))
        for trip, headsign, calls in runs:
            trips.append((d.route, service, trip, headsign))
            for sequence, (stop, name, lat, lon, offset) in enumerate(calls, 1):
                stops.setdefault(stop, (name, lat, lon))
                at = _gtfs_time(d.first + offset)
                times.append((trip, at, at, stop, sequence))
            # end_time is exclusive: a minute after the last departure keeps it
            frequencies.append((trip, _gtfs_time(d.first), _gtfs_time(d.last + 60), d.headway, 0))
    agency_of = {route.id: _slug(route.agency) or "agency" for route in routes}
    return {
        "agency.txt": _table(
            ("agency_id", "agency_name", "agency_url", "agency_timezone"),
            [(key, r.agency, r.agency_url, r.timezone) for key, r in agencies.items()],
        ),
        "stops.txt": _table(
            ("stop_id", "stop_name", "stop_lat", "stop_lon"),
            [(key, name, f"{lat:.6f}", f"{lon:.6f}") for key, (name, lat, lon) in stops.items()],
        ),
        "routes.txt": _table(
            (
                "route_id",
                "agency_id",
                "route_short_name",
                "route_long_name",
                "route_type",
                "route_color",
            ),
            [(r.id, agency_of[r.id], r.short_name, r.long_name, r.mode, r.color) for r in routes],
        ),
        "trips.txt": _table(("route_id", "service_id", "trip_id", "trip_headsign"), trips),
        "stop_times.txt": _table(
            ("trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"), times
        ),
        "frequencies.txt": _table(
            ("trip_id", "start_time", "end_time", "headway_secs", "exact_times"), frequencies
        ),
        "calendar.txt": _table(
            ("service_id", *gtfs.WEEKDAYS, "start_date", "end_date"),
            [
                (key, *(int(on) for on in days), f"{start:%Y%m%d}", f"{end:%Y%m%d}")
                for key, (days, start, end) in services.items()
            ],
        ),
    }
