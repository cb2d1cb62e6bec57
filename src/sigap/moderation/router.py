"""The moderators' admin API under /api/v1/admin (admin role, every change audited): hide or
redact parts of a report, take it down, publish it, the triage queue and the triage switch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sigap.admin.console import change
from sigap.auth.deps import CurrentAdmin
from sigap.db import Database
from sigap.deps import context_of
from sigap.inputs import Id
from sigap.models import Report
from sigap.moderation import schemas
from sigap.regions.state import RegionState
from sigap.workflow import moderation as service

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])
Queue = Annotated[str, Query(pattern="^(pending|hidden|withheld|confidential)$")]


@router.get(
    "/moderation",
    response_model=schemas.ModerationQueue,
    summary="The moderation lists: pending (the triage queue, oldest first), hidden, withheld, "
    "confidential",
)
async def moderation_queue(
    admin: CurrentAdmin, request: Request, queue: Queue = "pending"
) -> dict[str, Any]:
    state = context_of(request).region
    database: Database = request.app.state.db

    def read() -> list[dict[str, Any]]:
        with database.reading() as session:
            return [dict(service.report_dict(state, r)) for r in service.queue(session, queue)]

    items = await run_in_threadpool(read)
    return {"triage": state.triage, "queue": queue, "items": items}


@router.get(
    "/reports/{report_id}/moderation",
    response_model=schemas.ModeratedReport,
    summary="What the public sees of a report",
)
async def moderation_state(admin: CurrentAdmin, request: Request, report_id: Id) -> dict[str, Any]:
    state = context_of(request).region
    database: Database = request.app.state.db

    def read() -> dict[str, Any]:
        with database.reading() as session:
            return dict(service.report_dict(state, service.get(session, report_id)))

    return await run_in_threadpool(read)


@router.post(
    "/reports/{report_id}/hide",
    response_model=schemas.ModeratedReport,
    summary="Hide or redact parts of a report from the public (officials still see them)",
)
async def hide(
    admin: CurrentAdmin, request: Request, report_id: Id, body: schemas.Hide
) -> dict[str, Any]:
    state = context_of(request).region

    def run(session: Session) -> Report:
        return service.hide(
            session, state, admin, report_id, parts=list(body.parts), reason=body.reason,
            description=body.description, address=body.address,
        )  # fmt: skip

    return await _changed(request, state, run)


def _with_reason(action: str, summary: str, use_case: Callable[..., Report]) -> None:
    """``POST /reports/{id}/<action>`` with a reason: ``use_case(session, state, admin, id,
    reason=...)``, answered with what the public sees now."""

    @router.post(
        f"/reports/{{report_id}}/{action}",
        response_model=schemas.ModeratedReport,
        summary=summary,
        name=action,
    )
    async def act(
        admin: CurrentAdmin, request: Request, report_id: Id, body: schemas.Undo
    ) -> dict[str, Any]:
        state = context_of(request).region

        def run(session: Session) -> Report:
            return use_case(session, state, admin, report_id, reason=body.reason)

        return await _changed(request, state, run)


_with_reason("unhide", "Undo a hide: the public sees it all again", service.unhide)
_with_reason(
    "withhold",
    "Take a report down from every public output (its unit still handles it)",
    service.withhold,
)


@router.post(
    "/reports/{report_id}/publish",
    response_model=schemas.ModeratedReport,
    summary="Publish a report that waits for a moderator (triage) or was taken down",
)
async def publish(
    admin: CurrentAdmin, request: Request, report_id: Id, body: schemas.Publish | None = None
) -> dict[str, Any]:
    state = context_of(request).region
    reason = body.reason if body is not None else ""

    def run(session: Session) -> Report:
        return service.publish(session, state, admin, report_id, reason=reason)

    return await _changed(request, state, run)


@router.put(
    "/triage",
    response_model=schemas.TriageState,
    summary="Switch triage: new reports wait for a moderator",
)
async def triage(admin: CurrentAdmin, request: Request, body: schemas.Triage) -> dict[str, bool]:
    def run(session: Session) -> bool:
        return service.set_triage(session, admin, enabled=body.enabled)

    return {"triage": await change(request, run)}


async def _changed(request: Request, state: RegionState, use_case: Any) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        return dict(service.report_dict(state, use_case(session)))

    return await change(request, run, region=False)
