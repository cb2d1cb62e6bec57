"""A channel's quota counts its reports of the last hour by (channel, created_at).

Revision ID: 0024_channel_hour
Revises: 0023_moderation
Create Date: 2026-12-07

The quota read a channel's newest reports by (channel, id); PostgreSQL, planning for any
channel (the value comes from the batch's arrays), expected most reports to match (nearly all
are "api") and walked the primary key backwards instead, through every report when the
channel was new. Bounded by the hour on an index that ends in the time, the read stops at the
hour's rows whatever the plan.
"""

from __future__ import annotations

from alembic import op

revision = "0024_channel_hour"
down_revision = "0023_moderation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_report_channel_created_at", "report", ["channel", "created_at"])
    op.drop_index("ix_report_channel_id", table_name="report")


def downgrade() -> None:
    op.create_index("ix_report_channel_id", "report", ["channel", "id"])
    op.drop_index("ix_report_channel_created_at", table_name="report")
