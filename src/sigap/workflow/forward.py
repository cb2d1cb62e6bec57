"""A report moves to another unit: forwarded by an official, or appealed by its reporter after
a rejection (to the unit above the one that rejected it). The receiving unit starts afresh."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.models import Report, ReportEvent
from sigap.regions.state import RegionState
from sigap.workflow import routing
from sigap.workflow.actions import Actor, Options, begin, calm, record, require_note


def forward(
    session: Session,
    state: RegionState,
    actor: Actor,
    report_id: int,
    *,
    unit_code: str,
    reason: str,
    out_of_authority: bool,
    options: Options,
) -> ReportEvent:
    report, now, to = begin(session, report_id, actor, "forward", options)
    unit = state.units_by_code.get(unit_code)
    if unit is None or not unit.active:  # a deactivated unit receives nothing new
        raise SigapError("unknown_unit", unit=unit_code)
    if unit.id == report.unit_id:
        raise SigapError("forward_same_unit")
    require_note(reason)
    from_unit = state.units[report.unit_id].code
    report.forward_count += 1
    _receive(report, state, unit.id, now)
    data = {"from_unit": from_unit, "to_unit": unit.code, "out_of_authority": out_of_authority}
    return record(
        session,
        state,
        report,
        actor,
        "forward",
        to,
        now,
        reason,
        options,
        data=data,
        topic="report.forwarded",
    )


def appeal(
    session: Session,
    state: RegionState,
    actor: Actor,
    report_id: int,
    *,
    reason: str,
    options: Options,
) -> ReportEvent:
    """A rejected report's one appeal: it goes to the unit above the one that rejected it."""
    report, now, to = begin(session, report_id, actor, "appeal", options)
    if report.appealed_at is not None:
        raise SigapError("appeal_used")
    require_note(reason)
    above = state.unit_ancestors(report.unit_id)
    report.appealed_at = now
    _receive(report, state, above[0] if above else report.unit_id, now)
    return record(
        session,
        state,
        report,
        actor,
        "appeal",
        to,
        now,
        reason,
        options,
        data={"to_unit": state.units[report.unit_id].code},
    )


def _receive(report: Report, state: RegionState, unit_id: int, now: datetime) -> None:
    """A unit receives the report (forward, appeal): new deadlines, back to open, no escalation,
    and no response yet: the receiving unit's numbers count its own answer, not the sender's
    forward (which left it an "on time" response it never gave)."""
    response_due, resolution_due = routing.deadlines(state.categories[report.category_code], now)
    report.unit_id = unit_id
    report.first_response_at = None
    report.assignee_id = None  # the officer belongs to the unit the report left
    report.received_at = now
    report.response_due_at, report.resolution_due_at = response_due, resolution_due
    report.due_at = response_due
    calm(report)
    report.sla_warned = False
