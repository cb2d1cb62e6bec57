"""The citizen app's journey planner, /app/transit, and its routes and stops pages (issue #26,
docs/transit.md).

The page is a shell: static/citizen/transit.js asks /api/v1/transit (plan, stops,
departures) and /api/v1/places, draws the journeys on the street map, and keeps recent places
and the last plan in the browser, so a journey already planned shows without a network. The
words the script needs travel in the page's ``transit-texts`` JSON block (no inline script).

The routes and stops pages (/app/transit/routes, /routes/{id}, /stops/{id}) are rendered on
the server from the same answers as the API (:mod:`sigap.transit.plan`) on the process's
current network, and need no script.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from sigap.citizen.web import page, visitor
from sigap.deps import clock, language_of
from sigap.errors import SigapError
from sigap.transit import departures, plan
from sigap.transit.state import Network
from sigap.web.texts import TEXTS, translate

router = APIRouter(prefix="/app", include_in_schema=False)
PAGE_KEYS = {
    "transit_title", "transit_intro", "transit_from", "transit_to", "transit_where_placeholder",
    "transit_pin", "transit_swap", "transit_save", "transit_depart", "transit_now", "transit_at",
    "transit_arrive_by",
    "transit_date", "transit_search", "transit_departures_title", "transit_departures_hint",
    "transit_stop_placeholder", "transit_credits",
}  # fmt: skip
# Every other transit_* text is the script's, with its placeholders left for it to fill.
SCRIPT_KEYS = tuple(
    k
    for k in TEXTS
    if k.startswith("transit_") and not k.startswith("transit_page_") and k not in PAGE_KEYS
)
MODE_ORDER = ("metro", "rail", "bus")  # then every other mode, under "other"
DEPARTURES_SHOWN = 12


@router.get("/transit")
async def journey_planner(request: Request) -> Response:
    language = language_of(request)
    words = {key.removeprefix("transit_"): translate(language, key) for key in SCRIPT_KEYS}
    return page(request, await visitor(request), "transit.html", words=words)


Id = Annotated[str, Path(max_length=100)]


async def _answer(request: Request, make: Callable[[Network], dict[str, Any]]) -> Response:
    """``make``'s answer on the current network (on a worker thread: the holder may build
    it) rendered by the template it names; the missing page for an unknown stop or route,
    in the visitor's language, and a page that says so when no network was imported."""
    who = await visitor(request)
    language = language_of(request)

    def run() -> dict[str, Any]:
        held: Network = request.app.state.transit.current(request.app.state.db)
        return make(held)

    try:
        context = await run_in_threadpool(run)
    except SigapError as missing:
        if missing.status != 404:
            raise
        no_network = missing.code == "transit_no_network"
        message = (
            translate(language, "transit_page_no_network")
            if no_network
            else missing.message(language)
        )
        return page(request, who, "missing.html", status_code=404, tracking=False,
                    message=message)  # fmt: skip
    template = context.pop("template")
    return page(request, who, template, **context)


@router.get("/transit/routes")
async def routes_page(request: Request, q: Annotated[str, Query(max_length=100)] = "") -> Response:
    words = q.casefold().split()

    def make(held: Network) -> dict[str, Any]:
        groups: dict[str, list[dict[str, Any]]] = {}
        for route in sorted(held.feed.routes.values(), key=_route_order):
            ref = plan.route_ref(held, route)
            text = " ".join([route.short_name, route.long_name, ref["agency"]["name"]]).casefold()
            if all(word in text for word in words):
                mode = ref["mode"] if ref["mode"] in MODE_ORDER else "other"
                groups.setdefault(mode, []).append(ref)
        ordered = [(m, groups[m]) for m in (*MODE_ORDER, "other") if m in groups]
        return {"template": "transit_routes.html", "groups": ordered, "q": q,
                "credits": [plan.credit(info) for info in held.feeds]}  # fmt: skip

    return await _answer(request, make)


@router.get("/transit/routes/{route_id}")
async def route_page(request: Request, route_id: Id) -> Response:
    def make(held: Network) -> dict[str, Any]:
        route = plan.route_answer(held, held.route(route_id))
        lines = [[[s["lat"], s["lon"]] for s in seq["stops"]] for seq in route["sequences"]]
        return {"template": "transit_route.html", "route": route, "lines": lines,
                "credits": [plan.credit(info) for info in held.feeds]}  # fmt: skip

    return await _answer(request, make)


@router.get("/transit/stops/{stop_id}")
async def stop_page(request: Request, stop_id: Id) -> Response:
    language, now = language_of(request), clock(request)

    def make(held: Network) -> dict[str, Any]:
        stop = held.stop(stop_id)
        answer = plan.stop_answer(held, stop, whole=True)
        parent = held.feed.stops.get(stop.parent) if stop.parent else None
        try:
            day, seconds = plan.when(held, now, None, None)
        except SigapError:  # no service today: the stop without departures
            board = None
        else:
            found = departures.next_departures(held.table(day), stop.id, seconds, DEPARTURES_SHOWN)
            board = plan.departures_answer(held, stop, day, seconds, found, language)
        return {"template": "transit_stop.html", "stop": answer, "board": board,
                "station": None if parent is None else {"id": parent.id, "name": parent.name},
                "credits": [plan.credit(info) for info in held.feeds]}  # fmt: skip

    return await _answer(request, make)


def _route_order(route: Any) -> tuple[str, int, str, str]:
    """Routes by agency, then by number where the short name is one (K2 before K10)."""
    digits = "".join(c for c in route.short_name if c.isdigit())
    return (route.agency, int(digits) if digits else 0, route.short_name, route.id)
