"""The citizen app: phone sign-in, reports linked to accounts, follows, support and comments.

Revision ID: 0008_citizen
Revises: 0007_portal
Create Date: 2026-11-28

Columns are added with plain ADD COLUMN (no table rebuild, which on SQLite would drop the
triggers of ``report``). ``report_reporter.account_id`` (a string) belongs to Open311 clients'
own account ids; a Sigap account is ``reporter_account_id``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sigap.models.base import BigId, UTCDateTime

revision = "0008_citizen"
down_revision = "0007_portal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("account", sa.Column("phone", sa.String(20)))
    op.create_index("ix_account_phone", "account", ["phone"], unique=True)
    if op.get_bind().dialect.name == "sqlite":
        # SQLite can add a column with REFERENCES; Alembic refuses to say it without a rebuild.
        op.execute(
            "ALTER TABLE report_reporter ADD COLUMN reporter_account_id INTEGER "
            "REFERENCES account (id)"
        )
    else:
        op.add_column(
            "report_reporter",
            sa.Column("reporter_account_id", sa.Integer, sa.ForeignKey("account.id")),
        )
    op.add_column("report_reporter", sa.Column("client_ip", sa.String(64)))
    op.create_index(
        "ix_report_reporter_reporter_account_id", "report_reporter", ["reporter_account_id"]
    )
    op.create_table(
        "report_follow",
        sa.Column("account_id", sa.Integer, sa.ForeignKey("account.id"), primary_key=True),
        sa.Column("report_id", BigId, sa.ForeignKey("report.id"), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "report_support",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("report_id", BigId, sa.ForeignKey("report.id"), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("account.id")),
        sa.Column("device", sa.String(64)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("report_id", "account_id", name="uq_report_support_account"),
        sa.UniqueConstraint("report_id", "device", name="uq_report_support_device"),
    )
    op.create_table(
        "report_comment",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("report_id", BigId, sa.ForeignKey("report.id"), nullable=False, index=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("hidden_by", sa.Integer, sa.ForeignKey("account.id")),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("report_comment")
    op.drop_table("report_support")
    op.drop_table("report_follow")
    op.drop_index("ix_report_reporter_reporter_account_id", "report_reporter")
    op.drop_column("report_reporter", "client_ip")
    op.drop_column("report_reporter", "reporter_account_id")
    op.drop_index("ix_account_phone", "account")
    op.drop_column("account", "phone")
