"""Foundation: areas, boundaries, units, categories, routing rules, reports, timeline, outbox.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sigap.models.base import BigId, UTCDateTime

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None


def _timestamps(*names: str, nullable: bool = False) -> list[sa.Column[object]]:
    return [sa.Column(name, UTCDateTime(), nullable=nullable) for name in names]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")

    op.create_table(
        "region",
        sa.Column("code", sa.String(20), primary_key=True),
        sa.Column("slug", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("timezone", sa.String(60), nullable=False),
        *_timestamps("imported_at"),
    )
    op.create_table(
        "area",
        sa.Column("code", sa.String(20), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("parent_code", sa.String(20), sa.ForeignKey("area.code"), index=True),
        sa.Column("postcode", sa.String(10)),
        sa.Column("label_lon", sa.Float),
        sa.Column("label_lat", sa.Float),
        sa.CheckConstraint(
            "level IN ('province', 'kabkota', 'kecamatan', 'kelurahan')", name="level"
        ),
    )
    op.create_table(
        "boundary_version",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("is_current", sa.Boolean, nullable=False),
        *_timestamps("created_at"),
    )
    op.create_table(
        "area_boundary",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("boundary_version.id"), primary_key=True),
        sa.Column("area_code", sa.String(20), sa.ForeignKey("area.code"), primary_key=True),
        sa.Column("geometry", sa.Text, nullable=False),
    )
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(60), nullable=False, unique=True),
        sa.Column("name_id", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("unit.id"), index=True),
        sa.Column("area_code", sa.String(20), sa.ForeignKey("area.code"), index=True),
        sa.Column("email", sa.String(200)),
        sa.CheckConstraint("kind IN ('government', 'agency', 'police', 'utility')", name="kind"),
    )
    op.create_table(
        "category",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name_id", sa.String(120), nullable=False),
        sa.Column("name_en", sa.String(120), nullable=False),
        sa.Column("icon", sa.String(40), nullable=False),
        sa.Column("response_hours", sa.Integer, nullable=False),
        sa.Column("resolution_hours", sa.Integer, nullable=False),
        sa.Column("photo_required", sa.Boolean, nullable=False),
        sa.Column("sort_order", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.CheckConstraint("response_hours > 0 AND resolution_hours > 0", name="sla_positive"),
    )
    op.create_table(
        "routing_rule",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("category_code", sa.String(40), sa.ForeignKey("category.code")),
        sa.Column("area_code", sa.String(20), sa.ForeignKey("area.code")),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=False),
        sa.UniqueConstraint("category_code", "area_code"),
    )
    _create_report_tables()
    if postgres:
        _postgres_spatial_and_guards()
    else:
        _sqlite_spatial_and_guards()


def _create_report_tables() -> None:
    statuses = "'open', 'in_progress', 'resolved', 'rejected', 'duplicate', 'closed'"
    op.create_table(
        "report",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("category_code", sa.String(40), sa.ForeignKey("category.code"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("address", sa.String(300)),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("kelurahan_code", sa.String(20), sa.ForeignKey("area.code"), nullable=False),
        sa.Column("kecamatan_code", sa.String(20), sa.ForeignKey("area.code"), nullable=False),
        sa.Column("kabkota_code", sa.String(20), sa.ForeignKey("area.code"), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=False),
        sa.Column(
            "boundary_version_id",
            sa.Integer,
            sa.ForeignKey("boundary_version.id"),
            nullable=False,
        ),
        sa.Column("routing_method", sa.String(20), nullable=False),
        sa.Column("routing_distance_m", sa.Float, nullable=False),
        *_timestamps("created_at", "updated_at", "response_due_at", "resolution_due_at"),
        *_timestamps("first_response_at", "resolved_at", "closed_at", nullable=True),
        sa.Column("support_count", sa.Integer, nullable=False),
        sa.Column("reopen_count", sa.Integer, nullable=False),
        sa.Column("tracking_token_hash", sa.String(64), unique=True),
        sa.CheckConstraint(f"status IN ({statuses})", name="status"),
        sa.CheckConstraint("lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90", name="lonlat"),
    )
    # Keyset paging walks (filter, sort key, id); one index per list a page can show.
    for columns in (
        ("created_at", "id"),
        ("updated_at", "id"),
        ("kelurahan_code", "created_at", "id"),
        ("kecamatan_code", "created_at", "id"),
        ("kabkota_code", "created_at", "id"),
        ("status", "created_at", "id"),
        ("category_code", "created_at", "id"),
        ("unit_id", "status", "created_at"),
    ):
        op.create_index("ix_report_" + "_".join(columns), "report", list(columns))

    op.create_table(
        "report_reporter",
        sa.Column("report_id", BigId, sa.ForeignKey("report.id"), primary_key=True),
        sa.Column("name", sa.String(200)),
        sa.Column("email", sa.String(254)),
        sa.Column("phone", sa.String(40)),
        sa.Column("contact_visible", sa.Boolean, nullable=False),
    )
    op.create_table(
        "idempotency_key",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("report_id", BigId, sa.ForeignKey("report.id"), nullable=False),
        sa.Column("tracking_token", sa.String(64)),
        *_timestamps("created_at"),
    )
    op.create_table(
        "report_event",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("report_id", BigId, sa.ForeignKey("report.id"), nullable=False, index=True),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("from_status", sa.String(20)),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("actor_kind", sa.String(20), nullable=False),
        sa.Column("actor_unit_id", sa.Integer, sa.ForeignKey("unit.id")),
        sa.Column("note", sa.Text),
        sa.Column("data", sa.JSON, nullable=False),
        *_timestamps("created_at"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.String(36), nullable=False, unique=True),
        sa.Column("topic", sa.String(60), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        *_timestamps("created_at", "available_at"),
    )
    op.create_index("ix_outbox_state_available_at", "outbox", ["state", "available_at"])


def _postgres_spatial_and_guards() -> None:
    op.execute(
        "ALTER TABLE report ADD COLUMN location geography(Point, 4326) "
        "GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) STORED"
    )
    op.execute("CREATE INDEX ix_report_location ON report USING gist (location)")
    # Map boxes are planar lon/lat boxes: an index on the geometry view of the point gives
    # exact box semantics and row estimates good enough for the planner to pick between it and
    # walking the time index (see geo/spatial.py).
    op.execute(
        "CREATE INDEX ix_report_location_geometry ON report USING gist ((location::geometry))"
    )
    op.execute(
        """
        CREATE FUNCTION report_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'report_event is append-only';
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER report_event_append_only BEFORE UPDATE OR DELETE ON report_event "
        "FOR EACH ROW EXECUTE FUNCTION report_event_append_only()"
    )


def _sqlite_spatial_and_guards() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE report_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat)"
    )
    op.execute(
        "CREATE TRIGGER report_rtree_insert AFTER INSERT ON report BEGIN "
        "INSERT INTO report_rtree VALUES (new.id, new.lon, new.lon, new.lat, new.lat); END"
    )
    op.execute(
        "CREATE TRIGGER report_rtree_update AFTER UPDATE OF lon, lat ON report BEGIN "
        "UPDATE report_rtree SET min_lon = new.lon, max_lon = new.lon, "
        "min_lat = new.lat, max_lat = new.lat WHERE id = new.id; END"
    )
    op.execute(
        "CREATE TRIGGER report_rtree_delete AFTER DELETE ON report BEGIN "
        "DELETE FROM report_rtree WHERE id = old.id; END"
    )
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER report_event_no_{verb.lower()} BEFORE {verb} ON report_event "
            "BEGIN SELECT RAISE(ABORT, 'report_event is append-only'); END"
        )


def downgrade() -> None:
    raise NotImplementedError("the foundation migration is not reversible")
