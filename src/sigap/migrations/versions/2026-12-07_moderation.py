"""Moderation and confidentiality: what the public may see of a report.

Revision ID: 0023_moderation
Revises: 0022_sign_in
Create Date: 2026-12-09

``report.visibility`` says whether a report is public at all: ``public``, ``pending`` (a region
with triage switched on holds new reports for a moderator) or ``withheld`` (a moderator took it
down). ``report.confidential`` is the reporter's choice at submit: the public sees only its
category, area and status. ``report.hidden_parts`` lists what a moderator hid of a public report
(description, address, notes, answers, comments; NULL: nothing), ``public_description`` and
``public_address`` are a moderator's redacted text shown instead of the original. The originals
are never changed: officials read them. ``region.triage`` switches triage on.

Two partial indexes keep the exceptions cheap to find however many reports there are: the
triage queue (``pending``), and the reports the map's stored counts must not place
(confidential or not public, see ``sigap.portal.clusters``). Queries repeat their predicates
literally (``sigap.moderation.rules``) so both databases can use them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_moderation"
down_revision = "0022_sign_in"
branch_labels = None
depends_on = None

PENDING = sa.text("visibility = 'pending'")
UNPLACED = sa.text("confidential OR visibility <> 'public'")


def upgrade() -> None:
    columns = (
        sa.Column("visibility", sa.String(10), nullable=False, server_default="public"),
        sa.Column("confidential", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("hidden_parts", sa.String(60)),
        sa.Column("public_description", sa.Text),
        sa.Column("public_address", sa.String(300)),
    )
    for column in columns:
        op.add_column("report", column)
    op.add_column(
        "region", sa.Column("triage", sa.Boolean, nullable=False, server_default=sa.false())
    )
    op.create_index(
        "ix_report_pending", "report", ["id"], postgresql_where=PENDING, sqlite_where=PENDING
    )
    op.create_index(
        "ix_report_unplaced", "report", ["id"], postgresql_where=UNPLACED, sqlite_where=UNPLACED
    )


def downgrade() -> None:
    op.drop_index("ix_report_unplaced", "report")
    op.drop_index("ix_report_pending", "report")
    op.drop_column("region", "triage")
    for name in ("public_address", "public_description", "hidden_parts"):
        op.drop_column("report", name)
    op.drop_column("report", "confidential")
    op.drop_column("report", "visibility")
