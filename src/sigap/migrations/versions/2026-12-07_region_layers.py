"""The region pack's map layers in one table (streets, RW), and the RW of each report.

Revision ID: 0016_region_layers
Revises: 0015_street_layer
Create Date: 2026-12-07

``street_layer`` held one layer; RW boundaries are a second, so both live in ``region_layer``
keyed by name (the street row moves over). ``report.rw_code`` is the RW a report was placed in
at submit, where the pack has RW boundaries (kelurahan code + "." + RW number); the officials'
inbox filters on it within a kelurahan, hence the index.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sigap.models.base import UTCDateTime

revision = "0016_region_layers"
down_revision = "0015_street_layer"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "region_layer",
        sa.Column("name", sa.String(20), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("geojson", sa.Text, nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
    )
    op.execute(
        "INSERT INTO region_layer (name, sha256, geojson, imported_at) "
        "SELECT 'streets', sha256, geojson, imported_at FROM street_layer"
    )
    op.drop_table("street_layer")
    op.add_column("report", sa.Column("rw_code", sa.String(24), nullable=True))
    op.create_index("ix_report_rw", "report", ["rw_code"])


def downgrade() -> None:
    op.drop_index("ix_report_rw", table_name="report")
    op.drop_column("report", "rw_code")
    op.create_table(
        "street_layer",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("geojson", sa.Text, nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
    )
    op.execute(
        "INSERT INTO street_layer (id, sha256, geojson, imported_at) "
        "SELECT 1, sha256, geojson, imported_at FROM region_layer WHERE name = 'streets'"
    )
    op.drop_table("region_layer")
