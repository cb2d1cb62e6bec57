"""The UMKM marketplace: sellers, licences, products, the search index, orders.

Revision ID: 0029_market
Revises: 0028_cards
Create Date: 2026-12-07

Issue #28, docs/market.md. ``market_product.stock`` is the stock free to order, held at zero
or more by a CHECK (orders take it off with one conditional UPDATE). The search index is three
plain tables (words of products, the vocabulary, the vocabulary's trigrams), the same on both
databases; see :mod:`sigap.market.search`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029_market"
down_revision = "0028_cards"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Time = sa.DateTime(timezone=True)
SELLER_STATUSES = ("pending", "active", "suspended")
LICENCE_KINDS = ("nib", "pirt", "halal", "bpom")
CATEGORIES = ("food", "drink", "crafts", "souvenirs")
FOOD_CLASSES = ("pirt", "fresh", "bpom", "none")
ORDER_STATUSES = (
    "placed",
    "accepted",
    "declined",
    "ready",
    "picked_up",
    "delivered",
    "completed",
    "cancelled",
    "expired",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _id() -> sa.Column[int]:
    return sa.Column("id", BigId, primary_key=True, autoincrement=True)


def _account(name: str, *, nullable: bool = True) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, sa.ForeignKey("account.id"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "market_seller",
        _id(),
        sa.Column(
            "account_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False, unique=True
        ),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("phone", sa.String(20)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("suspended_reason", sa.Text),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("kelurahan_code", sa.String(20), nullable=False, index=True),
        sa.Column("kecamatan_code", sa.String(20), nullable=False, index=True),
        sa.Column("qris", sa.Text),
        sa.Column("demo", sa.Boolean, nullable=False),
        sa.Column("curated_at", Time),
        _account("curated_by"),
        sa.Column("created_at", Time, nullable=False),
        sa.CheckConstraint(_in("status", SELLER_STATUSES), name="status"),
    )
    op.create_table(
        "market_licence",
        _id(),
        sa.Column(
            "seller_id", BigId, sa.ForeignKey("market_seller.id"), nullable=False, index=True
        ),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("number", sa.String(30), nullable=False),
        sa.Column("expires_year", sa.SmallInteger),
        sa.Column("verified_at", Time),
        _account("verified_by"),
        sa.CheckConstraint(_in("kind", LICENCE_KINDS), name="kind"),
    )
    op.create_table(
        "market_product",
        _id(),
        sa.Column(
            "seller_id", BigId, sa.ForeignKey("market_seller.id"), nullable=False, index=True
        ),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("category", sa.String(12), nullable=False),
        sa.Column("food_class", sa.String(8), nullable=False),
        sa.Column("price", sa.Integer, nullable=False),
        sa.Column("stock", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("pirt", sa.String(15)),
        sa.Column("halal", sa.String(30)),
        sa.Column("bpom", sa.String(30)),
        sa.Column("opening_hours", sa.String(11)),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("kelurahan_code", sa.String(20), nullable=False),
        sa.Column("kecamatan_code", sa.String(20), nullable=False),
        sa.Column("delivery", sa.JSON, nullable=False),
        sa.Column("photos", sa.JSON, nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("updated_at", Time, nullable=False),
        sa.CheckConstraint("stock >= 0", name="stock"),
        sa.CheckConstraint("price > 0", name="price"),
        sa.CheckConstraint(_in("category", CATEGORIES), name="category"),
        sa.CheckConstraint(_in("food_class", FOOD_CLASSES), name="food_class"),
    )
    op.create_index(
        "ix_market_product_kecamatan_code", "market_product", ["kecamatan_code", "kelurahan_code"]
    )
    op.create_index("ix_market_product_lat", "market_product", ["lat", "lon"])
    op.create_index("ix_market_product_kelurahan_code", "market_product", ["kelurahan_code"])
    op.create_table(
        "market_vocab",
        sa.Column("word", sa.String(40), primary_key=True),
        sa.Column("grams", sa.SmallInteger, nullable=False),
    )
    op.create_table(
        "market_word",
        sa.Column("word", sa.String(40), primary_key=True),
        sa.Column("product_id", BigId, sa.ForeignKey("market_product.id"), primary_key=True),
    )
    op.create_index("ix_market_word_product_id", "market_word", ["product_id", "word"])
    op.create_table(
        "market_gram",
        sa.Column("gram", sa.String(3), primary_key=True),
        sa.Column("word", sa.String(40), sa.ForeignKey("market_vocab.word"), primary_key=True),
    )
    _orders()


def _orders() -> None:
    op.create_table(
        "market_order",
        _id(),
        _account("buyer_id", nullable=False),
        sa.Column("seller_id", BigId, sa.ForeignKey("market_seller.id"), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("delivery_kelurahan", sa.String(20)),
        sa.Column("payment_method", sa.String(8), nullable=False),
        sa.Column("payment_state", sa.String(10), nullable=False),
        sa.Column("qris_payload", sa.Text),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("placed_at", Time, nullable=False),
        sa.Column("changed_at", Time, nullable=False),
        sa.Column("due_at", Time, index=True),
        sa.Column("idempotency_key", sa.String(200)),
        sa.Column("request_hash", sa.String(64)),
        sa.CheckConstraint(_in("status", ORDER_STATUSES), name="status"),
        sa.CheckConstraint(_in("payment_method", ("qris", "cash")), name="payment_method"),
        sa.CheckConstraint(
            _in("payment_state", ("unpaid", "paid", "refunded")), name="payment_state"
        ),
        sa.CheckConstraint("total > 0", name="total"),
    )
    op.create_index(
        "ix_market_order_seller_id_placed_at", "market_order", ["seller_id", "placed_at"]
    )
    op.create_index("ix_market_order_buyer_id_placed_at", "market_order", ["buyer_id", "placed_at"])
    op.create_index(
        "ix_market_order_buyer_id_idempotency_key",
        "market_order",
        ["buyer_id", "idempotency_key"],
        unique=True,
    )
    op.create_table(
        "market_order_item",
        sa.Column("order_id", BigId, sa.ForeignKey("market_order.id"), primary_key=True),
        sa.Column("product_id", BigId, sa.ForeignKey("market_product.id"), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("price", sa.Integer, nullable=False),
        sa.CheckConstraint("quantity > 0", name="quantity"),
    )
    op.create_table(
        "market_order_event",
        _id(),
        sa.Column("order_id", BigId, sa.ForeignKey("market_order.id"), nullable=False, index=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("actor", sa.String(8), nullable=False),
        _account("account_id"),
        sa.Column("reason", sa.Text),
        sa.Column("at", Time, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "market_order_event",
        "market_order_item",
        "market_order",
        "market_gram",
        "market_word",
        "market_vocab",
        "market_product",
        "market_licence",
        "market_seller",
    ):
        op.drop_table(table)
