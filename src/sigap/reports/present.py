"""Turning stored reports (column → value mappings) into API schemas, with names from the region
snapshot, so no joins are needed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import Row

from sigap.kit import utcnow
from sigap.models.rows import EventRow, PhotoRow, ReportRow
from sigap.models.states import OPEN_STATUSES
from sigap.moderation.rules import Audience, Shown, shown
from sigap.photos import proof
from sigap.photos.storage import Storage
from sigap.regions.state import RegionState
from sigap.reports import answers, schemas, transit
from sigap.transit.state import Network
from sigap.workflow.sla import is_overdue


def area_ref(state: RegionState, code: str) -> schemas.Ref:
    area = state.areas.get(code)
    return schemas.Ref(code=code, name=area.name if area else code)


def rw_ref(code: str | None) -> schemas.Ref | None:
    """A report's RW ("31.71.01.1001.05" -> RW 05), None where the region has no RW layer."""
    return None if not code else schemas.Ref(code=code, name=f"RW {code.rsplit('.', 1)[1]}")


def unit_ref(state: RegionState, unit_id: int, language: str) -> schemas.Ref:
    unit = state.units[unit_id]
    return schemas.Ref(code=unit.code, name=unit.name(language))


def category_ref(state: RegionState, code: str, language: str) -> schemas.Ref:
    category = state.categories.get(code)
    return schemas.Ref(code=code, name=category.name(language) if category else code)


def event(
    state: RegionState,
    item: EventRow,
    language: str,
    photos: Sequence[schemas.Photo] = (),
    view: Shown | None = None,
) -> schemas.Event:
    """One timeline event; ``view`` (:func:`sigap.moderation.rules.shown`) hides its note
    where the audience may not read the report's notes."""
    actor = item["actor_kind"]
    if item["actor_unit_id"] is not None:
        actor = state.units[item["actor_unit_id"]].name(language)
    hidden = view is not None and item["note"] is not None and not view.shows("notes")
    return schemas.Event(
        action=item["action"],
        from_status=item["from_status"],
        to_status=item["to_status"],
        actor=actor,
        note=None if hidden else item["note"],
        note_hidden=hidden,
        created_at=item["created_at"],
        photos=list(photos),
    )


def photos(items: Sequence[PhotoRow], storage: Storage) -> list[schemas.Photo]:
    """Visible photo rows (``sigap.photos.service.public``) as the API shows them."""
    return [
        schemas.Photo(
            id=item["id"],
            kind=item["kind"],
            url=storage.url(item["display_key"]),
            thumb_url=storage.url(item["thumb_key"]),
            width=item["width"],
            height=item["height"],
            proof=item.get("proof"),
            proof_notes=item.get("proof_notes") or [],
        )
        for item in items
    ]


def answer_list(
    state: RegionState,
    item: ReportRow,
    language: str,
    *,
    private: bool = False,
    network: Network | None = None,
) -> list[schemas.Answer]:
    """The answers to the category's questions, in the order they were asked; free text only
    with ``private`` (for officials). Questions retired since still name their answers."""
    stored: Mapping[str, Any] = item.get("attributes") or {}
    if not stored:
        return []
    category = state.categories.get(item["category_code"])
    found = []
    for code, value in stored.items():
        question = category.question(code) if category else None
        if not (private or answers.is_public(question)):
            continue
        found.append(
            schemas.Answer(
                code=code,
                question=question.label(language) if question else code,
                datatype=question.datatype if question else "",
                value=value,
                text=(
                    transit.answer_text(question, value, language, network)
                    if question is not None
                    else answers.display(None, value, language)
                ),
            )
        )
    return found


def report(
    state: RegionState,
    item: ReportRow,
    events: Sequence[EventRow],
    language: str,
    photo_rows: Sequence[PhotoRow] = (),
    storage: Storage | None = None,
    *,
    audience: Audience = Audience.PUBLIC,
    network: Network | None = None,
) -> schemas.Report:
    fields = report_fields(
        state, item, events, language, photo_rows, storage, audience=audience, network=network
    )
    return schemas.Report(**fields)


class Deadline(TypedDict):
    kind: str  # response / resolution
    due: datetime
    done: datetime | None
    met: bool | None


def deadlines(item: ReportRow, now: datetime) -> list[Deadline]:
    """Response and resolution deadlines with whether each was met (None: still running, or
    the report ended another way)."""
    pairs = (
        ("response", item["response_due_at"], item["first_response_at"]),
        ("resolution", item["resolution_due_at"], item["resolved_at"]),
    )
    found: list[Deadline] = []
    for kind, due, done in pairs:
        met: bool | None = None
        if done is not None:
            met = done <= due
        elif item["status"] in OPEN_STATUSES and now > due:
            met = False
        found.append({"kind": kind, "due": due, "done": done, "met": met})
    return found


