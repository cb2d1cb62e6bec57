"""The officials' workflow: sign-in sessions and tokens, and the report's workflow columns.

Revision ID: 0004_workflow
Revises: 0003_channels
Create Date: 2026-11-27

Columns are added with plain ADD COLUMN (no table rebuild): on SQLite a rebuild would drop the
R*Tree and append-only triggers of ``report``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sigap.models.base import UTCDateTime

revision = "0004_workflow"
down_revision = "0003_channels"
branch_labels = None
depends_on = None

REPORT_COLUMNS = (
    # When the current unit received the report (submit, forward, appeal): deadlines count from it.
    ("received_at", UTCDateTime()),
    ("rejected_at", UTCDateTime()),
    ("rejection_reason", sa.String(40)),
    ("appealed_at", UTCDateTime()),
    ("duplicate_of_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite")),
    ("rating", sa.Integer()),
    ("rated_at", UTCDateTime()),
    ("escalation_unit_id", sa.Integer()),
    # The next moment the SLA sweep has something to do for this report (warn, escalate,
    # close); NULL when nothing is pending. One index on it makes the sweep a range scan.
    ("next_check_at", UTCDateTime()),
    # The deadline that matters now (response while open, resolution while in progress, NULL
    # once settled): the officials' inbox is sorted on it, so overdue reports come first.
    ("due_at", UTCDateTime()),
)


def upgrade() -> None:
    op.create_table(
        "auth_session",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),  # web (cookie) or api (bearer)
        sa.Column("label", sa.String(100)),
        sa.Column("csrf_token", sa.String(64)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime()),
        sa.Index("ix_auth_session_account_id", "account_id"),
    )
    for name, type_ in REPORT_COLUMNS:
        op.add_column("report", sa.Column(name, type_))
    op.add_column(
        "report",
        sa.Column("escalation_level", sa.Integer, nullable=False, server_default="0"),
    )
    op.add_column(
        "report", sa.Column("sla_warned", sa.Boolean, nullable=False, server_default=sa.false())
    )
    op.add_column(
        "report", sa.Column("forward_count", sa.Integer, nullable=False, server_default="0")
    )
    op.execute("UPDATE report SET received_at = created_at")
    # What the sweep must look at next (sigap.workflow.sla.plan, without warnings for reports
    # that predate them): the active deadline, or the end of the rating window of a fix.
    op.execute(
        "UPDATE report SET next_check_at = CASE status"
        " WHEN 'open' THEN response_due_at WHEN 'in_progress' THEN resolution_due_at END,"
        " sla_warned = (status = 'open')"
    )
    # The rating window is a setting: the first sweep re-plans these from resolved_at.
    op.execute("UPDATE report SET next_check_at = resolved_at WHERE status = 'resolved'")
    op.execute(
        "UPDATE report SET due_at = CASE status WHEN 'open' THEN response_due_at"
        " WHEN 'in_progress' THEN resolution_due_at END"
    )
    op.create_index("ix_report_next_check_at", "report", ["next_check_at"])
    op.create_index("ix_report_inbox", "report", ["unit_id", "due_at"])
    op.create_index("ix_report_escalated_inbox", "report", ["escalation_unit_id", "due_at"])
    op.create_index("ix_report_due_at", "report", ["due_at"])  # the admin's inbox: everything
    # The ranking's forwards per unit and ratings per unit in a period (portal/ranking.py).
    op.create_index("ix_report_event_action_created_at", "report_event", ["action", "created_at"])
    op.create_index("ix_report_rated_at", "report", ["rated_at"])
    op.create_index("ix_report_duplicate_of_id", "report", ["duplicate_of_id"])
    if op.get_bind().dialect.name == "postgresql":
        # Fresh statistics after the back-fill: with the old ones the planner took the sweep's
        # range scan for a 1M-row sequential scan (measured: 2.4 s instead of 1 ms).
        op.execute("ANALYZE report")


def downgrade() -> None:
    op.drop_index("ix_report_rated_at", "report")
    op.drop_index("ix_report_event_action_created_at", "report_event")
    op.drop_index("ix_report_due_at", "report")
    op.drop_index("ix_report_escalated_inbox", "report")
    op.drop_index("ix_report_inbox", "report")
    op.drop_index("ix_report_duplicate_of_id", "report")
    op.drop_index("ix_report_next_check_at", "report")
    for name in ("forward_count", "sla_warned", "escalation_level", *dict(REPORT_COLUMNS)):
        op.drop_column("report", name)
    op.drop_table("auth_session")
