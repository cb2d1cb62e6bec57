"""The portal's pages (HTML): map, areas, ranking, open data. They read through the same
services as the JSON endpoints and never select the reporter's identity. A report's one page
(portal and citizen app alike, at /reports/{id}) is :mod:`sigap.citizen.following`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sigap.deps import Ctx, ReadSession
from sigap.errors import SigapError
from sigap.history import heads
from sigap.kit import utcnow
from sigap.models.states import STATUSES
from sigap.portal import boundaries, charts, filters, ranking, search, stats
from sigap.portal.api import dashboard_of, market_of, ranking_of
from sigap.portal.areas import descendants
from sigap.regions.state import RegionState
from sigap.reports import transit
from sigap.transit.state import Network
from sigap.web.pages import render
from sigap.web.texts import translate

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, session: ReadSession, ctx: Ctx) -> HTMLResponse:
    """The live map; the filter form also works without JavaScript (it reloads the page). With
    ``?area=`` the map opens on that area's box, its outline drawn."""
    chosen = filters.parse(request, ctx.region)
    area = boundaries.area_feature(session, ctx.region, chosen.area) if chosen.area else None
    config = {
        "lang": ctx.language,
        "statusNames": {s: _status_name(ctx.language, s) for s in STATUSES},
        "categoryNames": {c.code: c.name(ctx.language) for c in ctx.region.categories.values()},
        "areaNames": {
            code: a.name for code, a in ctx.region.areas.items() if a.level == "kelurahan"
        },
        "area": area,
        "hiddenText": translate(ctx.language, "mod_placeholder_moderated"),
    }
    return render(
        request,
        "portal/map.html",
        chosen=chosen,
        statuses=STATUSES,
        categories=[c for c in ctx.region.categories.values() if c.active],
        areas=area_options(ctx.region, ctx.language),
        routes=route_options(ctx.network),
        config=config,
    )


def route_options(network: Network | None) -> list[dict[str, str]]:
    """The transit routes for the map's route filter, by operator (none without a network)."""
    if network is None:
        return []
    agencies = network.feed.agencies
    return [
        {
            "id": route.id,
            "label": f"{transit.route_name(network, route.id)} ({agencies[route.agency].name})",
        }
        for route in sorted(
            network.feed.routes.values(), key=lambda r: (r.agency, r.short_name, r.id)
        )
    ]


def area_options(state: RegionState, language: str) -> list[dict[str, str]]:
    """Every kota, kecamatan and kelurahan/desa for the map's area filter, each under its
    parent (codes sort that way); ``place`` names the parents, to tell apart areas of the same
    name in the typeahead."""
    options = []
    for code in sorted(state.areas):
        area = state.areas[code]
        depth = LEVEL_DEPTH.get(area.level)
        if depth is None:
            continue
        name = f"{_kind(language, area.kind)} {area.name}".strip()
        parents = [a.name for a in state.lineage(code)[1:] if a.level in LEVEL_DEPTH]
        place = f"{name} ({', '.join(parents)})" if parents else name
        options.append({"code": code, "label": "\u00a0\u00a0" * depth + name, "place": place})
    return options


LEVEL_DEPTH = {"kabkota": 0, "kecamatan": 1, "kelurahan": 2}


def _kind(language: str, kind: str) -> str:
    """The short word before an area's name (Kec., Kel., Desa); kota and kabupaten names
    already say what they are."""
    from sigap.web.texts import translate

    return translate(language, f"kind_{kind}") if kind in ("kecamatan", "kelurahan", "desa") else ""


def _status_name(language: str, status: str) -> str:
    from sigap.web.texts import translate

    return translate(language, f"status_{status}")


@router.get("/areas", response_class=HTMLResponse)
def region_page(request: Request, session: ReadSession, ctx: Ctx) -> HTMLResponse:
    return _dashboard_page(request, session, ctx, None)


@router.get("/areas/{code}", response_class=HTMLResponse)
def area_page(code: str, request: Request, session: ReadSession, ctx: Ctx) -> HTMLResponse:
    if code not in ctx.region.areas:
        return not_found(request, SigapError("area_not_found", area=code), ctx.language)
    return _dashboard_page(request, session, ctx, code)


def not_found(request: Request, error: SigapError, language: str) -> HTMLResponse:
    """A page, not the API's JSON error, for a person who followed a stale link."""
    message = error.message(language)
    return render(request, "portal/not_found.html", status_code=404, message=message)


