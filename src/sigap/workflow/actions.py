"""What every use case of the workflow shares; the use cases themselves, one small function
per transition of :mod:`sigap.workflow.machine`, are in the modules beside this one:
:mod:`~sigap.workflow.answer` (acknowledge, reject, a note), :mod:`~sigap.workflow.assign`,
:mod:`~sigap.workflow.forward` (forward, appeal), :mod:`~sigap.workflow.resolve`,
:mod:`~sigap.workflow.duplicate`, :mod:`~sigap.workflow.rating` (accept, reopen) and
:mod:`~sigap.workflow.sweep` (escalate, close).

Each takes the session (the caller commits), the region snapshot and the acting
:class:`Actor`, loads the report under a write lock with visibility applied (:func:`load`: 404
when the actor may not see it), asks the machine whether the action is legal here (409 with the
allowed actions), checks its own input (422), then changes the report, appends one event to the
timeline and writes the outbox message (:func:`record`), all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.auth.service import Subject
from sigap.errors import SigapError
from sigap.history import chain
from sigap.kit import utcnow
from sigap.models import Report, ReportEvent
from sigap.models.states import OPEN_STATUSES
from sigap.notify import live
from sigap.notify.outbox import OUTBOX
from sigap.notify.payloads import report_message
from sigap.regions.state import RegionState
from sigap.workflow import machine, sla
from sigap.workflow.visibility import can_see


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: an official (its role and scope), the reporter (by token or account), or the
    system (the SLA sweep). ``role`` is what the transition table names."""

    role: str
    unit_id: int | None = None
    subject: Subject | None = None

    @classmethod
    def official(cls, subject: Subject) -> Actor:
        return cls(subject.role, subject.unit_id, subject)

    @property
    def kind(self) -> str:
        if self.subject is not None:
            return "official"
        return "citizen" if self.role == "reporter" else "system"


REPORTER = Actor("reporter")
SYSTEM = Actor("system")


@dataclass(slots=True)
class Options:
    """Deployment settings the use cases need (from :class:`sigap.config.Settings`)."""

    rating_window: timedelta = timedelta(days=7)
    now: datetime | None = None
    photos: Sequence[dict[str, Any]] = field(default_factory=tuple)
    proof_distance_m: float = 150.0  # settings.proof_max_distance_m (sigap.photos.proof)


def load(session: Session, report_id: int, actor: Actor) -> Report:
    """The report, locked for this transaction, if ``actor`` may see it; else a 404."""
    report = session.scalar(select(Report).where(Report.id == report_id).with_for_update())
    visible = report is not None and (
        actor.subject is None or can_see(actor.subject, report.unit_id, report.escalation_unit_id)
    )
    if report is None or not visible:
        raise SigapError("report_not_found", report_id=report_id)
    return report


class Step(NamedTuple):
    """A transition about to be made: the report (locked), the time, and the state it goes to."""

    report: Report
    now: datetime
    to: str


def begin(session: Session, report_id: int, actor: Actor, action: str, options: Options) -> Step:
    """What every use case starts with: the report locked if ``actor`` may see it (else a
    404), the time, and the state ``action`` leads to (else the table's 409)."""
    report = load(session, report_id, actor)
    return Step(report, now_of(options), machine.target(report.status, action, actor.role))


def calm(report: Report) -> None:
    """No escalation (any more): the report is back with its own unit's deadline."""
    report.escalation_level = 0
    report.escalation_unit_id = None
    report.escalated_at = None


def require_note(note: str | None) -> None:
    if note is None or not note.strip():
        raise SigapError("note_required")


def now_of(options: Options) -> datetime:
    return options.now or utcnow()


def record(
    session: Session,
    state: RegionState,
    report: Report,
    actor: Actor,
    action: str,
    to: str,
    now: datetime,
    note: str | None,
    options: Options,
    *,
    data: dict[str, Any] | None = None,
    topic: str = "report.status_changed",
    extra: dict[str, Any] | None = None,
) -> ReportEvent:
    """Apply ``to`` with its timestamps, append the event, plan the sweep, write the outbox
    (``extra``: more of the outbox payload)."""
    from_status = report.status
    report.status = to
    report.updated_at = now
    if to not in OPEN_STATUSES:
        report.escalation_unit_id = report.escalated_at = None
    category = state.categories[report.category_code]
    report.next_check_at = sla.plan(report, state, category, options.rating_window)
    payload = dict(data or {})
    if options.photos and action in ("resolve",):
        payload["photos"] = list(options.photos)
    event = append_event(session, report, actor, action, from_status, now, note, payload, to=to)
    # Transitions' notes are public (internal ones are plain notes).
    write_message(session, state, report, event, topic, from_status, now, note, extra)
    return event


def write_message(
    session: Session,
    state: RegionState,
    report: Report,
    event: ReportEvent,
    topic: str,
    from_status: str,
    now: datetime,
    note: str | None,
    extra: dict[str, Any] | None = None,
) -> None:
    """The domain message of ``event`` (payload contract: :mod:`sigap.notify.payloads`)."""
    message = report_message(
        topic,
        report_id=report.id,
        event_id=event.id,
        action=event.action,
        from_status=from_status,
        to_status=report.status,
        unit=state.units[report.unit_id].code,
        at=now,
        note=note,
        extra=extra,
    )
    session.execute(OUTBOX.insert(), message)


def append_event(
    session: Session,
    report: Report,
    actor: Actor,
    action: str,
    from_status: str,
    now: datetime,
    note: str | None,
    data: dict[str, Any],
    *,
    to: str | None = None,
) -> ReportEvent:
    """Append one event to the report's timeline, chained to its last one: the report's row is
    locked (:func:`load`, or the sweep's ``FOR UPDATE``), so nobody else appends meanwhile."""
    event = ReportEvent(
        report_id=report.id,
        action=action,
        from_status=from_status,
        to_status=to or from_status,
        actor_kind=actor.kind,
        actor_unit_id=actor.unit_id if actor.subject is not None else None,
        actor_account_id=(actor.subject.account_id or None) if actor.subject else None,
        note=note,
        data=data,
        created_at=now,
    )
    fields = chain.fields_of(event, chain.REPORT_FIELDS)
    event.hash = chain.report_link(fields, chain.report_head(session, report.id))
    session.add(event)
    session.flush()
    live.announce(session)  # live clients of every process hear of it after commit
    return event
