"""Proof of fix: the checks an after-photo passes before a resolution is accepted.

Each after-photo (already decoded by :mod:`sigap.photos.decode`, which read its EXIF capture
time and GPS position before stripping them) is

1. **not a copy** of any photo already attached to any report (this one or another, hidden ones
   included): its perceptual hash, and its mirror image's, within :data:`phash.THRESHOLD` bits
   of a stored one refuses it (``after_photo_copy``);
2. **taken after the report was filed**, when it carries a capture time
   (``DateTimeOriginal`` with ``OffsetTimeOriginal``, else read in the region's time zone):
   earlier than the report (less :data:`CLOCK_SLACK`) refuses it (``after_photo_too_early``);
3. **taken near the report**, when it carries GPS: farther than ``max_distance_m`` refuses it
   (``after_photo_too_far``).

A photo that passes is *verified* when both its time and place were checked, else *unverified*
with notes naming what could not be checked (``no_time``, ``no_gps``; ``time_in_future`` for a
camera clock set ahead). Refusals are :class:`SigapError` (422) raised before anything changes;
only the verdict, its notes and the hash are stored, never the time or the position.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any, TypedDict, cast

from PIL import Image
from sqlalchemy import Connection, Table, or_, select, update
from sqlalchemy.orm import Session

from sigap import models
from sigap.errors import SigapError
from sigap.models.rows import PhotoRow, Proof
from sigap.photos import phash
from sigap.photos import service as photo_service
from sigap.photos.service import StoredPhoto
from sigap.photos.storage import Storage

PHOTO = cast(Table, models.Photo.__table__)
CLOCK_SLACK = timedelta(minutes=10)  # a camera clock a little behind is not a forgery
FUTURE_SLACK = timedelta(days=1)  # further ahead than this, the camera's clock is wrong
EARTH_RADIUS_M = 6_371_008.8


class Copy(TypedDict):
    """A stored photo an uploaded one is a copy of (:func:`find_copy`)."""

    photo_id: int
    report_id: int
    distance: int  # bits between the hashes


def check(
    session: Session | Connection,
    report: Any,
    stored: Sequence[StoredPhoto],
    zone: tzinfo,
    max_distance_m: float,
    now: datetime,
) -> list[Proof]:
    """The verdict of each after-photo of ``report`` (anything with ``created_at``, ``lat``
    and ``lon``) as ``{"verdict", "notes"}``, or the first refusal."""
    filed_at, place = report.created_at, (report.lat, report.lon)
    verdicts: list[Proof] = []
    for number, photo in enumerate(stored, start=1):
        if photo.phash is not None:
            mirrored = [] if photo.phash_mirror is None else [photo.phash_mirror]
            hashes = [photo.phash, *mirrored]
            copy = find_copy(session, hashes)
            if copy is not None:
                raise SigapError("after_photo_copy", number=number, report_id=copy["report_id"])
        notes = []
        if photo.taken is None:
            notes.append("no_time")
        else:
            taken = photo.taken.utc(zone)
            if taken < filed_at - CLOCK_SLACK:
                raise SigapError(
                    "after_photo_too_early",
                    number=number,
                    taken=_local(taken, zone),
                    filed=_local(filed_at, zone),
                )
            if taken > now + FUTURE_SLACK:
                notes.append("time_in_future")
        if photo.gps is None:
            notes.append("no_gps")
        else:
            away = distance_m(photo.gps, place)
            if away > max_distance_m:
                raise SigapError(
                    "after_photo_too_far",
                    number=number,
                    km_id=f"{away / 1000:.1f}".replace(".", ","),
                    km_en=f"{away / 1000:.1f}",
                    limit=round(max_distance_m),
                )
        verdicts.append({"verdict": "unverified" if notes else "verified", "notes": notes})
    return verdicts


def find_copy(
    session: Session | Connection, hashes: Iterable[int], table: Table = PHOTO
) -> Copy | None:
    """The stored photo nearest to any of ``hashes`` within the threshold, or None.

    One indexed query: rows whose band is within :data:`phash.BAND_RADIUS` bits of a query's
    band, in any band (every photo within the threshold is among them), then the exact
    distance of each candidate."""
    wanted = list(hashes)
    if not wanted:
        return None
    values: list[set[int]] = [set() for _ in range(phash.BANDS)]
    for value in wanted:
        for index, band in enumerate(phash.bands(value)):
            values[index].update(phash.neighbours(band))
    columns = [table.c[f"phash{index}"] for index in range(phash.BANDS)]
    near = [column.in_(sorted(found)) for column, found in zip(columns, values, strict=True)]
    query = select(table.c.id, table.c.report_id, *columns).where(or_(*near))
    best: Copy | None = None
    for row in session.execute(query):
        stored = phash.join(list(row[2:]))
        nearest = min(phash.distance(stored, value) for value in wanted)
        if nearest <= phash.THRESHOLD and (best is None or nearest < best["distance"]):
            best = {"photo_id": row.id, "report_id": row.report_id, "distance": nearest}
    return best


def rehash(session: Session, storage: Storage, *, batch: int = 500) -> tuple[int, int]:
    """Give photos stored before hashes existed their hash, from their stored display file
    (the hash of the cleaned picture: what take-in computes too). Returns (hashed, missing):
    photos whose file is gone keep no hash. Safe to run again; ``sigap photo rehash``."""
    hashed = missing = 0
    last = 0
    while True:
        rows = session.execute(
            select(PHOTO.c.id, PHOTO.c.display_key)
            .where(PHOTO.c.phash0.is_(None), PHOTO.c.id > last)
            .order_by(PHOTO.c.id)
            .limit(batch)
        ).all()
        if not rows:
            return hashed, missing
        for row in rows:
            last = row.id
            data = storage.get(row.display_key)
            if data is None:
                missing += 1
                continue
            with Image.open(io.BytesIO(data)) as image:
                value = phash.of(image)
            columns = photo_service.phash_columns(value)
            session.execute(update(PHOTO).where(PHOTO.c.id == row.id).values(**columns))
            hashed += 1
        session.flush()


def distance_m(first: tuple[float, float], second: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*first, *second))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def overall(verdicts: Sequence[Proof]) -> Proof:
    """One resolution's verdict from its photos' verdicts: verified only if all are."""
    notes = sorted({note for verdict in verdicts for note in verdict["notes"]})
    verified = all(verdict["verdict"] == "verified" for verdict in verdicts)
    return {"verdict": "verified" if verified else "unverified", "notes": notes}


def summary(rows: Sequence[PhotoRow]) -> Proof | None:
    """The proof of a report's latest resolution from its photo rows: ``{"verdict", "notes"}``
    over the checked after-photos of the last resolve, or None when none was checked (no
    resolution yet, or photos from before the checks existed)."""
    checked = [row for row in rows if row["kind"] == "after" and row.get("proof")]
    if not checked:
        return None
    last = max(row["event_id"] or 0 for row in checked)
    return overall(
        [
            {"verdict": row.get("proof") or "", "notes": row.get("proof_notes") or []}
            for row in checked
            if (row["event_id"] or 0) == last
        ]
    )


def _local(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
