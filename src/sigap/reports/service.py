"""Use cases of the citizen side. Services take the session and flush; the caller commits."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sigap import models
from sigap.errors import SigapError
from sigap.history import chain
from sigap.kit import sha256_hex, utcnow
from sigap.models.rows import EventRow, NewEvent, NewReport, NewReporter, PhotoRow, ReportRow
from sigap.models.states import ReportStatus
from sigap.moderation.rules import Audience, is_visible
from sigap.notify.outbox import OUTBOX, OutboxRow
from sigap.notify.payloads import report_message
from sigap.photos import service as photos
from sigap.photos.service import StoredPhoto
from sigap.regions.state import RegionState
from sigap.reports import answers, limits, transit
from sigap.reports.limits import Refused, Source
from sigap.reports.schemas import ReportCreate, ReporterIn
from sigap.rows import insert_rows
from sigap.transit.state import Network
from sigap.workflow import routing, sla

REPORT = cast(Table, models.Report.__table__)
REPORTER = cast(Table, models.ReportReporter.__table__)
EVENT = cast(Table, models.ReportEvent.__table__)
IDEMPOTENCY = cast(Table, models.IdempotencyKey.__table__)
# Reporter columns only the citizen app fills; every row of a multi-row insert needs each key.
REPORTER_DEFAULTS = {"reporter_account_id": None, "client_ip": None}


@dataclass(frozen=True)
class Submitted:
    report: ReportRow
    events: Sequence[EventRow]
    tracking_token: str | None
    replayed: bool
    photos: list[PhotoRow] = field(default_factory=list)  # rows, with their ids


@dataclass(frozen=True)
class Prepared:
    """A checked and routed submission, ready to store: everything but the database work."""

    report: NewReport
    reporter: NewReporter | None
    event: NewEvent
    unit_code: str
    tracking_token: str
    request: ReportCreate  # as submitted; hashed only when an idempotency key needs it
    channel: str
    photos: tuple[StoredPhoto, ...] = ()  # before-photos, already in storage
    source: Source | None = None  # where it came from, for the limits (None: not counted)


def with_photos(prepared: Prepared, stored: list[StoredPhoto]) -> Prepared:
    """The submission with its before-photos, which are inserted in its transaction."""
    if not stored:
        return prepared
    event: NewEvent = {**prepared.event, "data": {**prepared.event["data"], "photos": len(stored)}}
    return replace(prepared, photos=tuple(stored), event=event)


def submit(
    session: Session,
    state: RegionState,
    *,
    data: ReportCreate,
    channel: str,
    idempotency_key: str | None = None,
    received_at: datetime | None = None,
    network: Network | None = None,
) -> Submitted:
    """Validate, route and store a new report with its first event and outbox message.

    ``received_at`` is for channels that deliver reports made earlier (imports, demo data);
    ``network`` checks a transit route and stop the report names (sigap.reports.transit).
    """
    prepared = prepare(state, data=data, channel=channel, received_at=received_at, network=network)
    return store(session, prepared, idempotency_key=idempotency_key)


def prepare(
    state: RegionState,
    *,
    data: ReportCreate,
    channel: str,
    received_at: datetime | None = None,
    network: Network | None = None,
) -> Prepared:
    """Check the category and the answers to its questions (a route and a stop against the
    transit ``network``, sigap.reports.transit), and route the point (no database needed: the
    region and the network are in memory)."""
    category = state.categories.get(data.category)
    if category is None or not category.active:
        raise SigapError("unknown_category", category=data.category)
    attributes = answers.check(category, answers.as_lists(data.attributes), state.timezone)
    ride = transit.named(category, attributes, network) if attributes else transit.NOTHING
    placement = routing.place(state, data.lon, data.lat)
    unit_id = routing.responsible_unit(state, category.code, placement.kelurahan_code, ride.agency)
    now = received_at or utcnow()
    response_due, resolution_due = routing.deadlines(category, now)
    token = secrets.token_urlsafe(24)
    unit_code = state.units[unit_id].code
    report: NewReport = {
        "category_code": category.code,
        "status": ReportStatus.open.value,
        "description": data.description,
        "address": data.address,
        "lon": data.lon,
        "lat": data.lat,
        "channel": channel,
        "kelurahan_code": placement.kelurahan_code,
        "kecamatan_code": placement.kecamatan_code,
        "kabkota_code": placement.kabkota_code,
        "rw_code": placement.rw_code,
        "unit_id": unit_id,
        "boundary_version_id": placement.boundary_version_id,
        "routing_method": placement.method,
        "routing_distance_m": placement.distance_m,
        "created_at": now,
        "updated_at": now,
        "response_due_at": response_due,
        "resolution_due_at": resolution_due,
        "first_response_at": None,
        "resolved_at": None,
        "closed_at": None,
        "support_count": 0,
        "reopen_count": 0,
        "tracking_token_hash": sha256_hex(token),
        "received_at": now,
        "due_at": response_due,
        "next_check_at": sla.first_check(response_due),
        "sla_warned": False,
        "escalation_level": 0,
        "escalation_unit_id": None,
        "forward_count": 0,
        "rejected_at": None,
        "rejection_reason": None,
        "appealed_at": None,
        "duplicate_of_id": None,
        "rating": None,
        "rated_at": None,
        "attributes": attributes,
        # sigap.moderation: a region with triage holds new reports for a moderator.
        "visibility": "pending" if state.triage else "public",
        "confidential": data.confidential,
        "hidden_parts": None,
        "public_description": None,
        "public_address": None,
        "transit_route": ride.route,
        "transit_stop": ride.stop,
    }
    event: NewEvent = {
        "action": "submit",
        "from_status": None,
        "to_status": ReportStatus.open.value,
        "actor_kind": "citizen",
        "actor_unit_id": None,
        "actor_account_id": None,
        "note": None,
        "data": {
            "unit": unit_code,
            "routing": placement.method,
            "channel": channel,
            **({"confidential": True} if data.confidential else {}),
        },
        "created_at": now,
    }
    return Prepared(
        report=report,
        reporter=_contact(data.reporter) if data.reporter else None,
        event=event,
        unit_code=unit_code,
        tracking_token=token,
        request=data,
        channel=channel,
    )


def _contact(reporter: ReporterIn) -> NewReporter:
    """The contact a submission carries (without the keys only the filing use case fills)."""
    return cast(NewReporter, reporter.model_dump())


def store(session: Session, prepared: Prepared, *, idempotency_key: str | None = None) -> Submitted:
    """Insert the report, its private reporter row, first event and outbox message.

    Plain Core inserts: this is the hot path of the product. With an idempotency key the
    inserts run in a savepoint: if a concurrent request with the same key commits first, ours
    rolls back to nothing and the first report is returned instead.
    """
    if idempotency_key is None:
        return _insert(session, prepared)
    request_hash = sha256_hex(f"{prepared.channel}:{prepared.request.model_dump_json()}")
    replay = _replay(session, idempotency_key, request_hash)
    if replay is not None:
        return replay
    try:
        with session.begin_nested():
            created = _insert(session, prepared)
            session.execute(
                insert(IDEMPOTENCY),
                {
                    "key": idempotency_key,
                    "request_hash": request_hash,
                    "report_id": created.report["id"],
                    "tracking_token": prepared.tracking_token,
                    "created_at": created.report["created_at"],
                },
            )
    except IntegrityError:
        replay = _replay(session, idempotency_key, request_hash)
        if replay is None:
            raise
        return replay
    return created


def store_batch(
    session: Session, items: list[tuple[Prepared, str | None]]
) -> list[Submitted | Refused]:
    """Store many submissions in the caller's transaction (the group-commit writer's handler).

    Each is first checked against the abuse limits (:func:`limits.refusals`; a refused one is
    answered :class:`Refused` and the others go on). Submissions without an idempotency key
    are inserted together, one statement per table; those with a key go one by one through
    :func:`store`. The writer announces the batch to the live hubs once it has committed
    (``notify.live.announce_committed``).
    """
    verdicts = limits.refusals(session.connection(), items)
    # The keyless accepted ones go first, together; the keyed ones then follow one by one.
    plain = [
        prepared
        for (prepared, key), refused in zip(items, verdicts, strict=True)
        if key is None and refused is None
    ]
    stored = iter(_insert_many(session, plain) if plain else [])
    results: list[Submitted | Refused] = []
    for (prepared, key), refused in zip(items, verdicts, strict=True):
        if refused is not None:
            results.append(Refused.of(refused))
        elif key is None:
            results.append(next(stored))
        else:
            results.append(store(session, prepared, idempotency_key=key))
    return results


def wire(
    result: Submitted | Refused,
) -> Submitted | Refused | tuple[int, int, list[PhotoRow]]:
    """What the writer process sends back: a new report's ids and photo rows (the server still
    holds everything else), a replayed one whole, a refusal as it is."""
    if isinstance(result, Refused) or result.replayed:
        return result
    return result.report["id"], result.events[0]["id"], result.photos


def unwire(
    item: tuple[Prepared, str | None],
    sent: Submitted | Refused | tuple[int, int, list[PhotoRow]],
) -> Submitted | Refused:
    """The server's side of :func:`wire`."""
    if isinstance(sent, Submitted | Refused):
        return sent
    report_id, event_id, photo_rows = sent
    return _submitted(report_id, event_id, item[0], photo_rows)


