"""The driver-level bulk insert stores exactly what SQLAlchemy reads back, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Table, select

from sigap.db import Database, insert_rows
from sigap.models import OutboxMessage

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[assignment]


def test_insert_rows_round_trip(database: Database) -> None:
    wib = timezone(timedelta(hours=7))
    rows = [
        {
            "message_id": f"m-{n}",
            "topic": "test",
            "payload": {"n": n, "nested": {"ok": True}, "text": "Jalan rusak"},
            "state": "pending",
            "attempts": n,
            "last_error": None,
            "created_at": created,
            "available_at": created + timedelta(minutes=5),
        }
        for n, created in enumerate(
            [
                datetime(2026, 11, 27, 8, 0, 0, tzinfo=UTC),  # no microseconds
                datetime(2026, 11, 27, 15, 0, 0, 123456, tzinfo=wib),  # another offset
            ]
        )
    ]

    with database.transaction() as session:
        returned = insert_rows(session.connection(), OUTBOX, rows, returning=("message_id",))
    with database.reading() as session:
        stored = session.scalars(select(OutboxMessage).order_by(OutboxMessage.message_id)).all()

    assert sorted(returned) == [("m-0",), ("m-1",)]
    assert [(m.payload, m.attempts, m.last_error) for m in stored] == [
        (r["payload"], r["attempts"], None) for r in rows
    ]
    assert [m.created_at for m in stored] == [r["created_at"] for r in rows]
    assert stored[1].created_at == datetime(2026, 11, 27, 8, 0, 0, 123456, tzinfo=UTC)
    assert all(m.created_at.tzinfo is UTC for m in stored)
