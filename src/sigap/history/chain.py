"""The hash chains of the timeline (``report_event``) and of the admin audit (``admin_event``).

Each row carries ``hash = sha256(canonical JSON of its fields, with "prev" = the hash of the
row before it in its chain)``. The canonical form is JSON with sorted keys, no spaces, ASCII
escapes and times as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (both databases give microseconds back
exactly), so the hash can be recomputed from what the database returns.

Chains: one per report (its events in id order), one for the whole admin audit.

* Per report, because the report is the unit of concurrency: every workflow action locks the
  report's row (``FOR UPDATE`` / SQLite's one writer) before it reads the chain's head and
  appends, so two events on one report can never fork its chain, while events on different
  reports never wait on each other (one chain for every report would serialise every writer of
  every server process). A report's first event (``submit``) starts its chain in the submit
  writer's batch, where no other writer can know the new report yet.
* One for the admin audit: console changes are rare, so a global order costs nothing; the
  chain's head is read under ``pg_advisory_xact_lock`` on PostgreSQL (SQLite's writers already
  run one at a time, ``BEGIN IMMEDIATE``).

Ids are not hashed (a report's first event gets its id from the multi-row INSERT); the order is
the chain itself: a deleted, inserted, moved or edited row breaks the link after it, and an
edit that rewrites every later hash changes the chain's head, which is published every day
(:mod:`sigap.history.heads`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from sigap.models import AdminEvent, ReportEvent

GENESIS = "0" * 64
REPORT_FIELDS = (
    "report_id",
    "action",
    "from_status",
    "to_status",
    "actor_kind",
    "actor_unit_id",
    "actor_account_id",
    "note",
    "data",
    "created_at",
)
ADMIN_FIELDS = (
    "account_id",
    "actor_unit_id",
    "action",
    "target_kind",
    "target_id",
    "before",
    "after",
    "created_at",
)
# pg_advisory_xact_lock key of the admin chain (any fixed bigint; "sigap.admin_chain").
ADMIN_LOCK = 0x5167_6170_4164_6D
_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)  # SQLite's naive UTC
        return value.astimezone(UTC).strftime(_TIME)
    return value


def link(fields: tuple[str, ...], row: Mapping[Any, Any], prev: str) -> str:
    """The hash of ``row`` (its ``fields``) chained to ``prev``."""
    body = {name: _plain(row[name]) for name in fields}
    body["prev"] = prev
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def report_link(row: Mapping[Any, Any], prev: str) -> str:
    return link(REPORT_FIELDS, row, prev)


def admin_link(row: Mapping[Any, Any], prev: str) -> str:
    return link(ADMIN_FIELDS, row, prev)


def report_head(session: Session, report_id: int) -> str:
    """The hash of the report's last event (the caller holds the report's row lock)."""
    query = (
        select(ReportEvent.hash)
        .where(ReportEvent.report_id == report_id)
        .order_by(ReportEvent.id.desc())
        .limit(1)
    )
    return session.scalar(query) or GENESIS


def admin_head(session: Session) -> str:
    """The admin chain's head, with the chain locked until the caller's transaction ends."""
    connection: Connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADMIN_LOCK})
    query = select(AdminEvent.hash).order_by(AdminEvent.id.desc()).limit(1)
    return session.scalar(query) or GENESIS


def fields_of(obj: object, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}
