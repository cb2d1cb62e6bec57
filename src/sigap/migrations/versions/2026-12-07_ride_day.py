"""The ride's day on the ledger's revenue entries; taps' card hashes indexed only when unknown.

Revision ID: 0031_ride_day
Revises: 0030_market_city
Create Date: 2026-12-07

Issue #27: the auditor reads fare revenue by the service day of the ride, not by the day the
ledger posted it (a validator's batch posted on Tuesday for Monday's rides is Monday's).
``ledger_entry.day`` is the region's local day of the rides a revenue entry books; a posting
of fares over several days has one revenue entry per network and day. NULL on every other
entry, and on revenue entries posted before this migration (the revenue report counts those
on their posting day: docs/cards.md). The partial index serves the report by day.

``ix_card_tap_card_hash`` indexed every tap's keyed card hash, a random 64-character key that
no query reads and each stored tap paid for (issue #27's 5,000 taps/s); what it was for, the
taps of a card number no holder had registered yet, are the only ones indexed now.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031_ride_day"
down_revision = "0030_market_city"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_card_tap_card_hash", table_name="card_tap")
    op.create_index(
        "ix_card_tap_unknown",
        "card_tap",
        ["card_hash"],
        postgresql_where=sa.text("card_id IS NULL"),
        sqlite_where=sa.text("card_id IS NULL"),
    )
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
    op.drop_index("ix_card_tap_unknown", table_name="card_tap")
    op.create_index("ix_card_tap_card_hash", "card_tap", ["card_hash"])
