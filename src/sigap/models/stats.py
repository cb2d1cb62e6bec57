"""Pre-aggregated report counts for the portal's map, dashboards and ranking.

These tables are kept by database triggers on ``report`` (migration 0007_portal): every insert,
update of a counted column, and delete adds or subtracts the report's contribution, so the
numbers are always those of the report rows, whichever code path changed them. On SQLite the
triggers count in the changing transaction; on PostgreSQL they queue the contribution in
``stat_pending`` and readers fold the queue in first (0014_pending_stats,
:mod:`sigap.portal.fold`). Rows whose counts drop to zero stay (readers filter ``n > 0``).

Durations go into histograms of geometric buckets (``stat_bucket``: each 15% wider than the
last), from which medians are read to within about 7%.
"""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base

BUCKET_RATIO = 1.15
BUCKET_FIRST_S = 60  # bucket 1 starts at one minute; bucket 0 is [0, 60 s)
BUCKET_COUNT = 90  # the last starts after ~2.5 years


class StatBucket(Base):
    __tablename__ = "stat_bucket"

    bucket: Mapped[int] = mapped_column(Integer, primary_key=True)
    lower_s: Mapped[int] = mapped_column(Integer, unique=True)


class SlaCounts:
    """The counts the dashboards and the ranking share (``portal.stats.SLA_COLUMNS``)."""

    n: Mapped[int] = mapped_column(Integer)
    responded: Mapped[int] = mapped_column(Integer)
    responded_in_sla: Mapped[int] = mapped_column(Integer)
    resolved: Mapped[int] = mapped_column(Integer)
    resolved_in_sla: Mapped[int] = mapped_column(Integer)
    ever_resolved: Mapped[int] = mapped_column(Integer)
    reopened: Mapped[int] = mapped_column(Integer)


class StatArea(SlaCounts, Base):
    """Counts per kelurahan, category, unit and current status (dashboards)."""

    __tablename__ = "stat_area"

    kelurahan_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    category_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)


class StatMonth(Base):
    """Reports created per kelurahan and UTC month, by current status (trend charts)."""

    __tablename__ = "stat_month"

    kelurahan_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class StatHist(Base):
    """Durations per kelurahan: kind ``r`` = until first response, ``x`` = until resolved."""

    __tablename__ = "stat_hist"

    kelurahan_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class StatUnit(SlaCounts, Base):
    """Counts per responsible unit and month of creation (ranking)."""

    __tablename__ = "stat_unit"

    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)


class StatUnitHist(Base):
    __tablename__ = "stat_unit_hist"

    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class MapCell(Base):
    """Reports per map grid cell (two grid levels), kelurahan, category and status, with the
    coordinate sums that give each cluster's centroid."""

    __tablename__ = "map_cell"

    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    gx: Mapped[int] = mapped_column(Integer, primary_key=True)
    gy: Mapped[int] = mapped_column(Integer, primary_key=True)
    kelurahan_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    category_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    sum_lon: Mapped[float] = mapped_column()
    sum_lat: Mapped[float] = mapped_column()
