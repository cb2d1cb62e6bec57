"""A journey query from one point to another, and the answers of the transit API as dicts.

The query walks from the start to every stop within :data:`WALK_RADIUS_M` in a straight line,
along the region's streets where it has them, otherwise that line times
:data:`sigap.transit.network.DETOUR` (:mod:`sigap.transit.walking`; each walk of the answer
says which, ``walk_over``, and carries its line), and from every stop that near the
destination, and asks RAPTOR (:func:`sigap.transit.raptor.depart_at`) for the Pareto front of
arrival time and transfers. A ride on a frequency-based trip says how often the vehicle comes
(``headway_s``, ``every``) and is ``estimated``: its times are the planner's, not a timetable's
(docs/transit.md, "Frequency-based service, honestly").
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from typing import Any, NoReturn

from sigap.errors import SigapError
from sigap.transit import departures, gtfs, network, raptor, walking
from sigap.transit.state import FeedInfo, Network

WALK_RADIUS_M = 800.0  # from the start and to the destination, in a straight line
TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
# GTFS route_type (basic, then the extended types' hundreds) as a word for the apps.
MODES = {
    0: "tram",
    1: "metro",
    2: "rail",
    3: "bus",
    4: "ferry",
    5: "cable_tram",
    6: "aerial_lift",
    7: "funicular",
    11: "trolleybus",
    12: "monorail",
}
EXTENDED_MODES = {1: "rail", 2: "bus", 4: "metro", 7: "bus", 8: "trolleybus", 9: "tram"}
EVERY = {
    "id": ("setiap menit", "setiap {n} menit"),
    "en": ("every minute", "every {n} minutes"),
}

Point = tuple[float, float]  # lat, lon


def clock_time(text: str) -> int:
    """Seconds after midnight of ``HH:MM``."""
    found = TIME.fullmatch(text.strip())
    if found is None:
        raise SigapError("transit_bad_time", value=text[:20])
    return int(found.group(1)) * 3600 + int(found.group(2)) * 60


def when(held: Network, now: datetime, day: date | None, depart: str | None) -> tuple[date, int]:
    """The service day and the departure's seconds, each defaulting to now in the network's
    time zone."""
    local = now.astimezone(held.zone)
    seconds = clock_time(depart) if depart else local.hour * 3600 + local.minute * 60
    day = day or local.date()
    span = held.span()
    if span is None or not span[0] <= day <= span[1]:  # no trip runs: no timetable to build
        _no_service(held, day)
    return day, seconds


def _no_service(held: Network, day: date) -> NoReturn:
    span = held.span()
    raise SigapError(
        "transit_no_service",
        date=day.isoformat(),
        start=span[0].isoformat() if span else "-",
        end=span[1].isoformat() if span else "-",
    )


def journeys(
    held: Network, day: date, seconds: int, start: Point, end: Point, *, arrive: bool = False
) -> tuple[network.Timetable, list[raptor.Journey]]:
    """The Pareto-optimal journeys from ``start`` to ``end`` on ``day``: leaving at
    ``seconds`` or later, or with ``arrive`` arriving by ``seconds``, each leaving as late as
    it can (:func:`sigap.transit.raptor.arrive_by`)."""
    table = held.table(day)
    if not table.patterns:
        _no_service(held, day)
    origins = _near(table, start, "titik berangkat", "the start")
    targets = _near(table, end, "tujuan", "the destination")
    search = raptor.arrive_by if arrive else raptor.depart_at
    return table, search(table, origins, targets, seconds)


def _near(table: network.Timetable, point: Point, end_id: str, end_en: str) -> dict[int, int]:
    found = table.near(point[0], point[1], WALK_RADIUS_M)
    if not found:
        raise SigapError(
            "transit_no_stop_near",
            radius=int(WALK_RADIUS_M),
            end_id=end_id,
            end_en=end_en,
            lat=point[0],
            lon=point[1],
        )
    return found


# --- answers -------------------------------------------------------------------------------


def plan_answer(
    held: Network,
    day: date,
    seconds: int,
    start: Point,
    end: Point,
    found: list[raptor.Journey],
    language: str,
    *,
    arrive: bool = False,
) -> dict[str, Any]:
    return {
        "date": day.isoformat(),
        "depart": None if arrive else _at(held, day, seconds),
        "arrive": _at(held, day, seconds) if arrive else None,
        "walk_radius_m": int(WALK_RADIUS_M),
        "detour": network.DETOUR,
        "network_version": held.version,
        "options": [_option(held, day, j, start, end, language) for j in found],
        "credits": [credit(info) for info in held.feeds],
    }


def credit(info: FeedInfo) -> dict[str, Any]:
    return {
        "feed": info.name,
        "agencies": info.agencies,
        "credit": info.credit,
        "version": info.version,
        "imported_at": info.imported_at.isoformat(),
        "service_start": info.service_start.isoformat(),
        "service_end": info.service_end.isoformat(),
    }


def _option(
    held: Network, day: date, journey: raptor.Journey, start: Point, end: Point, language: str
) -> dict[str, Any]:
    legs = [_leg(held, day, leg, start, end, language) for leg in journey.legs]
    return {
        "depart": _at(held, day, journey.depart),
        "arrive": _at(held, day, journey.arrive),
        "duration_s": journey.arrive - journey.depart,
        "transfers": journey.transfers,
        "walk_m": sum(leg["distance_m"] or 0 for leg in legs),
        "estimated": journey.estimated,
        "legs": legs,
    }


def _leg(
    held: Network, day: date, leg: raptor.Leg, start: Point, end: Point, language: str
) -> dict[str, Any]:
    begin, finish = _place(held, leg.from_stop, start), _place(held, leg.to_stop, end)
    answer: dict[str, Any] = {
        "kind": "walk" if leg.is_walk else "ride",
        "depart": _at(held, day, leg.depart),
        "arrive": _at(held, day, leg.arrive),
        "duration_s": leg.arrive - leg.depart,
        "start": begin,
        "end": finish,
        "distance_m": None,
        "route": None,
        "headsign": None,
        "stops": None,
        "headway_s": None,
        "every": None,
        "estimated": False,
        "walk_over": None,
        "path": None,
    }
    if leg.is_walk:
        walk, line = _walk(held.table(day), leg, start, end)
        answer |= {"distance_m": round(walk.metres), "walk_over": walk.over, "path": line}
        return answer
    answer |= {
        "route": route_ref(held, held.route(leg.route or "")),
        "headsign": leg.headsign or None,
        "stops": leg.stops,
        "headway_s": leg.headway,
        "every": every(leg.headway, language) if leg.headway else None,
        "estimated": leg.headway is not None,
    }
    return answer


def _walk(
    table: network.Timetable, leg: raptor.Leg, start: Point, end: Point
) -> tuple[walking.Walk, list[list[float]]]:
    """A walk leg's length, over streets or straight, and its line as [lat, lon] points: the
    searches of the query found again (:meth:`sigap.transit.walking.Walker.line`)."""
    walker = table.walker or walking.Walker(None, table.lat, table.lon)
    if leg.from_stop is None or leg.to_stop is None:
        place, key = (start, leg.to_stop) if leg.from_stop is None else (end, leg.from_stop)
        stop = table.index[key or ""]
        walk = walker.around(place[0], place[1], WALK_RADIUS_M).get(stop)
        line = walker.line(place[0], place[1], WALK_RADIUS_M, stop)
        if leg.from_stop is not None:
            line.reverse()
        if walk is None:  # not met: the query found the stop by this same (kept) search
            walk = walking.Walk(distance_m(line[0], line[-1]) * network.DETOUR, walking.STRAIGHT)
    else:
        a, b = table.index[leg.from_stop], table.index[leg.to_stop]
        walk, line = walker.between(a, b, network.MAX_WALK_M)
    return walk, [[lat, lon] for lat, lon in line]


def every(headway_s: int, language: str) -> str:
    """ "every 7 minutes", in the caller's language."""
    minutes = max(1, round(headway_s / 60))
    one, many = EVERY.get(language, EVERY["id"])
    return one if minutes == 1 else many.format(n=minutes)


