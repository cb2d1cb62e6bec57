"""PostgreSQL's portal counters are folded in from a queue of contributions, off the submit's
transaction.

Until now each change of ``report`` rows ran the counters' upserts in its own transaction: nine
statements for every batch of submitted reports, about a quarter of PostgreSQL's work on the
submit path and half a millisecond of each group-commit batch (docs/perf-log.md, "Submit"). Now
the triggers only append each changed report's counted values with a sign (+1 added, -1 taken
away) to ``stat_pending``, one INSERT, and ``stat_fold()`` moves the queue into the counted
tables: it deletes the queued rows and upserts their grouped sums, in one statement, under a
transaction-level advisory lock, so folds run one at a time and only they write counter rows.
A queued row is committed with the report change that made it, so a crash loses neither.

Who folds: every read of the counters first (``sigap.portal.fold``), so a reader still sees the
counts of every change committed before it, and ``sigap worker`` every few seconds, so the
queue stays short when nobody reads. SQLite is untouched: its one writer runs the per-row
triggers of 0007_portal.

Revision ID: 0014_pending_stats
Revises: 0013_ordered_stats
Create Date: 2026-12-03
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from alembic import op

revision = "0014_pending_stats"
down_revision = "0013_ordered_stats"
branch_labels = None
depends_on = None

# pg_advisory_xact_lock's key for stat_fold(): hashtext('sigap.stat_fold'), fixed here so the
# function body holds a constant.
FOLD_LOCK = "hashtext('sigap.stat_fold')"


def _sibling(filename: str, name: str) -> ModuleType:
    path = Path(__file__).with_name(filename)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _portal() -> ModuleType:
    """0007_portal: the counted columns and each counted table's contribution."""
    return _sibling("2026-11-27_portal.py", "sigap_migration_0007_portal")


def _trigger(verb: str, body: str) -> None:
    op.execute(
        f"CREATE OR REPLACE FUNCTION report_stats_{verb}() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    portal = _portal()
    counted = portal.COUNTED
    # The queue holds the counted columns as `report` types them, and the sign. No index: the
    # fold takes every row, and an insert should cost as little as a heap append can.
    op.execute(
        f"CREATE TABLE stat_pending AS SELECT 1::smallint AS _sign, {counted} "  # noqa: S608
        "FROM report WITH NO DATA"
    )
    # Every fold leaves the rows it took dead, and the next one scans them until a vacuum: have
    # autovacuum come at its next round once a thousand are dead, whatever the table's size.
    op.execute(
        "ALTER TABLE stat_pending SET (autovacuum_vacuum_threshold = 1000, "
        "autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_cost_delay = 0)"
    )
    old = ", ".join(f"o.{c}" for c in counted.split(", "))
    new = ", ".join(f"n.{c}" for c in counted.split(", "))
    queue = f"INSERT INTO stat_pending (_sign, {counted})"
    _trigger("insert", f"{queue} SELECT 1, {counted} FROM new_rows;")  # noqa: S608 - constants
    # An update queues only the rows whose counted columns changed: the old values taken away,
    # the new ones added.
    _trigger(
        "update",
        f"{queue} SELECT -1, {old} {portal.MOVED} UNION ALL SELECT 1, {new} {portal.MOVED};",
    )
    _trigger("delete", f"{queue} SELECT -1, {counted} FROM old_rows;")  # noqa: S608 - constants
    # One upsert per counted table over the grouped queue, keys in order (0013), all fed by
    # the one DELETE: each queued row is counted once, by the fold that deleted it.
    upserts = portal._grouped("moved", "r._sign", "postgresql", upsert=True, ordered=True)
    ctes = ", ".join(f"c{i} AS ({statement})" for i, statement in enumerate(upserts))
    op.execute(
        "CREATE FUNCTION stat_fold() RETURNS bigint LANGUAGE plpgsql AS $$ "  # noqa: S608
        "DECLARE folded bigint; BEGIN "
        f"PERFORM pg_advisory_xact_lock({FOLD_LOCK}); "
        f"WITH moved AS (DELETE FROM stat_pending RETURNING *), {ctes} "
        "SELECT count(*) INTO folded FROM moved; "
        "RETURN folded; END $$"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    ordered = _sibling("2026-12-02_ordered_stats.py", "sigap_migration_0013_ordered_stats")
    ordered.upgrade()  # 0013's trigger bodies, which count in the changing transaction
    op.execute("SELECT stat_fold()")  # then what was queued before them
    op.execute("DROP FUNCTION stat_fold()")
    op.execute("DROP TABLE stat_pending")
