"""Who is told about a report event: one outbox message per recipient.

A domain message (``report.*``, written by the use case in its transaction) is expanded by the
worker into one ``mail.send`` message per e-mail recipient and one ``webhook.send`` message per
subscribed endpoint, in the same transaction that marks the domain message delivered. Each
recipient then has its own retries and dead letter: a webhook that is down never makes the
reporter's e-mail go out twice. E-mails are rendered from the context stored in their message,
in the recipient's language, so a retry sends the same text. Times in e-mails are the region's
local time with its zone's abbreviation (:func:`local_time`: "2026-12-08 08:18 WIB"); webhooks
keep ISO 8601 UTC, a machine format.

Payload contract of the domain messages: :mod:`sigap.notify.payloads` (which builds them all),
``note`` shown to the reporter. ``report.assigned`` adds ``assignee`` and
``previous`` (account ids, ``None`` when nobody): the assigned field officer is e-mailed.
``report.escalated`` adds ``escalated_to`` (code of the unit that received the report),
``level`` and ``level_due_at`` (that unit's deadline): the heads and supervisors of the unit
that received it are e-mailed (and its address, if it has one), as are the heads of the unit
that missed the deadline.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, or_, select
from sqlalchemy.orm import Session

from sigap import models
from sigap.config import Settings
from sigap.models.rows import ReportRow
from sigap.models.states import ReportStatus
from sigap.moderation import rules
from sigap.notify import payloads, webhooks
from sigap.notify.outbox import Message, OutboxRow, new_row
from sigap.notify.payloads import ReportPayload

REPORT = cast(Table, models.Report.__table__)
REPORTER = cast(Table, models.ReportReporter.__table__)
UNIT = cast(Table, models.Unit.__table__)
CATEGORY = cast(Table, models.Category.__table__)
ACCOUNT = cast(Table, models.Account.__table__)
FOLLOW = cast(Table, models.ReportFollow.__table__)
REGION = cast(Table, models.Region.__table__)

MAIL_TOPIC = "mail.send"
# Status names as citizens read them: (Bahasa Indonesia, English).
STATUS_LABELS: dict[str, tuple[str, str]] = {
    ReportStatus.open: ("Diterima", "Open"),
    ReportStatus.in_progress: ("Sedang ditangani", "In progress"),
    ReportStatus.resolved: ("Selesai ditangani", "Resolved"),
    ReportStatus.rejected: ("Ditolak", "Rejected"),
    ReportStatus.duplicate: ("Duplikat", "Duplicate"),
    ReportStatus.closed: ("Ditutup", "Closed"),
}
REPORTER_TOPICS = ("report.status_changed", "report.forwarded", "report.escalated")
UNIT_TOPICS = {"report.created": False, "report.forwarded": True}  # topic -> forwarded
HEAD_TOPICS = {"report.sla_warning": "head_sla_warning", "report.escalated": "head_escalated"}
ASSIGNED_TOPIC = "report.assigned"  # to the field officer it names
ESCALATED_TOPIC = "report.escalated"  # also to the unit it names in escalated_to
MODERATED = "report.moderated"  # a moderator changed what the public sees (sigap.moderation)
RECEIVING_ROLES = ("unit_head", "supervisor")  # who hears that their unit received a report


class MailReport(ReportRow):
    """A report as its e-mails need it: the row and its category's names."""

    category_id: str
    category_en: str


class Unit(TypedDict):
    """A row of ``unit``: the columns the e-mails read."""

    id: int
    code: str
    name_id: str
    name_en: str
    email: str | None


class Person(TypedDict):
    """Who an e-mail goes to: an official (their account's columns) or a unit's address."""

    email: str
    name: str
    language: str


class MailContext(TypedDict):
    """What the templates of notify/templates read (one shape for every report e-mail)."""

    report_id: int
    link: str
    category: str
    status: str
    from_status: str
    unit: str
    at: str
    note: str
    address: str
    lat: float
    lon: float
    description: str
    response_due_at: str
    resolution_due_at: str
    forwarded: bool
    name: str
    escalated_to: str
    level: int | str
    level_due_at: str


class Mail(TypedDict):
    """The payload of a ``mail.send`` message (:mod:`sigap.notify.mail` sends it)."""

    to: str
    template: str
    language: str
    context: MailContext


class Batch:
    """What the fan-out of one batch looks up, fetched once for all its messages (each query is
    a round trip; the worker's throughput is mostly round trips)."""

    def __init__(self, session: Session, messages: list[Message]) -> None:
        self.session = session
        self.subscriptions = webhooks.active(session)
        ids = {m.payload.get("report_id") for m in messages}
        self.reports = _reports(session, [i for i in ids if isinstance(i, int)])
        self._units: dict[Any, Unit | None] = {}
        named = session.execute(select(REGION.c.timezone).limit(1)).scalar()
        self.zone = ZoneInfo(named) if named else ZoneInfo("UTC")

    def unit(self, code: Any, fallback_id: int) -> Unit | None:
        key = code if isinstance(code, str) else fallback_id
        if key not in self._units:
            column = UNIT.c.code if isinstance(key, str) else UNIT.c.id
            row = self.session.execute(select(UNIT).where(column == key)).mappings().first()
            self._units[key] = cast(Unit, dict(row)) if row else None
        return self._units[key]


