"""The fare card: a double-entry ledger, cards, top-ups, validators, taps and priced legs.

Revision ID: 0028_cards
Revises: 0027_transit_reports
Create Date: 2026-12-07

Money in integer rupiah (BIGINT). ``ledger_txn`` and ``ledger_entry`` are append-only: triggers
refuse UPDATE and DELETE on both databases, like the report timeline's. A server secret
``card`` keys the hash of card ids (printed numbers have too little entropy for a plain
sha256: anyone could hash every number). docs/cards.md.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

from sigap.models.base import BigId, UTCDateTime

revision = "0028_cards"
down_revision = "0027_transit_reports"
branch_labels = None
depends_on = None

APPEND_ONLY = ("ledger_txn", "ledger_entry")


def _tables() -> None:
    op.create_table(
        "ledger_account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("balance", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "ledger_txn",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(120), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False, index=True),
        sa.Column("memo", sa.String(200), nullable=False, server_default=""),
    )
    op.create_table(
        "ledger_entry",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("txn_id", sa.BigInteger, sa.ForeignKey("ledger_txn.id"), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("ledger_account.id"), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_ledger_entry_txn_id", "ledger_entry", ["txn_id"])
    op.create_index("ix_ledger_entry_account_id_id", "ledger_entry", ["account_id", "id"])
    op.create_table(
        "card",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("card_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("holder_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False),
        sa.Column(
            "ledger_account_id", sa.Integer, sa.ForeignKey("ledger_account.id"), nullable=False
        ),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("last4", sa.String(4), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("blocked_at", UTCDateTime()),
        sa.Column("replaced_by", sa.Integer, sa.ForeignKey("card.id")),
        sa.CheckConstraint("status IN ('active', 'blocked')", name="status"),
    )
    op.create_index("ix_card_holder_id", "card", ["holder_id"])
    op.create_table(
        "card_topup",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("card_id", sa.Integer, sa.ForeignKey("card.id"), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("adapter", sa.String(20), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("idempotency_key", sa.String(100), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("paid_at", UTCDateTime()),
        sa.UniqueConstraint("card_id", "idempotency_key"),
        sa.UniqueConstraint("adapter", "reference"),
        sa.CheckConstraint("amount > 0", name="amount"),
    )
    op.create_index("ix_card_topup_card_id", "card_topup", ["card_id"])
    op.create_table(
        "validator",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("network", sa.String(40), nullable=False),
        sa.Column("stop_id", sa.String(100)),
        sa.Column("route_id", sa.String(100)),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("key_prefix", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime()),
    )
    op.create_table(
        "card_tap",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("validator_id", sa.Integer, sa.ForeignKey("validator.id"), nullable=False),
        sa.Column("tap_id", sa.String(64), nullable=False),
        sa.Column("card_hash", sa.String(64), nullable=False),
        sa.Column("card_id", sa.Integer, sa.ForeignKey("card.id")),
        sa.Column("kind", sa.String(3), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("stop_id", sa.String(100)),
        sa.Column("route_id", sa.String(100)),
        sa.Column("network", sa.String(40), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("flag", sa.String(10)),
        sa.UniqueConstraint("validator_id", "tap_id"),
        sa.CheckConstraint("kind IN ('in', 'out')", name="kind"),
    )
    op.create_index("ix_card_tap_card_id_at", "card_tap", ["card_id", "at"])
    op.create_index("ix_card_tap_card_hash", "card_tap", ["card_hash"])
    op.create_table(
        "card_leg",
        sa.Column("tap_id", sa.BigInteger, sa.ForeignKey("card_tap.id"), primary_key=True),
        sa.Column("card_id", sa.Integer, sa.ForeignKey("card.id"), nullable=False),
        sa.Column("network", sa.String(40), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("fare", sa.BigInteger, nullable=False),
        sa.Column("full_fare", sa.BigInteger, nullable=False),
        sa.Column("charged", sa.BigInteger, nullable=False),
        sa.Column("journey", sa.BigInteger, nullable=False),
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("postings", sa.Integer, nullable=False),
    )
    op.create_index("ix_card_leg_card_id", "card_leg", ["card_id"])


def _append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def upgrade() -> None:
    _tables()
    _append_only()
    secret = sa.table("server_secret", sa.column("name"), sa.column("value"))
    op.bulk_insert(secret, [{"name": "card", "value": secrets.token_hex(32)}])


def downgrade() -> None:
    op.execute("DELETE FROM server_secret WHERE name = 'card'")
    for table in ("card_leg", "card_tap", "validator", "card_topup", "card"):
        op.drop_table(table)
    for table in ("ledger_entry", "ledger_txn"):
        op.drop_table(table)  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION ledger_append_only()")
    op.drop_table("ledger_account")
