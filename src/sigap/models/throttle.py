"""Failed sign-ins, counted per account and per address (:mod:`sigap.auth.throttle`).

One small row per counted key: the sha256 of the e-mail tried (whether or not an account has
it) or the hashed client address. Nothing else about the attempt is kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sigap.models.base import Base, UTCDateTime


class SignInThrottle(Base):
    __tablename__ = "sign_in_throttle"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Failures not yet forgotten, as of counted_at (they fade one every fade interval).
    failures: Mapped[int] = mapped_column(Integer)
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # No attempt is checked before this (a delay, or the lock when ``locked``).
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The account is in a locked run: set by the failure that locks it (which e-mails the
    # official), cleared when its failures fade below the free ones or it signs in.
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
