"""The citizen app's journey planner, /app/transit (issue #26, docs/transit.md).

The page is a shell: static/citizen/transit.js asks /api/v1/transit (plan, stops,
departures) and /api/v1/places, draws the journeys on the street map, and keeps recent places
and the last plan in the browser, so a journey already planned shows without a network. The
words the script needs travel in the page's ``transit-texts`` JSON block (no inline script).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sigap.citizen.web import page, visitor
from sigap.deps import language_of
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
SCRIPT_KEYS = tuple(k for k in TEXTS if k.startswith("transit_") and k not in PAGE_KEYS)


@router.get("/transit")
async def journey_planner(request: Request) -> Response:
    language = language_of(request)
    words = {key.removeprefix("transit_"): translate(language, key) for key in SCRIPT_KEYS}
    return page(request, await visitor(request), "transit.html", words=words)
