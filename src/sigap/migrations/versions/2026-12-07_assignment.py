"""A report's assignment to one field officer of its unit.

Revision ID: 0017_assignment
Revises: 0016_region_layers
Create Date: 2026-12-07

``report.assignee_id`` names the field officer a unit head gave the report to (the timeline's
``assign`` events are the story; this column is where it stands now). The index leads with the
officer and then the deadline, so "assigned to me, most urgent first" walks it like the unit's
inbox walks ``ix_report_inbox``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_assignment"
down_revision = "0016_region_layers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite can add a column with REFERENCES; Alembic refuses to say it without a rebuild.
        op.execute("ALTER TABLE report ADD COLUMN assignee_id INTEGER REFERENCES account (id)")
    else:
        op.add_column("report", sa.Column("assignee_id", sa.Integer, sa.ForeignKey("account.id")))
    op.create_index("ix_report_assignee", "report", ["assignee_id", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_report_assignee", table_name="report")
    op.drop_column("report", "assignee_id")
