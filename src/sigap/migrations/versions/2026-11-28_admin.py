"""The admin console: an append-only audit of every console change, and units that can be
deactivated (kept, because old reports still point at them).

Revision ID: 0009_admin
Revises: 0008_citizen
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sigap.models.base import UTCDateTime

revision = "0009_admin"
down_revision = "0008_citizen"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("account.id"), index=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target_kind", sa.String(20), nullable=False),
        sa.Column("target_id", sa.String(80), nullable=False),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.Column("created_at", UTCDateTime(), nullable=False, index=True),
    )
    op.add_column("unit", sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION admin_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'admin_event is append-only';
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER admin_event_append_only BEFORE UPDATE OR DELETE ON admin_event "
            "FOR EACH ROW EXECUTE FUNCTION admin_event_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER admin_event_no_{verb.lower()} BEFORE {verb} ON admin_event "
                "BEGIN SELECT RAISE(ABORT, 'admin_event is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER admin_event_append_only ON admin_event")
        op.execute("DROP FUNCTION admin_event_append_only()")
    with op.batch_alter_table("unit") as batch:
        batch.drop_column("active")
    op.drop_table("admin_event")
