"""The UMKM marketplace (issue #28, docs/market.md): sellers, their licences, products and
orders.

A seller is an account's household business; its licences (NIB, P-IRT, halal, BPOM numbers)
are checked for their structure at registration and verified one by one by the curating
office, whose verification (who, when) is the badge buyers see. ``market_product.stock`` is the
stock still free to order: placing an order takes its items off with one conditional UPDATE
each (``stock >= n``), and the CHECK keeps it from ever going below zero, whatever code writes
it. ``market_word`` / ``market_vocab`` / ``market_gram`` are the search index
(:mod:`sigap.market.search`), kept by the product use cases.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base, BigId, UTCDateTime

SELLER_STATUSES = ("pending", "active", "suspended")
LICENCE_KINDS = ("nib", "pirt", "halal", "bpom")
CATEGORIES = ("food", "drink", "crafts", "souvenirs")
# pirt: packaged food with a shelf life over 7 days (a P-IRT number); fresh: ready to eat, kept
# under 7 days (no number); bpom: outside P-IRT's scope, e.g. dairy, meat, fish, baby food (an
# MD/ML number); none: not food (crafts, souvenirs).
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
PAYMENT_METHODS = ("qris", "cash")
PAYMENT_STATES = ("unpaid", "paid", "refunded")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class MarketSeller(Base):
    __tablename__ = "market_seller"
    __table_args__ = (CheckConstraint(_in("status", SELLER_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    suspended_reason: Mapped[str | None] = mapped_column(Text)
    # The pickup point and the kelurahan it lies in (the region's boundary index).
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    kelurahan_code: Mapped[str] = mapped_column(String(20), index=True)
    kecamatan_code: Mapped[str] = mapped_column(String(20), index=True)
    qris: Mapped[str | None] = mapped_column(Text)  # the seller's static QRIS payload
    demo: Mapped[bool] = mapped_column(Boolean, default=False)  # made by `sigap demo`
    curated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    curated_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MarketLicence(Base):
    """A number the seller gave; ``verified_at``/``verified_by``: the office checked it."""

    __tablename__ = "market_licence"
    __table_args__ = (CheckConstraint(_in("kind", LICENCE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("market_seller.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    number: Mapped[str] = mapped_column(String(30))
    expires_year: Mapped[int | None] = mapped_column(SmallInteger)  # P-IRT's last two digits
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))


class MarketProduct(Base):
    __tablename__ = "market_product"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock"),
        CheckConstraint("price > 0", name="price"),
        CheckConstraint(_in("category", CATEGORIES), name="category"),
        CheckConstraint(_in("food_class", FOOD_CLASSES), name="food_class"),
        Index("ix_market_product_kecamatan_code", "kecamatan_code", "kelurahan_code"),
        Index("ix_market_product_lat", "lat", "lon"),
        Index("ix_market_product_kelurahan_code", "kelurahan_code"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("market_seller.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(12))
    food_class: Mapped[str] = mapped_column(String(8))
    price: Mapped[int] = mapped_column(Integer)  # rupiah
    stock: Mapped[int] = mapped_column(Integer)  # free to order (orders placed are taken off)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    pirt: Mapped[str | None] = mapped_column(String(15))
    halal: Mapped[str | None] = mapped_column(String(30))
    bpom: Mapped[str | None] = mapped_column(String(30))
    opening_hours: Mapped[str | None] = mapped_column(String(11))  # "07:00-15:00", local time
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    kelurahan_code: Mapped[str] = mapped_column(String(20))
    kecamatan_code: Mapped[str] = mapped_column(String(20))
    delivery: Mapped[list[str]] = mapped_column(JSON, default=list)  # kelurahan codes
    # Unused (always []): photos are rows of market_product_photo.
    photos: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MarketProductPhoto(Base):
    """A photo of a product, cleaned and stored by the one photo pipeline (sigap.photos: the
    same checks, sizes and content-addressed files as reports' photos; ``GET /media`` serves
    a file while a row here or in ``photo`` uses it). ``position``: the seller's order, the
    first is the product's picture in lists. Removing a photo deletes its row (a seller's
    choice, not moderation); the files stay, shared by content."""

    __tablename__ = "market_product_photo"
    __table_args__ = (Index("ix_market_product_photo_product_id", "product_id", "position"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("market_product.id"))
    position: Mapped[int] = mapped_column(SmallInteger)
    display_key: Mapped[str] = mapped_column(String(120), index=True)
    thumb_key: Mapped[str] = mapped_column(String(120), index=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MarketWord(Base):
    """A folded word of a product's name, description or category: product search's postings,
    each with its product's point (a search around a point reads only the postings of its box,
    on ``ix_market_word_place``)."""

    __tablename__ = "market_word"
    __table_args__ = (
        Index("ix_market_word_product_id", "product_id", "word"),
        Index("ix_market_word_place", "word", "lat", "lon", "product_id"),
    )

    word: Mapped[str] = mapped_column(String(40), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("market_product.id"), primary_key=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


class MarketVocab(Base):
    """Every word ever indexed, with its count of distinct trigrams (the similarity's
    denominator); a word no product uses any more matches nothing."""

    __tablename__ = "market_vocab"

    word: Mapped[str] = mapped_column(String(40), primary_key=True)
    grams: Mapped[int] = mapped_column(SmallInteger)


class MarketGram(Base):
    __tablename__ = "market_gram"

    gram: Mapped[str] = mapped_column(String(3), primary_key=True)
    word: Mapped[str] = mapped_column(ForeignKey("market_vocab.word"), primary_key=True)


class MarketBudget(Base):
    """A unit's budget for buying from curated sellers in one period (a month, ``YYYY-MM`` in
    the region's time). ``committed`` is the total of the unit's orders of the period not
    ended without a sale: placing reserves with one conditional UPDATE (``committed + total
    <= amount``), declining, cancelling and expiring give it back; the CHECKs stand behind."""

    __tablename__ = "market_budget"
    __table_args__ = (
        UniqueConstraint("unit_id", "period", name="uq_market_budget_unit_id_period"),
        CheckConstraint("committed >= 0", name="committed"),
        CheckConstraint("committed <= amount", name="within"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    amount: Mapped[int] = mapped_column(BigInteger)  # rupiah
    committed: Mapped[int] = mapped_column(BigInteger, default=0)  # rupiah
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MarketOrder(Base):
    __tablename__ = "market_order"
    __table_args__ = (
        CheckConstraint(_in("status", ORDER_STATUSES), name="status"),
        CheckConstraint(_in("payment_method", PAYMENT_METHODS), name="payment_method"),
        CheckConstraint(_in("payment_state", PAYMENT_STATES), name="payment_state"),
        CheckConstraint("total > 0", name="total"),
        Index("ix_market_order_seller_id_placed_at", "seller_id", "placed_at"),
        Index("ix_market_order_buyer_id_placed_at", "buyer_id", "placed_at"),
        # a buyer's retry of a placement with the same key finds the first order
        Index(
            "ix_market_order_buyer_id_idempotency_key", "buyer_id", "idempotency_key", unique=True
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    seller_id: Mapped[int] = mapped_column(ForeignKey("market_seller.id"))
    status: Mapped[str] = mapped_column(String(12))
    delivery_kelurahan: Mapped[str | None] = mapped_column(String(20))  # None: pickup
    payment_method: Mapped[str] = mapped_column(String(8))
    payment_state: Mapped[str] = mapped_column(String(10), default="unpaid")
    qris_payload: Mapped[str | None] = mapped_column(Text)
    total: Mapped[int] = mapped_column(Integer)  # rupiah
    note: Mapped[str] = mapped_column(Text, default="")
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the timeout sweep looks at it next (None: never again); indexed for the sweep.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str | None] = mapped_column(String(64))  # sha256 of the body
    # A city unit's order (e-order): the unit it buys for and the budget it reserved against.
    buyer_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    budget_id: Mapped[int | None] = mapped_column(ForeignKey("market_budget.id"))


class MarketOrderItem(Base):
    __tablename__ = "market_order_item"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity"),)

    order_id: Mapped[int] = mapped_column(ForeignKey("market_order.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("market_product.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[int] = mapped_column(Integer)
    price: Mapped[int] = mapped_column(Integer)  # rupiah each, as at placement


class MarketOrderEvent(Base):
    """The order's timeline, one row per action (append-only by convention)."""

    __tablename__ = "market_order_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("market_order.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12))  # after the action
    actor: Mapped[str] = mapped_column(String(8))  # buyer, seller, system
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class MarketReview(Base):
    """The buyer's review of a completed order (one per order): 1-5 stars and a text. A
    moderator may hide it (``hidden_by``); the public then sees neither (docs/market.md)."""

    __tablename__ = "market_review"
    __table_args__ = (
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars"),
        Index("ix_market_review_seller_id", "seller_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("market_order.id"), unique=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("market_seller.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    stars: Mapped[int] = mapped_column(SmallInteger)
    body: Mapped[str] = mapped_column(Text, default="")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
