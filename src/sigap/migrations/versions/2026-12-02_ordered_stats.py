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


def _ordered(source: str, portal: ModuleType) -> list[str]:
    """One upsert per counted table over ``source`` (rows of ``report`` with a ``_sign`` of 1
    or -1), grouped, without the keys whose sums are all zero, sorted by key."""
    statements = []
    for table, key, values, condition in portal._contributions("r", "postgresql"):
        columns = ", ".join([*key, *values])
        sums = [f"sum(r._sign * ({v}))" for v in values.values()]
        positions = ", ".join(str(i + 1) for i in range(len(key)))  # keys may be constants
        updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in values)
        statements.append(
            f"INSERT INTO {table} ({columns}) "  # noqa: S608 - our own schema's expressions
            f"SELECT {', '.join([*key.values(), *sums])} FROM {source} AS r WHERE {condition} "
            f"GROUP BY {positions} HAVING {' OR '.join(f'{s} <> 0' for s in sums)} "
            f"ORDER BY {positions} "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
        )
    return statements


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    portal = _portal()
    changed = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in portal.COUNTED.split(", "))
    moved = f"FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {changed}"
    sources = {
        "insert": "(SELECT n.*, 1 AS _sign FROM new_rows n)",
        "update": f"(SELECT o.*, -1 AS _sign {moved} UNION ALL SELECT n.*, 1 AS _sign {moved})",
        "delete": "(SELECT o.*, -1 AS _sign FROM old_rows o)",
    }
    for verb, source in sources.items():
        body = " ".join(f"{statement};" for statement in _ordered(source, portal))
        op.execute(
            f"CREATE OR REPLACE FUNCTION report_stats_{verb}() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    portal = _portal()
    for verb, statements in portal._postgres_bodies().items():
        body = " ".join(f"{statement};" for statement in statements)
        op.execute(
            f"CREATE OR REPLACE FUNCTION report_stats_{verb}() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"
        )
