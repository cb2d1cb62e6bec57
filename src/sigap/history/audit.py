"""Writing and reading the admin audit trail (table ``admin_event``, append-only).

Every console change calls :func:`record` inside the change's own transaction, so a change and
its audit row commit or roll back together. Each row records the acting account and its unit
and is hash-chained to the row before it (:mod:`sigap.history.chain`). Reference-data changes
also call :func:`touch`, which bumps ``region.imported_at``: every process compares it every
few seconds and reloads its snapshot (see :mod:`sigap.admin.reload`).

It lives in history, not admin, because moderation writes it too, and admin's console
imports moderation (its moderation section).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sigap.auth.service import Subject
from sigap.history import chain
from sigap.kit import utcnow
from sigap.models import AdminEvent, Region


def record(
    session: Session,
    actor: Subject,
    action: str,
    target_kind: str,
    target_id: object,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    event = AdminEvent(
        account_id=actor.account_id,
        actor_unit_id=actor.unit_id,
        action=action,
        target_kind=target_kind,
        target_id=str(target_id),
        before=before,
        after=after,
        created_at=utcnow(),
    )
    fields = chain.fields_of(event, chain.ADMIN_FIELDS)
    event.hash = chain.admin_link(fields, chain.admin_head(session))
    session.add(event)
    session.flush()


def touch(session: Session) -> None:
    """Mark the reference data as changed, so that every process reloads its snapshot."""
    session.execute(update(Region).values(imported_at=utcnow()))


def recent(session: Session, *, limit: int = 200, before_id: int | None = None) -> list[AdminEvent]:
    query = select(AdminEvent).order_by(AdminEvent.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AdminEvent.id < before_id)
    return list(session.scalars(query))


def as_dict(event: AdminEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "account_id": event.account_id,
        "actor_unit_id": event.actor_unit_id,
        "action": event.action,
        "target_kind": event.target_kind,
        "target_id": event.target_id,
        "before": event.before,
        "after": event.after,
        "created_at": event.created_at.isoformat(),
        "hash": event.hash,
    }
