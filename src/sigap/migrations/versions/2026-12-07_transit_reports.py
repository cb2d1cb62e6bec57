"""Reports that name a transit route and stop; the operators' units.

Revision ID: 0027_transit_reports
Revises: 0026_transit
Create Date: 2026-12-07

A report in a transit category may name a route and a stop of the network (GTFS ids as
namespaced by their feed, ``mrt:MRTJ_NS``, ``mrt:SBHI``): two short columns, so that a list can
filter by route on an index (``ix_report_transit_route_created_at_id``, the lists' order) and a
page can name them without reading the answers. ``transit_operator`` maps a GTFS agency
(``mrt:MRTJ``) to the unit that receives the reports naming its routes (the region pack's
``transit_operators.csv``; docs/region-pack.md). A question may be of the datatypes
``transit_route`` and ``transit_stop`` (the CHECK of ``category_question.datatype``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027_transit_reports"
down_revision = "0026_transit"
branch_labels = None
depends_on = None


DATATYPES = "'string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'"
TRANSIT = ", 'transit_route', 'transit_stop'"
CHECK = "ck_category_question_datatype"


def _datatypes(allowed: str) -> None:
    """The CHECK of category_question.datatype, allowing ``allowed`` (SQLite: by batch mode,
    which rebuilds the table; it has no triggers)."""
    with op.batch_alter_table("category_question") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), f"datatype IN ({allowed})")


def upgrade() -> None:
    _datatypes(DATATYPES + TRANSIT)
    op.add_column("report", sa.Column("transit_route", sa.String(100), nullable=True))
    op.add_column("report", sa.Column("transit_stop", sa.String(100), nullable=True))
    # Partial: most reports name no route, and each insert would add an entry for nothing
    # (the report row has some 25 indexes already). `transit_route = :r` implies NOT NULL, which
    # both databases' planners prove.
    op.create_index(
        "ix_report_transit_route_created_at_id",
        "report",
        ["transit_route", "created_at", "id"],
        postgresql_where=sa.text("transit_route IS NOT NULL"),
        sqlite_where=sa.text("transit_route IS NOT NULL"),
    )
    op.create_table(
        "transit_operator",
        sa.Column("agency", sa.String(100), primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=False),
    )


def downgrade() -> None:
    # The older schema has no transit questions: they go (the reports' answers stay).
    op.execute("DELETE FROM category_question WHERE datatype IN ('transit_route', 'transit_stop')")
    _datatypes(DATATYPES)
    op.drop_table("transit_operator")
    op.drop_index("ix_report_transit_route_created_at_id", table_name="report")
    op.drop_column("report", "transit_stop")
    op.drop_column("report", "transit_route")
