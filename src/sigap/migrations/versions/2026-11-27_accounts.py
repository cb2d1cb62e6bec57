"""Accounts of citizens and officials (roles, unit, argon2 password hash).

Revision ID: 0002_accounts
Revises: 0001_foundation
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sigap.models.base import UTCDateTime

revision = "0002_accounts"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("unit.id"), index=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "role IN ('citizen', 'field_officer', 'unit_head', 'supervisor', 'admin')",
            name="role",
        ),
        sa.CheckConstraint("role = 'citizen' OR unit_id IS NOT NULL", name="official_unit"),
    )


def downgrade() -> None:
    op.drop_table("account")
