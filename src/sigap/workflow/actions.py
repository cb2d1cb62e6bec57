"""The workflow's use cases: one small function per transition of :mod:`sigap.workflow.machine`.

Each takes the session (the caller commits), the region snapshot and the acting
:class:`Actor`, loads the report under a write lock with visibility applied (404 when the actor
may not see it), asks the machine whether the action is legal here (409 with the allowed
actions), checks its own input (422), then changes the report, appends one event to the
timeline and writes the outbox message, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.auth.service import Subject
from sigap.errors import SigapError
from sigap.history import chain
from sigap.kit import utcnow
from sigap.models import Account, Report, ReportEvent
from sigap.models.rows import Proof
from sigap.models.states import OPEN_STATUSES, ReportStatus
from sigap.notify import live
from sigap.notify.outbox import OUTBOX
from sigap.notify.payloads import report_message
from sigap.photos import proof
from sigap.photos import service as photo_service
from sigap.photos.service import StoredPhoto
from sigap.regions.state import RegionState
from sigap.workflow import machine, merging, routing, sla
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


def acknowledge(
    session: Session,
    state: RegionState,
    actor: Actor,
    report_id: int,
    *,
    note: str | None,
    options: Options,
) -> ReportEvent:
    report = load(session, report_id, actor)
    now = _now(options)
    to = machine.target(report.status, "acknowledge", actor.role)
    report.first_response_at = report.first_response_at or now
    report.due_at = report.resolution_due_at
    # The unit has answered: the escalation ends (its events stay on the timeline) and the
    # resolution deadline starts its own climb from the bottom.
    _calm(report)
    return _record(session, state, report, actor, "acknowledge", to, now, note, options)


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
    report = load(session, report_id, actor)
    now = _now(options)
    to = machine.target(report.status, "forward", actor.role)
    unit = state.units_by_code.get(unit_code)
    if unit is None or not unit.active:  # a deactivated unit receives nothing new
        raise SigapError("unknown_unit", unit=unit_code)
    if unit.id == report.unit_id:
        raise SigapError("forward_same_unit")
    _require_note(reason)
    from_unit = state.units[report.unit_id].code
    report.forward_count += 1
    _receive(report, state, unit.id, now)
    data = {"from_unit": from_unit, "to_unit": unit.code, "out_of_authority": out_of_authority}
    return _record(
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


def resolve(
    session: Session,
    state: RegionState,
    actor: Actor,
    report_id: int,
    *,
    note: str,
    options: Options,
    after: Sequence[StoredPhoto] = (),
) -> ReportEvent:
    """Resolving needs proof: a public note and after-photos (``after``), each checked by
    :func:`sigap.photos.proof.check` before anything changes and attached with its verdict.
    (The demo's seeding passes ``options.photos`` and attaches them itself, unchecked.)"""
    report = load(session, report_id, actor)
    now = _now(options)
    to = machine.target(report.status, "resolve", actor.role)
    _require_note(note)
    if not options.photos and not after:
        raise SigapError("after_photo_required")
    verdicts: list[Proof] = []
    if after:
        verdicts = proof.check(
            session, report, after, state.timezone, options.proof_distance_m, now
        )
        options.photos = [
            {"display_key": photo.display_key, "proof": verdict["verdict"]}
            for photo, verdict in zip(after, verdicts, strict=True)
        ]
    report.first_response_at = report.first_response_at or now
    report.resolved_at = now
    report.due_at = None
    data = {"proof": proof.overall(verdicts)} if verdicts else None
    event = _record(session, state, report, actor, "resolve", to, now, note, options, data=data)
    if after:
        photo_service.attach(
            session, report_id=report.id, event_id=event.id, stored=after, kind="after",
            proofs=verdicts,
        )  # fmt: skip
    return event


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
    report = load(session, report_id, actor)
    now = _now(options)
    to = machine.target(report.status, "reject", actor.role)
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
    return _record(
        session, state, report, actor, "reject", to, now, note, options, data={"reason": reason}
    )


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
    report = load(session, report_id, actor)
    now = _now(options)
    to = machine.target(report.status, "mark_duplicate", actor.role)
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
    _event(session, parent, actor, "merge", parent.status, now, None, {"duplicate": report.id})
    return _record(
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


def reopen(
    session: Session,
    state: RegionState,
    actor: Actor,
    report_id: int,
    *,
    reason: str,
    rating: int | None,
    options: Options,
) -> ReportEvent:
    """Back to work: by the reporter with a 1 or 2 star rating and a reason, or by a supervisor."""
    report = load(session, report_id, actor)
    now = _now(options)
    to = machine.target(report.status, "reopen", actor.role)
    _require_note(reason)
    category = state.categories[report.category_code]
    report.reopen_count += 1
    report.resolution_due_at = now + timedelta(hours=category.resolution_hours)
    report.due_at = report.resolution_due_at
    report.closed_at = None
    _calm(report)
    data: dict[str, Any] = {}
    if rating is not None:
        report.rating, report.rated_at = rating, now
        data["rating"] = rating
    return _record(
        session,
        state,
        report,
        actor,
        "reopen",
        to,
        now,
        reason,
        options,
        data=data,
        topic="report.rated" if rating is not None else "report.status_changed",
    )


def accept(
    session: Session,
    state: RegionState,
    actor: Actor,
    report_id: int,
    *,
    rating: int | None,
    comment: str | None,
    options: Options,
) -> ReportEvent:
    report = load(session, report_id, actor)
    now = _now(options)
    to = machine.target(report.status, "accept", actor.role)
    if rating is not None:
        report.rating, report.rated_at = rating, now
    report.closed_at = now
    return _record(
        session,
        state,
        report,
        actor,
        "accept",
        to,
        now,
        comment,
        options,
        data={"rating": rating},
        topic="report.rated",
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
    report = load(session, report_id, actor)
    now = _now(options)
    to = machine.target(report.status, "appeal", actor.role)
    if report.appealed_at is not None:
        raise SigapError("appeal_used")
    _require_note(reason)
    above = state.unit_ancestors(report.unit_id)
    report.appealed_at = now
    _receive(report, state, above[0] if above else report.unit_id, now)
    return _record(
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
    report = load(session, report_id, actor)
    now = _now(options)
    to = machine.target(report.status, "note", actor.role)
    _require_note(note)
    event = _event(session, report, actor, "note", to, now, note, {"internal": internal})
    return event


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
    report = load(session, report_id, actor)
    now = _now(options)
    to = machine.target(report.status, "assign", actor.role)
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
    event = _event(session, report, actor, "assign", to, now, note, data)
    extra = {"assignee": officer_id, "previous": data["previous"]}
    _outbox(session, state, report, event, "report.assigned", to, now, None, extra)
    return event


def _assignable(officer: Account | None, unit_id: int) -> bool:
    return (
        officer is not None
        and officer.active
        and officer.role in machine.ASSIGNABLE
        and officer.unit_id == unit_id
    )


def close(
    session: Session, state: RegionState, report: Report, now: datetime, options: Options
) -> ReportEvent:
    """The rating window passed without a rating (the sweep, on a locked report)."""
    to = machine.target(report.status, "close", SYSTEM.role)
    report.closed_at = now
    return _record(session, state, report, SYSTEM, "close", to, now, None, options)


def escalate(
    session: Session, state: RegionState, report: Report, now: datetime, options: Options
) -> ReportEvent:
    """A deadline window missed again: the report climbs one unit (the sweep). The unit above
    receives it now, and its own window starts now; it is told (``report.escalated``)."""
    to = machine.target(report.status, "escalate", SYSTEM.role)
    above = state.unit_ancestors(report.unit_id)
    report.escalation_level += 1
    report.escalation_unit_id = above[min(report.escalation_level, len(above)) - 1]
    report.escalated_at = now
    unit = state.units[report.escalation_unit_id].code
    category = state.categories[report.category_code]
    due = sla.level_due_at(report.escalation_level, now, report.due_at, category)
    data = {"level": report.escalation_level, "escalated_to": unit, "due_at": _iso(due)}
    return _record(
        session,
        state,
        report,
        SYSTEM,
        "escalate",
        to,
        now,
        None,
        options,
        data=data,
        topic="report.escalated",
        extra={"escalated_to": unit, "level": report.escalation_level, "level_due_at": due},
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


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
    _calm(report)
    report.sla_warned = False


def _calm(report: Report) -> None:
    """No escalation (any more): the report is back with its own unit's deadline."""
    report.escalation_level = 0
    report.escalation_unit_id = None
    report.escalated_at = None


def _unfit_parent(parent: Report) -> str | None:
    if parent.status == ReportStatus.duplicate:
        return "itself a duplicate"
    if parent.status == ReportStatus.rejected:
        return "rejected"
    return None


def _require_note(note: str | None) -> None:
    if note is None or not note.strip():
        raise SigapError("note_required")


def _now(options: Options) -> datetime:
    return options.now or utcnow()


def _record(
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
    event = _event(session, report, actor, action, from_status, now, note, payload, to=to)
    # Transitions' notes are public (internal ones are plain notes).
    _outbox(session, state, report, event, topic, from_status, now, note, extra)
    return event


def _outbox(
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


def _event(
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
