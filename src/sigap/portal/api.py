"""JSON and data endpoints of the portal: map clusters, boundaries, dashboards, ranking,
open-data exports. Handlers parse, call one service, return."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from sigap.db import Database
from sigap.deps import Context, Ctx, ReadSession
from sigap.errors import SigapError
from sigap.geo import tiles
from sigap.geo.streets import StreetLayer
from sigap.kit import utcnow
from sigap.market import numbers_public
from sigap.portal import boundaries, clusters, export, filters, ranking, schemas, stats
from sigap.portal.areas import kelurahan_codes
from sigap.portal.fold import lag_s
from sigap.regions.state import RegionState, ready_street_layer, street_layer
from sigap.web.responses import dict_response

router = APIRouter(prefix="/api/v1", tags=["portal"])
Months = Annotated[int, Query(ge=1, le=24, description="Months back, this one included")]


def _answers(media_type: str, **schema: str) -> dict[str, Any]:
    """The OpenAPI of a route whose handler answers ``media_type`` itself, not JSON."""
    content = {media_type: {"schema": schema}}
    return {"response_class": Response, "responses": {200: {"content": content}}}


GEOJSON = _answers("application/geo+json", type="object")


@router.get(
    "/map/clusters",
    summary="Reports on the map, clustered by a grid at low zoom",
    response_model=None,  # returned as built: the model documents it (tests validate it)
    responses={200: {"model": schemas.MapClusters}},
)
def map_clusters(
    request: Request,
    session: ReadSession,
    ctx: Ctx,
    bbox: Annotated[str, Query(description="min_lon,min_lat,max_lon,max_lat (WGS84)")],
    zoom: Annotated[int, Query(ge=0, le=22)],
    category: Annotated[list[str] | None, Query()] = None,
    status: Annotated[list[str] | None, Query()] = None,
    area: Annotated[str | None, Query(description="Kemendagri code at any level")] = None,
    since: Annotated[str | None, Query(description="First local day (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, Query(description="Last local day (YYYY-MM-DD)")] = None,
    overdue: Annotated[bool, Query(description="Only reports past a deadline")] = False,
    route: Annotated[
        str | None, Query(max_length=100, description="Only reports naming this transit route")
    ] = None,
) -> Response:
    """Clusters (count, centroid, counts by status and overdue) and single reports (id,
    status, category, overdue) inside ``bbox``; the filters are those of the map page."""
    parsed = filters.parse(request, ctx.region)
    if parsed.bbox is None:
        raise SigapError("invalid_bbox")
    view = clusters.MapView(parsed.bbox, zoom)
    found = clusters.clusters(session, ctx.region, view, parsed)
    return dict_response({**found, "counts_lag_s": lag_s(session, ctx.settings)})


@router.get(
    "/map/boundaries/{level}.geojson", summary="Simplified boundaries of one level", **GEOJSON
)
def map_boundaries(level: str, session: ReadSession, ctx: Ctx) -> Response:
    if level not in boundaries.LEVELS:
        raise SigapError("invalid_input", details=[{"field": "level", "value": level}])
    body = boundaries.geojson(session, ctx.region, level)
    return Response(
        body,
        media_type="application/geo+json",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get(
    "/map/areas/{code}.geojson",
    summary="One area's outline and box, to zoom the map to",
    **GEOJSON,
)
def map_area(code: str, session: ReadSession, ctx: Ctx) -> Response:
    """A Feature with ``bbox`` [min_lon, min_lat, max_lon, max_lat] and the simplified outline
    (null for an area without a boundary of its own, e.g. the province)."""
    if code not in ctx.region.areas:
        raise SigapError("area_not_found", area=code)
    feature = boundaries.area_feature(session, ctx.region, code)
    return Response(
        json.dumps(feature, separators=(",", ":")),
        media_type="application/geo+json",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get(
    "/map/streets/{z}/{x}/{y}.png",
    summary="A street map tile (the region's streets)",
    **_answers("image/png", type="string", format="binary"),
)
async def map_street_tile(z: int, x: int, y: int, request: Request, ctx: Ctx) -> Response:
    """256-pixel PNG drawn from the region pack's street layer; 404 outside zoom 10-19, or
    when the region has no street layer (the maps then show boundaries only). A tile drawn
    before is answered on the event loop; reading the layer, the tile folder or drawing goes
    to a worker thread."""
    layer = ready_street_layer(ctx.region)
    if layer is None and ctx.region.streets_sha256 is not None:
        layer = await run_in_threadpool(_street_layer, request.app.state.db, ctx.region)
    if layer is None or not tiles.valid(z, x, y):
        raise SigapError("not_found")
    png = tiles.kept(layer, z, x, y)
    if png is None:
        folder = Path(ctx.settings.tile_dir) if ctx.settings.tile_dir else None
        png = await run_in_threadpool(tiles.tile, layer, z, x, y, folder)
    return Response(png, media_type="image/png", headers={"Cache-Control": "public, max-age=86400"})


def _street_layer(database: Database, region: RegionState) -> StreetLayer | None:
    with database.reading() as session:
        return street_layer(session, region)


@router.get(
    "/dashboard",
    response_model=schemas.Dashboard,
    summary="Dashboard numbers of the whole region",
)
def region_dashboard(session: ReadSession, ctx: Ctx) -> dict[str, Any]:
    return dashboard_of(session, ctx, None)


@router.get(
    "/areas/{code}/dashboard",
    response_model=schemas.Dashboard,
    summary="Dashboard numbers of a kota, kecamatan, kelurahan",
)
def area_dashboard(code: str, session: ReadSession, ctx: Ctx) -> dict[str, Any]:
    if code not in ctx.region.areas:
        raise SigapError("area_not_found", area=code)
    return dashboard_of(session, ctx, code)


def dashboard_of(session: Session, ctx: Context, code: str | None) -> dict[str, Any]:
    """The dashboard of area ``code`` (None: the region), as the API and the pages show it,
    with how far behind its counts may be (:func:`sigap.portal.fold.lag_s`)."""
    data = stats.dashboard(session, ctx.region, code, ctx.language, local_today(ctx.region))
    return {**data, "counts_lag_s": lag_s(session, ctx.settings)}


@router.get(
    "/dashboard/market",
    response_model=schemas.MarketNumbers,
    summary="The marketplace: shops, completed orders and sales per kelurahan and month",
)
def region_market(session: ReadSession, ctx: Ctx, months: Months = 12) -> dict[str, Any]:
    return market_of(session, ctx.region, None, months)


@router.get(
    "/areas/{code}/dashboard/market",
    response_model=schemas.MarketNumbers,
    summary="The marketplace's numbers in a kota, kecamatan or kelurahan",
)
def area_market(code: str, session: ReadSession, ctx: Ctx, months: Months = 12) -> dict[str, Any]:
    if code not in ctx.region.areas:
        raise SigapError("area_not_found", area=code)
    return market_of(session, ctx.region, code, months)


def market_of(
    session: Session, state: RegionState, code: str | None, months: int
) -> dict[str, Any]:
    """The marketplace's public numbers of area ``code`` (None: the region), named."""
    within = None if code is None else kelurahan_codes(state, code)
    data = numbers_public.numbers(session, state.timezone, local_today(state), months, within)
    for row in data["kelurahan"]:
        area = state.areas.get(row["code"])
        row["name"] = area.name if area else row["code"]
    return {"area": code, **data}


