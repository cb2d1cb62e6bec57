"""The daily digest of the chains' heads, published on /open-data.

For one local day (the region's time zone) it lists, for every report whose timeline grew that
day, the last event of the day and its hash, plus the admin chain's head at the end of the day;
``digest`` is sha256 over the canonical JSON of all of it: one hash to hold the city to. A head
hashes every event before it, so anyone who saved a day's document can later show that a
report's history as of that day was changed (``sigap audit verify --heads FILE``), even if the
whole chain after the change was recomputed.

Only days that are over are published (a day's document never changes afterwards). Closed days
are kept in memory once computed: the report timeline has no index on time, so a day costs one
scan of it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sigap.models import AdminEvent, ReportEvent

VERSION = 1
_CACHE: dict[tuple[str, str, date], dict[str, Any]] = {}
_CACHE_DAYS = 64


def bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants at which ``day`` begins and ends in ``zone``."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def last_closed_day(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date() - timedelta(days=1)


def document(session: Session, day: date, zone: ZoneInfo) -> dict[str, Any]:
    """The day's heads and their digest, computed from the database."""
    start, end = bounds(day, zone)
    last = (
        select(func.max(ReportEvent.id).label("id"))
        .where(ReportEvent.created_at >= start, ReportEvent.created_at < end)
        .group_by(ReportEvent.report_id)
        .subquery()
    )
    rows = session.execute(
        select(ReportEvent.report_id, ReportEvent.id, ReportEvent.hash)
        .join(last, last.c.id == ReportEvent.id)
        .order_by(ReportEvent.report_id)
    ).all()
    admin = session.execute(
        select(AdminEvent.id, AdminEvent.hash)
        .where(AdminEvent.created_at < end)
        .order_by(AdminEvent.id.desc())
        .limit(1)
    ).first()
    body: dict[str, Any] = {
        "version": VERSION,
        "date": day.isoformat(),
        "time_zone": zone.key,
        "reports": [[r.report_id, r.id, r.hash] for r in rows],
        "admin": [admin.id, admin.hash] if admin else None,
    }
    return {**body, "digest": digest(body)}


def digest(body: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of a document without its ``digest``."""
    plain = {key: value for key, value in body.items() if key != "digest"}
    canonical = json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def published(session: Session, day: date, zone: ZoneInfo, *, cache_key: str) -> dict[str, Any]:
    """:func:`document` of a closed day, remembered per database (``cache_key``)."""
    key = (cache_key, zone.key, day)
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_DAYS:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = document(session, day, zone)
    return _CACHE[key]


def compare(session: Session, saved: dict[str, Any]) -> list[str]:
    """What differs between a saved day's document and the database now (empty: it holds)."""
    problems: list[str] = []
    if saved.get("digest") != digest(saved):
        problems.append("the saved file's digest does not match its own contents")
    try:
        day = date.fromisoformat(str(saved["date"]))
        zone = ZoneInfo(str(saved["time_zone"]))
    except (KeyError, ValueError) as exc:
        return [*problems, f"not a chain-heads document: {exc}"]
    now = document(session, day, zone)
    if now["digest"] == saved.get("digest"):
        return problems
    ours = {row[0]: row for row in now["reports"]}
    for row in saved.get("reports") or []:
        if ours.get(row[0]) != row:
            problems.append(f"report {row[0]}: saved head {row[1:]}, now {ours.get(row[0])}")
    theirs = {row[0] for row in saved.get("reports") or []}
    problems += [f"report {r}: not in the saved file" for r in ours if r not in theirs]
    if now["admin"] != saved.get("admin"):
        problems.append(f"admin chain: saved head {saved.get('admin')}, now {now['admin']}")
    return problems or ["the digest differs"]
