"""Abuse limits on every channel: the server's secret that signs device ids, a report quota
per channel, the caller's hashed address on each +1, and the indexes the limits count with.

Revision ID: 0021_limits
Revises: 0020_history
Create Date: 2026-12-07

Each limit reads the newest rows of one submitter (address, device, channel) up to the limit,
newest first: the indexes end in the report id so that read stops after ``limit`` rows.
The secret is made here, once per database, so every worker and every restart agree on it
(``SIGAP_SECRET_KEY`` overrides it).
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0021_limits"
down_revision = "0020_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    secret = op.create_table(
        "server_secret",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
    )
    op.bulk_insert(secret, [{"name": "device", "value": secrets.token_hex(32)}])
    op.add_column("channel", sa.Column("reports_per_hour", sa.Integer))
    op.add_column("report_support", sa.Column("client_ip", sa.String(64)))
    op.create_index("ix_report_reporter_client_ip", "report_reporter", ["client_ip", "report_id"])
    op.create_index("ix_report_reporter_device_id", "report_reporter", ["device_id", "report_id"])
    op.create_index("ix_report_channel_id", "report", ["channel", "id"])
    op.create_index("ix_report_support_client_ip", "report_support", ["client_ip", "id"])
    op.create_index("ix_report_support_device", "report_support", ["device", "id"])
    op.create_index("ix_report_support_account_id", "report_support", ["account_id", "id"])


def downgrade() -> None:
    for name, table in (
        ("ix_report_support_account_id", "report_support"),
        ("ix_report_support_device", "report_support"),
        ("ix_report_support_client_ip", "report_support"),
        ("ix_report_channel_id", "report"),
        ("ix_report_reporter_device_id", "report_reporter"),
        ("ix_report_reporter_client_ip", "report_reporter"),
    ):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("report_support") as batch:
        batch.drop_column("client_ip")
    with op.batch_alter_table("channel") as batch:
        batch.drop_column("reports_per_hour")
    op.drop_table("server_secret")
