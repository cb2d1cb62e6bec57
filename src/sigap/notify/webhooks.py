"""Webhooks: endpoints registered by admins, signed JSON deliveries (see docs/webhooks.md).

Every delivery is ``POST`` of ``{"id", "type", "created_at", "data"}`` where ``id`` is the outbox
message id (stable across retries, so receivers de-duplicate on it). The signature header is
``Sigap-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``: the timestamp
is signed with the body, so a receiver that refuses old timestamps refuses replays.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any, cast

import httpx2 as httpx
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from sigap import models
from sigap.errors import NotFound
from sigap.kit import utcnow

ENDPOINT = cast(Table, models.WebhookEndpoint.__table__)


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, body: bytes, header: str, *, tolerance_s: int = 300) -> bool:
    """What a receiver does (docs/webhooks.md); used by the tests as the reference receiver."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance_s:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def create(session: Session, *, url: str, events: list[str], secret: str | None) -> dict[str, Any]:
    row = {
        "url": url,
        "secret": secret or "whsec_" + secrets.token_urlsafe(24),
        "events": sorted(set(events)),
        "active": True,
        "created_at": utcnow(),
    }
    endpoint_id = session.execute(ENDPOINT.insert().values(row).returning(ENDPOINT.c.id)).scalar()
    return {"id": endpoint_id, **row}


def list_all(session: Session) -> list[dict[str, Any]]:
    return [dict(r) for r in session.execute(select(ENDPOINT).order_by(ENDPOINT.c.id)).mappings()]


def delete(session: Session, endpoint_id: int) -> None:
    result = session.execute(ENDPOINT.delete().where(ENDPOINT.c.id == endpoint_id))
    if not getattr(result, "rowcount", 0):
        raise NotFound("webhook_not_found", endpoint_id=endpoint_id)


def active(session: Session) -> list[tuple[int, list[str]]]:
    """(id, topics) of the active endpoints; ``*`` among the topics means all."""
    query = select(ENDPOINT.c.id, ENDPOINT.c.events).where(ENDPOINT.c.active.is_(True))
    return [(i, list(events)) for i, events in session.execute(query).all()]


def event_body(message_id: str, topic: str, created_at: str, data: dict[str, Any]) -> bytes:
    event = {"id": message_id, "type": topic, "created_at": created_at, "data": data}
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()


class Deliverer:
    """Posts signed events; one keep-alive HTTP client per worker thread."""

    def __init__(self, *, timeout_s: float) -> None:
        self._client = httpx.Client(timeout=timeout_s, follow_redirects=False)

    def post(self, *, url: str, secret: str, event_id: str, body: bytes) -> None:
        """Raise unless the receiver answers 2xx (the outbox then retries with backoff)."""
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Sigap-Webhooks/1",
            "Sigap-Event-Id": event_id,
            "Sigap-Signature": sign(secret, body, int(time.time())),
        }
        response = self._client.post(url, content=body, headers=headers)
        if not 200 <= response.status_code < 300:
            raise WebhookRefused(f"{url} answered {response.status_code}")

    def close(self) -> None:
        self._client.close()


class WebhookRefused(Exception):
    """The receiver answered, but not with 2xx."""


def endpoints(session: Session, ids: set[int]) -> dict[int, dict[str, Any]]:
    query = select(ENDPOINT).where(ENDPOINT.c.id.in_(ids))
    return {row["id"]: dict(row) for row in session.execute(query).mappings()}
