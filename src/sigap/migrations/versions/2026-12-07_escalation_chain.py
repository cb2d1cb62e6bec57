"""Escalation through every level: when the current level received the report, and the chain
of units without a parent.

Revision ID: 0019_escalation
Revises: 0018_proof
Create Date: 2026-12-07

``report.escalated_at`` is when the unit a report is escalated to received it: that level's
window counts from it, so a sweep that comes late climbs one level and starts the next level's
clock instead of climbing every level at once. Reports escalated before this revision take the
moment of their last change (the escalation, or something later). Active reports the sweep
no longer looked at (their unit had no parent) get a check at their deadline again.

``unit.escalates_to_id`` names where a unit without a parent escalates (police, utilities: the
region pack's ``escalates_to`` column). Plain ADD COLUMN: a rebuild of ``report`` on SQLite
would drop its R*Tree and triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sigap.models.base import UTCDateTime

revision = "0019_escalation"
down_revision = "0018_proof"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("report", sa.Column("escalated_at", UTCDateTime()))
    op.execute("UPDATE report SET escalated_at = updated_at WHERE escalation_level > 0")
    # Active reports the sweep had given up on (a unit without a parent could not climb) are
    # looked at again: they climb now, or are planned afresh.
    op.execute(
        "UPDATE report SET next_check_at = due_at WHERE next_check_at IS NULL"
        " AND due_at IS NOT NULL AND status IN ('open', 'in_progress')"
    )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite can add a column with REFERENCES; Alembic refuses to say it without a rebuild.
        op.execute("ALTER TABLE unit ADD COLUMN escalates_to_id INTEGER REFERENCES unit (id)")
    else:
        op.add_column("unit", sa.Column("escalates_to_id", sa.Integer, sa.ForeignKey("unit.id")))


def downgrade() -> None:
    op.drop_column("unit", "escalates_to_id")
    op.drop_column("report", "escalated_at")
