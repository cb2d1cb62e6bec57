"""HTTP for a deployment's reference data: categories, areas and place search."""

from __future__ import annotations

import json
from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from sigap.deps import Ctx, ReadSession
from sigap.errors import SigapError
from sigap.models import AreaBoundary
from sigap.regions import places
from sigap.regions.state import QuestionInfo
from sigap.reports import answers, schemas

router = APIRouter(prefix="/api/v1", tags=["reference data"])


@router.get("/categories", response_model=list[schemas.Category], summary="Report categories")
def list_categories(ctx: Ctx) -> list[schemas.Category]:
    region, language = ctx.region, ctx.language
    return [
        schemas.Category(
            code=c.code,
            name=c.name(language),
            name_id=c.name_id,
            name_en=c.name_en,
            icon=c.icon,
            response_hours=c.response_hours,
            resolution_hours=c.resolution_hours,
            photo_required=c.photo_required,
            questions=[_question(q, language) for q in c.questions],
        )
        for c in region.categories.values()
        if c.active
    ]


def _question(question: QuestionInfo, language: str) -> schemas.Question:
    return schemas.Question(
        code=question.code,
        datatype=question.datatype,
        required=question.required,
        label=question.label(language),
        description=question.description(language) or None,
        choices=[schemas.Choice(key=c.key, name=c.name(language)) for c in question.choices],
        public=answers.is_public(question),
    )


@router.get(
    "/places",
    response_model=list[schemas.PlaceFound],
    summary="Search streets, RW and areas by name (typos forgiven), nearest first",
)
async def search_places(
    request: Request,
    ctx: Ctx,
    q: Annotated[str, Query(min_length=1, max_length=100, description="What was typed")],
    lat: Annotated[float | None, Query(ge=-90, le=90, allow_inf_nan=False)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180, allow_inf_nan=False)] = None,
    limit: Annotated[int, Query(ge=1, le=20)] = 8,
) -> Response:
    """The places of the region whose names match ``q`` (see sigap.geo.places); with ``lat``
    and ``lon`` (the map's centre) equally good matches come nearest first. The search runs
    on the event loop (a fraction of a millisecond, no database) and the answer is written
    here, not re-validated: the route was a third of its own cost in the framework's thread
    hop, session and response model (docs/perf-log.md, "Maps")."""
    index = places.ready(ctx.region)
    if index is None:  # the first search of a process that did not warm its maps
        index = await run_in_threadpool(places.build, request.app.state.db, ctx.region)
    near = (lon, lat) if lat is not None and lon is not None else None
    found = [
        {
            "kind": f.place.kind,
            "name": f.place.name,
            "context": f.place.context,
            "code": f.place.code,
            "lat": f.place.lat,
            "lon": f.place.lon,
            "bbox": f.place.bbox,
            "distance_m": f.distance_m,
        }
        for f in index.search(q, near, limit)
    ]
    return Response(
        orjson.dumps(found),
        media_type="application/json",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/areas/{code}", response_model=schemas.Area, summary="An area with its parents")
def get_area(code: str, ctx: Ctx, session: ReadSession, geometry: bool = False) -> schemas.Area:
    region, language = ctx.region, ctx.language
    area = region.areas.get(code)
    if area is None:
        raise SigapError("area_not_found", area=code)
    shape = None
    if geometry:
        text = session.scalar(
            select(AreaBoundary.geometry).where(
                AreaBoundary.area_code == code,
                AreaBoundary.version_id == region.boundary_version_id,
            )
        )
        shape = json.loads(text) if text else None
    return schemas.Area(
        code=area.code,
        name=area.name,
        level=area.level,
        kind=area.kind,
        postcode=area.postcode,
        label_point=[area.label_lon, area.label_lat]
        if area.label_lon is not None and area.label_lat is not None
        else None,
        parents=[schemas.Ref(code=a.code, name=a.name) for a in region.lineage(code)[1:]],
        children=[
            schemas.Ref(code=c, name=region.areas[c].name)
            for c in sorted(region.children.get(code, []))
        ],
        units=[
            schemas.Ref(code=u.code, name=u.name(language))
            for u in region.units.values()
            if u.area_code == code
        ],
        geometry=shape,
    )
