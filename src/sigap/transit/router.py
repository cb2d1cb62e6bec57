"""HTTP of the transit network, ``/api/v1/transit``: journeys, stops and routes (public reads).

Each handler runs on a worker thread: it takes the process's current network from its
:class:`sigap.transit.state.Holder` (which may read the stored version, and build a new
network, there) and plans in memory. No database read on the way otherwise.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from sigap.deps import clock, language_of
from sigap.errors import SigapError
from sigap.fares import planner as fares
from sigap.transit import departures, plan, schemas
from sigap.transit.state import Network

router = APIRouter(prefix="/api/v1/transit", tags=["transit"])

Lat = Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False)]
Lon = Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False)]


def _network(request: Request) -> Network:
    network: Network = request.app.state.transit.current(request.app.state.db)
    return network


@router.get(
    "/plan",
    response_model=schemas.Plan,
    summary="Journeys from a point to a point, departing at or arriving by a time",
)
def plan_journey(
    request: Request,
    from_lat: Lat,
    from_lon: Lon,
    to_lat: Lat,
    to_lon: Lon,
    depart: Annotated[
        str | None, Query(max_length=8, description="HH:MM, local time (default: now)")
    ] = None,
    arrive: Annotated[
        str | None,
        Query(max_length=8, description="HH:MM, local time: arrive by then (not with depart)"),
    ] = None,
    day: Annotated[
        date | None, Query(alias="date", description="The service day (default: today)")
    ] = None,
) -> dict[str, Any]:
    """Walk (to stops within 800 m in a straight line, along the region's streets or the
    straight line x detour, each walk saying which) to the stops near the start, ride, change,
    walk from the stops near the destination: the options on the Pareto front of arrival time
    (or, with ``arrive``, of the latest departure) and transfers. Frequency-based rides say how
    often they come and are marked estimated."""
    if depart and arrive:
        raise SigapError("transit_depart_or_arrive")
    held = _network(request)
    service_day, seconds = plan.when(held, clock(request), day, arrive or depart)
    start, end = (from_lat, from_lon), (to_lat, to_lon)
    by = arrive is not None
    _, found = plan.journeys(held, service_day, seconds, start, end, arrive=by)
    language = language_of(request)
    answer = plan.plan_answer(held, service_day, seconds, start, end, found, language, arrive=by)
    region = getattr(request.app.state, "region", None)
    fares.add_fares(answer, held, fares.bundled(region.slug) if region else None)
    return answer


@router.get(
    "/feeds",
    response_model=list[schemas.Credit],
    summary="The feeds of the network: agencies, versions, licences and credits",
)
def list_feeds(request: Request) -> list[dict[str, Any]]:
    """What to credit wherever the network's data is shown (a plan carries the same list)."""
    return [plan.credit(info) for info in _network(request).feeds]


@router.get("/stops", response_model=list[schemas.Stop], summary="Search stops and stations")
def search_stops(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=100, description="Words of the name")],
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> list[dict[str, Any]]:
    held = _network(request)
    return [plan.stop_answer(held, stop) for stop in held.search(q, limit)]


@router.get("/stops/{stop_id}", response_model=schemas.StopDetail, summary="A stop or station")
def get_stop(request: Request, stop_id: Annotated[str, Path(max_length=100)]) -> dict[str, Any]:
    held = _network(request)
    return plan.stop_answer(held, held.stop(stop_id), whole=True)


@router.get(
    "/stops/{stop_id}/departures",
    response_model=schemas.Departures,
    summary="The next departures from a stop or station",
)
def stop_departures(
    request: Request,
    stop_id: Annotated[str, Path(max_length=100)],
    time: Annotated[
        str | None, Query(max_length=8, description="HH:MM, local time (default: now)")
    ] = None,
    day: Annotated[
        date | None, Query(alias="date", description="The service day (default: today)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 12,
) -> dict[str, Any]:
    """Timetabled departures at their times; frequency-based service as one line per period,
    how often it comes and until when, never invented times."""
    held = _network(request)
    stop = held.stop(stop_id)
    service_day, seconds = plan.when(held, clock(request), day, time)
    found = departures.next_departures(held.table(service_day), stop.id, seconds, limit)
    return plan.departures_answer(held, stop, service_day, seconds, found, language_of(request))


@router.get("/routes", response_model=list[schemas.RouteRef], summary="Every route")
def list_routes(request: Request) -> list[dict[str, Any]]:
    held = _network(request)
    routes = sorted(held.feed.routes.values(), key=lambda r: (r.agency, r.short_name, r.id))
    return [plan.route_ref(held, route) for route in routes]


@router.get(
    "/routes/{route_id}", response_model=schemas.Route, summary="A route and its stops in order"
)
def get_route(request: Request, route_id: Annotated[str, Path(max_length=100)]) -> dict[str, Any]:
    held = _network(request)
    return plan.route_answer(held, held.route(route_id))