def _submitted(
    report_id: int, event_id: int, prepared: Prepared, photo_rows: list[PhotoRow]
) -> Submitted:
    return Submitted(
        # The two columns no submission sets are NULL in the row it stored.
        {"id": report_id, **prepared.report, "escalated_at": None, "assignee_id": None},
        [{"id": event_id, "report_id": report_id, **prepared.event}],
        prepared.tracking_token,
        replayed=False,
        photos=photo_rows,
    )


def _insert(session: Session, prepared: Prepared) -> Submitted:
    return _insert_many(session, [prepared])[0]


def _insert_many(session: Session, batch: list[Prepared]) -> list[Submitted]:
    connection = session.connection()
    # RETURNING rows come in no promised order; each report's unique token hash pairs them up.
    returned = insert_rows(
        connection,
        REPORT,
        [prepared.report for prepared in batch],
        returning=("tracking_token_hash", "id"),
    )
    id_of: dict[str | None, int] = dict(returned)
    ids = [id_of[prepared.report["tracking_token_hash"]] for prepared in batch]
    reporters = [
        {"report_id": report_id, **REPORTER_DEFAULTS, **prepared.reporter}
        for report_id, prepared in zip(ids, batch, strict=True)
        if prepared.reporter is not None
    ]
    insert_rows(connection, REPORTER, reporters)
    event_rows = [{"report_id": i, **p.event} for i, p in zip(ids, batch, strict=True)]
    for row in event_rows:  # each new report's chain starts here (sigap.history.chain)
        row["hash"] = chain.report_link(row, chain.GENESIS)
    # Photos and the outbox payload (event_id) point at the submit event.
    returned = insert_rows(connection, EVENT, event_rows, returning=("report_id", "id"))
    event_of: dict[int, int] = dict(returned)
    photo_rows = [
        photos.attach(
            session, report_id=i, event_id=event_of[i], stored=prepared.photos, kind="before"
        )
        if prepared.photos
        else []
        for i, prepared in zip(ids, batch, strict=True)
    ]
    insert_rows(
        connection,
        OUTBOX,
        [
            _created_message(i, event_of[i], prepared)
            for i, prepared in zip(ids, batch, strict=True)
        ],
    )
    # The responses are built from exactly the values that were stored.
    return [
        _submitted(i, event_of[i], prepared, stored_photos)
        for i, prepared, stored_photos in zip(ids, batch, photo_rows, strict=True)
    ]


