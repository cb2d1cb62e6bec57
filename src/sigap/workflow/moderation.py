"""The moderators' use cases: hide or redact parts of a report, take it down, publish it (triage
or an undone take-down), and switch a region's triage on or off.

Each use case locks the report's row, changes only its moderation columns (the reporter's text
is never changed: officials read it), appends one event to the report's hash-chained timeline
(internal, with the reason as its note, except ``publish``, which the public sees), writes a
``report.moderated`` or ``report.published`` outbox message for webhooks, and records the change
in the admin audit, all in the caller's transaction. ``updated_at`` moves, so that clients
polling for changes (Open311's ``updated_after``) fetch the report again and drop what is hidden.
Moderators are admins in this tree (docs/moderation.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.auth.service import Subject
from sigap.errors import SigapError
from sigap.history import chain
from sigap.history.audit import record, touch
from sigap.kit import utcnow
from sigap.models import Region, Report, ReportEvent
from sigap.moderation import rules
from sigap.notify import live
from sigap.notify.outbox import OUTBOX
from sigap.notify.payloads import report_message
from sigap.regions.state import RegionState

REASON_MIN, REASON_MAX = 3, 500
QUEUE_LIMIT = 100


class Moderation(TypedDict):
    """What the public is shown instead of a report's own text and point (the audit's before
    and after of every moderation change)."""

    visibility: str
    confidential: bool
    hidden_parts: list[str]
    public_description: str | None
    public_address: str | None


class ModeratedReport(Moderation):
    """A report as the moderators' lists show it (the API's and the console's)."""

    id: int
    category_code: str
    status: str
    created_at: str  # ISO 8601
    kelurahan_code: str
    kelurahan_name: str
    unit_code: str | None
    description: str
    address: str | None


def hide(
    session: Session,
    state: RegionState,
    actor: Subject,
    report_id: int,
    *,
    parts: list[str],
    reason: str,
    description: str | None = None,
    address: str | None = None,
) -> Report:
    """Hide ``parts`` of a report from the public; ``description`` and ``address`` are the
    moderator's redacted text, shown instead of a placeholder (each only with its part)."""
    reason = _reason(reason)
    chosen = set(parts)
    if not chosen or not chosen <= set(rules.PARTS):
        raise SigapError("moderation_nothing_hidden", parts=", ".join(rules.PARTS))
    redacted = {"description": _text(description, 4000), "address": _text(address, 300)}
    for name, text in redacted.items():
        if text is not None and name not in chosen:
            raise SigapError("invalid_input", details=[{"field": name, "part": "not hidden"}])
    report = _locked(session, report_id)
    before = moderation_dict(report)
    report.hidden_parts = rules.stored_parts(chosen)
    report.public_description = redacted["description"]
    report.public_address = redacted["address"]
    data = {
        "parts": [p for p in rules.PARTS if p in chosen],
        "redacted": [name for name, text in redacted.items() if text is not None],
    }
    return _changed(session, state, actor, report, "hide", reason, data, before)


def unhide(
    session: Session, state: RegionState, actor: Subject, report_id: int, *, reason: str
) -> Report:
    """Undo :func:`hide`: the public sees the report's own text again."""
    reason = _reason(reason)
    report = _locked(session, report_id)
    if report.hidden_parts is None:
        raise SigapError("report_not_hidden", report_id=report_id)
    before = moderation_dict(report)
    report.hidden_parts = report.public_description = report.public_address = None
    return _changed(session, state, actor, report, "unhide", reason, {}, before)


def withhold(
    session: Session, state: RegionState, actor: Subject, report_id: int, *, reason: str
) -> Report:
    """Take a report down: the public no longer sees it at all (a pending one stays unseen).
    Its unit still handles it."""
    reason = _reason(reason)
    report = _locked(session, report_id)
    if report.visibility == rules.WITHHELD:
        raise SigapError("report_not_public", report_id=report_id)
    before = moderation_dict(report)
    report.visibility = rules.WITHHELD
    return _changed(session, state, actor, report, "withhold", reason, {}, before)


def publish(
    session: Session, state: RegionState, actor: Subject, report_id: int, *, reason: str = ""
) -> Report:
    """Make a report public: one that waits for a moderator (triage) or was taken down."""
    report = _locked(session, report_id)
    if report.visibility == rules.PUBLIC:
        raise SigapError("report_already_public", report_id=report_id)
    before = moderation_dict(report)
    report.visibility = rules.PUBLIC
    reason = reason.strip()[:REASON_MAX]
    return _changed(session, state, actor, report, "publish", reason, {}, before)


