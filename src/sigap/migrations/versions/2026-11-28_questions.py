"""Categories' extra questions (Open311 service attributes) and the answers on each report.

Revision ID: 0010_questions
Revises: 0009_admin
Create Date: 2026-11-29

A question's options are a JSON list on its row: they are read and written only with the
question, never queried on their own. The answers are a JSON object on ``report`` (question
code -> value), added with a plain ADD COLUMN: no table rebuild, which on SQLite would drop the
triggers of ``report``. Existing reports get NULL (no answers).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_questions"
down_revision = "0009_admin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "category_question",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("category_code", sa.String(40), sa.ForeignKey("category.code"), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("datatype", sa.String(20), nullable=False),
        sa.Column("required", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("label_id", sa.String(200), nullable=False),
        sa.Column("label_en", sa.String(200), nullable=False),
        sa.Column("description_id", sa.String(500), nullable=False, server_default=""),
        sa.Column("description_en", sa.String(500), nullable=False, server_default=""),
        sa.Column("choices", sa.JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.UniqueConstraint("category_code", "code", name="uq_category_question_category_code"),
        sa.CheckConstraint(
            "datatype IN ('string', 'number', 'datetime', 'text', 'singlevaluelist', "
            "'multivaluelist')",
            name="datatype",
        ),
    )
    op.add_column("report", sa.Column("attributes", sa.JSON))


def downgrade() -> None:
    op.drop_column("report", "attributes")
    op.drop_table("category_question")
