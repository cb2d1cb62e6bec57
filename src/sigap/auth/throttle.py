"""Sign-in throttling: growing delays, then a temporary lock.

Every sign-in channel goes through :func:`sigap.auth.signin.sign_in`, which calls
:func:`attempt`. Failures are counted under two keys: the account (the sha256 of the e-mail
tried, whether or not an account has it, so that no answer tells whether it exists) and the
client's address (hashed). A key's count fades: one failure is forgotten every fade interval.

- An account's first ``sign_in_free_failures`` failures cost nothing; each further one refuses
  attempts for a delay that doubles (``sign_in_delay_s`` up to ``sign_in_delay_max_s``). At
  ``sign_in_lock_failures`` the account is locked for ``sign_in_lock_minutes``, and each further
  failure before the count fades below that locks it again (about one guess per lock). The
  failure that starts a locked run queues one e-mail to the official (:mod:`sigap.auth.alert`).
- An address gets ``sign_in_address_free_failures`` (an office behind one NAT), then the same
  doubling delays; it is never locked, but a spray across many accounts runs into its delays.
- While a key is blocked, attempts are refused (429) without checking the password and are not
  counted: the right password during a lock fails with the lock's message.
- A successful sign-in deletes the account's row; the address keeps its count, so that signing
  in to one's own account cannot wipe a spray's traces.

The successful path costs one indexed read (both keys in one statement). Counting a failure
locks the key's row (``FOR UPDATE`` on PostgreSQL; SQLite's write transactions run one at a
time), so concurrent failures are all counted and one of them starts a lock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, delete, select, text, update
from sqlalchemy.orm import Session

from sigap import models
from sigap.auth import alert
from sigap.auth.service import verify
from sigap.config import Settings
from sigap.errors import CODES, SigapError
from sigap.i18n import say_duration
from sigap.kit import sha256_hex
from sigap.models.base import UTCDateTime
from sigap.notify.fanout import zone_name

THROTTLE = cast(Table, models.SignInThrottle.__table__)
FORGOTTEN_AFTER = timedelta(days=1)  # every count has faded by then (fade <= 1 h, counts small)
_ENSURE = text(
    "INSERT INTO sign_in_throttle (key_hash, failures, counted_at, locked) "
    "VALUES (:key, 0, :now, false) ON CONFLICT (key_hash) DO NOTHING"
).bindparams(bindparam("now", type_=UTCDateTime()))


@dataclass(frozen=True, slots=True)
class Attempt:
    """One sign-in attempt, as every channel hands it over."""

    email: str  # normalized (stripped, lower case): the account's key
    password: str
    address: str | None  # the client's address, hashed (sigap.deps.client_address)
    shown_address: str  # a partial address for the official's e-mail (203.0.113.x)
    now: datetime
    zone: ZoneInfo  # the region's, for the times people read


@dataclass(frozen=True, slots=True)
class Rule:
    free: int
    lock: int | None  # None: never locked (addresses)
    fade: timedelta

    @classmethod
    def account(cls, settings: Settings) -> Rule:
        fade = timedelta(minutes=settings.sign_in_fade_minutes)
        return cls(settings.sign_in_free_failures, settings.sign_in_lock_failures, fade)

    @classmethod
    def address(cls, settings: Settings) -> Rule:
        fade = timedelta(minutes=settings.sign_in_address_fade_minutes)
        return cls(settings.sign_in_address_free_failures, None, fade)

    def block(self, settings: Settings, count: int, now: datetime) -> tuple[datetime | None, bool]:
        """(blocked until, locked) after a key's ``count``-th failure."""
        if self.lock is not None and count >= self.lock:
            return now + timedelta(minutes=settings.sign_in_lock_minutes), True
        if count <= self.free:
            return None, False
        doubled = settings.sign_in_delay_s * 2 ** min(count - self.free - 1, 30)
        return now + timedelta(seconds=min(doubled, settings.sign_in_delay_max_s)), False


class Refused(SigapError):
    """429 ``sign_in_throttled`` (a delay) or ``sign_in_locked``, with Retry-After; the message
    says the wait in words, and for a lock its end in the region's local time."""

    def __init__(self, *, locked: bool, until: datetime, now: datetime, zone: ZoneInfo) -> None:
        self.wait_s = max(1, math.ceil((until - now).total_seconds()))
        super().__init__(
            "sign_in_locked" if locked else "sign_in_throttled", retry_after_s=self.wait_s
        )
        local = until.astimezone(zone)
        self.until = f"{local:%H:%M} {zone_name(local)}"

    def message(self, language: str) -> str:
        entry = CODES[self.code]
        template = entry.en if language == "en" else entry.id
        return template.format(wait=say_duration(self.wait_s, language), until=self.until)


