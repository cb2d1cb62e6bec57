"""Channels: the organisations and bots that submit reports through Open311 (LAPOR!, a
WhatsApp bot), each row one API key of a channel.

Only the sha256 of a key is stored; ``key_prefix`` (the key's first characters) is what
operators see in listings and use to revoke. A channel can hold several keys under one
``slug`` (rotate: create a new key, switch the client over, revoke the old one); reports
record the slug, so a rotation does not split a channel's reports.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base, UTCDateTime


class Channel(Base):
    __tablename__ = "channel"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Reports an hour through this channel (every key of its slug); NULL: the deployment's
    # SIGAP_CHANNEL_REPORTS_PER_HOUR (0021_limits).
    reports_per_hour: Mapped[int | None] = mapped_column(Integer)


class ChannelMinute(Base):
    """How many reports each channel filed in each minute (Unix minutes), kept by triggers on
    ``report`` (0025_channel_minutes) so every insert counts, whatever inserts it. The limits
    read a channel's last 61 minutes here before its quota's exact read
    (:func:`sigap.reports.limits.refusals`): a channel far below its quota needs no more.
    ``shard``: PostgreSQL's writers each count in a row of their own (the backend's pid mod
    8), so two writers' transactions never wait for one row; SQLite has one writer at a time
    (shard 0). A deleted report stays counted: the sum only ever overstates."""

    __tablename__ = "channel_minute"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    minute: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    reports: Mapped[int] = mapped_column(Integer)
