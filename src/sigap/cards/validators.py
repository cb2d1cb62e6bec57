"""Validators: the card readers on buses, gates and platforms, each with an API key that only
posts taps. Keys are made like channels' (``sigap.channels.service``): ``sgv_`` plus 32 random
bytes, only the sha256 stored, shown once, found by an indexed equality, revocable. A validator
belongs to a network (``tj``, ``mrt``) and may stand at a stop or ride a route; its taps take
those when they name none."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.auth.service import Subject
from sigap.errors import SigapError
from sigap.history import audit
from sigap.kit import sha256_hex
from sigap.models import Validator

FIELDS = ("id", "name", "network", "stop_id", "route_id", "key_prefix", "created_at", "revoked_at")
KEY_MARK = "sgv_"
PREFIX_LENGTH = len(KEY_MARK) + 8
NETWORK = re.compile(r"[a-z0-9_-]{1,40}")


@dataclass(frozen=True, slots=True)
class ValidatorRef:
    """The validator a batch of taps came from: detached from any session."""

    id: int
    network: str
    stop_id: str | None
    route_id: str | None


def create(
    session: Session,
    *,
    name: str,
    network: str,
    stop_id: str | None,
    route_id: str | None,
    now: datetime,
) -> tuple[Validator, str]:
    """A new validator and its key (shown once)."""
    name = " ".join(name.split())
    if not 0 < len(name) <= 100 or not NETWORK.fullmatch(network):
        raise SigapError("invalid_validator")
    key = KEY_MARK + secrets.token_urlsafe(32)
    validator = Validator(
        name=name,
        network=network,
        stop_id=stop_id or None,
        route_id=route_id or None,
        key_hash=sha256_hex(key),
        key_prefix=key[:PREFIX_LENGTH],
        created_at=now,
        revoked_at=None,
    )
    session.add(validator)
    session.flush()
    return validator, key


def as_dict(row: Validator) -> dict[str, Any]:
    """What an admin sees of a validator: never its key (a prefix to tell keys apart)."""
    return {name: getattr(row, name) for name in FIELDS}


def register(
    session: Session,
    admin: Subject,
    *,
    name: str,
    network: str,
    stop_id: str | None,
    route_id: str | None,
    now: datetime,
) -> dict[str, Any]:
    """An admin's new validator, audited (``validator.create``), with its key (shown once):
    the JSON API's and the console's one way."""
    row, key = create(
        session, name=name, network=network, stop_id=stop_id, route_id=route_id, now=now
    )
    shown = as_dict(row)
    audit.record(session, admin, "validator.create", "validator", row.id, after=_audited(shown))
    return {**shown, "key": key}


def retire(session: Session, admin: Subject, validator_id: int, now: datetime) -> dict[str, Any]:
    """Revoke a validator's key, audited (``validator.revoke``)."""
    shown = as_dict(revoke(session, validator_id, now))
    audit.record(
        session, admin, "validator.revoke", "validator", validator_id, after=_audited(shown)
    )
    return shown


def _audited(shown: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in shown.items()}


def list_all(session: Session) -> list[Validator]:
    return list(session.scalars(select(Validator).order_by(Validator.network, Validator.id)))


def revoke(session: Session, validator_id: int, now: datetime) -> Validator:
    validator = session.get(Validator, validator_id)
    if validator is None or validator.revoked_at is not None:
        raise SigapError("validator_not_found", validator=validator_id)
    validator.revoked_at = now
    session.flush()
    return validator


def authenticate(session: Session, key: str | None) -> ValidatorRef:
    """The validator of an active key; 401 without one, 403 with a wrong or revoked one."""
    if not key:
        raise SigapError("missing_validator_key")
    row = session.execute(
        select(Validator.id, Validator.network, Validator.stop_id, Validator.route_id).where(
            Validator.key_hash == sha256_hex(key), Validator.revoked_at.is_(None)
        )
    ).first()
    if row is None:
        raise SigapError("invalid_validator_key")
    return ValidatorRef(row.id, row.network, row.stop_id, row.route_id)