def set_triage(session: Session, actor: Subject, *, enabled: bool) -> bool:
    """Switch the region's triage: new reports wait for a moderator. Every process reloads its
    snapshot (:func:`sigap.history.audit.touch`); reports already filed keep their visibility."""
    region = session.scalar(select(Region))
    if region is None:
        raise SigapError("not_found")
    before = {"triage": region.triage}
    region.triage = enabled
    record(session, actor, "region.triage", "region", region.code, before=before,
           after={"triage": enabled})  # fmt: skip
    touch(session)
    return enabled


def queue(session: Session, kind: str, *, limit: int = QUEUE_LIMIT) -> list[Report]:
    """The moderators' lists: ``pending`` (oldest first: the triage queue), ``hidden``,
    ``withheld`` and ``confidential`` (newest first)."""
    conditions = {
        "pending": rules.PENDING_ONLY,
        "hidden": Report.hidden_parts.is_not(None),
        "withheld": Report.visibility == rules.WITHHELD,
        "confidential": Report.confidential.is_(True),
    }
    if kind not in conditions:
        raise SigapError("invalid_input", details=[{"field": "queue", "value": kind}])
    order = Report.id if kind == "pending" else Report.id.desc()
    query = select(Report).where(conditions[kind]).order_by(order).limit(limit)
    return list(session.scalars(query))


def moderation_dict(report: Report) -> Moderation:
    return {
        "visibility": report.visibility,
        "confidential": report.confidential,
        "hidden_parts": sorted(rules.parts_of(report.hidden_parts)),
        "public_description": report.public_description,
        "public_address": report.public_address,
    }


def report_dict(state: RegionState, report: Report) -> ModeratedReport:
    """A report as the moderators' lists show it: its own text and what the public sees."""
    area = state.areas.get(report.kelurahan_code)
    unit = state.units.get(report.unit_id)
    return {
        "id": report.id,
        "category_code": report.category_code,
        "status": report.status,
        "created_at": report.created_at.isoformat(),
        "kelurahan_code": report.kelurahan_code,
        "kelurahan_name": area.name if area else report.kelurahan_code,
        "unit_code": unit.code if unit else None,
        "description": report.description,
        "address": report.address,
        **moderation_dict(report),
    }


def get(session: Session, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise SigapError("report_not_found", report_id=report_id)
    return report


def _locked(session: Session, report_id: int) -> Report:
    query = select(Report).where(Report.id == report_id).with_for_update()
    report = session.scalar(query)
    if report is None:
        raise SigapError("report_not_found", report_id=report_id)
    return report


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise SigapError("moderation_reason_required")
    return reason


def _text(value: str | None, limit: int) -> str | None:
    """A redacted text: stripped, 1 to ``limit`` characters; empty means none."""
    if value is None or not value.strip():
        return None
    if len(value.strip()) > limit:
        raise SigapError("invalid_input", details=[{"field": "redacted", "max_length": limit}])
    return value.strip()


def _changed(
    session: Session,
    state: RegionState,
    actor: Subject,
    report: Report,
    action: str,
    reason: str,
    data: dict[str, Any],
    before: Moderation,
) -> Report:
    """The event, the outbox message and the audit row of one moderation change."""
    now = utcnow()
    report.updated_at = now
    public = action == "publish"
    event = _event(session, report, actor, action, reason or None, data, now, internal=not public)
    topic = "report.published" if public else "report.moderated"
    message = report_message(
        topic,
        report_id=report.id,
        event_id=event.id,
        action=action,
        from_status=report.status,
        to_status=report.status,
        unit=state.units[report.unit_id].code,
        at=now,
    )
    session.execute(OUTBOX.insert().values(message))
    after = moderation_dict(report)
    record(session, actor, f"report.{action}", "report", report.id, before=before,
           after={**after, "reason": reason})  # fmt: skip
    return report


def _event(
    session: Session,
    report: Report,
    actor: Subject,
    action: str,
    note: str | None,
    data: dict[str, Any],
    now: datetime,
    *,
    internal: bool,
) -> ReportEvent:
    """One event on the report's timeline, chained to its last one (the row is locked)."""
    event = ReportEvent(
        report_id=report.id,
        action=action,
        from_status=report.status,
        to_status=report.status,
        actor_kind="official",
        actor_unit_id=actor.unit_id,
        actor_account_id=actor.account_id or None,
        note=None if not internal else note,
        data={**data, "internal": True} if internal else data,
        created_at=now,
    )
    fields = chain.fields_of(event, chain.REPORT_FIELDS)
    event.hash = chain.report_link(fields, chain.report_head(session, report.id))
    session.add(event)
    session.flush()
    live.announce(session)
    return event
