"""The append-only timeline of a report. The migrations add triggers that refuse UPDATE/DELETE;
``hash`` chains each event to the report's previous one (:mod:`sigap.history.chain`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base, BigId, UTCDateTime


class ReportEvent(Base):
    __tablename__ = "report_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_kind: Mapped[str] = mapped_column(String(20))  # citizen / official / system
    actor_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    # The official's account; None for citizens and the system.
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    hash: Mapped[str | None] = mapped_column(String(64))
