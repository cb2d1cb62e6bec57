"""A priced leg's card is its tap's: ``card_leg.card_id`` keeps its index, loses its foreign key.

Revision ID: 0033_taps_fk
Revises: 0032_market_photos
Create Date: 2026-12-08

Issue #27's 5,000 taps/s: a batch of taps inserts a leg for each priced tap, and half of that
insert's server time was its two foreign keys' checks. ``card_leg.card_id`` repeats the card of
the leg's tap (``card_leg.tap_id`` references ``card_tap``, whose ``card_id`` references
``card``), written by one function from the tap's own row (``sigap.cards.taps``); no card is
ever deleted, and nothing cascades. The column and ``ix_card_leg_card_id`` stay: a card's trips
and its unpaid legs are read by it.
"""

from __future__ import annotations

from alembic import op

revision = "0033_taps_fk"
down_revision = "0032_market_photos"
branch_labels = None
depends_on = None

FK = "fk_card_leg_card_id_card"


def upgrade() -> None:
    with op.batch_alter_table("card_leg") as batch:  # SQLite: the table rebuilt (no triggers)
        batch.drop_constraint(FK, type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("card_leg") as batch:
        batch.create_foreign_key(FK, "card", ["card_id"], ["id"])
