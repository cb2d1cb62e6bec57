"""Sign-in throttling: failed sign-ins counted per account and per address.

Revision ID: 0022_sign_in
Revises: 0021_limits
Create Date: 2026-12-08

One small row per counted key (the sha256 of the e-mail tried, or the hashed client address):
the failures not yet forgotten, when they were counted, until when attempts are refused, and
whether the account is in a locked run (see ``sigap.auth.throttle``). The index on
``counted_at`` serves the worker's hourly purge of rows nobody has failed on for a day.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sigap.models.base import UTCDateTime

revision = "0022_sign_in"
down_revision = "0021_limits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("counted_at", UTCDateTime(), nullable=False),
        sa.Column("blocked_until", UTCDateTime()),
        sa.Column("locked", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_sign_in_throttle_counted_at", "sign_in_throttle", ["counted_at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_throttle_counted_at", table_name="sign_in_throttle")
    op.drop_table("sign_in_throttle")
