"""Pre-aggregated counts for the public portal (map grid, dashboards, ranking), kept by
triggers on ``report`` so they stay right whichever code path changes a report.

Each counted table gets, per report, one "contribution" (an upsert adding +1 or -1 times the
report's values); an insert adds the new row's, a delete subtracts the old row's, an update of
a counted column does both. The statements are the same SQL on both engines but for a few
expressions (month, duration, grid floor), chosen in :func:`_expressions`. SQLite runs them per
row; PostgreSQL per statement over the transition tables, grouped (a batch insert of 64 reports
is one upsert per table). Existing reports are counted by one INSERT ... SELECT ... GROUP BY per
table.

Revision ID: 0007_portal
Revises: 0005_photos
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_portal"
down_revision = "0005_photos"
branch_labels = None
depends_on = None

BUCKET_RATIO = 1.15
BUCKET_FIRST_S = 60
BUCKET_COUNT = 90
MAP_LEVELS = (16, 12)  # grid zooms kept: cells of a quarter 256 px tile at that zoom
COUNTED = (
    "status, category_code, kelurahan_code, unit_id, lon, lat, created_at, response_due_at, "
    "resolution_due_at, first_response_at, resolved_at, reopen_count"
)
TABLES = ("stat_area", "stat_month", "stat_hist", "stat_unit", "stat_unit_hist", "map_cell")


def _int(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, nullable=False)


def _key(name: str, length: int) -> sa.Column[str]:
    return sa.Column(name, sa.String(length), primary_key=True)


SLA_COLUMNS = (
    "responded",
    "responded_in_sla",
    "resolved",
    "resolved_in_sla",
    "ever_resolved",
    "reopened",
)


def upgrade() -> None:
    op.create_table(
        "stat_bucket",
        sa.Column("bucket", sa.Integer, primary_key=True),
        sa.Column("lower_s", sa.Integer, nullable=False, unique=True),
    )
    lower = [0] + [round(BUCKET_FIRST_S * BUCKET_RATIO**i) for i in range(BUCKET_COUNT - 1)]
    op.bulk_insert(
        sa.table("stat_bucket", sa.column("bucket"), sa.column("lower_s")),
        [{"bucket": i, "lower_s": s} for i, s in enumerate(lower)],
    )
    sla = [_int(c) for c in SLA_COLUMNS]
    op.create_table(
        "stat_area",
        _key("kelurahan_code", 20),
        _key("category_code", 40),
        sa.Column("unit_id", sa.Integer, primary_key=True),
        _key("status", 20),
        _int("n"),
        *sla,
    )
    op.create_table(
        "stat_month", _key("kelurahan_code", 20), _key("month", 7), _key("status", 20), _int("n")
    )
    op.create_table(
        "stat_hist",
        _key("kelurahan_code", 20),
        _key("kind", 1),
        sa.Column("bucket", sa.Integer, primary_key=True),
        _int("n"),
    )
    op.create_table(
        "stat_unit",
        sa.Column("unit_id", sa.Integer, primary_key=True),
        _key("month", 7),
        _int("n"),
        *[_int(c) for c in SLA_COLUMNS],
    )
    # Key order (unit, kind, bucket, month): the ranking's GROUP BY unit, kind, bucket over a
    # range of months then walks the key in order instead of sorting.
    op.create_table(
        "stat_unit_hist",
        sa.Column("unit_id", sa.Integer, primary_key=True),
        _key("kind", 1),
        sa.Column("bucket", sa.Integer, primary_key=True),
        _key("month", 7),
        _int("n"),
    )
    op.create_table(
        "map_cell",
        sa.Column("level", sa.Integer, primary_key=True),
        sa.Column("gx", sa.Integer, primary_key=True),
        sa.Column("gy", sa.Integer, primary_key=True),
        _key("kelurahan_code", 20),
        _key("category_code", 40),
        _key("status", 20),
        _int("n"),
        sa.Column("sum_lon", sa.Float, nullable=False),
        sa.Column("sum_lat", sa.Float, nullable=False),
    )
    dialect = op.get_bind().dialect.name
    _backfill(dialect)
    if dialect == "postgresql":
        _postgres_triggers()
    else:
        _sqlite_triggers()


def _expressions(row: str, dialect: str) -> dict[str, str]:
    """The dialect-specific pieces, for a row alias (NEW, OLD, or a table in a backfill)."""
    r = row
    if dialect == "postgresql":
        month = f"to_char({r}.created_at AT TIME ZONE 'UTC', 'YYYY-MM')"

        def seconds(end: str) -> str:
            return f"EXTRACT(EPOCH FROM ({r}.{end} - {r}.created_at))"

        def grid(column: str, offset: float, cell: float) -> str:
            return f"CAST(floor(({r}.{column} + {offset}) / {cell}) AS INTEGER)"
    else:
        month = f"substr({r}.created_at, 1, 7)"

        def seconds(end: str) -> str:
            return f"((julianday({r}.{end}) - julianday({r}.created_at)) * 86400.0)"

        def grid(column: str, offset: float, cell: float) -> str:
            # The offset makes the value positive: truncation is then the floor.
            return f"CAST(({r}.{column} + {offset}) / {cell} AS INTEGER)"

    found = {"month": month}
    for kind, end in (("r", "first_response_at"), ("x", "resolved_at")):
        found[f"bucket_{kind}"] = (
            "COALESCE((SELECT max(bucket) FROM stat_bucket "  # noqa: S608 - constants only
            f"WHERE lower_s <= {seconds(end)}), 0)"
        )
    for level in MAP_LEVELS:
        cell = 360.0 / 2**level / 4
        found[f"gx{level}"] = grid("lon", 180.0, cell)
        found[f"gy{level}"] = grid("lat", 90.0, cell)
    return found


def _sla(r: str) -> dict[str, str]:
    return {
        "n": "1",
        "responded": f"CASE WHEN {r}.first_response_at IS NOT NULL THEN 1 ELSE 0 END",
        "responded_in_sla": f"CASE WHEN {r}.first_response_at <= {r}.response_due_at "
        "THEN 1 ELSE 0 END",
        "resolved": f"CASE WHEN {r}.resolved_at IS NOT NULL THEN 1 ELSE 0 END",
        "resolved_in_sla": f"CASE WHEN {r}.resolved_at <= {r}.resolution_due_at THEN 1 ELSE 0 END",
        "ever_resolved": f"CASE WHEN {r}.resolved_at IS NOT NULL OR {r}.reopen_count > 0 "
        "THEN 1 ELSE 0 END",
        "reopened": f"CASE WHEN {r}.reopen_count > 0 THEN 1 ELSE 0 END",
    }


def _contributions(r: str, dialect: str) -> list[tuple[str, dict[str, str], dict[str, str], str]]:
    """(table, key expressions, value expressions, condition) of one report row ``r``."""
    e = _expressions(r, dialect)
    found = [
        (
            "stat_area",
            {
                "kelurahan_code": f"{r}.kelurahan_code",
                "category_code": f"{r}.category_code",
                "unit_id": f"{r}.unit_id",
                "status": f"{r}.status",
            },
            _sla(r),
            "1 = 1",
        ),
        (
            "stat_month",
            {"kelurahan_code": f"{r}.kelurahan_code", "month": e["month"], "status": f"{r}.status"},
            {"n": "1"},
            "1 = 1",
        ),
        ("stat_unit", {"unit_id": f"{r}.unit_id", "month": e["month"]}, _sla(r), "1 = 1"),
    ]
    for kind, end in (("r", "first_response_at"), ("x", "resolved_at")):
        condition = f"{r}.{end} IS NOT NULL"
        bucket = e[f"bucket_{kind}"]
        found.append(
            (
                "stat_hist",
                {"kelurahan_code": f"{r}.kelurahan_code", "kind": f"'{kind}'", "bucket": bucket},
                {"n": "1"},
                condition,
            )
        )
        found.append(
            (
                "stat_unit_hist",
                {"unit_id": f"{r}.unit_id", "month": e["month"], "kind": f"'{kind}'",
                 "bucket": bucket},
                {"n": "1"},
                condition,
            )
        )  # fmt: skip
    for level in MAP_LEVELS:
        key = {
            "level": str(level),
            "gx": e[f"gx{level}"],
            "gy": e[f"gy{level}"],
            "kelurahan_code": f"{r}.kelurahan_code",
            "category_code": f"{r}.category_code",
            "status": f"{r}.status",
        }
        values = {"n": "1", "sum_lon": f"{r}.lon", "sum_lat": f"{r}.lat"}
        found.append(("map_cell", key, values, "1 = 1"))
    return found


def _upserts(r: str, sign: int, dialect: str) -> list[str]:
    statements = []
    for table, key, values, condition in _contributions(r, dialect):
        columns = ", ".join([*key, *values])
        selected = ", ".join([*key.values(), *(f"{sign} * ({v})" for v in values.values())])
        updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in values)
        statements.append(
            f"INSERT INTO {table} ({columns}) SELECT {selected} WHERE {condition} "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
        )
    return statements


def _grouped(
    source: str, sign: int | str, dialect: str, *, upsert: bool, ordered: bool = False
) -> list[str]:
    """One INSERT ... SELECT ... GROUP BY per counted table over the rows of ``source`` (a
    table, or a subquery aliased ``r``): the backfill, and PostgreSQL's statement triggers.
    ``sign`` multiplies each row's contribution (1, -1, or a column of ``r``); ``ordered``
    (0013_ordered_stats) leaves out the keys whose sums are all zero and sorts the rows by key,
    so that concurrent upserts take their row locks in one order."""
    statements = []
    for table, key, values, condition in _contributions("r", dialect):
        columns = ", ".join([*key, *values])
        keys = list(key.values())
        sums = [f"sum({sign} * ({v}))" for v in values.values()]
        positions = ", ".join(str(i + 1) for i in range(len(keys)))  # keys may be constants
        statement = (
            f"INSERT INTO {table} ({columns}) SELECT {', '.join(keys + sums)} "  # noqa: S608
            f"FROM {source} AS r WHERE {condition} GROUP BY {positions}"
        )
        if ordered:
            statement += f" HAVING {' OR '.join(f'{s} <> 0' for s in sums)} ORDER BY {positions}"
        if upsert:
            updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in values)
            statement += f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
        statements.append(statement)
    return statements


def _backfill(dialect: str) -> None:
    for statement in _grouped("report", 1, dialect, upsert=False):
        op.execute(statement)


def _sqlite_triggers() -> None:
    def body(*parts: tuple[str, int]) -> str:
        return " ".join(f"{s};" for r, sign in parts for s in _upserts(r, sign, "sqlite"))

    op.execute(
        f"CREATE TRIGGER report_stats_insert AFTER INSERT ON report BEGIN {body(('NEW', 1))} END"
    )
    op.execute(
        f"CREATE TRIGGER report_stats_update AFTER UPDATE OF {COUNTED} ON report "
        f"BEGIN {body(('OLD', -1), ('NEW', 1))} END"
    )
    op.execute(
        f"CREATE TRIGGER report_stats_delete AFTER DELETE ON report BEGIN {body(('OLD', -1))} END"
    )


# An update's rows whose counted columns changed (old_rows o, new_rows n).
MOVED = "FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE " + " OR ".join(
    f"o.{c} IS DISTINCT FROM n.{c}" for c in COUNTED.split(", ")
)


def _postgres_triggers() -> None:
    """Statement-level triggers with transition tables: a batch of inserted reports costs one
    grouped upsert per counted table, not one per report; an update counts only the rows whose
    counted columns changed."""
    bodies = _postgres_bodies()
    tables = {
        "insert": "NEW TABLE AS new_rows",
        "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "OLD TABLE AS old_rows",
    }
    for verb, statements in bodies.items():
        body = " ".join(f"{statement};" for statement in statements)
        op.execute(
            f"CREATE FUNCTION report_stats_{verb}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER report_stats_{verb} AFTER {verb.upper()} ON report "
            f"REFERENCING {tables[verb]} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION report_stats_{verb}()"
        )


def _postgres_bodies() -> dict[str, list[str]]:
    """The statements of each trigger function (0013_ordered_stats replaced them; its
    downgrade restores these)."""
    moved = "(SELECT {side}.* " + MOVED + ")"
    return {
        "insert": _grouped("new_rows", 1, "postgresql", upsert=True),
        "update": _grouped(moved.format(side="o"), -1, "postgresql", upsert=True)
        + _grouped(moved.format(side="n"), 1, "postgresql", upsert=True),
        "delete": _grouped("old_rows", -1, "postgresql", upsert=True),
    }


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for verb in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER report_stats_{verb}" + (" ON report" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION report_stats_{verb}()")
    for table in (*TABLES, "stat_bucket"):
        op.drop_table(table)
