"""The citizen app's JSON endpoints: where a point is, what is already reported near it, and
support, follows and comments for API clients (bearer tokens). Officials hide comments here.

The web app under /app reaches the same services with its cookie session (sigap.citizen.pages).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from sigap.auth.deps import CurrentOfficial, CurrentSubject
from sigap.citizen import social
from sigap.config import Settings
from sigap.deps import Context, Ctx, ReadSession, client_address, clock, in_transaction
from sigap.errors import SigapError
from sigap.geo.spatial import Circle
from sigap.inputs import Id, Input
from sigap.kit import utcnow
from sigap.models.rows import PhotoRow
from sigap.moderation.rules import Audience, shown
from sigap.photos import service as photos
from sigap.photos.storage import Storage
from sigap.regions.state import street_layer
from sigap.reports.present import rw_ref
from sigap.reports.schemas import STATUS_COLOURS, Ref, Text
from sigap.workflow import routing

router = APIRouter(prefix="/api/v1", tags=["citizen app"])
Lat = Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False)]
Lon = Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False)]


class Located(BaseModel):
    kelurahan: Ref
    kecamatan: Ref
    kabkota: Ref
    method: str = Field(description="inside, overlap or nearest (in a gap between boundaries)")
    street: str | None = Field(
        default=None, description="the named street within 60 m, from the region's street layer"
    )
    rw: Ref | None = Field(default=None, description="the RW, where the region has RW boundaries")


class Nearby(BaseModel):
    id: int
    category: Ref
    status: str
    status_colour: str
    description: str | None = Field(description="null when a moderator hid it")
    moderated: bool = False
    created_at: datetime
    support_count: int
    distance_m: float
    thumb_urls: list[str]


class CommentIn(Input):
    model_config = ConfigDict(extra="forbid")

    body: Annotated[Text, Field(min_length=1, max_length=2000)]


class Comment(BaseModel):
    id: int
    body: str
    created_at: datetime


class Support(BaseModel):
    support_count: int


@router.get("/locate", response_model=Located, summary="The kelurahan of a point (or 422)")
def locate(session: ReadSession, ctx: Ctx, lat: Lat, lon: Lon) -> Located:
    """Lets the app refuse a point outside the service area before the citizen writes more,
    and name the street the pin is on."""
    placement = routing.place(ctx.region, lon, lat)
    streets = street_layer(session, ctx.region)
    areas = ctx.region.areas

    def ref(code: str) -> Ref:
        return Ref(code=code, name=areas[code].name)

    return Located(
        kelurahan=ref(placement.kelurahan_code),
        kecamatan=ref(placement.kecamatan_code),
        kabkota=ref(placement.kabkota_code),
        method=placement.method,
        street=streets.nearest_name(lon, lat) if streets is not None else None,
        rw=rw_ref(placement.rw_code),
    )


@router.get(
    "/nearby",
    response_model=list[Nearby],
    summary="Open reports of a category near a point (support one instead of a duplicate)",
)
def nearby_reports(
    request: Request, session: ReadSession, ctx: Ctx, category: str, lat: Lat, lon: Lon
) -> list[Nearby]:
    if category not in ctx.region.categories:
        raise SigapError("unknown_category", category=category)
    rows = find_nearby(session, ctx, category=category, lat=lat, lon=lon)
    photo_rows = photos.public(session, [r["id"] for r in rows])
    storage = request.app.state.photo_storage
    return present_nearby(ctx, rows, photo_rows, storage, Circle(lon, lat, 0))


def find_nearby(
    session: Session, ctx: Context, *, category: str, lat: float, lon: float
) -> list[Mapping[str, Any]]:
    settings = ctx.settings
    radius = settings.citizen_nearby_m_by_category.get(category, settings.citizen_nearby_m)
    return social.nearby(
        session,
        category=category,
        lon=lon,
        lat=lat,
        radius_m=radius,
        days=settings.citizen_nearby_days,
        now=utcnow(),
    )


def present_nearby(
    ctx: Context,
    rows: Sequence[Mapping[str, Any]],
    photo_rows: Mapping[int, list[PhotoRow]],
    storage: Storage,
    centre: Circle,
) -> list[Nearby]:
    per_lon, per_lat = centre.metres_per_degree()

    def distance(row: Mapping[str, Any]) -> float:
        dx, dy = (row["lon"] - centre.lon) * per_lon, (row["lat"] - centre.lat) * per_lat
        return round(math.hypot(dx, dy), 1)

    categories = ctx.region.categories
    return [
        Nearby(
            id=row["id"],
            category=Ref(
                code=row["category_code"],
                name=categories[row["category_code"]].name(ctx.language),
            ),
            status=row["status"],
            status_colour=STATUS_COLOURS.get(row["status"], "grey"),
            description=_said(ctx, row),
            moderated=bool(row["hidden_parts"]),
            created_at=row["created_at"],
            support_count=row["support_count"],
            distance_m=distance(row),
            thumb_urls=[storage.url(p["thumb_key"]) for p in photo_rows.get(row["id"], [])],
        )
        for row in rows
    ]


def _said(ctx: Context, row: Mapping[str, Any]) -> str | None:
    """The description as the public sees it (null: hidden by a moderator), 280 characters."""
    description = shown(ctx.region, row, Audience.PUBLIC).description
    return None if description is None else description[:280]


@router.get(
    "/reports/{report_id}/comments", response_model=list[Comment], summary="Public comments"
)
def list_comments(report_id: Id, session: ReadSession) -> list[Comment]:
    return [Comment(**row) for row in social.comments(session, report_id)]


@router.post(
    "/reports/{report_id}/comments",
    response_model=Comment,
    status_code=status.HTTP_201_CREATED,
    summary="Comment on a report (signed-in citizens)",
)
async def add_comment(
    report_id: Id, body: CommentIn, subject: CurrentSubject, request: Request
) -> Comment:
    def run(session: Session) -> Comment:
        row = social.comment(session, subject.account_id, report_id, body.body)
        return Comment(id=row.id, body=row.body, created_at=row.created_at)

    return await in_transaction(request, run)


@router.post(
    "/reports/{report_id}/support",
    response_model=Support,
    summary="+1: support a report (once per account; 409 the second time)",
)
async def support_report(report_id: Id, subject: CurrentSubject, request: Request) -> Support:
    settings: Settings = request.app.state.settings
    count = await in_transaction(
        request,
        lambda s: social.support(
            s, report_id, account_id=subject.account_id, device=None,
            address=client_address(request), per_hour=settings.supports_per_hour,
            now=clock(request),
        ),
    )  # fmt: skip
    return Support(support_count=count)


@router.put(
    "/reports/{report_id}/follow",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Follow a report",
)
async def follow_report(report_id: Id, subject: CurrentSubject, request: Request) -> None:
    per_hour: int = request.app.state.settings.follows_per_hour
    await in_transaction(
        request,
        lambda s: social.follow(
            s, subject.account_id, report_id, per_hour=per_hour, now=clock(request)
        ),
    )


@router.delete(
    "/reports/{report_id}/follow",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Stop following a report",
)
async def unfollow_report(report_id: Id, subject: CurrentSubject, request: Request) -> None:
    await in_transaction(request, lambda s: social.unfollow(s, subject.account_id, report_id))


@router.post(
    "/officials/reports/{report_id}/comments/{comment_id}/hide",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["officials"],
    summary="Hide an abusive comment (officials who may see the report)",
)
async def hide_comment(
    report_id: Id, comment_id: Id, official: CurrentOfficial, request: Request
) -> None:
    await in_transaction(request, lambda s: social.hide_comment(s, official, report_id, comment_id))
