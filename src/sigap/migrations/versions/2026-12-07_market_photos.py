"""Product photos: rows of the one photo pipeline's files (sigap.photos), in the seller's order.

Revision ID: 0032_market_photos
Revises: 0031_ride_day
Create Date: 2026-12-07

Issue #28, docs/market.md "Product photos". ``GET /media`` serves a file while a row of
``photo`` or of ``market_product_photo`` uses it, so both key columns are indexed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032_market_photos"
down_revision = "0031_ride_day"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Time = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "market_product_photo",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("product_id", BigId, sa.ForeignKey("market_product.id"), nullable=False),
        sa.Column("position", sa.SmallInteger, nullable=False),
        sa.Column("display_key", sa.String(120), nullable=False),
        sa.Column("thumb_key", sa.String(120), nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("created_at", Time, nullable=False),
    )
    op.create_index(
        "ix_market_product_photo_product_id", "market_product_photo", ["product_id", "position"]
    )
    op.create_index("ix_market_product_photo_display_key", "market_product_photo", ["display_key"])
    op.create_index("ix_market_product_photo_thumb_key", "market_product_photo", ["thumb_key"])


def downgrade() -> None:
    op.drop_table("market_product_photo")
