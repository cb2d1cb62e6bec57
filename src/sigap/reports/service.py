"""Use cases of the citizen side. Services take the session and flush; the caller commits."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sigap import models
from sigap.errors import Conflict, InvalidInput, NotFound
from sigap.kit import sha256_hex, utcnow
from sigap.regions.state import RegionState
from sigap.reports.schemas import ReportCreate
from sigap.workflow import routing


@dataclass(frozen=True)
class Submitted:
    report: models.Report
    tracking_token: str | None
    replayed: bool


def submit(
    session: Session,
    state: RegionState,
    *,
    data: ReportCreate,
    channel: str,
    idempotency_key: str | None = None,
    received_at: datetime | None = None,
) -> Submitted:
    """Validate, route and store a new report with its first event and outbox message.

    With an idempotency key the whole insert runs in a savepoint: if a concurrent request with
    the same key commits first, ours rolls back to nothing and the first report is returned.
    ``received_at`` is for channels that deliver reports made earlier (imports, demo data).
    """
    request_hash = sha256_hex(json.dumps([channel, data.model_dump(mode="json")], sort_keys=True))
    if idempotency_key is None:
        return _create(session, state, data=data, channel=channel, now=received_at)
    replay = _replay(session, idempotency_key, request_hash)
    if replay is not None:
        return replay
    try:
        with session.begin_nested():
            created = _create(session, state, data=data, channel=channel, now=received_at)
            session.add(
                models.IdempotencyKey(
                    key=idempotency_key,
                    request_hash=request_hash,
                    report_id=created.report.id,
                    tracking_token=created.tracking_token,
                    created_at=created.report.created_at,
                )
            )
            session.flush()
    except IntegrityError:
        replay = _replay(session, idempotency_key, request_hash)
        if replay is None:
            raise
        return replay
    return created


def _replay(session: Session, key: str, request_hash: str) -> Submitted | None:
    stored = session.get(models.IdempotencyKey, key)
    if stored is None:
        return None
    if stored.request_hash != request_hash:
        raise Conflict("idempotency_key_reused")
    report = session.get_one(models.Report, stored.report_id)
    return Submitted(report=report, tracking_token=stored.tracking_token, replayed=True)


def _create(
    session: Session,
    state: RegionState,
    *,
    data: ReportCreate,
    channel: str,
    now: datetime | None,
) -> Submitted:
    category = state.categories.get(data.category)
    if category is None or not category.active:
        raise InvalidInput("unknown_category", category=data.category)
    placement = routing.place(state, data.lon, data.lat)
    unit_id = routing.responsible_unit(state, category.code, placement.kelurahan_code)
    now = now or utcnow()
    response_due, resolution_due = routing.deadlines(category, now)
    token = secrets.token_urlsafe(24)
    report = models.Report(
        category_code=category.code,
        status="open",
        description=data.description,
        address=data.address,
        lon=data.lon,
        lat=data.lat,
        channel=channel,
        kelurahan_code=placement.kelurahan_code,
        kecamatan_code=placement.kecamatan_code,
        kabkota_code=placement.kabkota_code,
        unit_id=unit_id,
        boundary_version_id=placement.boundary_version_id,
        routing_method=placement.method,
        routing_distance_m=placement.distance_m,
        created_at=now,
        updated_at=now,
        response_due_at=response_due,
        resolution_due_at=resolution_due,
        support_count=0,
        reopen_count=0,
        tracking_token_hash=sha256_hex(token),
    )
    session.add(report)
    session.flush()
    if data.reporter is not None:
        session.add(models.ReportReporter(report_id=report.id, **data.reporter.model_dump()))
    unit_code = state.units[unit_id].code
    session.add(
        models.ReportEvent(
            report_id=report.id,
            action="submit",
            from_status=None,
            to_status="open",
            actor_kind="citizen",
            note=None,
            data={"unit": unit_code, "routing": placement.method, "channel": channel},
            created_at=now,
        )
    )
    add_outbox(session, "report.created", {"report_id": report.id, "unit": unit_code})
    session.flush()
    return Submitted(report=report, tracking_token=token, replayed=False)


def add_outbox(session: Session, topic: str, payload: dict[str, Any]) -> None:
    """Queue a side effect in the current transaction; it is delivered only if this commits."""
    now = utcnow()
    session.add(
        models.OutboxMessage(
            message_id=str(uuid.uuid4()),
            topic=topic,
            payload=payload,
            state="pending",
            attempts=0,
            created_at=now,
            available_at=now,
        )
    )


def get(session: Session, report_id: int) -> models.Report:
    report = session.get(models.Report, report_id)
    if report is None:
        raise NotFound("report_not_found", report_id=report_id)
    return report


def by_tracking_token(session: Session, token: str) -> models.Report:
    report = session.scalar(
        select(models.Report).where(models.Report.tracking_token_hash == sha256_hex(token))
    )
    if report is None:
        raise NotFound("not_found")
    return report


def timeline(session: Session, report_id: int) -> list[models.ReportEvent]:
    return list(
        session.scalars(
            select(models.ReportEvent)
            .where(models.ReportEvent.report_id == report_id)
            .order_by(models.ReportEvent.id)
        )
    )
