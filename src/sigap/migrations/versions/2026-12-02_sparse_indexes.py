"""Indexes of columns that most reports leave empty hold only the reports that fill them.

A new report has no parent duplicate, no rating and no escalation unit, yet each of these three
indexes took an entry for it: three of the twenty B-tree inserts of every submitted report,
on the hottest write path, for entries no query reads. Every query of these columns compares
them (``=``, ``>=``, ``IN``), which both databases take to mean ``IS NOT NULL``, so the partial
indexes serve the same queries.

Revision ID: 0012_sparse_indexes
Revises: 0011_open_reports
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_sparse_indexes"
down_revision = "0011_open_reports"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_report_duplicate_of_id": ["duplicate_of_id"],
    "ix_report_rated_at": ["rated_at"],
    "ix_report_escalated_inbox": ["escalation_unit_id", "due_at"],
}


def _filled(columns: list[str]) -> sa.TextClause:
    return sa.text(f"{columns[0]} IS NOT NULL")


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.drop_index(name, "report")
        where = _filled(columns)
        op.create_index(name, "report", columns, postgresql_where=where, sqlite_where=where)


def downgrade() -> None:
    for name, columns in INDEXES.items():
        op.drop_index(name, "report")
        op.create_index(name, "report", columns)
