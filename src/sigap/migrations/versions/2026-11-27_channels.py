"""Channels (API keys of Open311 clients) and the reporter's device and account ids.

Revision ID: 0003_channels
Revises: 0002_accounts
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sigap.models.base import UTCDateTime

revision = "0003_channels"
down_revision = "0002_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(20), nullable=False, index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("key_prefix", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime()),
        sa.CheckConstraint("slug <> ''", name="slug_not_empty"),
    )
    # Open311 clients send these; private like the rest of report_reporter.
    op.add_column("report_reporter", sa.Column("device_id", sa.String(200)))
    op.add_column("report_reporter", sa.Column("account_id", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("report_reporter") as batch:
        batch.drop_column("account_id")
        batch.drop_column("device_id")
    op.drop_table("channel")
