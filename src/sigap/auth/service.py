"""Sessions and tokens. Only the sha256 of a secret is stored; the secret is shown once.

A web session and an API token are the same row with a different ``kind``: both expire, both
can be revoked, and both resolve to the same :class:`Subject` through :func:`subject_of`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import join, select, update
from sqlalchemy.orm import Session

from sigap.accounts.service import hash_password, password_matches
from sigap.hotreads import KeyedQuery
from sigap.kit import sha256_hex, utcnow
from sigap.models import Account, AuthSession
from sigap.regions.state import RegionState

OFFICIAL_ROLES = ("field_officer", "unit_head", "supervisor", "admin")
# Verified against when the e-mail is unknown, so that a wrong e-mail and a wrong password take
# the same time and give the same answer.
_DUMMY_HASH = hash_password(secrets.token_hex(16))


@dataclass(frozen=True, slots=True)
class Subject:
    """Who is acting: an account, its unit, its role and the units it may see and act on."""

    account_id: int
    name: str
    email: str
    role: str
    unit_id: int | None
    language: str
    # Units whose reports this subject may see and act on; None means every unit (admin).
    scope: frozenset[int] | None
    session_hash: str
    csrf_token: str | None = None

    @property
    def is_official(self) -> bool:
        return self.role in OFFICIAL_ROLES

    def covers(self, unit_id: int | None) -> bool:
        return self.scope is None or (unit_id is not None and unit_id in self.scope)


@dataclass(frozen=True, slots=True)
class Issued:
    token: str
    token_id: str
    expires_at: datetime
    csrf_token: str | None


def verify(session: Session, email: str, password: str) -> Account | None:
    """The active account of ``email`` if ``password`` is its password, else None. Callers go
    through :func:`sigap.auth.signin.sign_in`, which counts the failures."""
    account = session.scalar(select(Account).where(Account.email == email))
    if account is None:
        password_matches(Account(password_hash=_DUMMY_HASH), password)
        return None
    if not password_matches(account, password) or not account.active:
        return None
    return account


def issue(
    session: Session, account: Account, *, kind: str, lifetime: timedelta, label: str | None = None
) -> Issued:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = AuthSession(
        token_hash=sha256_hex(token),
        account_id=account.id,
        kind=kind,
        label=label,
        csrf_token=secrets.token_urlsafe(24) if kind == "web" else None,
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    session.flush()
    return Issued(token, token_id(row.token_hash), row.expires_at, row.csrf_token)


def token_id(token_hash: str) -> str:
    """A public handle for a token (to list and revoke it) that reveals nothing of the secret."""
    return token_hash[:16]


# Who a token is: the session's row and its account's, read by the token's hash (the primary
# key). Request by request it is read from the event loop (:func:`sigap.auth.deps`), on
# PostgreSQL as a prepared statement on an asyncpg connection, the lookups that arrive together
# as one statement (:class:`sigap.hotreads.Gathered`): no worker thread, no transaction.
SUBJECT = KeyedQuery(
    (
        AuthSession.token_hash,
        AuthSession.kind,
        AuthSession.csrf_token,
        AuthSession.expires_at,
        AuthSession.revoked_at,
        Account.id.label("account_id"),
        Account.name,
        Account.email,
        Account.role,
        Account.unit_id,
        Account.language,
        Account.active,
    ),
    AuthSession.token_hash,
    join(AuthSession, Account, Account.id == AuthSession.account_id),
)


def subject_of(session: Session, state: RegionState, token: str, *, kind: str) -> Subject | None:
    """The subject of a live (unexpired, unrevoked) session or token of ``kind``, or None."""
    token_hash = sha256_hex(token)
    row = session.execute(SUBJECT.one.statement, {"key": token_hash}).first()
    return subject_from(row, state, kind=kind)


def subject_from(row: Any, state: RegionState, *, kind: str) -> Subject | None:
    """The one rule of a live token: a :data:`SUBJECT` row (None: no such token) of ``kind``,
    not revoked, not expired, its account active."""
    if row is None or row.kind != kind:
        return None
    if row.revoked_at is not None or row.expires_at <= utcnow() or not row.active:
        return None
    return Subject(
        account_id=row.account_id,
        name=row.name,
        email=row.email,
        role=row.role,
        unit_id=row.unit_id,
        language=row.language,
        scope=scope_of(state, row.role, row.unit_id),
        session_hash=row.token_hash,
        csrf_token=row.csrf_token,
    )


def scope_of(state: RegionState, role: str, unit_id: int | None) -> frozenset[int] | None:
    """The one rule of who sees what: admins everything, supervisors their unit and every unit
    below it, other officials their own unit, citizens no unit."""
    if role == "admin":
        return None
    if unit_id is None or role not in OFFICIAL_ROLES:
        return frozenset()
    if role == "supervisor":
        return state.unit_subtree(unit_id)
    return frozenset({unit_id})


def revoke(session: Session, account_id: int, token_hash_prefix: str) -> bool:
    """Revoke one of the account's sessions or tokens by its public id; True if one was."""
    result = session.execute(
        update(AuthSession)
        .where(
            AuthSession.account_id == account_id,
            AuthSession.token_hash.startswith(token_hash_prefix, autoescape=True),
            AuthSession.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def revoke_hash(session: Session, token_hash: str) -> None:
    session.execute(
        update(AuthSession)
        .where(AuthSession.token_hash == token_hash, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def live_tokens(session: Session, account_id: int) -> list[AuthSession]:
    return list(
        session.scalars(
            select(AuthSession)
            .where(
                AuthSession.account_id == account_id,
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > utcnow(),
            )
            .order_by(AuthSession.created_at.desc())
        )
    )
