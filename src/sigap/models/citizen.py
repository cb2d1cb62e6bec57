"""What citizens do with reports besides filing them: follow, support (+1) and comment.

A support is unique per (report, account) and per (report, device), so the same person
cannot count twice; ``report.support_count`` is incremented in the same transaction. Comments
are public unless an official hid them (``hidden``); the author is never shown.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base, BigId, UTCDateTime


class ReportFollow(Base):
    __tablename__ = "report_follow"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReportSupport(Base):
    __tablename__ = "report_support"
    __table_args__ = (
        UniqueConstraint("report_id", "account_id", name="uq_report_support_account"),
        UniqueConstraint("report_id", "device", name="uq_report_support_device"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    device: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The supporter's hashed address, for the limit per address (0021_limits); never shown.
    client_ip: Mapped[str | None] = mapped_column(String(64))


class ReportComment(Base):
    __tablename__ = "report_comment"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    body: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
