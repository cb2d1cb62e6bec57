"""Reports, their timeline events and their photos as plain rows: the column → value dicts the
use cases build, insert, read back and hand to the presenters.

They are TypedDicts, not classes: at run time a row is the dict SQLAlchemy's mappings or
a literal give (nothing is converted on the hot paths: submission, Open311's lists), and mypy
checks every key a module reads or writes against the table's columns (models/report.py,
event.py, photo.py). ``New*`` are the values a use case inserts; ``*Row`` what a read returns
(``select(table)``: every column) and what the submit use case answers, which is built from the
values it inserted plus the ids the database gave. A key is ``NotRequired`` only where some
producer leaves it out and no reader needs it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NotRequired, TypedDict


class NewReport(TypedDict):
    """The values a new report is inserted with (:func:`sigap.reports.service.prepare`; the
    columns left to their defaults and the id are not among them)."""

    category_code: str
    status: str
    description: str
    address: str | None
    lon: float
    lat: float
    channel: str
    kelurahan_code: str
    kecamatan_code: str
    kabkota_code: str
    rw_code: str | None
    unit_id: int
    boundary_version_id: int
    routing_method: str
    routing_distance_m: float
    created_at: datetime
    updated_at: datetime
    response_due_at: datetime
    resolution_due_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    support_count: int
    reopen_count: int
    tracking_token_hash: str | None
    received_at: datetime | None
    due_at: datetime | None
    next_check_at: datetime | None
    sla_warned: bool
    escalation_level: int
    escalation_unit_id: int | None
    forward_count: int
    rejected_at: datetime | None
    rejection_reason: str | None
    appealed_at: datetime | None
    duplicate_of_id: int | None
    rating: int | None
    rated_at: datetime | None
    attributes: dict[str, Any] | None  # question code -> answer (sigap.reports.answers)
    visibility: str
    confidential: bool
    hidden_parts: str | None
    public_description: str | None
    public_address: str | None
    transit_route: str | None  # a GTFS route id (sigap.reports.transit)
    transit_stop: str | None


class ReportRow(NewReport):
    """A stored report: every column of ``report``."""

    id: int
    escalated_at: datetime | None
    assignee_id: int | None


class ReporterContact(TypedDict):
    """The contact a submission carries (``ReporterIn``), stored privately."""

    name: str | None
    email: str | None
    phone: str | None
    device_id: str | None
    account_id: str | None
    contact_visible: bool


class NewReporter(ReporterContact):
    """A ``report_reporter`` row but its report's id; the two keys only the filing use case
    knows (:func:`sigap.reports.filing.reporter_row`) are filled with None otherwise."""

    reporter_account_id: NotRequired[int | None]
    client_ip: NotRequired[str | None]


class NewEvent(TypedDict):
    """A timeline event as a use case appends it (its report's id aside)."""

    action: str
    from_status: str | None
    to_status: str
    actor_kind: str  # citizen / official / system
    actor_unit_id: int | None
    actor_account_id: int | None
    note: str | None
    data: dict[str, Any]  # the action's own facts; ``internal`` marks an officials-only event
    created_at: datetime


class EventRow(NewEvent):
    """A stored event (``report_event``). Its ``hash``, which only :mod:`sigap.history` reads
    (by queries of its own), is left out: the submit use case's answer has none."""

    id: int
    report_id: int


class Proof(TypedDict):
    """An after-photo's verdict, or a resolution's (:mod:`sigap.photos.proof`)."""

    verdict: str  # verified / unverified
    notes: list[str]  # the checks that could not be made: no_time, no_gps, time_in_future


class PhashBands(TypedDict):
    """A perceptual hash as its four indexed 16-bit bands (:mod:`sigap.photos.phash`)."""

    phash0: int | None
    phash1: int | None
    phash2: int | None
    phash3: int | None


class NewPhoto(PhashBands):
    """The values a photo is inserted with (:func:`sigap.photos.service.rows`)."""

    report_id: int
    event_id: int | None
    kind: str  # before / after
    display_key: str
    thumb_key: str
    original_key: str | None
    width: int
    height: int
    content_type: str
    hidden: bool
    created_at: datetime
    proof: str | None
    proof_notes: list[str] | None


class PhotoRow(NewPhoto):
    """A stored photo: every column of ``photo``."""

    id: int
