"""The audit of the admin console: one append-only row per change, written in the same
transaction as the change (the migration adds triggers that refuse UPDATE/DELETE); ``hash``
chains each row to the one before it (:mod:`sigap.history.chain`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base, UTCDateTime


class AdminEvent(Base):
    __tablename__ = "admin_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    # The acting account's unit at the time (None for admins without one).
    actor_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    action: Mapped[str] = mapped_column(String(40))
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str] = mapped_column(String(80))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    hash: Mapped[str | None] = mapped_column(String(64))
