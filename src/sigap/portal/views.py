"""The portal's pages (HTML): map, areas, ranking, open data. They read through the same
services as the JSON endpoints and never select the reporter's identity. A report's one page
(portal and citizen app alike, at /reports/{id}) is :mod:`sigap.citizen.following`."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sigap.deps import Ctx
from sigap.errors import NotFound
from sigap.models.report import STATUSES
from sigap.portal import charts, filters, ranking, stats
from sigap.portal.api import local_today, ranking_of
from sigap.portal.fold import CountsSession
from sigap.regions.state import RegionState
from sigap.web.pages import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, ctx: Ctx) -> HTMLResponse:
    """The live map; the filter form also works without JavaScript (it reloads the page)."""
    chosen = filters.parse(request, ctx.region)
    config = {
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
        config=config,
    )


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


@router.get("/areas", response_class=HTMLResponse)
def region_page(request: Request, session: CountsSession, ctx: Ctx) -> HTMLResponse:
    return _dashboard_page(request, session, ctx, None)


@router.get("/areas/{code}", response_class=HTMLResponse)
def area_page(code: str, request: Request, session: CountsSession, ctx: Ctx) -> HTMLResponse:
    if code not in ctx.region.areas:
        return not_found(request, NotFound("area_not_found", area=code), ctx.language)
    return _dashboard_page(request, session, ctx, code)


def not_found(request: Request, error: NotFound, language: str) -> HTMLResponse:
    """A page, not the API's JSON error, for a person who followed a stale link."""
    message = error.message(language)
    return render(request, "portal/not_found.html", status_code=404, message=message)


def _dashboard_page(
    request: Request, session: CountsSession, ctx: Ctx, code: str | None
) -> HTMLResponse:
    data = stats.dashboard(session, ctx.region, code, ctx.language, local_today(ctx.region))
    json_url = f"/api/v1/areas/{code}/dashboard" if code else "/api/v1/dashboard"
    return render(
        request,
        "portal/area.html",
        d=data,
        chart=charts.trend_bars(data["trend"]),
        json_url=json_url,
        duration=duration_text(ctx.language),
        percent=percent,
    )


@router.get("/ranking", response_class=HTMLResponse)
def ranking_page(
    request: Request, session: CountsSession, ctx: Ctx, months: int = 3
) -> HTMLResponse:
    data = ranking_of(session, ctx, months)
    return render(
        request,
        "portal/ranking.html",
        r=data,
        periods=ranking.PERIODS,
        duration=duration_text(ctx.language),
        percent=percent,
    )


@router.get("/open-data", response_class=HTMLResponse)
def open_data_page(request: Request, ctx: Ctx) -> HTMLResponse:
    chosen = filters.parse(request, ctx.region)
    query = urlencode(chosen.query_items())
    return render(request, "portal/open_data.html", query=query, chosen=chosen)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def duration_text(language: str) -> Callable[[float | None], str]:
    """Seconds as "2 hari 3 jam" / "2 d 3 h" (two largest units)."""
    names = ("hari", "jam", "menit") if language == "id" else ("d", "h", "min")

    def text(seconds: float | None) -> str:
        if seconds is None:
            return "—"
        minutes = int(seconds // 60)
        days, rest = divmod(minutes, 1440)
        hours, mins = divmod(rest, 60)
        parts = [(days, names[0]), (hours, names[1]), (mins, names[2])]
        shown = [f"{n} {unit}" for n, unit in parts if n][:2]
        return " ".join(shown) or f"< 1 {names[2]}"

    return text
