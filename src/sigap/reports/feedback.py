"""The reporter's side of the loop, by tracking token: rate the fix (which closes or reopens the
report) and appeal a rejection once. The citizen app's report page reaches the same use cases
(:mod:`sigap.reports.reporter`) with the token, the account or the device as the key."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import ConfigDict, Field
from sqlalchemy.orm import Session

from sigap.deps import Ctx, clock, in_transaction
from sigap.inputs import Input
from sigap.moderation.rules import Audience
from sigap.photos import service as photos
from sigap.photos.storage import Storage
from sigap.reports import present, reporter, schemas, service
from sigap.workflow import actions

router = APIRouter(prefix="/api/v1/track", tags=["reports"])
Note = Annotated[schemas.Text, Field(min_length=1, max_length=2000)]


class Rating(Input):
    model_config = ConfigDict(extra="forbid")

    stars: Annotated[int, Field(ge=1, le=5)]
    comment: Note | None = None
    reason: Note | None = Field(
        default=None, description="Required with 1 or 2 stars: why the fix is not a fix"
    )


class Appeal(Input):
    model_config = ConfigDict(extra="forbid")

    reason: Note


@router.post("/{token}/rating", summary="Rate a resolved report: 3-5 closes it, 1-2 reopens it")
async def rate(token: str, body: Rating, ctx: Ctx, request: Request) -> schemas.Report:
    options = actions.Options(
        rating_window=timedelta(days=ctx.settings.rating_window_days), now=clock(request)
    )

    def run(session: Session) -> schemas.Report:
        report_id = reporter.rate(
            session, ctx.region, reporter.Key(token=token), stars=body.stars,
            comment=body.comment, reason=body.reason, options=options,
        )  # fmt: skip
        return _public(session, ctx, report_id, request.app.state.photo_storage)

    return await in_transaction(request, run)


@router.post("/{token}/appeal", summary="Appeal a rejection (once): it goes to the unit above")
async def appeal(token: str, body: Appeal, ctx: Ctx, request: Request) -> schemas.Report:
    options = actions.Options(now=clock(request))

    def run(session: Session) -> schemas.Report:
        report_id = reporter.appeal(
            session, ctx.region, reporter.Key(token=token), reason=body.reason, options=options
        )
        return _public(session, ctx, report_id, request.app.state.photo_storage)

    return await in_transaction(request, run)


def _public(session: Session, ctx: Ctx, report_id: int, storage: Storage) -> schemas.Report:
    session.flush()
    report = service.get(session, report_id)
    rows = photos.public(session, [report_id])[report_id]
    timeline = service.timeline(session, report_id)
    return present.report(
        ctx.region,
        report,
        timeline,
        ctx.language,
        rows,
        storage,
        audience=Audience.OWNER,
        network=ctx.network,
    )
