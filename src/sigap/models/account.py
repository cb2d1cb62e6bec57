"""Accounts: citizens and officials. Officials belong to a unit and have one role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base, UTCDateTime

ROLES = ("citizen", "field_officer", "unit_head", "supervisor", "admin")


class Account(Base):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    language: Mapped[str] = mapped_column(String(2), default="id")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Citizens may sign in by phone (migration 0008_citizen); unique when given.
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
