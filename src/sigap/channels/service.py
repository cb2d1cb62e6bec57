"""Creating, listing, revoking and checking channel API keys.

A key is ``sgp_`` plus 32 random bytes (URL-safe base64). Only its sha256 is stored, so a
leaked database does not leak working keys; the key itself is shown once, when created. The
sha256 (not a slow password hash) is enough because the secret is random, not chosen by a
person, and it lets a key be found by an indexed equality lookup on every POST.
"""

from __future__ import annotations

import re
import secrets
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.kit import sha256_hex, utcnow
from sigap.models import Channel
from sigap.models.report import CHANNELS

KEY_MARK = "sgp_"
PREFIX_LENGTH = len(KEY_MARK) + 8
SLUG_LENGTH = 20


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """The channel a request came from: detached from any session, safe to keep."""

    id: int
    slug: str
    name: str
    reports_per_hour: int | None = None  # None: the deployment's channel_reports_per_hour


def slugify(name: str) -> str:
    """``"WhatsApp bot"`` → ``"whatsapp-bot"``: ASCII, lowercase, at most 20 characters (the
    width of ``report.channel``)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:SLUG_LENGTH].rstrip("-")


def create(
    session: Session, *, name: str, reports_per_hour: int | None = None
) -> tuple[Channel, str]:
    """A new key for the channel called ``name``; returns the row and the key (shown once).

    A second key under the same name joins the same channel (same slug): that is how keys
    are rotated without splitting the channel's reports.
    """
    name = " ".join(name.split())
    slug = slugify(name)
    if not slug or len(name) > 100:
        raise SigapError("invalid_channel_name", name=name)
    if slug in CHANNELS:
        raise SigapError("reserved_channel_name", name=name, slug=slug)
    key = KEY_MARK + secrets.token_urlsafe(32)
    channel = Channel(
        slug=slug,
        name=name,
        key_hash=sha256_hex(key),
        key_prefix=key[:PREFIX_LENGTH],
        created_at=utcnow(),
        revoked_at=None,
        reports_per_hour=reports_per_hour
        if reports_per_hour is not None
        else _quota_of(session, slug),
    )
    session.add(channel)
    session.flush()
    return channel, key


def _quota_of(session: Session, slug: str) -> int | None:
    """The quota of the channel ``slug`` already has (a new key joins it, quota and all)."""
    return session.scalar(
        select(Channel.reports_per_hour).where(Channel.slug == slug).order_by(Channel.id.desc())
    )


def set_quota(session: Session, channel_id: int, reports_per_hour: int | None) -> Channel:
    """The reports an hour of the channel of key ``channel_id``, for every key of the channel
    (None: the deployment's ``channel_reports_per_hour``). Within ``api_key_cache_seconds``
    in every process, at once in this one once its key cache is cleared."""
    if reports_per_hour is not None and not 1 <= reports_per_hour <= 1_000_000:
        raise SigapError("invalid_channel_quota")
    key = session.get(Channel, channel_id)
    if key is None:
        raise SigapError("channel_key_not_found", key=str(channel_id))
    for row in session.scalars(select(Channel).where(Channel.slug == key.slug)):
        row.reports_per_hour = reports_per_hour
    session.flush()
    return key


def list_all(session: Session) -> list[Channel]:
    return list(session.scalars(select(Channel).order_by(Channel.slug, Channel.id)))


def revoke(session: Session, *, key_prefix_or_id: str) -> Channel:
    """Revoke one active key, named by its id, its listed prefix, or the whole key."""
    wanted = key_prefix_or_id.strip()
    query = select(Channel).where(Channel.revoked_at.is_(None))
    if wanted.isdigit():
        query = query.where(Channel.id == int(wanted))
    elif len(wanted) > PREFIX_LENGTH:
        query = query.where(Channel.key_hash == sha256_hex(wanted))
    else:
        query = query.where(Channel.key_prefix == wanted)
    found = list(session.scalars(query))
    if not found:
        raise SigapError("channel_key_not_found", key=wanted)
    if len(found) > 1:
        raise SigapError("channel_key_ambiguous", key=wanted)
    found[0].revoked_at = utcnow()
    session.flush()
    return found[0]


def authenticate(session: Session, api_key: str | None) -> ChannelRef:
    """The channel of an active key, or a 403 that says what is wrong."""
    if not api_key:
        raise SigapError("missing_api_key")
    found = by_key_hash(session, sha256_hex(api_key))
    if found is None:
        raise SigapError("invalid_api_key")
    return found


def by_key_hash(session: Session | Connection, key_hash: str) -> ChannelRef | None:
    row = session.execute(
        select(Channel.id, Channel.slug, Channel.name, Channel.reports_per_hour).where(
            Channel.key_hash == key_hash, Channel.revoked_at.is_(None)
        )
    ).first()
    return None if row is None else ChannelRef(row.id, row.slug, row.name, row.reports_per_hour)


class KeyCache:
    """Keys that were valid a moment ago, so that a channel posting many reports costs no read
    per report. Only valid keys are kept (a wrong key always reaches the database), each for
    ``seconds``: a revoked key stops working at once in the process that revoked it (which
    clears its cache) and within ``seconds`` in the others."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._valid: dict[str, tuple[ChannelRef, float]] = {}

    def get(self, key_hash: str) -> ChannelRef | None:
        found = self._valid.get(key_hash)
        if found is None:
            return None
        if self._clock() >= found[1]:
            del self._valid[key_hash]
            return None
        return found[0]

    def put(self, key_hash: str, channel: ChannelRef) -> None:
        if self.seconds > 0:
            self._valid[key_hash] = (channel, self._clock() + self.seconds)

    def clear(self) -> None:
        self._valid.clear()
