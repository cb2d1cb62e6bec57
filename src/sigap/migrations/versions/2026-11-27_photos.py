"""Photos of reports (before and after), pointing at files in photo storage.

Revision ID: 0005_photos
Revises: 0004_workflow
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sigap.models.base import BigId, UTCDateTime

revision = "0005_photos"
down_revision = "0004_workflow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "photo",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("report_id", BigId, sa.ForeignKey("report.id"), nullable=False, index=True),
        sa.Column("event_id", BigId, sa.ForeignKey("report_event.id")),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("display_key", sa.String(120), nullable=False, index=True),
        sa.Column("thumb_key", sa.String(120), nullable=False, index=True),
        sa.Column("original_key", sa.String(120)),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('before', 'after')", name="kind"),
    )


def downgrade() -> None:
    op.drop_table("photo")