@router.get(
    "/ranking",
    summary="Units ranked by the fair score (formula in the response)",
    response_model=None,  # returned as built: the model documents it (tests validate it)
    responses={200: {"model": schemas.Ranking}},
)
def unit_ranking(
    session: ReadSession,
    ctx: Ctx,
    months: Annotated[int, Query(description="Period: the last 1, 3, 6 or 12 months")] = 3,
) -> Response:
    return dict_response(ranking_of(session, ctx, months))


def ranking_of(session: Session, ctx: Context, months: int) -> dict[str, Any]:
    """The units' ranking over the last ``months``, as the API and the ranking page show it."""
    data = ranking.ranking(
        session,
        ctx.region,
        months=check_months(months),
        minimum=ctx.settings.ranking_min_reports,
        language=ctx.language,
        today=local_today(ctx.region),
    )
    return {**data, "counts_lag_s": lag_s(session, ctx.settings)}


def check_months(months: int) -> int:
    if months not in ranking.PERIODS:
        raise SigapError("invalid_input", details=[{"field": "months", "value": months}])
    return months


def local_today(state: RegionState) -> date:
    return utcnow().astimezone(state.timezone).date()


LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); no personal data"


@router.get(
    "/export/reports.csv",
    summary="All matching reports as CSV (open data, streamed)",
    **_answers("text/csv", type="string"),
)
def export_csv(request: Request, ctx: Ctx) -> StreamingResponse:
    records = _records(request, ctx)
    return StreamingResponse(
        export.csv_lines(records),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="sigap-reports.csv"',
            "X-Licence": LICENCE,
        },
    )


@router.get(
    "/export/reports.geojson",
    summary="All matching reports as GeoJSON (streamed)",
    **GEOJSON,
)
def export_geojson(request: Request, ctx: Ctx) -> StreamingResponse:
    records = _records(request, ctx)
    return StreamingResponse(
        export.geojson_parts(records, LICENCE),
        media_type="application/geo+json",
        headers={
            "Content-Disposition": 'attachment; filename="sigap-reports.geojson"',
            "X-Licence": LICENCE,
        },
    )


def _records(request: Request, ctx: Ctx) -> Iterator[dict[str, Any]]:
    """Filters are checked before the response starts, so a bad one is still a 422."""
    parsed = filters.parse(request, ctx.region)
    database = request.app.state.db
    return export.rows(database, ctx.region, parsed, ctx.settings.public_url)
