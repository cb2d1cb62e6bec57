"""The ride's day on the ledger's revenue entries.

Revision ID: 0031_ride_day
Revises: 0030_market_city
Create Date: 2026-12-07

Issue #27: the auditor reads fare revenue by the service day of the ride, not by the day the
ledger posted it (a validator's batch posted on Tuesday for Monday's rides is Monday's).
``ledger_entry.day`` is the region's local day of the rides a revenue entry books; a posting
of fares over several days has one revenue entry per network and day. NULL on every other
entry, and on revenue entries posted before this migration (the revenue report counts those
on their posting day: docs/cards.md). The partial index serves the report by day.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031_ride_day"
down_revision = "0030_market_city"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ledger_entry", sa.Column("day", sa.Date))
    op.create_index(
        "ix_ledger_entry_day",
        "ledger_entry",
        ["day", "account_id"],
        postgresql_where=sa.text("day IS NOT NULL"),
        sqlite_where=sa.text("day IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_ledger_entry_day", table_name="ledger_entry")
    op.execute("ALTER TABLE ledger_entry DROP COLUMN day")  # both databases; keeps the triggers
