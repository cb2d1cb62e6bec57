"""Citizen accounts: sign up and sign in with an e-mail address or a phone number.

A phone-only account still needs a row in the e-mail column (NOT NULL UNIQUE since 0002); it
gets ``<digits>@phone.invalid``, a reserved domain that can never receive mail.
"""

from __future__ import annotations

import re

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sigap.accounts import service as accounts
from sigap.errors import SigapError
from sigap.models import Account

PHONE_DOMAIN = "@phone.invalid"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_phone(raw: str) -> str:
    """Indonesian numbers in one form, +62…: '0812-3456 7890' and '+62 812 3456 7890' match."""
    digits = re.sub(r"[\s().-]", "", raw)
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("0"):
        digits = "62" + digits[1:]
    if not digits.isdigit() or not 9 <= len(digits) <= 15:
        raise SigapError("invalid_phone")
    return "+" + digits


def split_identifier(identifier: str) -> tuple[str | None, str | None]:
    """(email, phone) from what a person typed in the one sign-in box."""
    value = identifier.strip()
    if not value:
        raise SigapError("identifier_required")
    if "@" in value:
        if not EMAIL.match(value) or len(value) > 254:
            raise SigapError("invalid_input")
        return value.lower(), None
    return None, normalize_phone(value)


def sign_up(
    session: Session, *, email: str, phone: str, name: str, password: str, minimum: int
) -> Account:
    email_value = split_identifier(email)[0] if email.strip() else None
    phone_value = normalize_phone(phone) if phone.strip() else None
    if email_value is None and phone_value is None:
        raise SigapError("identifier_required")
    if len(password) < minimum:
        raise SigapError("password_too_short", minimum=minimum)
    stored_email = email_value or f"{phone_value.lstrip('+')}{PHONE_DOMAIN}"  # type: ignore[union-attr]
    taken = session.scalar(
        select(Account.id).where(
            or_(Account.email == stored_email, Account.phone == phone_value)
            if phone_value
            else Account.email == stored_email
        )
    )
    if taken is not None:
        raise SigapError("account_exists")
    account = accounts.create(
        session,
        email=stored_email,
        name=name.strip()[:200] or "Warga",
        password=password,
        role="citizen",
    )
    account.phone = phone_value
    session.flush()
    return account


def login_email(session: Session, identifier: str) -> str:
    """The e-mail that names the account of an e-mail or phone number (a phone-only account's
    is ``<digits>@phone.invalid``), whether or not such an account exists: it is what sign-in
    counts failures under, so a phone and its e-mail share one count."""
    email, phone = split_identifier(identifier)
    if phone is None:
        return email or ""
    found = session.scalar(select(Account.email).where(Account.phone == phone))
    return found or f"{phone.lstrip('+')}{PHONE_DOMAIN}"