def report_fields(
    state: RegionState,
    item: ReportRow,
    events: Sequence[EventRow],
    language: str,
    photo_rows: Sequence[PhotoRow] = (),
    storage: Storage | None = None,
    *,
    audience: Audience = Audience.PUBLIC,
    network: Network | None = None,
) -> dict[str, Any]:
    """The fields of a report as ``audience`` sees it (:mod:`sigap.moderation.rules`), for
    :class:`schemas.Report` and its subclasses; officials also read free-text answers. The
    transit route and stop are named from ``network`` (their ids without one)."""
    view = shown(state, item, audience)
    route, stop = (item.get("transit_route"), item.get("transit_stop"))
    if not view.shows("answers"):
        route = stop = None
    if not view.shows("photos"):
        photo_rows = ()
    listed = photos(photo_rows, storage) if storage is not None else []
    by_event: dict[int, list[schemas.Photo]] = {}
    for row, photo in zip(photo_rows, listed, strict=False):
        if row["event_id"] is not None:
            by_event.setdefault(row["event_id"], []).append(photo)
    return {
        "id": item["id"],
        "category": category_ref(state, item["category_code"], language),
        "status": item["status"],
        "status_colour": schemas.STATUS_COLOURS[item["status"]],
        "description": view.description,
        "address": view.address,
        "lat": view.lat,
        "lon": view.lon,
        "moderated": view.moderated,
        "confidential": view.confidential,
        "hidden": sorted(view.hidden),
        "kelurahan": area_ref(state, item["kelurahan_code"]),
        "kecamatan": area_ref(state, item["kecamatan_code"]),
        "kabkota": area_ref(state, item["kabkota_code"]),
        "rw": rw_ref(item.get("rw_code")) if view.shows("point") else None,
        "unit": unit_ref(state, item["unit_id"], language),
        "channel": item["channel"],
        "routing": schemas.Routing(
            method=item["routing_method"],
            distance_m=item["routing_distance_m"],
            boundary_version=item["boundary_version_id"],
        ),
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
        "response_due_at": item["response_due_at"],
        "resolution_due_at": item["resolution_due_at"],
        "first_response_at": item["first_response_at"],
        "resolved_at": item["resolved_at"],
        "closed_at": item["closed_at"],
        "support_count": item["support_count"],
        "reopen_count": item["reopen_count"],
        "received_at": item["received_at"],
        "overdue": is_overdue(item["due_at"], utcnow()),
        "escalation_level": item["escalation_level"],
        "escalated_to": (
            unit_ref(state, item["escalation_unit_id"], language)
            if item["escalation_unit_id"] is not None
            else None
        ),
        "rating": item["rating"],
        "rejection_reason": item["rejection_reason"],
        "duplicate_of": item["duplicate_of_id"],
        "photos": listed,
        "proof": proof.summary(photo_rows),
        "answers": (
            answer_list(
                state, item, language, private=audience is Audience.OFFICIAL, network=network
            )
            if view.shows("answers")
            else []
        ),
        "transit_route": (
            schemas.TransitRef(id=route, name=transit.route_name(network, route)) if route else None
        ),
        "transit_stop": (
            schemas.TransitRef(id=stop, name=transit.stop_name(network, stop)) if stop else None
        ),
        "timeline": [
            event(state, e, language, by_event.get(e.get("id") or 0, ()), view)
            for e in events
            if is_public(e)
        ],
    }


def is_public(item: EventRow) -> bool:
    """Internal notes are for officials only."""
    data = item.get("data") or {}
    return not data.get("internal")


def list_item(state: RegionState, row: Row[Any]) -> schemas.ReportListItem:
    """A row of ``repository.LIST_COLUMNS`` as the public sees it."""
    view = shown(state, row._mapping, Audience.PUBLIC)
    return schemas.ReportListItem(
        id=row.id,
        category=row.category_code,
        status=row.status,
        status_colour=schemas.STATUS_COLOURS[row.status],
        lat=view.lat,
        lon=view.lon,
        kelurahan=row.kelurahan_code,
        unit=state.units[row.unit_id].code,
        summary=summary(view.description),
        transit_route=row.transit_route if view.shows("answers") else None,
        moderated=view.moderated,
        confidential=view.confidential,
        created_at=row.created_at,
        updated_at=row.updated_at,
        response_due_at=row.response_due_at,
    )


def summary(description: str | None) -> str | None:
    """A list's line of a description: at most 140 characters."""
    if description is None or len(description) <= 140:
        return description
    return description[:139] + "…"
