"""The outbox's states and the queries that move messages between them.

A message is ``pending`` until a worker claims it: the claim sets ``sending`` and pushes
``available_at`` forward by a lease. A worker that dies mid-delivery never finishes the row, so
when the lease runs out the row is due again and another worker takes it (at-least-once: the
receiver may see a message twice, never zero times; ``message_id`` lets it de-duplicate).
A failed delivery goes back to ``pending`` with exponential backoff, and after
``outbox_max_attempts`` failures to ``dead``, where an admin can look at it and retry it.

Claims on PostgreSQL lock with ``FOR UPDATE SKIP LOCKED`` so that several workers share the
queue without taking the same rows; SQLite has one writer at a time anyway (``BEGIN
IMMEDIATE``), so the same statement without the locking clause is enough there.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypedDict, cast

from sqlalchemy import Engine, Table, bindparam, func, select, text, update
from sqlalchemy.orm import Session

from sigap import models
from sigap.kit import as_utc, utcnow
from sigap.models.base import UTCDateTime

OUTBOX = cast(Table, models.OutboxMessage.__table__)
STATES = ("pending", "sending", "delivered", "dead")


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    message_id: str
    topic: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime


class OutboxRow(TypedDict):
    """A message as a use case inserts it: its payload's shape is the topic's
    (:mod:`sigap.notify.payloads`, ``mail.send``: :class:`sigap.notify.fanout.Mail`)."""

    message_id: str
    topic: str
    payload: Mapping[str, Any]
    state: str
    attempts: int
    created_at: datetime
    available_at: datetime


def new_row(topic: str, payload: Mapping[str, Any], *, now: datetime | None = None) -> OutboxRow:
    """An outbox row to insert in the same transaction as the change it announces."""
    now = now or utcnow()
    return {
        "message_id": str(uuid.uuid4()),
        "topic": topic,
        "payload": payload,
        "state": "pending",
        "attempts": 0,
        "created_at": now,
        "available_at": now,
    }


_CLAIM = """
UPDATE outbox SET state = 'sending', available_at = :lease_until
WHERE id IN (
    SELECT id FROM outbox
    WHERE state IN ('pending', 'sending') AND available_at <= :now
    ORDER BY available_at, id
    LIMIT :limit {lock}
)
RETURNING id, message_id, topic, payload, attempts, created_at
"""


def claim(session: Session, *, now: datetime, lease_s: float, limit: int) -> list[Message]:
    """Take up to ``limit`` due messages for ``lease_s`` seconds (commit right after)."""
    lock = "FOR UPDATE SKIP LOCKED" if session.get_bind().dialect.name == "postgresql" else ""
    statement = (
        text(_CLAIM.format(lock=lock))
        .bindparams(
            bindparam("now", type_=UTCDateTime()), bindparam("lease_until", type_=UTCDateTime())
        )
        .columns(
            OUTBOX.c.id,
            OUTBOX.c.message_id,
            OUTBOX.c.topic,
            OUTBOX.c.payload,
            OUTBOX.c.attempts,
            OUTBOX.c.created_at,
        )
    )
    params = {"now": now, "lease_until": now + timedelta(seconds=lease_s), "limit": limit}
    rows = session.execute(statement, params).all()
    messages = [Message(r[0], r[1], r[2], r[3], r[4], as_utc(r[5])) for r in rows]
    return sorted(messages, key=lambda m: m.id)


def mark_delivered(session: Session, ids: list[int]) -> None:
    if ids:
        session.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(ids))
            .values(state="delivered", last_error=None, available_at=utcnow())
        )


@contextmanager
def job_lock(engine: Engine, name: str) -> Iterator[bool]:
    """PostgreSQL: a session advisory lock on its own connection, held while the caller runs;
    yields False when another process holds it. SQLite (one worker): always True. A killed
    holder's connection closes, which releases the lock."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as connection:
        key = {"name": name}
        taken = connection.scalar(text("SELECT pg_try_advisory_lock(hashtext(:name))"), key)
        connection.commit()
        try:
            yield bool(taken)
        finally:
            if taken:
                connection.execute(text("SELECT pg_advisory_unlock(hashtext(:name))"), key)
                connection.commit()


def finish_claimed(session: Session, row_ids: list[int]) -> set[int]:
    """Mark claimed messages delivered; the ids of those no other worker had finished yet."""
    result = session.execute(
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(row_ids), OUTBOX.c.state == "sending")
        .values(state="delivered", last_error=None, available_at=utcnow())
        .returning(OUTBOX.c.id)
    )
    return set(result.scalars())


class Undeliverable(Exception):
    """Raised by a handler when trying again cannot help (a webhook aimed at a forbidden
    address): the message goes to ``dead`` at once, where an admin can retry it after the
    cause is fixed."""


def mark_failed(
    session: Session,
    message: Message,
    error: str,
    *,
    now: datetime,
    max_attempts: int,
    base_s: float,
    cap_s: float,
    final: bool = False,
) -> str:
    """Count a failed attempt: back to ``pending`` after a delay, or ``dead`` (after
    ``max_attempts``, or at once when ``final``). Returns the state."""
    attempts = message.attempts + 1
    state = "dead" if final or attempts >= max_attempts else "pending"
    session.execute(
        update(OUTBOX)
        .where(OUTBOX.c.id == message.id)
        .values(
            state=state,
            attempts=attempts,
            last_error=error[:2000],
            available_at=now + timedelta(seconds=backoff_s(attempts, base_s, cap_s)),
        )
    )
    return state


def backoff_s(attempts: int, base_s: float, cap_s: float) -> float:
    """Exponential with a cap and up to 20 % jitter, so that failed messages don't retry in step."""
    delay: float = min(cap_s, base_s * 2.0 ** (attempts - 1))
    return delay * (1.0 + random.random() * 0.2)  # noqa: S311 - jitter, not a secret


def retry(session: Session, row_id: int) -> bool:
    """Give a dead (or failed) message a new round of attempts, due now."""
    result = session.execute(
        update(OUTBOX)
        .where(OUTBOX.c.id == row_id, OUTBOX.c.state.in_(("dead", "pending")))
        .values(state="pending", attempts=0, available_at=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))


def listing(session: Session, *, state: str, limit: int, before_id: int | None) -> list[Any]:
    query = select(OUTBOX).where(OUTBOX.c.state == state).order_by(OUTBOX.c.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(OUTBOX.c.id < before_id)
    return list(session.execute(query).mappings())


def counts(session: Session) -> dict[str, int]:
    query = select(OUTBOX.c.state, func.count()).group_by(OUTBOX.c.state)
    found: dict[str, int] = dict.fromkeys(STATES, 0)
    found.update({state: int(n) for state, n in session.execute(query).all()})
    return found


def purge_delivered(session: Session, *, older_than: datetime) -> int:
    """Delivered messages are only history; keep a while for inspection, then drop them."""
    result = session.execute(
        OUTBOX.delete().where(OUTBOX.c.state == "delivered", OUTBOX.c.available_at < older_than)
    )
    return int(getattr(result, "rowcount", 0))
