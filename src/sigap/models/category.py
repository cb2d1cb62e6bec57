"""Report categories with their SLA targets and extra questions, and the routing rules
(category x area -> unit)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base

# The kinds of answer a question takes: GeoReport v2's attribute datatypes, with their meaning.
# transit_route and transit_stop are Sigap's own: a route or a stop of the transit network,
# checked against it (sigap.reports.transit); Open311 sees them as string attributes.
TRANSIT_DATATYPES = ("transit_route", "transit_stop")
QUESTION_DATATYPES = (
    "string",
    "number",
    "datetime",
    "text",
    "singlevaluelist",
    "multivaluelist",
    *TRANSIT_DATATYPES,
)
LIST_DATATYPES = ("singlevaluelist", "multivaluelist")


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


class CategoryQuestion(Base):
    """An extra question a category asks when a report is filed (Open311: an attribute).

    A question is never deleted, only retired (``active`` false): reports keep the answers they
    were given, and a retired question still says what those answers meant. For the same reason
    its ``datatype`` never changes. ``choices`` lists the options of a list question as
    ``{"key", "name_id", "name_en"}`` objects, in the order they are offered.
    """

    __tablename__ = "category_question"
    __table_args__ = (UniqueConstraint("category_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("category.code"))
    code: Mapped[str] = mapped_column(String(40))
    datatype: Mapped[str] = mapped_column(String(20))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label_id: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    description_id: Mapped[str] = mapped_column(String(500), default="")
    description_en: Mapped[str] = mapped_column(String(500), default="")
    choices: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
