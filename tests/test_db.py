"""The driver-level bulk insert stores exactly what SQLAlchemy reads back, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Table, select

from sigap.db import Checkpointer, Database, insert_rows
from sigap.migrations import upgrade
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


def test_checkpointer_copies_the_wal_back(tmp_path: Path) -> None:
    """With background checkpoints, commits leave the WAL alone and the checkpointer empties it."""
    url = f"sqlite:///{tmp_path}/wal.db"
    upgrade(url)
    database = Database(url, background_checkpoint=True)
    checkpointer = Checkpointer(database.write_engine, every_s=3600)
    rows = [
        {
            "message_id": f"m-{n}",
            "topic": "t",
            "payload": {"n": n},
            "state": "pending",
            "attempts": 0,
            "last_error": None,
            "created_at": datetime.now(UTC),
            "available_at": datetime.now(UTC),
        }
        for n in range(2000)
    ]
    for start in range(0, 2000, 100):
        with database.transaction() as session:
            insert_rows(session.connection(), OUTBOX, rows[start : start + 100])

    busy, wal_pages, copied = checkpointer.checkpoint()
    checkpointer.close()
    database.dispose()

    assert busy == 0
    assert wal_pages > 50  # nothing was checkpointed by the commits themselves
    assert copied == wal_pages
