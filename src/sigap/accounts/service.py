"""Creating accounts and checking passwords (argon2id)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.kit import utcnow
from sigap.models import Account, Unit

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(account: Account, password: str) -> bool:
    try:
        return _hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    role: str,
    unit_code: str | None = None,
    language: str = "id",
) -> Account:
    unit_id = None
    if unit_code is not None:
        unit_id = session.scalar(select(Unit.id).where(Unit.code == unit_code))
        if unit_id is None:
            raise LookupError(f"no unit {unit_code!r}")
    account = Account(
        email=email.lower(),
        name=name,
        password_hash=hash_password(password),
        role=role,
        unit_id=unit_id,
        language=language,
        active=True,
        created_at=utcnow(),
    )
    session.add(account)
    session.flush()
    return account
