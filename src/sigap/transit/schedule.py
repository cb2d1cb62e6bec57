"""The trips of one service day: calendars and their exceptions applied, ``frequencies.txt``
expanded into trips.

A frequency row with exact_times=0 (every Transjakarta trip) publishes a headway, not a
timetable. Expanding it into trips leaving at start, start + headway, ... lets the planner
search one kind of trip, but those times are ours, not the operator's; each such trip keeps
its ``headway`` so that a journey can say "every N minutes" and mark its times as estimates
(docs/transit.md). Trips of exact_times=1 rows are a timetable written compactly and keep no
headway.

Times are seconds after the service day's midnight and pass 24:00:00 for trips running after
it. So a day's trips include the previous service day's trips still running after midnight,
their times moved back a day (a night bus of Friday's service leaving at 24:30:00 is
Saturday's 00:30): a query at 00:20 may take them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sigap.transit.gtfs import Feed, Frequency, StopTimes

DAY_S = 24 * 3600
YESTERDAY = "@-1d"  # ends the id of a trip of the previous service day


@dataclass(frozen=True, slots=True)
class RunTrip:
    """A trip as it runs on the day: ``id`` is the GTFS trip's, with ``@`` and its start in
    seconds when it was expanded from a frequency, then :data:`YESTERDAY` when it is the
    previous service day's (``day`` -1; its times are then on this day's clock)."""

    id: str
    route: str
    headsign: str
    stops: tuple[str, ...]
    arrivals: tuple[int, ...]
    departures: tuple[int, ...]
    headway: int | None = None
    day: int = 0


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


def day_trips(feed: Feed, day: date, overnight: bool = True) -> list[RunTrip]:
    """Every trip of ``day``'s services, frequency-based ones expanded; with ``overnight``,
    also the previous day's trips that still run after midnight, their times a day back."""
    trips = _trips(feed, services_on(feed, day), 0)
    if overnight:
        trips.extend(_trips(feed, services_on(feed, day - timedelta(days=1)), DAY_S))
    return trips


def _trips(feed: Feed, running: set[str], back: int) -> list[RunTrip]:
    """The trips of the ``running`` services; when ``back`` (the day before's, a day in
    seconds), only those arriving at their last stop at ``back`` or later, moved back."""
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
                found = expand(key, trip.route, trip.headsign, times, frequency, back)
                trips.extend(found)
        elif times.arrivals[-1] >= back:
            run = RunTrip(
                key, trip.route, trip.headsign, times.stops, times.arrivals, times.departures
            )
            trips.append(_moved(run, back) if back else run)
    return trips


def expand(
    key: str,
    route: str,
    headsign: str,
    times: StopTimes,
    frequency: Frequency,
    back: int = 0,
) -> list[RunTrip]:
    """The trips of one frequency row: leaving the first stop at ``start``, then every
    ``headway`` seconds while before ``end`` (GTFS: end_time is when the headway stops
    applying), each with the template's travel times. With ``back``, only the trips
    arriving at the last stop at ``back`` or later, moved back by it."""
    base = times.departures[0]
    headway = None if frequency.exact else frequency.headway
    trips = []
    for start in range(frequency.start, frequency.end, frequency.headway):
        shift = start - base
        if times.arrivals[-1] + shift < back:
            continue
        trip = RunTrip(
            f"{key}@{start}",
            route,
            headsign,
            times.stops,
            tuple(t + shift for t in times.arrivals),
            tuple(t + shift for t in times.departures),
            headway,
        )
        trips.append(_moved(trip, back) if back else trip)
    return trips


def _moved(trip: RunTrip, back: int) -> RunTrip:
    return RunTrip(
        trip.id + YESTERDAY,
        trip.route,
        trip.headsign,
        trip.stops,
        tuple(t - back for t in trip.arrivals),
        tuple(t - back for t in trip.departures),
        trip.headway,
        -1,
    )
