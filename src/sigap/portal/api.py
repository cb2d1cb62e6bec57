"""JSON and data endpoints of the portal: map clusters, boundaries, dashboards, ranking,
open-data exports. Handlers parse, call one service, return."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from sigap.deps import Ctx, ReadSession
from sigap.errors import InvalidInput
from sigap.portal import boundaries, clusters, filters

router = APIRouter(prefix="/api/v1", tags=["portal"])


@router.get("/map/clusters", summary="Reports on the map, clustered by a grid at low zoom")
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
) -> dict[str, object]:
    """Clusters (count, centroid, counts by status and overdue) and single reports (id,
    status, category, overdue) inside ``bbox``; the filters are those of the map page."""
    parsed = filters.parse(request, ctx.region)
    if parsed.bbox is None:
        raise InvalidInput("invalid_bbox")
    view = clusters.MapView(parsed.bbox, zoom)
    return clusters.clusters(session, ctx.region, view, parsed)


@router.get("/map/boundaries/{level}.geojson", summary="Simplified boundaries of one level")
def map_boundaries(level: str, session: ReadSession, ctx: Ctx) -> Response:
    if level not in boundaries.LEVELS:
        raise InvalidInput("invalid_input", details=[{"field": "level", "value": level}])
    body = boundaries.geojson(session, ctx.region, level)
    return Response(
        body,
        media_type="application/geo+json",
        headers={"Cache-Control": "public, max-age=3600"},
    )
