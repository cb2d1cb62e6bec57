"""The next departures at a stop or station, from the feed itself (no day's timetable needed).

A timetabled trip departs at its stop time. A frequency-based one (exact_times=0) has no
published time: it is listed once per route and direction with its headway ("every 10
minutes") and the next departure on the planner's grid, marked estimated, never as a column
of invented times. Trips of exact_times=1 rows are a timetable written compactly and are
listed like timetabled ones. A trip's last stop is where it ends, not a departure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sigap.transit import schedule
from sigap.transit.state import Network

WINDOW_S = 3 * 3600  # departures within this time after the asked one


@dataclass(frozen=True, slots=True)
class Departure:
    time: int  # seconds after the service day's midnight
    stop: str  # the platform or stop it leaves from
    route: str
    headsign: str
    headway: int | None  # set: frequency-based, ``time`` is an estimate


def next_departures(held: Network, key: str, day: date, after: int, limit: int) -> list[Departure]:
    """The departures from ``key`` (a stop, or every platform of a station) at ``after`` or
    later on ``day``, within :data:`WINDOW_S`, soonest first: at most ``limit``."""
    held.stop(key)  # raises transit_stop_not_found
    feed = held.feed
    running = schedule.services_on(feed, day)
    stops = set(held.platforms.get(key, [])) | {key}
    frequencies = held.frequencies
    found: list[Departure] = []
    frequent: dict[tuple[str, str, str], Departure] = {}
    for trip_key, position in held.calls_at(stops):
        trip = feed.trips[trip_key]
        if trip.service not in running:
            continue
        times = feed.stop_times[trip_key]
        stop = times.stops[position]
        offset = times.departures[position] - times.departures[0]
        rows = frequencies.get(trip_key)
        if rows is None:
            when = times.departures[position]
            if after <= when < after + WINDOW_S:
                found.append(Departure(when, stop, trip.route, trip.headsign, None))
            continue
        for row in rows:
            for when in _grid(row.start, row.end, row.headway, offset, after, limit):
                if when >= after + WINDOW_S:
                    break
                if row.exact:
                    found.append(Departure(when, stop, trip.route, trip.headsign, None))
                    continue
                line = (trip.route, trip.headsign, stop)
                if line not in frequent or when < frequent[line].time:
                    frequent[line] = Departure(when, stop, trip.route, trip.headsign, row.headway)
                break  # one estimate per route and direction: the headway says the rest
    found.extend(frequent.values())
    found.sort(key=lambda d: (d.time, d.route, d.headsign))
    return found[:limit]


def _grid(start: int, end: int, headway: int, offset: int, after: int, count: int) -> range:
    """The departures at a stop ``offset`` seconds into trips leaving the first stop at start,
    start + headway, ... before ``end``: the first ``count`` at ``after`` or later."""
    first = max(0, -(-(after - offset - start) // headway))
    last = min(first + count, -(-(end - start) // headway))
    return range(start + offset + first * headway, start + offset + last * headway, headway)