def _created_message(report_id: int, event_id: int, prepared: Prepared) -> OutboxRow:
    """The outbox row of report.created (shape: :mod:`sigap.notify.payloads`)."""
    return report_message(
        "report.created",
        report_id=report_id,
        event_id=event_id,
        action="submit",
        from_status=None,
        to_status=ReportStatus.open.value,
        unit=prepared.unit_code,
        at=prepared.event["created_at"],
        # Only for the e-mail that gives the reporter the tracking link (the token is stored
        # nowhere else in the clear); never passed on to webhooks, and purged with the message.
        extra=(
            {"tracking_token": prepared.tracking_token}
            if prepared.reporter and prepared.reporter.get("email")
            else None
        ),
    )


def _replay(session: Session, key: str, request_hash: str) -> Submitted | None:
    stored = session.get(models.IdempotencyKey, key)
    if stored is None:
        return None
    if stored.request_hash != request_hash:
        raise SigapError("idempotency_key_reused")
    report = get(session, stored.report_id)
    return Submitted(
        report,
        timeline(session, stored.report_id),
        stored.tracking_token,
        True,
        photos.public(session, [stored.report_id])[stored.report_id],
    )


def get(session: Session, report_id: int, *, audience: Audience = Audience.OFFICIAL) -> ReportRow:
    """The stored report; for the public, a report that is not public is missing (404)."""
    row = session.execute(select(REPORT).where(REPORT.c.id == report_id)).mappings().first()
    if row is None or not is_visible(row["visibility"], audience):
        raise SigapError("report_not_found", report_id=report_id)
    return cast(ReportRow, dict(row))


def by_tracking_token(session: Session, token: str) -> ReportRow:
    row = (
        session.execute(select(REPORT).where(REPORT.c.tracking_token_hash == sha256_hex(token)))
        .mappings()
        .first()
    )
    if row is None:
        raise SigapError("not_found")
    return cast(ReportRow, dict(row))


def timeline(session: Session, report_id: int) -> list[EventRow]:
    query = select(EVENT).where(EVENT.c.report_id == report_id).order_by(EVENT.c.id)
    return [cast(EventRow, dict(row)) for row in session.execute(query).mappings()]


def timelines(session: Session | Connection, report_ids: list[int]) -> dict[int, list[EventRow]]:
    """The timelines of a page of reports in one query per 500 reports (not one per report)."""
    found: dict[int, list[EventRow]] = {report_id: [] for report_id in report_ids}
    for start in range(0, len(report_ids), 500):
        chunk = report_ids[start : start + 500]
        query = select(EVENT).where(EVENT.c.report_id.in_(chunk)).order_by(EVENT.c.id)
        for row in session.execute(query).mappings():
            found[row["report_id"]].append(cast(EventRow, dict(row)))
    return found
