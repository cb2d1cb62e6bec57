"""The row types of sigap.models.rows name exactly the columns of their tables, and the dicts the
use cases really build and read have exactly the keys their types declare (a TypedDict is not
checked at run time: a column added to a table, or a key to a literal, must be added to the type
too, or mypy checks reads against a wrong list)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table

from sigap import models
from sigap.db import Database
from sigap.models.rows import (
    EventRow,
    NewEvent,
    NewPhoto,
    NewReport,
    NewReporter,
    PhotoRow,
    ReporterContact,
    ReportRow,
)
from sigap.photos import service as photos
from sigap.photos.service import StoredPhoto
from sigap.regions.state import load_state
from sigap.reports import service
from sigap.reports.schemas import ReportCreate


def keys(row_type: Any) -> set[str]:
    return set(row_type.__required_keys__ | row_type.__optional_keys__)


def columns(model: Any) -> set[str]:
    return set(cast(Table, model.__table__).c.keys())


def test_the_row_types_are_the_tables_columns() -> None:
    assert keys(ReportRow) == columns(models.Report)
    assert keys(NewReport) == columns(models.Report) - {"id", "escalated_at", "assignee_id"}
    assert keys(NewReporter) == columns(models.ReportReporter) - {"report_id"}
    assert keys(EventRow) == columns(models.ReportEvent) - {"hash"}
    assert keys(NewEvent) == columns(models.ReportEvent) - {"id", "report_id", "hash"}
    assert keys(PhotoRow) == columns(models.Photo)
    assert keys(NewPhoto) == columns(models.Photo) - {"id"}


def test_what_submit_builds_and_reads_has_the_keys_of_its_types(database: Database) -> None:
    with database.reading() as session:
        state = load_state(session)
    data = ReportCreate.model_validate(
        {"category": "sampah", "lat": -6.1754, "lon": 106.8272, "description": "Tumpukan sampah",
         "reporter": {"name": "Siti"}}
    )  # fmt: skip
    prepared = service.prepare(state, data=data, channel="api")
    assert set(prepared.report) == keys(NewReport)
    assert set(prepared.event) == keys(NewEvent)
    assert prepared.reporter is not None
    # prepare leaves the two keys only the filing use case knows out (NotRequired).
    assert set(prepared.reporter) == keys(ReporterContact)
    stored = StoredPhoto("k.jpg", "k-t.jpg", None, 1600, 1200, "image/jpeg", None)
    prepared = service.with_photos(prepared, [stored])

    with database.transaction() as session:
        (result,) = service.store_batch(session, [(prepared, None)])
    assert isinstance(result, service.Submitted)
    assert set(result.report) == keys(ReportRow)
    assert [set(event) for event in result.events] == [keys(EventRow)]
    assert [set(photo) for photo in result.photos] == [keys(PhotoRow)]

    report_id = result.report["id"]
    with database.reading() as session:
        assert set(service.get(session, report_id)) == keys(ReportRow)
        assert [set(e) for e in service.timeline(session, report_id)] == [keys(EventRow) | {"hash"}]
        assert [set(p) for p in photos.public(session, [report_id])[report_id]] == [keys(PhotoRow)]
