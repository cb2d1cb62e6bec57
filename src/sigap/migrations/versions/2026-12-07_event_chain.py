"""Tamper-evident history: the acting account on every timeline event, the acting unit on every
admin event, and a hash on both chaining each row to the one before it in its chain.

Revision ID: 0020_history
Revises: 0019_escalation
Create Date: 2026-12-07

Existing rows get their hashes here, in id order (per report for ``report_event``, one chain
for ``admin_event``; see ``sigap.history.chain``). Both tables refuse UPDATE by trigger, so the
backfill lifts the guard for its own UPDATEs and puts it back in the same transaction.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from sigap.history import chain
from sigap.models.base import UTCDateTime

revision = "0020_history"
down_revision = "0019_escalation"
branch_labels = None
depends_on = None

EVENT = sa.table(
    "report_event",
    *(sa.column(name) for name in ("id", "report_id", "action", "from_status", "to_status")),
    *(sa.column(name) for name in ("actor_kind", "actor_unit_id", "actor_account_id", "note")),
    sa.column("data", sa.JSON),
    sa.column("created_at", UTCDateTime()),
    sa.column("hash"),
)
ADMIN = sa.table(
    "admin_event",
    *(sa.column(name) for name in ("id", "account_id", "actor_unit_id", "action")),
    *(sa.column(name) for name in ("target_kind", "target_id")),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
    sa.column("created_at", UTCDateTime()),
    sa.column("hash"),
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in (("report_event", "actor_account_id"), ("admin_event", "actor_unit_id")):
        target = "account" if column == "actor_account_id" else "unit"
        if sqlite:  # SQLite can add a column with REFERENCES; Alembic would rebuild the table
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target} (id)")
        else:
            op.add_column(table, sa.Column(column, sa.Integer, sa.ForeignKey(f"{target}.id")))
        op.add_column(table, sa.Column("hash", sa.String(64)))
    _unguarded("report_event", sqlite, _backfill_events)
    _unguarded("admin_event", sqlite, _backfill_admin)


def _unguarded(table: str, sqlite: bool, backfill: Any) -> None:
    if sqlite:
        op.execute(f"DROP TRIGGER {table}_no_update")
        backfill()
        op.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )
    else:
        op.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        backfill()
        op.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


def _backfill_events() -> None:
    bind = op.get_bind()
    heads: dict[int, str] = {}
    updates: list[dict[str, Any]] = []
    for row in bind.execute(sa.select(EVENT).order_by(EVENT.c.id)).mappings():
        digest = chain.report_link(row, heads.get(row["report_id"], chain.GENESIS))
        heads[row["report_id"]] = digest
        updates.append({"row_id": row["id"], "digest": digest})
    _update(EVENT, updates)


def _backfill_admin() -> None:
    bind = op.get_bind()
    head = chain.GENESIS
    updates: list[dict[str, Any]] = []
    for row in bind.execute(sa.select(ADMIN).order_by(ADMIN.c.id)).mappings():
        head = chain.admin_link(row, head)
        updates.append({"row_id": row["id"], "digest": head})
    _update(ADMIN, updates)


def _update(table: sa.TableClause, updates: list[dict[str, Any]]) -> None:
    statement = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values(hash=sa.bindparam("digest"))
    )
    for start in range(0, len(updates), 5000):
        op.get_bind().execute(statement, updates[start : start + 5000])


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in (("report_event", "actor_account_id"), ("admin_event", "actor_unit_id")):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("hash")
            batch.drop_column(column)
        if sqlite:  # SQLite's batch rebuilt the table without its append-only triggers
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
