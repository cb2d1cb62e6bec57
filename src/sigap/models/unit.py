"""Units (satuan kerja): the organisations that handle reports, in a tree."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base

UNIT_KINDS = ("government", "agency", "police", "utility")


class Unit(Base):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    # Where a unit without a parent escalates (police, utilities: the pack's ``escalates_to``).
    escalates_to_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    area_code: Mapped[str | None] = mapped_column(ForeignKey("area.code"), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    # Deactivated units keep their row (old reports point at them) but receive nothing new.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
