"""The city's buying (e-order: units' budgets, orders by a unit) and buyers' reviews.

Revision ID: 0030_market_city
Revises: 0029_market
Create Date: 2026-12-07

Issue #28 item 6, docs/market.md "City buying". ``market_budget.committed`` is what the
unit's orders of the period hold; CHECKs keep it between zero and the amount, whatever code
writes it. A unit's order is a ``market_order`` with ``buyer_unit_id`` and ``budget_id``.
``market_review``: one per completed order (item 7), hidden by a moderator.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030_market_city"
down_revision = "0029_market"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Time = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "market_budget",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("committed", sa.BigInteger, nullable=False),
        sa.Column("changed_at", Time, nullable=False),
        sa.UniqueConstraint("unit_id", "period", name="uq_market_budget_unit_id_period"),
        sa.CheckConstraint("committed >= 0", name="committed"),
        sa.CheckConstraint("committed <= amount", name="within"),
    )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite can add a column with REFERENCES; Alembic refuses to say it without a rebuild.
        op.execute("ALTER TABLE market_order ADD COLUMN buyer_unit_id INTEGER REFERENCES unit (id)")
        op.execute(
            "ALTER TABLE market_order ADD COLUMN budget_id INTEGER REFERENCES market_budget (id)"
        )
    else:
        op.add_column(
            "market_order",
            sa.Column("buyer_unit_id", sa.Integer, sa.ForeignKey("unit.id")),
        )
        op.add_column(
            "market_order",
            sa.Column("budget_id", BigId, sa.ForeignKey("market_budget.id")),
        )
    op.create_index("ix_market_order_buyer_unit_id", "market_order", ["buyer_unit_id"])
    op.create_table(
        "market_review",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("order_id", BigId, sa.ForeignKey("market_order.id"), nullable=False, unique=True),
        sa.Column("seller_id", BigId, sa.ForeignKey("market_seller.id"), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False),
        sa.Column("stars", sa.SmallInteger, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("hidden", sa.Boolean, nullable=False),
        sa.Column("hidden_by", sa.Integer, sa.ForeignKey("account.id")),
        sa.Column("created_at", Time, nullable=False),
        sa.CheckConstraint("stars BETWEEN 1 AND 5", name="stars"),
    )
    op.create_index("ix_market_review_seller_id", "market_review", ["seller_id", "created_at"])


def downgrade() -> None:
    op.drop_table("market_review")
    op.drop_index("ix_market_order_buyer_unit_id", table_name="market_order")
    with op.batch_alter_table("market_order") as batch:
        batch.drop_column("budget_id")
        batch.drop_column("buyer_unit_id")
    op.drop_table("market_budget")
