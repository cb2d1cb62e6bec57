"""Product search: each posting carries its product's point, indexed with the word.

Revision ID: 0034_market_word_place
Revises: 0033_taps_fk
Create Date: 2026-12-08

Issue #28, docs/perf-log.md "Market search in one statement". A search around a point reads
the word's postings within the circle's box on ``ix_market_word_place`` (word, lat, lon,
product_id) instead of every product of the box (thousands of heap rows for 3 km) or every
posting of the word (50,000 for "kue"). ``search.index`` keeps the point with the product's.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0034_market_word_place"
down_revision = "0033_taps_fk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("market_word", sa.Column("lat", sa.Float, nullable=True))
    op.add_column("market_word", sa.Column("lon", sa.Float, nullable=True))
    op.execute(
        "UPDATE market_word SET"
        " lat = (SELECT p.lat FROM market_product p WHERE p.id = market_word.product_id),"
        " lon = (SELECT p.lon FROM market_product p WHERE p.id = market_word.product_id)"
    )
    with op.batch_alter_table("market_word") as batch:
        batch.alter_column("lat", existing_type=sa.Float, nullable=False)
        batch.alter_column("lon", existing_type=sa.Float, nullable=False)
    op.create_index("ix_market_word_place", "market_word", ["word", "lat", "lon", "product_id"])


def downgrade() -> None:
    op.drop_index("ix_market_word_place", "market_word")
    with op.batch_alter_table("market_word") as batch:
        batch.drop_column("lon")
        batch.drop_column("lat")