def _place(held: Network, key: str | None, point: Point) -> dict[str, Any]:
    if key is None:
        return {"stop_id": None, "station_id": None, "name": None, "lat": point[0], "lon": point[1]}
    stop = held.stop(key)
    return {
        "stop_id": stop.id,
        "station_id": stop.parent,
        "name": stop.name,
        "lat": stop.lat,
        "lon": stop.lon,
    }


def _at(held: Network, day: date, seconds: int) -> str:
    """A service day's seconds (past 24:00 for trips after midnight) as a local ISO time."""
    midnight = datetime.combine(day, time(0), tzinfo=held.zone)
    return (midnight + timedelta(seconds=seconds)).isoformat(timespec="seconds")


def mode(route_type: int) -> str:
    if route_type in MODES:
        return MODES[route_type]
    return EXTENDED_MODES.get(route_type // 100, "other") if route_type >= 100 else "other"


def route_ref(held: Network, route: gtfs.Route) -> dict[str, Any]:
    agency = held.feed.agencies[route.agency]
    return {
        "id": route.id,
        "short_name": route.short_name or None,
        "long_name": route.long_name or None,
        "agency": {"id": agency.id, "name": agency.name, "url": agency.url},
        "type": route.route_type,
        "mode": mode(route.route_type),
        "color": f"#{route.color}" if route.color else None,
    }


def route_answer(held: Network, route: gtfs.Route) -> dict[str, Any]:
    """A route with its stop sequences, the most travelled first."""
    return {
        **route_ref(held, route),
        "sequences": [
            {
                "headsign": sequence.headsign or None,
                "trips": sequence.trips,
                "stops": [_place(held, key, (0.0, 0.0)) for key in sequence.stops],
            }
            for sequence in held.sequences.get(route.id, [])
        ],
    }


def stop_answer(held: Network, stop: gtfs.Stop, *, whole: bool = False) -> dict[str, Any]:
    """A stop or station with the routes calling there; ``whole`` adds its parent station
    and its platforms."""
    answer: dict[str, Any] = {
        "id": stop.id,
        "name": stop.name,
        "lat": stop.lat,
        "lon": stop.lon,
        "kind": "station" if stop.location_type == 1 else "stop",
        "routes": [route_ref(held, held.feed.routes[r]) for r in held.routes_at.get(stop.id, [])],
    }
    if whole:
        answer["station_id"] = stop.parent
        answer["platforms"] = [
            _place(held, key, (0.0, 0.0)) for key in held.platforms.get(stop.id, [])
        ]
    return answer


def departures_answer(
    held: Network,
    stop: gtfs.Stop,
    day: date,
    seconds: int,
    found: list[departures.Departure],
    language: str,
) -> dict[str, Any]:
    return {
        "stop": stop_answer(held, stop),
        "date": day.isoformat(),
        "after": _at(held, day, seconds),
        "departures": [
            {
                "time": _at(held, day, d.time),
                "stop": _place(held, d.stop, (0.0, 0.0)),
                "route": route_ref(held, held.route(d.route)),
                "headsign": d.headsign or None,
                "headway_s": d.headway,
                "every": every(d.headway, language) if d.headway else None,
                "until": None if d.until is None else _at(held, day, d.until),
                "estimated": d.headway is not None,
            }
            for d in found
        ],
        "credits": [credit(info) for info in held.feeds],
    }


def distance_m(a: Point, b: Point) -> float:
    """Straight-line metres between two points, as :func:`sigap.transit.network.distances`."""
    scale = math.cos(math.radians(a[0]))
    dy = math.radians(b[0] - a[0])
    dx = math.radians(b[1] - a[1]) * scale
    return math.hypot(dx, dy) * network.EARTH_RADIUS_M
