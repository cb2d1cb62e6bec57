"""Adapter glue: GeoReport requests in, calls to the same use cases the JSON API uses, GeoReport
resources out. Nothing is decided here that the JSON API decides differently."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from sigap.channels.service import ChannelRef
from sigap.config import Settings
from sigap.deps import Context
from sigap.errors import NotFound, SigapError
from sigap.geo.spatial import Circle
from sigap.kit import utcnow
from sigap.open311 import mapping, schemas
from sigap.open311.form import Submission, report_of
from sigap.photos import service as photos
from sigap.regions.state import RegionState
from sigap.reports import repository
from sigap.reports import service as reports
from sigap.reports.schemas import ReportSort
from sigap.reports.service import Submitted

DEFAULT_SPAN = timedelta(days=90)
MAX_ID = 2**63 - 1


def check_jurisdiction(
    jurisdiction_id: str | None, region: RegionState, settings: Settings
) -> None:
    """One deployment serves one jurisdiction: its region code or its configured id. Leaving
    the parameter out is fine (the spec makes it optional for single-jurisdiction servers)."""
    if not jurisdiction_id:
        return
    known = [code for code in (region.code, settings.open311_jurisdiction) if code]
    if jurisdiction_id.strip().lower() not in (k.lower() for k in known):
        expected = " / ".join(f"'{k}'" for k in known)
        raise NotFound("unknown_jurisdiction", jurisdiction=jurisdiction_id, expected=expected)


def services(region: RegionState, language: str) -> list[schemas.Service]:
    return [mapping.service(c, language) for c in region.categories.values() if c.active]


def definition(region: RegionState, service_code: str, language: str) -> schemas.ServiceDefinition:
    """The questions a service asks (the category's active questions)."""
    category = region.categories.get(service_code)
    if category is None or not category.active:
        raise NotFound("unknown_category", category=service_code)
    return mapping.service_definition(category, language)


async def submit(
    ctx: Context, channel: ChannelRef, submission: Submission, idempotency_key: str | None
) -> Submitted:
    """The JSON API's submit use case: prepare (check the report and its answers, route,
    SLA), then the group-commit writer; answered after the commit."""
    form = submission.form
    check_jurisdiction(form.jurisdiction_id, ctx.region, ctx.settings)
    if not form.service_code:
        raise SigapError("service_code_required")
    data = report_of(form, submission.attributes)
    prepared = reports.prepare(ctx.region, data=data, channel=channel.slug)
    return await ctx.report_writer.submit((prepared, idempotency_key))


def created(ctx: Context, result: Submitted) -> schemas.RequestCreated:
    report = result.report
    return schemas.RequestCreated(
        service_request_id=str(report["id"]),
        token=result.tracking_token,
        service_notice=mapping.notice(
            ctx.region, report["category_code"], report["unit_id"], ctx.language
        ),
        account_id=None,
    )


def token(session: Session, value: str) -> schemas.TokenResult:
    report = reports.by_tracking_token(session, value)
    return schemas.TokenResult(service_request_id=str(report["id"]), token=value)


def one(session: Session, ctx: Context, raw_id: str, *, extensions: bool) -> schemas.ServiceRequest:
    report_id = _report_id(raw_id)
    if report_id is None:
        raise NotFound("report_not_found", report_id=raw_id)
    report = reports.get(session, report_id)
    events = reports.timeline(session, report_id)
    media = _media_urls(session, ctx, [report_id])
    return mapping.service_request(
        ctx.region, report, events, ctx.language, extensions=extensions, media_url=media[report_id]
    )


def search(
    session: Session, ctx: Context, query: schemas.RequestSearch
) -> list[schemas.ServiceRequest]:
    """GET requests: newest first, numbered pages, timelines loaded once per page."""
    filters = filters_of(query, ctx.region, utcnow())
    rows = repository.search_page(
        session,
        ctx.region,
        filters,
        sort=ReportSort.newest,
        page=query.page,
        page_size=query.page_size,
    )
    timelines = reports.timelines(session, [row["id"] for row in rows])
    media = _media_urls(session, ctx, [row["id"] for row in rows])
    return [
        mapping.service_request(
            ctx.region,
            row,
            timelines[row["id"]],
            ctx.language,
            extensions=query.extensions,
            media_url=media[row["id"]],
        )
        for row in rows
    ]


def _media_urls(session: Session, ctx: Context, report_ids: list[int]) -> dict[int, str | None]:
    """GeoReport's one media_url per request: the display size of the first visible photo."""
    storage = photos.storage_for(ctx.settings)
    return {
        report_id: storage.url(found[0]["display_key"]) if found else None
        for report_id, found in photos.public(session, report_ids).items()
    }


def filters_of(
    query: schemas.RequestSearch, region: RegionState, now: datetime
) -> repository.ReportFilters:
    """The spec's defaults: service_request_id overrides every other filter; without any date
    filter, the last 90 days (before end_date, when only that is given)."""
    if query.service_request_id is not None:
        return repository.ReportFilters(ids=_ids(query.service_request_id))
    since = _aware(query.start_date, region)
    until = _aware(query.end_date, region)
    updated_after = _aware(query.updated_after, region)
    updated_before = _aware(query.updated_before, region)
    if since is None and not (updated_after or updated_before):
        since = (until or now) - DEFAULT_SPAN
    return repository.ReportFilters(
        ids=[],
        categories=query.service_code,
        statuses=_statuses(query.status),
        since=since,
        until=_inclusive(until),
        updated_after=updated_after,
        updated_before=updated_before,
        near=_circle(query),
    )


def _inclusive(end: datetime | None) -> datetime | None:
    """end_date includes the moment it names, to the precision it is written in: answers show
    whole seconds, so a client that sends one back gets everything in that second."""
    if end is None:
        return None
    return end + (timedelta(seconds=1) if end.microsecond == 0 else timedelta(microseconds=1))


def _ids(raw: str) -> list[int]:
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    ids = [_report_id(part) for part in parts]
    if not parts or len(parts) > schemas.PAGE_SIZE_MAX or None in ids:
        raise SigapError("invalid_service_request_id", value=raw, limit=schemas.PAGE_SIZE_MAX)
    return [i for i in ids if i is not None]


def _report_id(raw: str) -> int | None:
    """A report id as Sigap stores them (a positive 64-bit integer), or None."""
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        return None
    return int(raw)


def _statuses(open311_statuses: list[str]) -> list[str]:
    for value in open311_statuses:
        if value not in ("open", "closed"):
            raise SigapError("invalid_status", value=value)
    if set(open311_statuses) in (set(), {"open", "closed"}):
        return []
    return list(mapping.domain_statuses(open311_statuses[0]))


def _circle(query: schemas.RequestSearch) -> Circle | None:
    given = [query.lat, query.long, query.radius]
    if all(value is None for value in given):
        return None
    if query.lat is None or query.long is None or query.radius is None:
        raise SigapError("invalid_radius", limit=schemas.RADIUS_MAX_M)
    return Circle(lon=query.long, lat=query.lat, radius_m=query.radius)


def _aware(value: datetime | None, region: RegionState) -> datetime | None:
    """A time without an offset means the deployment's local time, as in the JSON API."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=region.timezone)
