"""Photo use cases, for every path that takes photos (report submission now, the officials'
resolve with after-photos next).

Reusable entry points:

- ``await take_in(files, settings, storage, limiter=...)`` decodes, cleans and stores uploaded
  files **before** any database transaction and returns :class:`StoredPhoto` values. Decoding
  runs in worker threads (never on the event loop), at most ``photo_workers`` photos at a time
  per process when a limiter is given (``app.state.photo_limiter``). If any file is refused,
  nothing is stored and the :class:`SigapError` propagates.
- ``attach(session, report_id=..., event_id=..., stored=..., kind="after")`` inserts the photo
  rows in the caller's transaction, so a photo and the change it belongs to commit together.
  A rollback after ``take_in`` leaves orphan files in storage (never rows pointing at missing
  files); that is accepted, and content addressing makes a retry reuse them.
- ``hide(session, photo_id)`` takes a photo out of every public view and out of ``GET /media``
  (moderation); the row and files stay for the record.
- ``public(session, report_ids)`` gives the visible photo rows the APIs show;
  ``first_thumbnails(session, report_ids, storage)`` a list's small pictures, in one query.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict, cast

import anyio
import anyio.to_thread
from sqlalchemy import Connection, Table, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from sigap import models
from sigap.config import Settings
from sigap.errors import SigapError
from sigap.kit import sha256_hex, utcnow
from sigap.models.rows import NewPhoto, PhashBands, PhotoRow, Proof
from sigap.photos import decode, phash
from sigap.photos.storage import LocalStorage, Storage, content_key

PHOTO = cast(Table, models.Photo.__table__)
PRODUCT_PHOTO = cast(Table, models.MarketProductPhoto.__table__)
ORIGINAL_EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp", "heif": "heic"}


@dataclass(frozen=True, slots=True)
class StoredPhoto:
    """A cleaned photo whose files are in storage, ready to be attached to a report."""

    display_key: str
    thumb_key: str
    original_key: str | None
    width: int
    height: int
    content_type: str
    gps: tuple[float, float] | None  # (lat, lon) from the file, a suggested location
    taken: decode.Taken | None = None  # capture time from the file (checked, never stored)
    phash: int | None = None  # perceptual hash of the stored picture (stored, in bands)
    phash_mirror: int | None = None  # ... of its mirror image (checked, never stored)


def storage_for(settings: Settings) -> Storage:
    """The configured storage backend (local directory; an S3 backend would be chosen here).
    One per configuration: every service request rendered asks for it."""
    base = settings.media_url or f"{settings.public_url.rstrip('/')}/media"
    return _local_storage(str(settings.media_dir), base, settings.media_min_free_mb * 2**20)


@functools.lru_cache(maxsize=16)
def _local_storage(root: str, base_url: str, min_free_bytes: int) -> LocalStorage:
    return LocalStorage(root, base_url, min_free_bytes=min_free_bytes)


def required(category_requires: bool, channel: str, settings: Settings) -> bool:
    """Whether a submission must carry a photo: the category asks for one AND the channel is
    one of ``photo_required_channels`` (the citizen web app by default; the JSON API and
    Open311 clients may send reports without photos)."""
    return category_requires and channel in settings.photo_required_channels


def photo_required(code: str, names: tuple[str, str]) -> SigapError:
    """The refusal of a report without a photo, naming the category as people know it."""
    return SigapError("photo_required", category=code, name_id=names[0],
                      name_en=names[1])  # fmt: skip


def check_required(
    category: str, names: tuple[str, str], requires: bool, channel: str, count: int, s: Settings
) -> None:
    if count == 0 and required(requires, channel, s):
        raise photo_required(category, names)


async def take_in(
    files: Sequence[bytes | bytearray],
    settings: Settings,
    storage: Storage,
    *,
    limiter: anyio.CapacityLimiter | None = None,
    max_count: int | None = None,
) -> list[StoredPhoto]:
    """``max_count``: the most files at once, ``photo_max_count`` (a report's) unless given
    (a product's photos count against their own limit, sigap.market.product_photos)."""
    most = settings.photo_max_count if max_count is None else max_count
    if len(files) > most:
        raise SigapError("too_many_photos", limit=most)
    for data in files:
        if len(data) > settings.photo_max_bytes:
            raise SigapError("photo_too_large", limit=settings.photo_max_bytes)
    process = functools.partial(
        decode.process,
        max_pixels=settings.photo_max_pixels,
        output=settings.photo_format,
        quality=settings.photo_quality,
    )
    processed: list[decode.Processed | None] = [None] * len(files)

    async def one(index: int) -> None:
        processed[index] = await anyio.to_thread.run_sync(process, files[index], limiter=limiter)

    # The photos of one submission are decoded side by side; the limiter bounds them all.
    try:
        async with anyio.create_task_group() as group:
            for index in range(len(files)):
                group.start_soon(one, index)
    except* SigapError as refused:
        raise refused.exceptions[0] from None  # the first refusal, as the client's answer
    keep = settings.photo_keep_original
    return [
        await anyio.to_thread.run_sync(_store, item, data if keep else None, storage)
        for item, data in zip(processed, files, strict=True)
        if item is not None
    ]


def _store(
    item: decode.Processed, original: bytes | bytearray | None, storage: Storage
) -> StoredPhoto:
    display_key = content_key(item.display.sha256, item.extension)
    thumb_key = content_key(item.thumb.sha256, item.extension)
    storage.put(display_key, item.display.data)
    storage.put(thumb_key, item.thumb.data)
    original_key = None
    if original is not None:
        extension = ORIGINAL_EXTENSIONS[item.source_type]
        original_key = content_key(sha256_hex(bytes(original)), extension, original=True)
        storage.put(original_key, bytes(original))
    return StoredPhoto(
        display_key,
        thumb_key,
        original_key,
        item.display.width,
        item.display.height,
        item.content_type,
        item.gps,
        item.taken,
        item.phash,
        item.phash_mirror,
    )


def rows(
    report_id: int,
    event_id: int | None,
    stored: Sequence[StoredPhoto],
    kind: str,
    proofs: Sequence[Proof | None] = (),
) -> list[NewPhoto]:
    """The photo rows: what is shown, the hash in bands (sigap.photos.phash), and for an
    after-photo its proof verdict (sigap.photos.proof). Never the capture time or GPS."""
    now = utcnow()
    verdicts = list(proofs) or [None] * len(stored)
    return [
        {
            "report_id": report_id,
            "event_id": event_id,
            "kind": kind,
            "display_key": photo.display_key,
            "thumb_key": photo.thumb_key,
            "original_key": photo.original_key,
            "width": photo.width,
            "height": photo.height,
            "content_type": photo.content_type,
            "hidden": False,
            "created_at": now,
            **phash_columns(photo.phash),
            "proof": verdict["verdict"] if verdict else None,
            "proof_notes": list(verdict["notes"]) if verdict else None,
        }
        for photo, verdict in zip(stored, verdicts, strict=True)
    ]


def phash_columns(value: int | None) -> PhashBands:
    """A hash as the four indexed band columns (phash0..phash3), None when unknown."""
    if value is None:
        return {"phash0": None, "phash1": None, "phash2": None, "phash3": None}
    parts = phash.bands(value)
    return {"phash0": parts[0], "phash1": parts[1], "phash2": parts[2], "phash3": parts[3]}


def attach(
    session: Session,
    *,
    report_id: int,
    event_id: int | None,
    stored: Sequence[StoredPhoto],
    kind: str,
    proofs: Sequence[Proof | None] = (),
) -> list[PhotoRow]:
    """Insert photo rows in the caller's transaction; returns them with their ids. ``proofs``:
    one verdict per after-photo (:func:`sigap.photos.proof.check`)."""
    if kind not in models.photo.PHOTO_KINDS:
        raise ValueError(f"unknown photo kind {kind!r}")
    values = rows(report_id, event_id, stored, kind, proofs)
    if not values:
        return []
    statement = insert(PHOTO).returning(PHOTO.c.id, sort_by_parameter_order=True)
    ids = session.execute(statement, values).scalars().all()
    return [{"id": photo_id, **row} for photo_id, row in zip(ids, values, strict=True)]


def hide(session: Session, photo_id: int) -> None:
    _set_hidden(session, photo_id, hidden=True)


def restore(session: Session, photo_id: int) -> None:
    """Undo a hide: moderation never deletes, so a mistaken hide is reversible."""
    _set_hidden(session, photo_id, hidden=False)


def _set_hidden(session: Session, photo_id: int, *, hidden: bool) -> None:
    result = session.execute(update(PHOTO).where(PHOTO.c.id == photo_id).values(hidden=hidden))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise SigapError("photo_not_found", photo_id=photo_id)


def public(session: Session | Connection, report_ids: Sequence[int]) -> dict[int, list[PhotoRow]]:
    """The visible photos of some reports, in upload order, in one query per 500 reports."""
    found: dict[int, list[PhotoRow]] = {report_id: [] for report_id in report_ids}
    ids = list(report_ids)
    for start in range(0, len(ids), 500):
        query = (
            select(PHOTO)
            .where(PHOTO.c.report_id.in_(ids[start : start + 500]), PHOTO.c.hidden.is_(False))
            .order_by(PHOTO.c.id)
        )
        for row in session.execute(query).mappings():
            found[row["report_id"]].append(cast(PhotoRow, dict(row)))
    return found


class Thumbnail(TypedDict):
    url: str
    width: int
    height: int


def first_thumbnails(
    session: Session | Connection, report_ids: Sequence[int], storage: Storage
) -> dict[int, Thumbnail]:
    """The thumbnail of each report's first visible photo (reports without one are left out),
    for a page of a list: one query whatever the page's length (at most a few hundred ids)."""
    if not report_ids:
        return {}
    first = (
        select(func.min(PHOTO.c.id))
        .where(PHOTO.c.report_id.in_(list(report_ids)), PHOTO.c.hidden.is_(False))
        .group_by(PHOTO.c.report_id)
    )
    query = select(PHOTO.c.report_id, PHOTO.c.thumb_key, PHOTO.c.width, PHOTO.c.height).where(
        PHOTO.c.id.in_(first)
    )
    found: dict[int, Thumbnail] = {}
    for row in session.execute(query):
        width, height = thumbnail_size(row.width, row.height)
        found[row.report_id] = {"url": storage.url(row.thumb_key), "width": width, "height": height}
    return found


def thumbnail_size(width: int, height: int) -> tuple[int, int]:
    """The thumbnail's size from the display size stored on the row (``decode.process`` shrinks
    the display rendition to fit ``THUMB_SIZE``, keeping its proportions)."""
    scale = min(1.0, decode.THUMB_SIZE / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def servable(session: Session, key: str) -> bool:
    """A stored file is served only while a visible photo uses it (originals never are): a
    report's, or a product's (sigap.market.product_photos; a removed one has no row)."""
    used = exists().where(
        or_(PHOTO.c.display_key == key, PHOTO.c.thumb_key == key), PHOTO.c.hidden.is_(False)
    )
    product = exists().where(
        or_(PRODUCT_PHOTO.c.display_key == key, PRODUCT_PHOTO.c.thumb_key == key)
    )
    return bool(session.scalar(select(or_(used, product))))