def _dashboard_page(
    request: Request, session: ReadSession, ctx: Ctx, code: str | None
) -> HTMLResponse:
    """The dashboard; its long lists (areas within, responsible units) are searched by name
    with ``?q=`` and paged with ``?page=`` (one page number for both lists)."""
    data = dashboard_of(session, ctx, code)
    json_url = f"/api/v1/areas/{code}/dashboard" if code else "/api/v1/dashboard"
    q = search.query_text(request.query_params)
    areas = data["children"]
    if q:
        found = search.search(descendants(ctx.region, code), q, lambda a: a.name)
        areas = stats.area_rows(session, ctx.region, found)
    units = search.search(data["units"], q, lambda u: u["name"])
    longest = max(len(areas) if q else 0, len(units))
    pager = search.pager(request.url.path, request.query_params, longest)
    market_url = f"/api/v1/areas/{code}/dashboard/market" if code else "/api/v1/dashboard/market"
    return render(
        request,
        "portal/area.html",
        d=data,
        market=market_of(session, ctx.region, code, 6),
        market_url=market_url,
        rupiah=rupiah,
        chart=charts.trend_bars(data["trend"]),
        json_url=json_url,
        duration=duration_text(ctx.language),
        percent=percent,
        q=q,
        pager=pager,
        areas=pager.slice(areas) if q else areas,
        areas_total=len(areas),
        units=pager.slice(units),
        units_total=len(units),
        kind=lambda kind: _kind(ctx.language, kind),
    )


@router.get("/ranking", response_class=HTMLResponse)
def ranking_page(request: Request, session: ReadSession, ctx: Ctx, months: int = 3) -> HTMLResponse:
    """One group of units at a time (``?group=``), ranked units first, those with too few
    reports after them; searched with ``?q=``, paged with ``?page=``."""
    data = ranking_of(session, ctx, months)
    q = search.query_text(request.query_params)
    found = {
        name: search.search(rows, q, lambda r: r["name"]) for name, rows in data["groups"].items()
    }
    group = _group(request, data["groups"])
    pager = search.pager(request.url.path, request.query_params, len(found[group]))
    shown = pager.slice(found[group])
    base = {"months": months, "lang": ctx.language, **({"q": q} if q else {})}
    return render(
        request,
        "portal/ranking.html",
        r=data,
        periods=ranking.PERIODS,
        duration=duration_text(ctx.language),
        percent=percent,
        q=q,
        group=group,
        tabs=[
            {"group": name, "n": len(rows), "url": "/ranking?" + urlencode({**base, "group": name})}
            for name, rows in found.items()
        ],
        pager=pager,
        ranked=[row for row in shown if row["ranked"]],
        unranked=[row for row in shown if not row["ranked"]],
        area_of={u.code: u.area_code for u in ctx.region.units.values()},
    )


@router.get("/ranking/{code}", response_class=HTMLResponse)
def unit_page(
    code: str, request: Request, session: ReadSession, ctx: Ctx, months: int = 3
) -> HTMLResponse:
    """One unit's row of the ranking, in full: its numbers, each component, the sum. Read from
    the same ranking as the table, so the two can never disagree."""
    unit = ctx.region.units_by_code.get(code)
    if unit is None:
        return not_found(request, SigapError("unit_not_found", unit=code), ctx.language)
    data = ranking_of(session, ctx, months)
    group = ranking.group_of(ctx.region, unit)
    rows = data["groups"][group]
    row = next((r for r in rows if r["code"] == code), None)
    return render(
        request,
        "portal/unit.html",
        r=data,
        u=row,
        code=code,
        name=unit.name(ctx.language),
        group=group,
        ranked_count=sum(1 for r in rows if r["ranked"]),
        periods=ranking.PERIODS,
        duration=duration_text(ctx.language),
        percent=percent,
        area_code=unit.area_code,
    )


def _group(request: Request, groups: dict[str, list[dict[str, Any]]]) -> str:
    """``?group=``, or the first group with a ranked unit (kelurahan when none has one)."""
    chosen = request.query_params.get("group")
    if chosen is None:
        ranked = [name for name, rows in groups.items() if any(r["ranked"] for r in rows)]
        return ranked[0] if ranked else ranking.GROUPS[0]
    if chosen not in ranking.GROUPS:
        raise SigapError("invalid_input", details=[{"field": "group", "value": chosen}])
    return chosen


@router.get("/open-data", response_class=HTMLResponse)
def open_data_page(request: Request, ctx: Ctx, session: ReadSession) -> HTMLResponse:
    chosen = filters.parse(request, ctx.region)
    query = urlencode(chosen.query_items())
    zone = ctx.region.timezone
    day = heads.last_closed_day(utcnow(), zone)
    chain = heads.published(session, day, zone, cache_key=ctx.settings.database_url)
    return render(request, "portal/open_data.html", query=query, chosen=chosen, chain=chain)


def rupiah(value: int) -> str:
    """Whole rupiah as Indonesians write it: Rp1.250.000."""
    return "Rp" + f"{value:,}".replace(",", ".")


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
