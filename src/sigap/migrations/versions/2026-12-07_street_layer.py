"""The region pack's street layer, drawn into the maps' street tiles.

Revision ID: 0015_street_layer
Revises: 0014_pending_stats
Create Date: 2026-12-07

One row holding the pack's ``streets.geojson`` as imported: every process reads it once and
keeps the lines in memory (sigap.geo.streets), so the table is never queried by location.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sigap.models.base import UTCDateTime

revision = "0015_street_layer"
down_revision = "0014_pending_stats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "street_layer",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("geojson", sa.Text, nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("street_layer")
