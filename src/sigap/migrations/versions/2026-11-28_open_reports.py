"""Partial indexes of the reports still open, newest first, overall and per category.

Open reports are the few that every list asks for (Open311 clients poll ``status=open``, the
map shows them), and "open" is two states: a walk of the composite indexes had to fetch every
open or in-progress report of the period and sort them. These indexes hold only open reports
and are walked in order, so a page stops after its last row. Queries name the states as
literals (see ``sigap.reports.repository``) so both databases can prove the index fits.

Revision ID: 0011_open_reports
Revises: 0010_questions
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_open_reports"
down_revision = "0010_questions"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('open', 'in_progress')")
INDEXES = {
    "ix_report_open_created_at_id": ["created_at", "id"],
    "ix_report_open_category_code_created_at_id": ["category_code", "created_at", "id"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "report", columns, postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, "report")
