"""Marking a report a duplicate of another: it merges into the parent, which gains its people
(:mod:`sigap.workflow.merging`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.models import Report, ReportEvent
from sigap.models.states import ReportStatus
from sigap.regions.state import RegionState
from sigap.workflow import merging
from sigap.workflow.actions import Actor, Options, append_event, begin, load, record


def mark_duplicate(
    session: Session,
    state: RegionState,
    actor: Actor,
    report_id: int,
    *,
    parent_id: int,
    note: str | None,
    options: Options,
) -> ReportEvent:
    """Merge into ``parent_id``, which the official must be able to see (404 otherwise, as for
    any report outside their view). The parent gains this report's supporters, its reporter
    as one more supporter, and its followers, each person once (:func:`merging.merge_people`);
    the reporter follows the parent from now on (see ``sigap.notify.fanout``)."""
    report, now, to = begin(session, report_id, actor, "mark_duplicate", options)
    if parent_id == report.id:
        raise SigapError("invalid_duplicate_parent", parent_id=parent_id, why="same report")
    parent = load(session, parent_id, actor)  # missing or out of view: 404, like any report
    why = _unfit_parent(parent)
    if why:
        raise SigapError("invalid_duplicate_parent", parent_id=parent_id, why=why)
    report.first_response_at = report.first_response_at or now
    report.duplicate_of_id = parent.id
    report.due_at = None
    merging.merge_people(session, report, parent)
    parent.updated_at = now
    append_event(
        session, parent, actor, "merge", parent.status, now, None, {"duplicate": report.id}
    )
    return record(
        session,
        state,
        report,
        actor,
        "mark_duplicate",
        to,
        now,
        note,
        options,
        data={"parent": parent.id},
    )


def _unfit_parent(parent: Report) -> str | None:
    if parent.status == ReportStatus.duplicate:
        return "itself a duplicate"
    if parent.status == ReportStatus.rejected:
        return "rejected"
    return None
