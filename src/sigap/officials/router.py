"""The officials' JSON API (CROP): inbox, report, actions. Bearer tokens only (see sigap.auth)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sigap.auth.deps import CurrentOfficial
from sigap.auth.service import Subject
from sigap.db import Database
from sigap.deps import Context, Ctx, clock, in_transaction
from sigap.errors import SigapError
from sigap.inputs import Id
from sigap.kit import split_values
from sigap.models.states import OPEN_IN_INDEX_ORDER, OPEN_STATUSES, STATUSES
from sigap.officials import actions, schemas, service, uploads
from sigap.photos.service import StoredPhoto
from sigap.photos.storage import Storage
from sigap.workflow import machine
from sigap.workflow.actions import Actor, Options

router = APIRouter(prefix="/api/v1/officials", tags=["officials"])


@router.get("/inbox", summary="The reports this official may act on, most urgent first")
async def inbox(
    subject: CurrentOfficial,
    ctx: Ctx,
    request: Request,
    status: Annotated[list[str] | None, Query()] = None,
    category: Annotated[list[str] | None, Query()] = None,
    kelurahan: str | None = None,
    rw: Annotated[
        str | None, Query(description="One RW: its code (kelurahan code, a dot, the number)")
    ] = None,
    overdue: bool = False,
    mine: Annotated[
        bool, Query(description="Only the reports assigned to me (a field officer's own)")
    ] = False,
    sort: schemas.InboxSort = schemas.InboxSort.urgency,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> schemas.Inbox:
    statuses = split_values(status) or list(OPEN_IN_INDEX_ORDER)
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise SigapError(
            "invalid_input",
            details=[{"field": "status", "value": v, "allowed": list(STATUSES)} for v in unknown],
        )
    if sort is schemas.InboxSort.urgency and not set(statuses) <= OPEN_STATUSES:
        sort = schemas.InboxSort.recent  # settled reports have no deadline to sort on
    filters = service.InboxFilters(
        statuses,
        split_values(category),
        kelurahan,
        overdue,
        subject.account_id if mine else None,
        rw,
    )
    now = clock(request)
    database: Database = request.app.state.db

    def read() -> schemas.Inbox:
        with database.reading() as session:
            items, next_cursor = service.inbox_items(
                session,
                ctx.region,
                subject,
                filters,
                now=now,
                sort=sort,
                limit=limit,
                cursor=cursor,
                language=ctx.language,
                storage=request.app.state.photo_storage,
            )
        return schemas.Inbox(items=items, next_cursor=next_cursor, limit=limit)

    return await run_in_threadpool(read)


@router.get("/reports/{report_id}", summary="One report, as its officials see it")
async def get_report(
    report_id: Id, subject: CurrentOfficial, ctx: Ctx, request: Request
) -> schemas.OfficialReport:
    database: Database = request.app.state.db

    def read() -> schemas.OfficialReport:
        with database.reading() as session:
            return _view(session, ctx, subject, report_id, request.app.state.photo_storage)

    return await run_in_threadpool(read)


@router.get("/units", summary="Units to forward to (search by name or code)")
def units(
    ctx: Ctx, subject: CurrentOfficial, q: Annotated[str, Query(max_length=100)] = ""
) -> list[schemas.UnitItem]:
    needle = q.strip().lower()
    found = [
        schemas.UnitItem(
            code=unit.code,
            name=unit.name(ctx.language),
            kind=unit.kind,
            parent=ctx.region.units[unit.parent_id].code if unit.parent_id else None,
        )
        for unit in ctx.region.units.values()
        if needle in unit.code.lower() or needle in unit.name(ctx.language).lower()
    ]
    return sorted(found, key=lambda item: (len(item.name), item.name))[:50]


async def _act(
    request: Request,
    ctx: Context,
    subject: Subject,
    report_id: Id,
    body: actions.Action,
    stored: list[StoredPhoto] | None = None,
) -> schemas.OfficialReport:
    """Carry out one action and answer with the report as it now stands, in one transaction."""
    options = Options(
        rating_window=timedelta(days=ctx.settings.rating_window_days),
        now=clock(request),
        proof_distance_m=ctx.settings.proof_max_distance_m,
    )

    storage = request.app.state.photo_storage

    def run(session: Session) -> schemas.OfficialReport:
        actor = Actor.official(subject)
        actions.perform(
            session, ctx.region, actor, report_id, body, options=options, stored=stored or ()
        )
        try:
            return _view(session, ctx, subject, report_id, storage)
        except SigapError as error:
            if error.status != 404:
                raise
            # Forwarded out of this official's sight by this very action (which checked it
            # could see the report): answer with where it went, and nothing left to do.
            moved = _view(session, ctx, replace(subject, scope=None), report_id, storage)
            return moved.model_copy(update={"allowed_actions": []})

    return await in_transaction(request, run)


def _view(
    session: Session, ctx: Context, subject: Subject, report_id: int, storage: Storage
) -> schemas.OfficialReport:
    return service.view(
        session,
        ctx.region,
        subject,
        report_id,
        language=ctx.language,
        storage=storage,
        network=ctx.network,
    )


@router.post("/reports/{report_id}/acknowledge", summary="Start work: open → in progress")
async def acknowledge(
    report_id: Id, body: schemas.Acknowledge, subject: CurrentOfficial, ctx: Ctx, request: Request
) -> schemas.OfficialReport:
    return await _act(request, ctx, subject, report_id, body)


@router.post(
    "/reports/{report_id}/resolve",
    summary="Resolve with proof: multipart form with `note` and one or more `photo` files",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["note", "photo"],
                        "properties": {
                            "note": {
                                "type": "string",
                                "maxLength": schemas.NOTE_MAX,
                                "description": "Public note",
                            },
                            "photo": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                                "description": "After-photos (JPEG, PNG, WebP, HEIC)",
                            },
                        },
                    }
                }
            },
        }
    },
)
async def resolve(
    report_id: Id, subject: CurrentOfficial, ctx: Ctx, request: Request
) -> schemas.OfficialReport:
    # Visibility and legality are checked before any photo is decoded or stored.
    await _check_allowed(request, ctx, subject, report_id, "resolve")
    fields, stored = await uploads.read_action(request, ctx)
    body = actions.validated(schemas.Resolve, fields)
    return await _act(request, ctx, subject, report_id, body, stored)


async def _check_allowed(
    request: Request, ctx: Context, subject: Subject, report_id: int, action: str
) -> None:
    database: Database = request.app.state.db

    def read() -> str:
        with database.reading() as session:
            return str(service.report_for(session, subject, report_id)["status"])

    machine.target(await run_in_threadpool(read), action, subject.role)


@router.post("/reports/{report_id}/forward", summary="Send to another unit (disposisi)")
async def forward(
    report_id: Id, body: schemas.Forward, subject: CurrentOfficial, ctx: Ctx, request: Request
) -> schemas.OfficialReport:
    return await _act(request, ctx, subject, report_id, body)


@router.post("/reports/{report_id}/reject", summary="Reject with a reason from the fixed list")
async def reject(
    report_id: Id, body: schemas.Reject, subject: CurrentOfficial, ctx: Ctx, request: Request
) -> schemas.OfficialReport:
    return await _act(request, ctx, subject, report_id, body)


@router.post("/reports/{report_id}/duplicate", summary="Merge into a parent report")
async def mark_duplicate(
    report_id: Id,
    body: schemas.MarkDuplicate,
    subject: CurrentOfficial,
    ctx: Ctx,
    request: Request,
) -> schemas.OfficialReport:
    return await _act(request, ctx, subject, report_id, body)


@router.post("/reports/{report_id}/reopen", summary="Reopen a resolved or closed report")
async def reopen(
    report_id: Id, body: schemas.Reopen, subject: CurrentOfficial, ctx: Ctx, request: Request
) -> schemas.OfficialReport:
    return await _act(request, ctx, subject, report_id, body)


@router.post(
    "/reports/{report_id}/assign",
    summary="Assign to one field officer of the report's unit (officer null clears)",
)
async def assign(
    report_id: Id, body: schemas.Assign, subject: CurrentOfficial, ctx: Ctx, request: Request
) -> schemas.OfficialReport:
    return await _act(request, ctx, subject, report_id, body)


@router.post("/reports/{report_id}/notes", summary="Add a note (internal by default)")
async def add_note(
    report_id: Id, body: schemas.AddNote, subject: CurrentOfficial, ctx: Ctx, request: Request
) -> schemas.OfficialReport:
    return await _act(request, ctx, subject, report_id, body)
