"""PostgreSQL's portal counters take their row locks in one order, so concurrent writers queue
instead of deadlocking.

The statement triggers of 0007_portal upsert each counted table's rows in whatever order the
grouping produced them (a hash table's, which depends on the batch), and an update did the old
rows' subtractions for every table before the new rows' additions. Two transactions that
change reports of the same kelurahan, unit or map cell (two group-commit writers, a writer and
an official's update) could then lock the same two counter rows in opposite orders: a
deadlock, one of them rolled back after a second.
Now each trigger runs one upsert per table, tables in a fixed order and rows sorted by key, an
update's subtractions and additions summed in the same statement (a change that moves nothing,
say a new description, writes nothing). SQLite's triggers are untouched: it has one writer.

Revision ID: 0013_ordered_stats
Revises: 0012_sparse_indexes
Create Date: 2026-12-02
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from alembic import op

revision = "0013_ordered_stats"
down_revision = "0012_sparse_indexes"
branch_labels = None
depends_on = None


def _portal() -> ModuleType:
    """0007_portal, whose counted tables and contributions these triggers keep."""
    path = Path(__file__).with_name("2026-11-27_portal.py")
    spec = importlib.util.spec_from_file_location("sigap_migration_0007_portal", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _replace(verb: str, statements: list[str]) -> None:
    body = " ".join(f"{statement};" for statement in statements)
    op.execute(
        f"CREATE OR REPLACE FUNCTION report_stats_{verb}() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    portal = _portal()
    moved = portal.MOVED
    sources = {
        "insert": "(SELECT n.*, 1 AS _sign FROM new_rows n)",
        "update": f"(SELECT o.*, -1 AS _sign {moved} UNION ALL SELECT n.*, 1 AS _sign {moved})",
        "delete": "(SELECT o.*, -1 AS _sign FROM old_rows o)",
    }
    for verb, source in sources.items():
        _replace(verb, portal._grouped(source, "r._sign", "postgresql", upsert=True, ordered=True))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for verb, statements in _portal()._postgres_bodies().items():
        _replace(verb, statements)
