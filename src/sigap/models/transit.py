"""Imported GTFS feeds (issue #26, docs/transit.md "Storage").

A feed is stored as the feed itself: its GTFS files, validated by :mod:`sigap.transit.gtfs`
and kept in one deflated zip (``archive``). Every server process rebuilds its in-memory network
from these rows, and ``sigap export-gtfs`` writes a feed back as it was imported. The one row of
``transit_network`` is the network's version: every import bumps it in the import's own
transaction, and the processes compare it with the version they have built.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base, UTCDateTime


class TransitFeed(Base):
    __tablename__ = "transit_feed"

    # The feed's name prefixes every id of it (mrt:SBHI): short, lower case, no colon.
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)  # 1 at the first import, +1 at each
    archive: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))  # of the archive
    files: Mapped[list[str]] = mapped_column(JSON)
    agencies: Mapped[list[str]] = mapped_column(JSON)  # the agencies' names
    credit: Mapped[str | None] = mapped_column(Text)  # licence and attribution, shown with plans
    counts: Mapped[dict[str, int]] = mapped_column(JSON)  # stops, routes, trips
    # The first and last day of its calendars: after the last, none of its trips runs.
    service_start: Mapped[date] = mapped_column(Date)
    service_end: Mapped[date] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TransitNetwork(Base):
    __tablename__ = "transit_network"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TransitOperator(Base):
    """The unit that receives the reports naming a route of a GTFS agency (the region pack's
    ``transit_operators.csv``; :func:`sigap.workflow.routing.responsible_unit`)."""

    __tablename__ = "transit_operator"

    agency: Mapped[str] = mapped_column(String(100), primary_key=True)  # as namespaced: mrt:MRTJ
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