def expand(batch: Batch, settings: Settings, message: Message) -> list[OutboxRow]:
    """The recipient messages of one domain message (none for a report that is gone).

    Webhooks go to systems outside Sigap, so they get what the public may see
    (sigap.moderation.rules): nothing of a report that is not public now (its
    ``report.published`` comes when a moderator publishes it; ``report.moderated`` says a
    copy must go), no note where the report's notes are hidden."""
    report = batch.reports.get(message.payload.get("report_id"))  # type: ignore[arg-type]
    # report.moderated says only that a copy must be fetched again (or dropped: taken down).
    public = report is None or report["visibility"] == rules.PUBLIC or message.topic == MODERATED
    data = public_payload(message.payload, report)
    rows = [
        payloads.webhook_message(endpoint_id, message, data)
        for endpoint_id, events in batch.subscriptions
        if public and (message.topic in events or "*" in events)
    ]
    if report is not None and settings.smtp_host:  # no mail server: no e-mail owed
        mails = _mails(batch, settings, message, report)
        rows += [new_row(MAIL_TOPIC, mail) for mail in mails]
    return rows


def _mails(batch: Batch, settings: Settings, message: Message, report: MailReport) -> list[Mail]:
    session, topic = batch.session, message.topic
    payload = cast(ReportPayload, message.payload)  # a report.* message's (payloads.py)
    unit = batch.unit(payload.get("unit"), report["unit_id"])
    mails: list[Mail] = []
    status_changed = payload.get("from_status") != payload.get("to_status")
    if topic == "report.status_changed" or (topic in REPORTER_TOPICS and status_changed):
        language = settings.default_language  # reporters choose no language yet
        reporters, followers = _followers(session, report["id"])
        for email in reporters + followers:
            context = _context(batch.zone, settings, report, payload, unit, language)
            if email in followers and "notes" in rules.public_hidden(report):
                context["note"] = ""  # a follower reads what the public reads
            mails.append(_mail(email, "reporter_status", language, context))
    token = payload.get("tracking_token")
    if topic == "report.created" and token:
        address = session.execute(
            select(REPORTER.c.email).where(REPORTER.c.report_id == report["id"])
        ).scalar()
        if address:
            language = settings.default_language
            context = _context(batch.zone, settings, report, payload, unit, language)
            context["link"] = f"{settings.public_url.rstrip('/')}/app/track/{token}"
            mails.append(_mail(address, "reporter_received", language, context))
    if topic in UNIT_TOPICS and unit is not None and unit["email"]:
        language = settings.default_language
        context = _context(batch.zone, settings, report, payload, unit, language)
        context["forwarded"] = UNIT_TOPICS[topic]
        mails.append(_mail(unit["email"], "unit_new_report", language, context))
    assignee = payload.get("assignee")
    if topic == ASSIGNED_TOPIC and isinstance(assignee, int):
        for officer in _officials(session, assignee):
            context = _context(batch.zone, settings, report, payload, unit, officer["language"])
            context["name"] = officer["name"]
            context["link"] = f"{settings.public_url.rstrip('/')}/officials/reports/{report['id']}"
            mails.append(_mail(officer["email"], "officer_assigned", officer["language"], context))
    to_code = payload.get("escalated_to") if topic == ESCALATED_TOPIC else None
    above = batch.unit(to_code, -1) if isinstance(to_code, str) else None
    if topic in HEAD_TOPICS and unit is not None:
        for head in _heads(session, unit["id"]):
            context = _context(batch.zone, settings, report, payload, unit, head["language"])
            context["name"] = head["name"]
            context["escalated_to"] = _name(above, head["language"]) or context["unit"]
            mails.append(_mail(head["email"], HEAD_TOPICS[topic], head["language"], context))
    if above is not None:
        mails += _receiving(session, settings, batch.zone, report, payload, unit, above)
    return mails


def _receiving(
    session: Session,
    settings: Settings,
    zone: ZoneInfo,
    report: MailReport,
    payload: ReportPayload,
    unit: Unit | None,
    above: Unit,
) -> list[Mail]:
    """The e-mails of the unit an escalation reached: its heads and supervisors, in their
    language, and the unit's own address."""
    people = _heads(session, above["id"], RECEIVING_ROLES)
    if above["email"]:
        language = settings.default_language
        people.append({"email": above["email"], "name": "", "language": language})
    mails = []
    for person in people:
        language = person["language"]
        context = _context(zone, settings, report, payload, unit, language)
        context["name"] = person["name"] or _name(above, language)
        context["escalated_to"] = _name(above, language)
        context["level"] = payload.get("level") or ""
        context["level_due_at"] = _when(payload.get("level_due_at"), zone)
        context["link"] = f"{settings.public_url.rstrip('/')}/officials/reports/{report['id']}"
        mails.append(_mail(person["email"], "unit_escalated", language, context))
    return mails


def _name(unit: Unit | None, language: str) -> str:
    return "" if unit is None else str(unit["name_en" if language == "en" else "name_id"])


