"""The next departures at a stop, as a departures board shows them.

A timetabled trip is one departure at its time. Frequency-based service (exact_times=0,
every Transjakarta trip) has no published departure times: the trips the index holds for it
are ours (:mod:`.schedule`), so the board gives one line per frequency period, "every N
minutes" from when it runs until the last bus, never the expanded trips' times one by one.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from sigap.transit.network import Pattern, Timetable
from sigap.transit.schedule import YESTERDAY


@dataclass(frozen=True, slots=True)
class Departure:
    """One line of the board. Timetabled: ``time`` is the departure, ``headway`` None.
    Frequency-based: a vehicle every ``headway`` seconds from ``time`` (the next one on the
    period's grid, as the planner assumes it) until ``until``, both estimates."""

    stop: str  # the platform's GTFS id
    route: str
    headsign: str
    time: int
    trip: str | None = None  # timetabled only: which trip
    headway: int | None = None
    until: int | None = None


def next_departures(table: Timetable, stop: str | int, time: int, n: int = 10) -> list[Departure]:
    """The next ``n`` lines of the board at ``stop`` (a stop's index, a GTFS stop id, or a
    station's id for all its platforms) from ``time`` on, in order of time; a vehicle ending
    its trip there is not a departure."""
    stops = [stop] if isinstance(stop, int) else table.stops_of(stop)
    found: list[Departure] = []
    for at in stops:
        for number, position in table.stop_patterns[at]:
            pattern = table.patterns[number]
            if position < len(pattern.stops) - 1:
                found.extend(_board(table.ids[at], pattern, position, time, n))
    found.sort(key=lambda d: (d.time, d.route, d.headsign))
    return found[:n]


def _board(stop: str, pattern: Pattern, position: int, time: int, n: int) -> list[Departure]:
    """A pattern's next ``n`` lines at ``position``: a timetabled trip each, or one per run
    of trips expanded from the same frequency row (same template trip and headway)."""
    count = len(pattern.trips)
    low = position * count
    trip = bisect_left(pattern.columns, time, low, low + count) - low
    lines: list[Departure] = []
    while trip < count and len(lines) < n:
        leaves, headway = pattern.columns[low + trip], pattern.headways[trip]
        headsign = pattern.headsigns[trip]
        if headway is None:
            lines.append(Departure(stop, pattern.route, headsign, leaves, pattern.trips[trip]))
            trip += 1
            continue
        last = trip
        while last + 1 < count and _same_row(pattern, last, last + 1):
            last += 1
        until = pattern.columns[low + last]
        lines.append(Departure(stop, pattern.route, headsign, leaves, None, headway, until))
        trip = last + 1
    return lines


def _same_row(pattern: Pattern, one: int, other: int) -> bool:
    """Whether two trips were expanded from the same frequency row."""
    return pattern.headways[one] == pattern.headways[other] and _row(pattern.trips[one]) == _row(
        pattern.trips[other]
    )


def _row(trip: str) -> str:
    """The template trip an expanded trip comes from (``id@start``), and its day."""
    day = YESTERDAY if trip.endswith(YESTERDAY) else ""
    return trip.removesuffix(YESTERDAY).rpartition("@")[0] + day
