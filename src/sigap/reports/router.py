"""HTTP for reports: parse, call one service, present."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy.orm import Session

from sigap.db import Database
from sigap.deps import Context, Ctx, ReadSession, client_address, context_of
from sigap.errors import SigapError
from sigap.geo.spatial import parse_bbox
from sigap.inputs import Id, Instant
from sigap.kit import split_values
from sigap.models.rows import ReportRow
from sigap.models.states import STATUSES
from sigap.moderation.rules import Audience
from sigap.photos import service as photos
from sigap.regions.state import RegionState
from sigap.reports import filing, intake, present, repository, schemas, service
from sigap.reports.limits import Source
from sigap.web.body import parse_json
from sigap.web.responses import json_response
from sigap.web.routes import PlainRoute

router = APIRouter(prefix="/api/v1", tags=["reports"], route_class=PlainRoute)
# Bodies parsed by sigap.web.body.parse_json, for the OpenAPI document.
BODIES = {("/api/v1/reports", "post"): schemas.ReportCreate}


@router.post(
    "/reports",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.ReportCreated,
    summary="Submit a report",
    responses={200: {"description": "A retry with the same Idempotency-Key: the first report"}},
    openapi_extra={
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "Any unique string (e.g. a UUID) chosen by the client: a retried "
                "submit with the same key and body returns the first report.",
                "schema": {"type": "string", "minLength": 1, "maxLength": 200},
            }
        ]
    },
)
async def submit_report(request: Request) -> Response:
    """The hottest write path: it reads its body, context and header from the request itself
    instead of through dependencies, which FastAPI resolves at a measurable cost per request
    (see sigap.web.body)."""
    ctx = context_of(request)
    if request.headers.get("content-type", "").startswith(intake.FORM_TYPES):
        data, files = await intake.read_report_form(request, ctx.settings)
    else:
        data, files = await parse_json(request, schemas.ReportCreate), []
    device = data.reporter.device_id if data.reporter else None
    source = Source("api", device=device, address=client_address(request))
    key = request.headers.get("idempotency-key")
    prepared, result = await filing.file(request, ctx, data, files, source, key)
    headers = {"Location": f"/api/v1/reports/{result.report['id']}"}
    if result.replayed:
        headers["Idempotent-Replayed"] = "true"
    token = result.tracking_token
    # Built from values this request just validated and stored: no need to validate again.
    storage = request.app.state.photo_storage
    created = schemas.ReportCreated.model_construct(
        **present.report_fields(
            ctx.region,
            result.report,
            result.events,
            ctx.language,
            result.photos,
            storage,
            audience=Audience.OWNER,
            network=ctx.network,
        ),
        tracking_token=token,
        tracking_url=f"{ctx.settings.public_url}/api/v1/track/{token}" if token else None,
        photo_location=intake.photo_location(prepared),
    )
    return json_response(created, status_code=200 if result.replayed else 201, headers=headers)


@router.get("/reports/{report_id}", response_model=schemas.Report, summary="One report")
async def get_report(report_id: Id, request: Request, ctx: Ctx) -> Response:
    """As the public sees it (sigap.moderation.rules): 404 for a report waiting for a
    moderator or taken down by one."""

    def find(session: Session) -> ReportRow:
        return service.get(session, report_id, audience=Audience.PUBLIC)

    return await _full(request, ctx, find, Audience.PUBLIC)


@router.get(
    "/track/{token}",
    response_model=schemas.Report,
    summary="A report by tracking token (its reporter's view: their own text)",
)
async def track_report(token: str, request: Request, ctx: Ctx) -> Response:
    find = partial(service.by_tracking_token, token=token)
    return await _full(request, ctx, find, Audience.OWNER)


async def _full(
    request: Request,
    ctx: Context,
    find: Callable[[Session], ReportRow],
    audience: Audience,
) -> Response:
    """A whole report (timeline and photos too), read in one go from the loop."""
    storage = request.app.state.photo_storage

    def read(session: Session) -> schemas.Report:
        report = find(session)
        events = service.timeline(session, report["id"])
        photo_rows = photos.public(session, [report["id"]])[report["id"]]
        return present.report(
            ctx.region,
            report,
            events,
            ctx.language,
            photo_rows,
            storage,
            audience=audience,
            network=ctx.network,
        )

    database: Database = request.app.state.db
    return json_response(await database.read_in_session(read))


@router.get(
    "/reports", response_model=schemas.Page[schemas.ReportListItem], summary="Search reports"
)
def list_reports(
    session: ReadSession,
    ctx: Ctx,
    bbox: Annotated[
        str | None, Query(description="min_lon,min_lat,max_lon,max_lat (WGS84)")
    ] = None,
    category: Annotated[list[str] | None, Query(description="Repeat or comma-separate")] = None,
    status_: Annotated[list[str] | None, Query(alias="status")] = None,
    area: Annotated[str | None, Query(description="Kemendagri code at any level")] = None,
    since: Annotated[Instant | None, Query(description="Created at or after")] = None,
    until: Annotated[Instant | None, Query(description="Created before")] = None,
    overdue: Annotated[bool, Query(description="Only reports past a deadline")] = False,
    route: Annotated[
        str | None,
        Query(max_length=100, description="Only reports naming this transit route (its id)"),
    ] = None,
    sort: schemas.ReportSort = schemas.ReportSort.newest,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    cursor: str | None = None,
) -> Response:
    statuses = split_values(status_)
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise SigapError(
            "invalid_input",
            details=[{"field": "status", "value": v, "allowed": list(STATUSES)} for v in unknown],
        )
    filters = repository.ReportFilters(
        bbox=parse_bbox(bbox),
        categories=split_values(category),
        statuses=statuses,
        area=area,
        since=_aware(since, ctx.region),
        until=_aware(until, ctx.region),
        overdue=overdue,
        route=route or None,
    )
    limit = min(limit, ctx.settings.page_size_max)
    rows, next_cursor = repository.search(
        session, ctx.region, filters, sort=sort, limit=limit, cursor=cursor
    )
    page = schemas.Page[schemas.ReportListItem](
        items=[present.list_item(ctx.region, row) for row in rows],
        next_cursor=next_cursor,
        limit=limit,
    )
    return json_response(page)


def _aware(value: datetime | None, region: RegionState) -> datetime | None:
    """A time without an offset means the deployment's local time, as a person would mean it."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=region.timezone)
