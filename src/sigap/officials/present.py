"""The officials' views of reports, built from stored rows and the region snapshot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sigap.models.rows import EventRow, PhotoRow, ReportRow
from sigap.moderation.rules import Audience, shown
from sigap.officials import schemas
from sigap.photos.service import Thumbnail
from sigap.photos.storage import Storage
from sigap.regions.state import RegionState
from sigap.reports import present as public
from sigap.reports.schemas import STATUS_COLOURS
from sigap.transit.state import Network
from sigap.workflow.sla import is_overdue, level_due_at


def inbox_item(
    state: RegionState,
    row: Any,
    now: datetime,
    language: str,
    *,
    me: int | None = None,
    thumbnail: Thumbnail | None = None,
) -> schemas.InboxItem:
    """One row of the inbox; ``me`` is the reading official's account, ``thumbnail`` the
    report's from :func:`sigap.photos.service.first_thumbnails`."""
    description: str = row.description
    seconds_left = int((row.due_at - now).total_seconds()) if row.due_at is not None else None
    return schemas.InboxItem(
        id=row.id,
        category=public.category_ref(state, row.category_code, language),
        status=row.status,
        status_colour=STATUS_COLOURS[row.status],
        kelurahan=public.area_ref(state, row.kelurahan_code),
        rw=public.rw_ref(row.rw_code),
        unit=public.unit_ref(state, row.unit_id, language),
        summary=description if len(description) <= 140 else description[:139] + "…",
        created_at=row.created_at,
        due_at=row.due_at,
        seconds_left=seconds_left,
        overdue=is_overdue(row.due_at, now),
        escalation_level=row.escalation_level,
        assignee=(
            schemas.Officer(id=row.assignee_id, name=row.assignee_name)
            if row.assignee_id is not None
            else None
        ),
        assigned_to_me=me is not None and row.assignee_id == me,
        thumbnail=schemas.Thumbnail(**thumbnail) if thumbnail else None,
    )


def internal_event(state: RegionState, item: EventRow, language: str) -> schemas.InternalEvent:
    actor = item["actor_kind"]
    if item["actor_unit_id"] is not None:
        actor = state.units[item["actor_unit_id"]].name(language)
    data = dict(item["data"] or {})
    return schemas.InternalEvent(
        id=item["id"],
        action=item["action"],
        from_status=item["from_status"],
        to_status=item["to_status"],
        actor=actor,
        note=item["note"],
        internal=bool(data.pop("internal", False)),
        data=data,
        created_at=item["created_at"],
    )


def official_report(
    state: RegionState,
    report: ReportRow,
    events: Sequence[EventRow],
    *,
    allowed_actions: list[str],
    contact: Mapping[str, Any] | None,
    language: str,
    photo_rows: Sequence[PhotoRow] = (),
    storage: Storage | None = None,
    assignee: Mapping[str, Any] | None = None,
    officers: Sequence[Mapping[str, Any]] = (),
    network: Network | None = None,
) -> schemas.OfficialReport:
    return schemas.OfficialReport(
        **public.report_fields(
            state,
            report,
            events,
            language,
            photo_rows,
            storage,
            audience=Audience.OFFICIAL,
            network=network,
        ),
        visibility=report["visibility"],
        public_hidden=sorted(public_hidden(state, report)),
        allowed_actions=allowed_actions,
        reporter_contact=schemas.Contact(**contact) if contact else None,
        events=[internal_event(state, e, language) for e in events],
        assignee=schemas.Officer(**assignee) if assignee else None,
        officers=[schemas.Officer(**officer) for officer in officers],
        escalation_due_at=level_due_at(
            report["escalation_level"],
            report["escalated_at"],
            report["due_at"],
            state.categories[report["category_code"]],
        ),
    )


def public_hidden(state: RegionState, report: ReportRow) -> frozenset[str]:
    """What the public does not see of the report (the officials' page says so)."""
    return shown(state, report, Audience.PUBLIC).hidden
