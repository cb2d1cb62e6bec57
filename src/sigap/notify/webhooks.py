"""Webhooks: endpoints registered by admins, signed JSON deliveries (see docs/webhooks.md).

Every delivery is ``POST`` of ``{"id", "type", "created_at", "data"}`` where ``id`` is the outbox
message id (stable across retries, so receivers de-duplicate on it). The signature header is
``Sigap-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``: the timestamp
is signed with the body, so a receiver that refuses old timestamps refuses replays.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any, cast

import httpcore2
import httpx2 as httpx
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from sigap import models
from sigap.errors import SigapError
from sigap.kit import utcnow
from sigap.notify import targets, transport

ENDPOINT = cast(Table, models.WebhookEndpoint.__table__)
ANSWER_READ_MAX = 64 * 1024  # a receiver's answer is read this far at most (its body is unused)


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
        raise SigapError("webhook_not_found", endpoint_id=endpoint_id)


def active(session: Session) -> list[tuple[int, list[str]]]:
    """(id, topics) of the active endpoints; ``*`` among the topics means all."""
    query = select(ENDPOINT.c.id, ENDPOINT.c.events).where(ENDPOINT.c.active.is_(True))
    return [(i, list(events)) for i, events in session.execute(query).all()]


class Deliverer:
    """Posts signed events over one pool of keep-alive connections, shared by the worker's
    delivery threads. Connections go only to checked addresses (``notify.transport``), and
    each delivery ends within ``timeout_s`` of wall time however slowly the receiver answers.
    Redirects are never followed: a 3xx is a failed delivery like any other non-2xx."""

    def __init__(self, *, timeout_s: float, allow: str = "", concurrency: int = 8) -> None:
        self.timeout_s = timeout_s
        self._pool = httpcore2.ConnectionPool(
            ssl_context=httpcore2.default_ssl_context(),  # honours SSL_CERT_FILE, like httpx
            max_connections=None,  # no waiting for a slot: the worker bounds the concurrency
            max_keepalive_connections=concurrency,
            keepalive_expiry=5.0,
            network_backend=transport.GuardedBackend(targets.parse_allow(allow)),
        )

    def post(self, *, url: str, secret: str, event_id: str, body: bytes) -> None:
        """Raise unless the receiver answers 2xx in time (the outbox then retries with
        backoff); :class:`targets.TargetForbidden` when the URL leads somewhere it may not."""
        target = httpx.URL(url)
        headers = [
            (b"Host", target.netloc),
            (b"Content-Type", b"application/json"),
            (b"User-Agent", b"Sigap-Webhooks/1"),
            (b"Sigap-Event-Id", event_id.encode()),
            (b"Sigap-Signature", sign(secret, body, int(time.time())).encode()),
        ]
        if target.username:
            basic = base64.b64encode(f"{target.username}:{target.password}".encode())
            headers.append((b"Authorization", b"Basic " + basic))
        address = httpcore2.URL(
            scheme=target.raw_scheme, host=target.raw_host, port=target.port, target=target.raw_path
        )
        limits = dict.fromkeys(("connect", "read", "write", "pool"), self.timeout_s)
        try:
            with transport.deadline(self.timeout_s):
                status = self._send(address, headers, body, limits)
        except httpcore2.TimeoutException as exc:
            raise DeliveryTimeout(f"{url} gave no full answer within {self.timeout_s:g} s") from exc
        if not 200 <= status < 300:
            raise WebhookRefused(f"{url} answered {status}")

    def _send(
        self,
        address: httpcore2.URL,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        limits: dict[str, float],
    ) -> int:
        extensions = {"timeout": limits}
        with self._pool.stream(
            "POST", address, headers=headers, content=body, extensions=extensions
        ) as response:
            read = 0
            for chunk in response.iter_stream():  # read (a little of) the answer, in time
                read += len(chunk)
                if read > ANSWER_READ_MAX:
                    break  # the rest is not wanted: the connection is closed, not reused
            return response.status

    def close(self) -> None:
        self._pool.close()


class WebhookRefused(Exception):
    """The receiver answered, but not with 2xx."""


class DeliveryTimeout(Exception):
    """No complete answer within ``SIGAP_WEBHOOK_TIMEOUT_S`` (resolve, connect, send, answer)."""


def endpoints(session: Session, ids: set[int]) -> dict[int, dict[str, Any]]:
    query = select(ENDPOINT).where(ENDPOINT.c.id.in_(ids))
    return {row["id"]: dict(row) for row in session.execute(query).mappings()}
