"""The trips of one service day: calendars and their exceptions applied, ``frequencies.txt``
expanded into trips.

A frequency row with exact_times=0 (every Transjakarta trip) publishes a headway, not a
timetable. Expanding it into trips leaving at start, start + headway, ... lets the planner
search one kind of trip, but those times are ours, not the operator's; each such trip keeps
its ``headway`` so that a journey can say "every N minutes" and mark its times as estimates
(docs/transit.md). Trips of exact_times=1 rows are a timetable written compactly and keep no
headway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sigap.transit.gtfs import Feed, Frequency, StopTimes


@dataclass(frozen=True, slots=True)
class RunTrip:
    """A trip as it runs on the day: ``id`` is the GTFS trip's, with ``@`` and its start in
    seconds when it was expanded from a frequency."""

    id: str
    route: str
    headsign: str
    stops: tuple[str, ...]
    arrivals: tuple[int, ...]
    departures: tuple[int, ...]
    headway: int | None = None


def services_on(feed: Feed, day: date) -> set[str]:
    """The services running on ``day``: calendar.txt's weekday and date range, then
    calendar_dates.txt's additions and removals, which win."""
    running = {
        key
        for key, service in feed.services.items()
        if service.start <= day <= service.end and service.days[day.weekday()]
    }
    for key, changes in feed.exceptions.items():
        if day in changes:
            (running.add if changes[day] else running.discard)(key)
    return running


def day_trips(feed: Feed, day: date) -> list[RunTrip]:
    """Every trip of ``day``'s services, frequency-based ones expanded."""
    running = services_on(feed, day)
    by_trip: dict[str, list[Frequency]] = {}
    for frequency in feed.frequencies:
        by_trip.setdefault(frequency.trip, []).append(frequency)
    trips: list[RunTrip] = []
    for key, times in feed.stop_times.items():
        trip = feed.trips[key]
        if trip.service not in running:
            continue
        if key in by_trip:
            for frequency in by_trip[key]:
                trips.extend(expand(key, trip.route, trip.headsign, times, frequency))
        else:
            trips.append(
                RunTrip(
                    key, trip.route, trip.headsign, times.stops, times.arrivals, times.departures
                )
            )
    return trips


def expand(
    key: str, route: str, headsign: str, times: StopTimes, frequency: Frequency
) -> list[RunTrip]:
    """The trips of one frequency row: leaving the first stop at ``start``, then every
    ``headway`` seconds while before ``end`` (GTFS: end_time is when the headway stops
    applying), each with the template's travel times."""
    base = times.departures[0]
    headway = None if frequency.exact else frequency.headway
    trips = []
    for start in range(frequency.start, frequency.end, frequency.headway):
        shift = start - base
        trips.append(
            RunTrip(
                f"{key}@{start}",
                route,
                headsign,
                times.stops,
                tuple(t + shift for t in times.arrivals),
                tuple(t + shift for t in times.departures),
                headway,
            )
        )
    return trips
