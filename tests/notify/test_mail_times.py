"""Times in e-mails are the region's local time with its zone's abbreviation, never UTC;
webhooks keep ISO 8601 UTC (a machine format)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sigap import models
from sigap.db import Database
from sigap.notify.fanout import local_time
from sigap.notify.worker import Worker

from .conftest import Inbox, drain, write_event
from .test_mail import SITI, parts, submit

JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("Asia/Jakarta", "2026-12-08 08:18 WIB"),
        ("Asia/Makassar", "2026-12-08 09:18 WITA"),
        ("Asia/Jayapura", "2026-12-08 10:18 WIT"),
        ("Asia/Dubai", "2026-12-08 05:18 UTC+04:00"),  # a zone without an abbreviation
        ("America/St_Johns", "2026-12-07 21:48 NST"),
    ],
)
def test_a_time_is_shown_in_the_zone_with_its_abbreviation(zone: str, shown: str) -> None:
    at = datetime(2026, 12, 8, 1, 18, tzinfo=UTC)
    assert local_time(at, ZoneInfo(zone)) == shown
    assert local_time(at.replace(tzinfo=None), ZoneInfo(zone)) == shown  # SQLite's naive UTC
    assert local_time(None, ZoneInfo(zone)) == ""


def test_deadlines_and_changes_reach_jakarta_in_wib(
    client: TestClient,
    database: Database,
    smtp: tuple[Inbox, int],
    unit_heads: dict[str, str],
    make_worker: Callable[..., Worker],
) -> None:
    inbox, port = smtp
    report_id = submit(client, reporter=SITI)
    write_event(
        database, "report.sla_warning", report_id, action="sla_warning",
        from_status="open", to_status="open",
    )  # fmt: skip
    write_event(
        database, "report.status_changed", report_id, action="acknowledge",
        from_status="open", to_status="in_progress",
    )  # fmt: skip
    drain(make_worker(smtp_host="127.0.0.1", smtp_port=port))

    with database.reading() as session:
        report = session.execute(
            select(models.Report).where(models.Report.id == report_id)
        ).scalar_one()
    respond = report.response_due_at.astimezone(JAKARTA)
    resolve = report.resolution_due_at.astimezone(JAKARTA)
    for address in (unit_heads["id"], unit_heads["en"]):
        (warning,) = inbox.to(address)
        text, html = parts(warning)
        assert f"{respond:%Y-%m-%d %H:%M} WIB" in text
        assert f"{resolve:%Y-%m-%d %H:%M} WIB" in html
        assert "UTC" not in text + html
    texts = [parts(m)[0] for m in inbox.to(SITI["email"])]
    changed = next(text for text in texts if "Sedang ditangani" in text)
    assert " WIB" in changed
    assert "UTC" not in "".join(texts)