def public_payload(payload: dict[str, Any], report: ReportRow | None = None) -> dict[str, Any]:
    """A domain message's payload as receivers outside Sigap may see it: no secrets, and no
    note where the public may not read the report's notes."""
    hidden = {"tracking_token"}
    if report is not None and "notes" in rules.public_hidden(report):
        hidden.add("note")
    return {key: value for key, value in payload.items() if key not in hidden}


def _followers(session: Session, report_id: int) -> tuple[list[str], list[str]]:
    """Who is told of a report's changes: its reporter and the reporters of the duplicates
    merged into it (they follow the parent), then the other accounts that follow it; each
    address once."""
    merged = select(REPORT.c.id).where(
        or_(REPORT.c.id == report_id, REPORT.c.duplicate_of_id == report_id)
    )
    reporters = select(REPORTER.c.email).where(
        REPORTER.c.report_id.in_(merged), REPORTER.c.email.is_not(None)
    )
    following = (
        select(ACCOUNT.c.email)
        .join(FOLLOW, FOLLOW.c.account_id == ACCOUNT.c.id)
        .where(FOLLOW.c.report_id == report_id, ~ACCOUNT.c.email.endswith("@phone.invalid"))
    )
    filed = list(dict.fromkeys(e.lower() for e in session.execute(reporters).scalars() if e))
    others = (e.lower() for e in session.execute(following).scalars() if e)
    return filed, [e for e in dict.fromkeys(others) if e not in filed]


def _mail(to: str, template: str, language: str, context: MailContext) -> Mail:
    return {"to": to, "template": template, "language": language, "context": context}


def _context(
    zone: ZoneInfo,
    settings: Settings,
    report: MailReport,
    payload: ReportPayload,
    unit: Unit | None,
    language: str,
) -> MailContext:
    english = language == "en"
    to_status = payload.get("to_status") or report["status"]
    return {
        "report_id": report["id"],
        "link": f"{settings.public_url.rstrip('/')}/reports/{report['id']}",
        "category": report["category_en" if english else "category_id"],
        "status": _label(to_status, english),
        "from_status": _label(payload.get("from_status") or "", english),
        "unit": (unit["name_en" if english else "name_id"] if unit else ""),
        "at": _when(payload.get("at"), zone) or local_time(report["updated_at"], zone),
        "note": payload.get("note") or "",
        "address": report["address"] or "",
        "lat": report["lat"],
        "lon": report["lon"],
        "description": report["description"],
        "response_due_at": local_time(report["response_due_at"], zone),
        "resolution_due_at": local_time(report["resolution_due_at"], zone),
        "forwarded": False,
        "name": "",
        "escalated_to": "",
        "level": "",
        "level_due_at": "",
    }


def _label(status: str, english: bool) -> str:
    labels = STATUS_LABELS.get(status)
    return labels[1 if english else 0] if labels else status


def _when(value: Any, zone: ZoneInfo) -> str:
    if not isinstance(value, str) or not value:
        return ""
    try:
        return local_time(datetime.fromisoformat(value.replace("Z", "+00:00")), zone)
    except ValueError:
        return value


def local_time(value: datetime | None, zone: ZoneInfo) -> str:
    """A stored UTC time as people of the region read it: "2026-12-08 08:18 WIB"."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # SQLite's naive UTC
    local = value.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {zone_name(local)}"


def zone_name(local: datetime) -> str:
    """The zone's abbreviation (WIB, WITA, WIT), or its offset where the zone has none."""
    name = local.tzname() or ""
    if name and name[0] not in "+-":
        return name
    offset = local.utcoffset() or timedelta(0)
    hours, minutes = divmod(abs(int(offset.total_seconds())) // 60, 60)
    return f"UTC{'+' if offset >= timedelta(0) else '-'}{hours:02d}:{minutes:02d}"


def _reports(session: Session, report_ids: list[int]) -> dict[int, MailReport]:
    if not report_ids:
        return {}
    query = (
        select(
            REPORT,
            CATEGORY.c.name_id.label("category_id"),
            CATEGORY.c.name_en.label("category_en"),
        )
        .join(CATEGORY, CATEGORY.c.code == REPORT.c.category_code)
        .where(REPORT.c.id.in_(report_ids))
    )
    return {row["id"]: cast(MailReport, dict(row)) for row in session.execute(query).mappings()}


def _heads(session: Session, unit_id: int, roles: tuple[str, ...] = ("unit_head",)) -> list[Person]:
    query = select(ACCOUNT.c.email, ACCOUNT.c.name, ACCOUNT.c.language).where(
        ACCOUNT.c.role.in_(roles), ACCOUNT.c.unit_id == unit_id, ACCOUNT.c.active.is_(True)
    )
    return [cast(Person, dict(row)) for row in session.execute(query).mappings()]


def _officials(session: Session, account_id: int) -> list[Person]:
    query = select(ACCOUNT.c.email, ACCOUNT.c.name, ACCOUNT.c.language).where(
        ACCOUNT.c.id == account_id, ACCOUNT.c.active.is_(True)
    )
    return [cast(Person, dict(row)) for row in session.execute(query).mappings()]
