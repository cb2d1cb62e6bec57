"""The unit's replies to a report: acknowledge it (its response), reject it with a reason, or
add a note to its timeline (public, or internal: for officials only)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.models import ReportEvent
from sigap.regions.state import RegionState
from sigap.workflow import machine
from sigap.workflow.actions import (
    Actor,
    Options,
    append_event,
    begin,
    calm,
    record,
    require_note,
)


def acknowledge(
    session: Session,
    state: RegionState,
    actor: Actor,
    report_id: int,
    *,
    note: str | None,
    options: Options,
) -> ReportEvent:
    report, now, to = begin(session, report_id, actor, "acknowledge", options)
    report.first_response_at = report.first_response_at or now
    report.due_at = report.resolution_due_at
    # The unit has answered: the escalation ends (its events stay on the timeline) and the
    # resolution deadline starts its own climb from the bottom.
    calm(report)
    return record(session, state, report, actor, "acknowledge", to, now, note, options)


def reject(
    session: Session,
    state: RegionState,
    actor: Actor,
    report_id: int,
    *,
    reason: str,
    note: str | None,
    options: Options,
) -> ReportEvent:
    report, now, to = begin(session, report_id, actor, "reject", options)
    if reason not in machine.REJECTION_REASONS:
        raise SigapError(
            "unknown_rejection_reason",
            reason=reason,
            details=[{"allowed": list(machine.REJECTION_REASONS)}],
        )
    report.first_response_at = report.first_response_at or now
    report.rejected_at = now
    report.rejection_reason = reason
    report.due_at = None
    return record(
        session, state, report, actor, "reject", to, now, note, options, data={"reason": reason}
    )


def add_note(
    session: Session,
    state: RegionState,
    actor: Actor,
    report_id: int,
    *,
    note: str,
    internal: bool,
    options: Options,
) -> ReportEvent:
    """A note on the timeline; internal notes are for officials and never shown publicly."""
    report, now, to = begin(session, report_id, actor, "note", options)
    require_note(note)
    event = append_event(session, report, actor, "note", to, now, note, {"internal": internal})
    return event