def account_key(email: str) -> str:
    return sha256_hex(f"sign-in:{email}")


def attempt(session: Session, settings: Settings, tried: Attempt) -> models.Account | SigapError:
    """The account signed in, or the error to answer (returned, not raised: the failure's
    count must commit with the answer)."""
    account_hash = account_key(tried.email)
    keys = [account_hash] if tried.address is None else [account_hash, tried.address]
    rows = {
        row.key_hash: row
        for row in session.execute(
            select(THROTTLE.c.key_hash, THROTTLE.c.blocked_until, THROTTLE.c.locked).where(
                THROTTLE.c.key_hash.in_(keys)
            )
        )
    }
    for key in keys:
        row = rows.get(key)
        if row is not None and row.blocked_until is not None and row.blocked_until > tried.now:
            locked = key == account_hash and row.locked
            return Refused(locked=locked, until=row.blocked_until, now=tried.now, zone=tried.zone)
    account = verify(session, tried.email, tried.password)
    if account is not None:
        if account_hash in rows:
            session.execute(delete(THROTTLE).where(THROTTLE.c.key_hash == account_hash))
        return account
    return _failed(session, settings, tried, account_hash)


def _failed(session: Session, settings: Settings, tried: Attempt, account_hash: str) -> SigapError:
    """Count the failure under both keys; the answer names the longest block it caused."""
    counted = _count(session, settings, account_hash, Rule.account(settings), tried.now)
    if counted.starts_lock and counted.until is not None:
        alert.account_locked(session, settings, tried, counted.until, counted.failures)
    until = counted.until
    if tried.address is not None:
        address = _count(session, settings, tried.address, Rule.address(settings), tried.now)
        later = address.until is not None and (until is None or address.until > until)
        if later and not counted.locked:  # a lock is said as a lock, whatever else holds
            until = address.until
    if until is None:
        return SigapError("invalid_credentials")
    return Refused(locked=counted.locked, until=until, now=tried.now, zone=tried.zone)


@dataclass(frozen=True, slots=True)
class Counted:
    failures: int
    until: datetime | None  # blocked until
    locked: bool
    starts_lock: bool  # this failure locked a key that the one before did not


def _count(session: Session, settings: Settings, key: str, rule: Rule, now: datetime) -> Counted:
    """Add one failure to ``key`` and block it as its rule says."""
    session.execute(_ENSURE, {"key": key, "now": now})
    row = session.execute(
        select(THROTTLE.c.failures, THROTTLE.c.counted_at, THROTTLE.c.locked)
        .where(THROTTLE.c.key_hash == key)
        .with_for_update()
    ).one()
    count, counted_at = faded(row.failures, row.counted_at, rule.fade, now)
    count += 1
    until, locked = rule.block(settings, count, now)
    values: dict[str, Any] = {
        "failures": count,
        "counted_at": counted_at,
        "blocked_until": until,
        "locked": locked,
    }
    session.execute(update(THROTTLE).where(THROTTLE.c.key_hash == key).values(values))
    return Counted(count, until, locked, locked and not row.locked)


def faded(
    failures: int, counted_at: datetime, fade: timedelta, now: datetime
) -> tuple[int, datetime]:
    """The failures not yet forgotten at ``now``, and the time they are counted from (moved on
    by whole fade intervals only, so that no part of an interval is lost)."""
    steps = max(0, int((now - counted_at) / fade))
    if steps >= failures:
        return 0, now
    return failures - steps, counted_at + steps * fade


def forget(session: Session, email: str) -> None:
    """Reset an account's count (and end its lock): an admin gave it a new password."""
    session.execute(delete(THROTTLE).where(THROTTLE.c.key_hash == account_key(email)))


def purge(session: Session, now: datetime) -> int:
    """Forget keys nobody has failed on for a day (the worker runs this hourly)."""
    result = session.execute(
        delete(THROTTLE).where(
            THROTTLE.c.counted_at < now - FORGOTTEN_AFTER,
            (THROTTLE.c.blocked_until.is_(None)) | (THROTTLE.c.blocked_until < now),
        )
    )
    return int(getattr(result, "rowcount", 0))
