"""The report aggregate: the report, its private reporter contact, its idempotency keys.

Reporter identity lives in ``report_reporter``, never on the report row, so that no public query
can select it by accident. On PostgreSQL the table also has a ``location`` geography column
generated from lon/lat (GiST indexed); on SQLite an R*Tree table ``report_rtree`` kept by
triggers. Neither is mapped here: only ``sigap.geo.spatial`` queries them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base, BigId, UTCDateTime
from sigap.models.states import ReportStatus

# Whether the public sees a report at all (0023_moderation): ``pending`` waits for a moderator
# (triage), ``withheld`` was taken down by one; see sigap.moderation.rules.
VISIBILITIES = ("public", "pending", "withheld")
# Built-in channels; reports from Open311 clients carry their channel's slug (model Channel).
CHANNELS = ("api", "web", "open311")


class Report(Base):
    __tablename__ = "report"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("category.code"))
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.open.value)
    description: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(300))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    channel: Mapped[str] = mapped_column(String(20), default="api")
    # Routing decision, recorded once at submit (and on forward, by the workflow).
    kelurahan_code: Mapped[str] = mapped_column(ForeignKey("area.code"))
    kecamatan_code: Mapped[str] = mapped_column(ForeignKey("area.code"))
    kabkota_code: Mapped[str] = mapped_column(ForeignKey("area.code"))
    # The RW (kelurahan code + "." + its number) where the pack has RW boundaries, else None.
    rw_code: Mapped[str | None] = mapped_column(String(24))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    boundary_version_id: Mapped[int] = mapped_column(ForeignKey("boundary_version.id"))
    routing_method: Mapped[str] = mapped_column(String(20))
    routing_distance_m: Mapped[float] = mapped_column(Float, default=0.0)
    # Per-state timestamps; the timeline in report_event is the full story.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    response_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolution_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    support_count: Mapped[int] = mapped_column(Integer, default=0)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    tracking_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The officials' workflow (sigap.workflow): see the migration 0004_workflow for the why.
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sla_warned: Mapped[bool] = mapped_column(Boolean, default=False)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalation_unit_id: Mapped[int | None] = mapped_column(Integer)
    # When the unit of ``escalation_unit_id`` received the report (0018b_escalation): that
    # level's window counts from it.
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    forward_count: Mapped[int] = mapped_column(Integer, default=0)
    # The field officer of the unit the report is given to (0016_assignment); the timeline's
    # ``assign`` events say who gave it when. Cleared when the report changes unit.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejection_reason: Mapped[str | None] = mapped_column(String(40))
    appealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duplicate_of_id: Mapped[int | None] = mapped_column(BigId)
    rating: Mapped[int | None] = mapped_column(Integer)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Answers to the category's extra questions (0010_questions), question code -> value as
    # checked by sigap.reports.answers; NULL when none were asked or given.
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Moderation and confidentiality (0023_moderation, sigap.moderation): the originals above
    # are never changed; these say what the public sees instead.
    visibility: Mapped[str] = mapped_column(String(10), default="public")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_parts: Mapped[str | None] = mapped_column(String(60))  # comma-separated
    public_description: Mapped[str | None] = mapped_column(Text)  # a moderator's redaction
    public_address: Mapped[str | None] = mapped_column(String(300))
    # The transit route and stop a report names (0027_transit_reports, sigap.reports.transit):
    # GTFS ids as namespaced by their feed (mrt:MRTJ_NS, mrt:SBHI); NULL for other reports.
    transit_route: Mapped[str | None] = mapped_column(String(100))
    transit_stop: Mapped[str | None] = mapped_column(String(100))


class ReportReporter(Base):
    """Who reported: private. Shown to officials only if ``contact_visible`` (off by default)."""

    __tablename__ = "report_reporter"

    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    device_id: Mapped[str | None] = mapped_column(String(200))
    account_id: Mapped[str | None] = mapped_column(String(200))
    contact_visible: Mapped[bool] = mapped_column(Boolean, default=False)
    # The Sigap citizen account that filed it (0008_citizen); never shown publicly.
    reporter_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    # For abuse limits per device/IP (hashed); never shown.
    client_ip: Mapped[str | None] = mapped_column(String(64))


class IdempotencyKey(Base):
    """A client's retry key for a submit: the same key and body give back the first report.

    ``tracking_token`` is kept here (not on the report) so that a client whose first response
    was lost still receives its token on the retry; rows are purged after a day.
    """

    __tablename__ = "idempotency_key"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    tracking_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
