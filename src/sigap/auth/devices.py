"""Device ids the server issues and signs.

A visitor of the citizen app without an account is known by a long-lived cookie: one +1 per
device, and the anonymous forms' CSRF token. A device id a client makes up for itself would
let one phone count as many, so the server issues each id as ``<random>.<signature>`` (HMAC
of the random part with the ``device`` server secret, see :class:`sigap.models.ServerSecret`);
a cookie whose signature does not hold is treated as no cookie: the visitor gets a new id.
Fresh ids still come free, one per page load, which is why supports and reports are also
limited per address (:mod:`sigap.reports.limits`, :mod:`sigap.citizen.social`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.config import Settings
from sigap.models import ServerSecret

SIGNATURE_BYTES = 16


def _signature(secret: bytes, token: str) -> str:
    digest = hmac.new(secret, token.encode(), hashlib.sha256).digest()[:SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue(secret: bytes) -> str:
    token = secrets.token_urlsafe(18)
    return f"{token}.{_signature(secret, token)}"


def is_valid(secret: bytes, device: str) -> bool:
    token, dot, signature = device.partition(".")
    if not token or not dot or len(device) > 100:
        return False
    return hmac.compare_digest(signature, _signature(secret, token))


def load_secret(session: Session, settings: Settings) -> bytes:
    """``SIGAP_SECRET_KEY`` when set, else the database's own (made by migration 0021)."""
    if settings.secret_key:
        return settings.secret_key.encode()
    value = session.scalar(select(ServerSecret.value).where(ServerSecret.name == "device"))
    if value is None:  # a database from before 0021: sign with a secret of this process
        return secrets.token_bytes(32)
    return bytes.fromhex(value)
