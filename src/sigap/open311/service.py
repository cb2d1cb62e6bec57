"""Adapter glue: GeoReport requests in, calls to the same use cases the JSON API uses, GeoReport
resources out. Nothing is decided here that the JSON API decides differently."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from fastapi import Request
from sqlalchemy import Connection, Select, bindparam, or_, select
from sqlalchemy.orm import Session

from sigap.channels.service import ChannelRef
from sigap.config import Settings
from sigap.db import Database
from sigap.deps import Context
from sigap.errors import SigapError
from sigap.geo.spatial import Circle
from sigap.hotreads import KeyedQuery
from sigap.inputs import id_of
from sigap.kit import utcnow
from sigap.models.rows import PhotoRow
from sigap.moderation import rules
from sigap.open311 import mapping, render, schemas
from sigap.open311.form import Submission, report_of
from sigap.photos import proof
from sigap.photos import service as photos
from sigap.photos.service import PHOTO
from sigap.photos.storage import Storage
from sigap.regions.state import RegionState
from sigap.reports import filing, repository
from sigap.reports import service as reports
from sigap.reports.limits import Source
from sigap.reports.schemas import ReportSort
from sigap.reports.service import EVENT, REPORT, Submitted

DEFAULT_SPAN = timedelta(days=90)


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
        raise SigapError("unknown_jurisdiction", jurisdiction=jurisdiction_id, expected=expected)


def services(region: RegionState, language: str) -> list[schemas.Service]:
    return [mapping.service(c, language) for c in region.categories.values() if c.active]


def definition(region: RegionState, service_code: str, language: str) -> schemas.ServiceDefinition:
    """The questions a service asks (the category's active questions)."""
    category = region.categories.get(service_code)
    if category is None or not category.active:
        raise SigapError("category_not_found", category=service_code)
    return mapping.service_definition(category, language)


# The service list and definitions, rendered once per region snapshot, language and format.
DOCUMENTS = render.Remembered[bytes]()


def services_document(ctx: Context, fmt: schemas.Format) -> bytes:
    def make() -> bytes:
        return render.document("services", services(ctx.region, ctx.language), fmt)

    return DOCUMENTS.get(ctx.region, ("services", ctx.language, fmt), make)


async def submit(
    request: Request,
    ctx: Context,
    channel: ChannelRef,
    submission: Submission,
    idempotency_key: str | None,
) -> Submitted:
    """The GeoReport form as the JSON API's submission, filed by the one use case
    (:func:`sigap.reports.filing.file`) under the channel's key and quota."""
    form = submission.form
    check_jurisdiction(form.jurisdiction_id, ctx.region, ctx.settings)
    if not form.service_code:
        raise SigapError("service_code_required")
    data = report_of(form, submission.attributes)
    quota = channel.reports_per_hour or ctx.settings.channel_reports_per_hour
    device = data.reporter.device_id if data.reporter else None
    source = Source(channel.slug, device=device, quota=quota)
    filed = await filing.file(request, ctx, data, [], source, idempotency_key)
    return filed.result


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


# The note of the event that brought a report into its current state (GeoReport's
# status_notes): the newest event that entered the status from another one. Internal notes are
# plain "note" events, which never change the status, so nothing private can be picked.
STATUS_NOTE = (
    select(EVENT.c.note)
    .where(
        EVENT.c.report_id == REPORT.c.id,
        EVENT.c.to_status == REPORT.c.status,
        or_(EVENT.c.from_status.is_(None), EVENT.c.from_status != REPORT.c.status),
        EVENT.c.action != "note",
    )
    .order_by(EVENT.c.id.desc())
    .limit(1)
    .correlate(REPORT)
    .scalar_subquery()
    .label("status_note")
)
# GeoReport's one media_url per request: the first visible photo.
MEDIA_KEY = (
    select(PHOTO.c.display_key)
    .where(PHOTO.c.report_id == REPORT.c.id, PHOTO.c.hidden.is_(False))
    .order_by(PHOTO.c.id)
    .limit(1)
    .correlate(REPORT)
    .scalar_subquery()
    .label("media_key")
)
# One query answers a page: what a service request shows, with its status note and photo.
# One query answers a page: what a service request shows, with its status note and photo;
# the columns only extended_attributes shows are read only when asked for.
SHOWN = (
    "id category_code status description unit_id created_at updated_at resolution_due_at "
    "address kelurahan_code lat lon"
)
EXTENDED = "kecamatan_code kabkota_code channel escalation_level duplicate_of_id attributes"
COLUMNS = (*(REPORT.c[name] for name in SHOWN.split()), *rules.COLUMNS, STATUS_NOTE, MEDIA_KEY)
EXTENDED_COLUMNS = (*COLUMNS, *(REPORT.c[name] for name in EXTENDED.split()))
# The most frequent read of all, built once: a prepared statement on PostgreSQL, sent for all
# the requests that arrive together.
ONE = KeyedQuery(COLUMNS, REPORT.c.id)
ONE_EXTENDED = select(*EXTENDED_COLUMNS).where(REPORT.c.id == bindparam("report_id"))


async def one(database: Database, ctx: Context, raw_id: str, *, extensions: bool) -> list[Item]:
    """One request: a plain one in one prepared read; with ``extensions``, its timeline and
    photos too, on one connection."""
    report_id = _report_id(raw_id)
    if report_id is None:
        raise SigapError("report_not_found", report_id=raw_id)
    params = {"report_id": report_id}

    def extended(connection: Connection) -> list[Item]:
        rows = [
            row
            for row in connection.execute(ONE_EXTENDED, params)
            if row.visibility == rules.PUBLIC
        ]
        return _requests(connection, ctx, rows, extensions=True)

    if extensions:
        found = await database.read_async(extended)
    else:
        row = await database.fetch_by_key(ONE, report_id)
        found = [] if row is None or row.visibility != rules.PUBLIC else _plain(ctx, [row])
    if not found:
        raise SigapError("report_not_found", report_id=raw_id)
    return found


async def one_document(database: Database, ctx: Context, raw_id: str, fmt: schemas.Format) -> bytes:
    """A plain request (no extensions) as its document."""
    found = await one(database, ctx, raw_id, extensions=False)
    return render.document("service_requests", found, fmt)


async def search(
    database: Database, ctx: Context, query: schemas.RequestSearch, built: Built
) -> list[Item]:
    """GET requests: newest first, numbered pages. A plain page is one statement, built once
    per shape of filters and read from the event loop (on PostgreSQL on asyncpg, compiled once
    per shape); extensions (timelines, photos) and a radius (its box's density is probed
    first) are read on a session."""
    filters = filters_of(query, ctx.region, utcnow())
    sort, number, size = ReportSort.newest, query.page, query.page_size
    shape = repository.page_shape(filters, sort, number, size)
    if query.extensions or shape is None:

        def read(session: Session) -> list[Item]:
            page = repository.Page(session, ctx.region, filters, sort, number, size)
            connection = session.connection()
            rows = list(connection.execute(page.select(columns_for(query.extensions))))
            return _requests(connection, ctx, rows, extensions=query.extensions, built=built)

        return await database.read_in_session(read)

    def make() -> Select[Any]:
        with database.read_session() as session:  # builds the statement; reads nothing
            return repository.Page(session, ctx.region, filters, sort, number, size).select(COLUMNS)

    statement = PAGES.get(ctx.region, shape, make)
    rows = await database.fetch_select(statement, repository.bound_values(filters))
    return _plain(ctx, rows, built)


# The statement of a plain page, built once per shape of filters (repository.page_shape) and
# run with each request's values: building it and its cache key cost more than its rows.
PAGES = render.Remembered[Select[Any]](500)
Item = mapping.RequestItem  # one service request, as rendered
# Lists reuse the requests they built: polling clients ask for the same pages again and again,
# and building an item costs more than reading its row.
Built = render.Remembered[Item]
BUILT_MAX = 20_000


def columns_for(extensions: bool) -> tuple[Any, ...]:
    return EXTENDED_COLUMNS if extensions else COLUMNS


def _requests(
    connection: Connection,
    ctx: Context,
    rows: list[Any],
    *,
    extensions: bool,
    built: Built | None = None,
) -> list[Item]:
    """Rows of :data:`COLUMNS` (:data:`EXTENDED_COLUMNS` with ``extensions``) as service
    requests. Plain ones come from ``built`` when it has them (the row itself is the key: every
    value it shows); with ``extensions``, their public timelines and photos are read in one
    more query each."""
    if not extensions:
        return _plain(ctx, rows, built)
    storage = photos.storage_for(ctx.settings)
    ids = [row.id for row in rows]
    timelines = reports.timelines(connection, ids)
    shown = photos.public(connection, ids)
    return [
        _build(
            ctx,
            storage,
            row,
            (
                timelines[row.id],
                _photos(shown[row.id], storage, ctx.region),
                proof.summary(shown[row.id]),
            ),
        )
        for row in rows
    ]


def _plain(ctx: Context, rows: Sequence[Any], built: Built | None = None) -> list[Item]:
    """Rows of :data:`COLUMNS` as service requests, from ``built`` when it has them."""
    storage = photos.storage_for(ctx.settings)
    if built is None:
        return [_build(ctx, storage, row) for row in rows]
    return [
        built.get(ctx.region, (ctx.language, *row), partial(_build, ctx, storage, row))
        for row in rows
    ]


def _build(
    ctx: Context,
    storage: Storage,
    row: Any,
    extended: mapping.Extended | None = None,
) -> Item:
    media_url = None if row.media_key is None else storage.url(row.media_key)
    return mapping.service_request(
        ctx.region, row, ctx.language, media_url=media_url, extended=extended, network=ctx.network
    )


def _photos(
    found: list[PhotoRow], storage: Storage, region: RegionState
) -> list[mapping.PhotoItem]:
    """A report's visible photos as :class:`schemas.Photo` values; the title is "before" for
    a photo that came with the report, "after" for an official's proof of the fix."""
    return [
        {
            "media_url": storage.url(photo["display_key"]),
            "title": photo["kind"],
            "created_at": mapping.w3c(photo["created_at"], region.timezone),
            "proof": photo["proof"],
        }
        for photo in found
    ]


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
        route=query.route,
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
    return id_of(raw)


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
