"""Photos of a report: before-photos sent with it, after-photos of its resolution.

A row points at two content-addressed files in storage (display size and thumbnail). Rows are
never deleted by moderation: ``hidden`` takes a photo out of every public view and out of
``GET /media``.

``phash0``..``phash3`` are the four 16-bit bands of the picture's perceptual hash
(:mod:`sigap.photos.phash`), each indexed, so that copies among all photos are found by a few
index lookups. An after-photo's ``proof`` is its verdict (verified, unverified; a refused one is
never stored) and ``proof_notes`` the checks that could not be made (no_time, no_gps); the
capture time and GPS position the verdict was drawn from are not kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base, BigId, UTCDateTime

PHOTO_KINDS = ("before", "after")
PROOF_VERDICTS = ("verified", "unverified")


class Photo(Base):
    __tablename__ = "photo"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("report_event.id"))
    kind: Mapped[str] = mapped_column(String(10))
    display_key: Mapped[str] = mapped_column(String(120), index=True)
    thumb_key: Mapped[str] = mapped_column(String(120), index=True)
    original_key: Mapped[str | None] = mapped_column(String(120))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(40))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    phash0: Mapped[int | None] = mapped_column(Integer, index=True)
    phash1: Mapped[int | None] = mapped_column(Integer, index=True)
    phash2: Mapped[int | None] = mapped_column(Integer, index=True)
    phash3: Mapped[int | None] = mapped_column(Integer, index=True)
    proof: Mapped[str | None] = mapped_column(String(12))
    proof_notes: Mapped[list[str] | None] = mapped_column(JSON)
