"""The portal's pages (HTML): map, report, areas, ranking, open data. They read through the
same services as the JSON endpoints and never select the reporter's identity."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sigap.deps import Ctx, ReadSession
from sigap.kit import utcnow
from sigap.models.report import STATUSES
from sigap.portal import filters
from sigap.regions.state import RegionState
from sigap.reports import present, service
from sigap.web.pages import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, ctx: Ctx) -> HTMLResponse:
    """The live map; the filter form also works without JavaScript (it reloads the page)."""
    chosen = filters.parse(request, ctx.region)
    config = {
        "bounds": initial_bounds(ctx.region),
        "tileUrl": ctx.settings.map_tile_url,
        "tileAttribution": ctx.settings.map_tile_attribution,
        "lang": ctx.language,
        "statusNames": {s: _status_name(ctx.language, s) for s in STATUSES},
        "categoryNames": {c.code: c.name(ctx.language) for c in ctx.region.categories.values()},
    }
    return render(
        request,
        "portal/map.html",
        chosen=chosen,
        statuses=STATUSES,
        categories=[c for c in ctx.region.categories.values() if c.active],
        areas=area_options(ctx.region),
        config_json=json.dumps(config),
    )


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(report_id: int, request: Request, session: ReadSession, ctx: Ctx) -> HTMLResponse:
    item = service.get(session, report_id)
    events = service.timeline(session, report_id)
    report = present.report(ctx.region, item, events, ctx.language)
    return render(
        request,
        "portal/report.html",
        report=report,
        deadlines=deadlines(item, utcnow()),
        photos=list(getattr(report, "photos", None) or []),
    )


def deadlines(item: Any, now: datetime) -> list[dict[str, Any]]:
    """Response and resolution deadlines with whether each was met (None: still running)."""
    pairs = (
        ("response", item["response_due_at"], item["first_response_at"]),
        ("resolution", item["resolution_due_at"], item["resolved_at"]),
    )
    found = []
    for kind, due, done in pairs:
        met: bool | None = None  # still running, or the report ended another way
        if done is not None:
            met = done <= due
        elif item["status"] in filters.OPEN_STATUSES and now > due:
            met = False
        found.append({"kind": kind, "due": due, "done": done, "met": met})
    return found


def initial_bounds(state: RegionState) -> list[list[float]]:
    """The box of the middle 96% of kelurahan label points: the populated part of the region,
    without far islands stretching the first view."""
    lons = sorted(a.label_lon for a in state.areas.values() if a.label_lon is not None)
    lats = sorted(a.label_lat for a in state.areas.values() if a.label_lat is not None)
    if not lons or not lats:
        return [[-11.0, 95.0], [6.0, 141.0]]  # Indonesia
    low, high = len(lons) * 2 // 100, len(lons) - 1 - len(lons) * 2 // 100
    return [[lats[low], lons[low]], [lats[high], lons[high]]]


def area_options(state: RegionState) -> list[dict[str, str]]:
    """Kota and kecamatan for the map's area filter, each kecamatan under its kota."""
    options = []
    for code in sorted(state.areas):
        area = state.areas[code]
        if area.level in ("kabkota", "kecamatan"):
            indent = "— " if area.level == "kecamatan" else ""
            options.append({"code": code, "label": indent + area.name})
    return options


def _status_name(language: str, status: str) -> str:
    from sigap.web.pages import translate

    return translate(language, f"status_{status}")
