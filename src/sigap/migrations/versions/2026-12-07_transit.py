"""Imported GTFS feeds and the transit network's version.

Revision ID: 0026_transit
Revises: 0025_channel_minutes
Create Date: 2026-12-07

One row per feed holding its validated GTFS files as one zip (every server process rebuilds
its network from them; ``sigap export-gtfs`` writes them back), and one row whose version every
import bumps in its transaction (docs/transit.md, "Storage"). Nothing dialect-specific.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sigap.models.base import UTCDateTime

revision = "0026_transit"
down_revision = "0025_channel_minutes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "transit_feed",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("archive", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("agencies", sa.JSON, nullable=False),
        sa.Column("credit", sa.Text, nullable=True),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("service_start", sa.Date, nullable=False),
        sa.Column("service_end", sa.Date, nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "transit_network",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("transit_network")
    op.drop_table("transit_feed")
