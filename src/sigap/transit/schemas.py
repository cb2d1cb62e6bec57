"""The transit API's answers (``/api/v1/transit``): journeys, stops and routes.

Times of a journey are local ISO 8601 times with the network's offset (``+07:00`` in Jakarta):
a timetable's times are the operators' wall-clock times, and a service day's trips may pass
midnight. Answers are built as dicts (:mod:`sigap.transit.plan`) and checked against these
models, which forbid any key they do not name (:class:`sigap.kit.Answer`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sigap.kit import Answer, IsoTime


class Agency(Answer):
    id: str
    name: str
    url: str


class RouteRef(Answer):
    id: str = Field(description="The feed's name, a colon and the GTFS route_id (mrt:MRTJ_NS)")
    short_name: str | None
    long_name: str | None
    agency: Agency
    type: int = Field(description="GTFS route_type")
    mode: str = Field(description="route_type as a word: bus, metro, rail, tram, ferry, ...")
    color: str | None = Field(description="#RRGGBB, when the feed gives one")


class Place(Answer):
    stop_id: str | None = Field(description="None for the start or destination itself")
    station_id: str | None = Field(description="The station a platform belongs to")
    name: str | None
    lat: float
    lon: float


class Leg(Answer):
    kind: Literal["walk", "ride"]
    depart: IsoTime
    arrive: IsoTime
    duration_s: int
    start: Place = Field(description="Where the leg starts: the start, or a stop to board at")
    end: Place = Field(description="Where it ends: a stop to alight at, or the destination")
    distance_m: int | None = Field(
        description="A walk's length: along the streets, or the straight line times the "
        "detour factor (walk_over says which)"
    )
    walk_over: Literal["streets", "straight_line"] | None = Field(
        description="A walk: over the region's streets, or a straight line times the detour "
        "factor (no street layer, an end far from any street, or a gap in the layer)"
    )
    path: list[tuple[float, float]] | None = Field(
        description="A walk's line as [lat, lon] points: along the streets, or its two ends"
    )
    route: RouteRef | None
    headsign: str | None
    stops: int | None = Field(description="Stops ridden past, the alighting stop included")
    headway_s: int | None = Field(
        description="A frequency-based ride: the vehicle comes every this many seconds"
    )
    every: str | None = Field(description="The headway in words, in the caller's language")
    estimated: bool = Field(
        description="The times are the planner's estimate from a headway, not a timetable"
    )


class Option(Answer):
    depart: IsoTime
    arrive: IsoTime
    duration_s: int
    transfers: int
    walk_m: int
    estimated: bool = Field(description="A ride of it is frequency-based: its times are estimates")
    legs: list[Leg]
    fare: int | None = Field(
        None,
        description="What a card pays for it in rupiah, tapping in and out of every ride, "
        "from the region's fare rules (docs/fares.md); null when they cannot say",
    )
    fare_rule_set: str | None = Field(None, description="The name of the fare rules used")


class Credit(Answer):
    feed: str
    agencies: list[str]
    credit: str | None = Field(description="The feed's licence and attribution")
    version: int
    imported_at: IsoTime
    service_start: str = Field(description="The first day of its calendars, YYYY-MM-DD")
    service_end: str = Field(
        description="The last day of its calendars: after it, none of its trips is planned"
    )


class Plan(Answer):
    date: str = Field(description="The service day, YYYY-MM-DD")
    depart: IsoTime | None = Field(description="Leaving at this time or later (depart-at)")
    arrive: IsoTime | None = Field(description="Arriving by this time (arrive-by)")
    walk_radius_m: int = Field(
        description="Stops farther than this (straight line) are not walked to"
    )
    detour: float = Field(description="Walking distance = straight line x this factor")
    network_version: int
    options: list[Option] = Field(
        description="The Pareto front of arrival time (arrive-by: of departure time) and "
        "transfers: fewest transfers first, each next one arriving earlier (arrive-by: leaving "
        "later)"
    )
    credits: list[Credit]


class Stop(Answer):
    id: str
    name: str
    lat: float
    lon: float
    kind: Literal["station", "stop"]
    routes: list[RouteRef]


class StopDetail(Stop):
    station_id: str | None
    platforms: list[Place]


class Sequence(Answer):
    headsign: str | None
    trips: int
    stops: list[Place] = Field(description="The stops in the order the trips call at them")


class Route(RouteRef):
    sequences: list[Sequence] = Field(
        description="The route's stop sequences (directions, branches), the most travelled first"
    )


class Departure(Answer):
    time: IsoTime = Field(description="When it leaves; an estimate when ``estimated``")
    stop: Place = Field(description="The platform or stop it leaves from")
    route: RouteRef
    headsign: str | None
    headway_s: int | None = Field(description="Frequency-based: a vehicle every this many seconds")
    every: str | None = Field(description="The headway in words, in the caller's language")
    until: IsoTime | None = Field(
        description="Frequency-based: the last departure of the period (an estimate)"
    )
    estimated: bool = Field(
        description="Frequency-based: one line per period of the route and direction, from "
        "``time`` every ``headway_s`` until ``until``, its times the feed's period's, never a "
        "timetable"
    )


class Departures(Answer):
    stop: Stop
    date: str = Field(description="The service day, YYYY-MM-DD")
    after: IsoTime
    departures: list[Departure] = Field(
        description="Soonest first, the next ``limit`` from ``after``"
    )
    credits: list[Credit]
