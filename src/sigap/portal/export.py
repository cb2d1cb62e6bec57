"""Open-data exports of reports (CSV and GeoJSON), streamed in id order a chunk at a time, so
a million rows need the memory of one chunk.

Only public, non-personal columns: no reporter, no free text (descriptions and addresses may
name people), no tracking token; only public reports, a confidential one at its kelurahan's
centre and never in a box (sigap.moderation.rules). Each chunk is its own short read (keyset on
id), so a slow download holds no transaction or cursor open on the database.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from sigap.db import Database
from sigap.geo.spatial import filter_bbox
from sigap.kit import utcnow
from sigap.models import Report
from sigap.moderation import rules
from sigap.portal.filters import MapFilters
from sigap.regions.state import RegionState
from sigap.workflow.sla import is_overdue

CHUNK = 5000
COLUMNS = (
    "id",
    "category_code",
    "status",
    "created_at",
    "updated_at",
    "response_due_at",
    "resolution_due_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "lon",
    "lat",
    "kelurahan_code",
    "kecamatan_code",
    "kabkota_code",
    "unit_code",
)
SELECTED = [getattr(Report, c) for c in COLUMNS if c != "unit_code"] + [
    Report.unit_id,
    Report.due_at,
    Report.confidential,
]
TIMES = ("created_at", "updated_at", "response_due_at", "resolution_due_at", "first_response_at",
         "resolved_at", "closed_at")  # fmt: skip


def rows(
    database: Database, state: RegionState, filters: MapFilters, public_url: str
) -> Iterator[dict[str, Any]]:
    """Every matching report as a dict of export columns, in id order."""
    after = 0
    now = utcnow()
    while True:
        chunk = _chunk(database, state, filters, after)
        for row in chunk:
            yield _record(state, row, now, public_url)
        if len(chunk) < CHUNK:
            return
        after = chunk[-1].id


def _chunk(database: Database, state: RegionState, filters: MapFilters, after: int) -> list[Any]:
    query = select(*SELECTED).where(Report.id > after)
    for condition in filters.conditions(state):
        query = query.where(condition)
    with database.reading() as session:
        if filters.bbox is not None:  # a box would find a confidential report's point
            query = filter_bbox(query.where(rules.placed()), session, filters.bbox, sort_index=None)
        return list(session.connection().execute(query.order_by(Report.id).limit(CHUNK)))


def _record(state: RegionState, row: Any, now: Any, public_url: str) -> dict[str, Any]:
    record: dict[str, Any] = {c: getattr(row, c) for c in COLUMNS if c != "unit_code"}
    if row.confidential:  # its kelurahan's centre (sigap.moderation.rules)
        record["lon"], record["lat"] = rules.centre(state, row.kelurahan_code, row.lon, row.lat)
    unit = state.units.get(row.unit_id)
    record["unit_code"] = unit.code if unit else None
    for name in TIMES:
        value = record[name]
        record[name] = value.isoformat() if value is not None else None
    record["overdue"] = is_overdue(row.due_at, now)
    record["url"] = f"{public_url}/reports/{row.id}"
    return record


def csv_lines(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*COLUMNS, "overdue", "url"], lineterminator="\n")
    writer.writeheader()
    for count, record in enumerate(records, start=1):
        writer.writerow(record)
        if count % 1000 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def geojson_parts(records: Iterator[dict[str, Any]], licence: str) -> Iterator[str]:
    yield '{"type":"FeatureCollection","licence":' + json.dumps(licence) + ',"features":[\n'
    first = True
    for record in records:
        lon, lat = record.pop("lon"), record.pop("lat")
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": record,
        }
        yield ("" if first else ",\n") + json.dumps(feature, separators=(",", ":"))
        first = False
    yield "\n]}\n"
