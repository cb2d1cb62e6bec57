"""The fare card's money and devices (issue #27, migration 0028_cards; docs/cards.md).

Money lives in a double-entry ledger: ``ledger_account`` (a card's balance, a payment
adapter's top-up clearing account, a network's revenue, adjustments), ``ledger_txn`` (one
posting, unique by its idempotency ``key``) and ``ledger_entry`` (its signed amounts, in
integer rupiah, summing to zero per transaction). Transactions and entries are append-only
(triggers on both databases); ``ledger_account.balance`` is the stored sum of an account's
entries, kept by the posting itself and proved by ``sigap ledger verify``.

A card is known by the keyed hash of its printed/NFC id (``card_hash``), never the id itself.
Validators are devices with API keys (sha256 stored, like channels). ``card_tap`` holds every
tap once (unique per validator and the validator's own tap id); ``card_leg`` what each tap's
leg costs and what has been charged for it so far.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base, BigId, UTCDateTime


class LedgerAccount(Base):
    __tablename__ = "ledger_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # card, clearing (a payment adapter's), revenue (a network's), adjustment
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100), unique=True)  # "revenue:tj", "card:12"
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LedgerTxn(Base):
    __tablename__ = "ledger_txn"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # topup, fare, transfer, adjustment
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    memo: Mapped[str] = mapped_column(String(200), default="")


class LedgerEntry(Base):
    """One signed amount of a transaction. ``day``: on a revenue entry, the region's local day
    of the rides it books (migration 0031; NULL on other entries and on older ones)."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        Index("ix_ledger_entry_account_id_id", "account_id", "id"),
        Index(
            "ix_ledger_entry_day",
            "day",
            "account_id",
            postgresql_where=text("day IS NOT NULL"),
            sqlite_where=text("day IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    txn_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("ledger_txn.id"), index=True)
    account_id: Mapped[int] = mapped_column(Integer, ForeignKey("ledger_account.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    day: Mapped[date | None] = mapped_column(Date)


class Card(Base):
    __tablename__ = "card"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_hash: Mapped[str] = mapped_column(String(64), unique=True)
    holder_id: Mapped[int] = mapped_column(Integer, ForeignKey("account.id"), index=True)
    ledger_account_id: Mapped[int] = mapped_column(Integer, ForeignKey("ledger_account.id"))
    name: Mapped[str] = mapped_column(String(40))  # the holder's own name for it
    last4: Mapped[str] = mapped_column(String(4))  # the printed id's last digits
    status: Mapped[str] = mapped_column(String(10), default="active")  # active, blocked
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replaced_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("card.id"))


class CardTopup(Base):
    __tablename__ = "card_topup"
    __table_args__ = (
        UniqueConstraint("card_id", "idempotency_key"),
        UniqueConstraint("adapter", "reference"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(Integer, ForeignKey("card.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    adapter: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending, paid
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Validator(Base):
    __tablename__ = "validator"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    network: Mapped[str] = mapped_column(String(40))
    stop_id: Mapped[str | None] = mapped_column(String(100))
    route_id: Mapped[str | None] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CardTap(Base):
    """One tap as a validator sent it, stored once. ``card_id`` is NULL for a card id no
    holder registered (flagged ``unknown``); ``flag`` says why a tap is not priced."""

    __tablename__ = "card_tap"
    __table_args__ = (
        UniqueConstraint("validator_id", "tap_id"),
        Index("ix_card_tap_card_id_at", "card_id", "at"),
        # the taps of card numbers no holder registered (yet): migration 0031
        Index(
            "ix_card_tap_unknown",
            "card_hash",
            postgresql_where=text("card_id IS NULL"),
            sqlite_where=text("card_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    validator_id: Mapped[int] = mapped_column(Integer, ForeignKey("validator.id"))
    tap_id: Mapped[str] = mapped_column(String(64))
    card_hash: Mapped[str] = mapped_column(String(64))
    card_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("card.id"))
    kind: Mapped[str] = mapped_column(String(3))  # in, out
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    stop_id: Mapped[str | None] = mapped_column(String(100))
    route_id: Mapped[str | None] = mapped_column(String(100))
    network: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    flag: Mapped[str | None] = mapped_column(String(10))  # unknown, blocked


class CardLeg(Base):
    """What the fare engine says a priced tap costs (``fare``; ``full_fare`` before caps and
    transfers) and what the ledger has taken for it (``charged``, never above ``fare``; the
    rest is unpaid while the card's balance is at its floor). A late or out-of-order tap
    changes these rows; the ledger gets the difference, never the whole fare again.
    ``card_id`` is the tap's card, with no foreign key of its own (migration 0033: the tap's
    already references the card, and each leg's second check cost the batch's insert)."""

    __tablename__ = "card_leg"

    tap_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("card_tap.id"), primary_key=True)
    card_id: Mapped[int] = mapped_column(Integer, index=True)
    network: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    fare: Mapped[int] = mapped_column(BigInteger)
    full_fare: Mapped[int] = mapped_column(BigInteger)
    charged: Mapped[int] = mapped_column(BigInteger)
    journey: Mapped[int] = mapped_column(BigInteger)  # the tap row id of its journey's start
    rule: Mapped[str] = mapped_column(String(100))
    postings: Mapped[int] = mapped_column(Integer, default=0)
