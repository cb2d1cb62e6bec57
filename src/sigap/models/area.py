"""Areas (province → kota/kabupaten → kecamatan → kelurahan/desa) and their versioned boundaries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base, UTCDateTime

LEVELS = ("province", "kabkota", "kecamatan", "kelurahan")


class Region(Base):
    """The deployment itself (one row): its root area, name and time zone."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    slug: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(60))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # New reports wait for a moderator before they are public (0023_moderation).
    triage: Mapped[bool] = mapped_column(Boolean, default=False)


class Area(Base):
    __tablename__ = "area"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))  # kelurahan / desa / kota / kabupaten / provinsi
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("area.code"), index=True)
    postcode: Mapped[str | None] = mapped_column(String(10))
    label_lon: Mapped[float | None] = mapped_column(Float)
    label_lat: Mapped[float | None] = mapped_column(Float)


class BoundaryVersion(Base):
    """One imported set of boundaries. Reports keep the version that routed them."""

    __tablename__ = "boundary_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AreaBoundary(Base):
    """An area's polygon in one boundary version, as GeoJSON geometry text (WGS84)."""

    __tablename__ = "area_boundary"

    version_id: Mapped[int] = mapped_column(ForeignKey("boundary_version.id"), primary_key=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("area.code"), primary_key=True)
    geometry: Mapped[str] = mapped_column(Text)


class RegionLayer(Base):
    """A map layer of the region pack, stored as imported, one row per layer: ``streets``
    (``streets.geojson``: the maps' street tiles and a pin's street, :mod:`sigap.geo.streets`)
    and ``rw`` (``rw.geojson``: the RW of a report, :mod:`sigap.geo.rw`). Every process reads
    a layer once and keeps it in memory, so the table is never queried by location."""

    __tablename__ = "region_layer"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    geojson: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
