"""Giving a report to one field officer of its unit (an internal event)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.models import Account, ReportEvent
from sigap.regions.state import RegionState
from sigap.workflow import machine
from sigap.workflow.actions import Actor, Options, append_event, begin, write_message


def assign(
    session: Session,
    state: RegionState,
    actor: Actor,
    report_id: int,
    *,
    officer_id: int | None,
    note: str | None,
    options: Options,
) -> ReportEvent:
    """Give the report to one field officer of its unit (``None`` clears the assignment).

    An internal event: the public never learns who works on a report. The officer is told by
    ``report.assigned`` (e-mail, see :mod:`sigap.notify.fanout`).
    """
    report, now, to = begin(session, report_id, actor, "assign", options)
    if officer_id == report.assignee_id:
        raise SigapError("assignment_unchanged")
    officer = None if officer_id is None else session.get(Account, officer_id)
    if officer_id is not None and not _assignable(officer, report.unit_id):
        raise SigapError("assignee_not_in_unit", officer=officer_id)
    data = {
        "internal": True,
        "assignee": officer_id,
        "assignee_name": officer.name if officer is not None else None,
        "previous": report.assignee_id,
    }
    report.assignee_id = officer_id
    event = append_event(session, report, actor, "assign", to, now, note, data)
    extra = {"assignee": officer_id, "previous": data["previous"]}
    write_message(session, state, report, event, "report.assigned", to, now, None, extra)
    return event


def _assignable(officer: Account | None, unit_id: int) -> bool:
    return (
        officer is not None
        and officer.active
        and officer.role in machine.ASSIGNABLE
        and officer.unit_id == unit_id
    )
