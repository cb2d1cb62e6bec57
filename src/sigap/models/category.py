"""Report categories with their SLA targets, and the routing rules (category x area -> unit)."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base


class Category(Base):
    __tablename__ = "category"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_id: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    icon: Mapped[str] = mapped_column(String(40), default="")
    response_hours: Mapped[int] = mapped_column(Integer)
    resolution_hours: Mapped[int] = mapped_column(Integer)
    photo_required: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class RoutingRule(Base):
    """Send reports of ``category`` (any when NULL) inside ``area`` (anywhere when NULL) to a unit.

    The most specific matching rule wins: a rule naming the category beats one that does not,
    then the deeper area beats the shallower. With no rule the kelurahan's own unit gets it.
    """

    __tablename__ = "routing_rule"
    __table_args__ = (UniqueConstraint("category_code", "area_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_code: Mapped[str | None] = mapped_column(ForeignKey("category.code"))
    area_code: Mapped[str | None] = mapped_column(ForeignKey("area.code"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
