"""Photos of a report: before-photos sent with it, after-photos of its resolution.

A row points at two content-addressed files in storage (display size and thumbnail). Rows are
never deleted by moderation: ``hidden`` takes a photo out of every public view and out of
``GET /media``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base, BigId, UTCDateTime

PHOTO_KINDS = ("before", "after")


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
