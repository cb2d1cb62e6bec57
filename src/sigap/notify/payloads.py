"""The only place the outbox's report messages (and the marketplace's order messages) and the
webhook events made of them are built (``report.*`` by sigap.notify.fanout, ``market.order``
by sigap.market.messages, both through :func:`webhook_message`).

One shape for every ``report.*`` topic, whichever use case writes it (submit, a workflow
transition, the SLA sweep, a moderator), and one timestamp format for every time in them:
:func:`stamp`, UTC with milliseconds and a ``Z`` (``2026-12-07T10:22:13.042Z``, always 24
characters, so the strings sort as the times do). docs/webhooks.md documents both for receivers.

A report message's payload::

    {"report_id", "event_id" (None for the sweep's warning), "action", "from_status",
     "to_status", "unit" (code of the responsible unit after the change), "at", "note"}

plus the topic's own fields (:func:`report_message`'s ``extra``; a datetime among them is
stamped too). ``tracking_token`` (report.created with a reporter's e-mail) is for the e-mail
only: :func:`sigap.notify.fanout.public_payload` keeps it from webhooks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, NotRequired, TypedDict, cast

from sigap.kit import as_utc
from sigap.notify.outbox import Message, OutboxRow, new_row

WEBHOOK_TOPIC = "webhook.send"


class ReportPayload(TypedDict):
    """The payload of a ``report.*`` message: the keys every topic has, then the topics' own
    (docs/webhooks.md; :mod:`sigap.notify.fanout` says who reads which)."""

    report_id: int
    event_id: int | None  # None for the sweep's warning, which appends no event
    action: str
    from_status: str | None
    to_status: str
    unit: str  # the responsible unit's code after the change
    at: str  # :func:`stamp`
    note: str | None
    tracking_token: NotRequired[str]  # report.created, for the reporter's e-mail only
    assignee: NotRequired[int | None]  # report.assigned: account ids
    previous: NotRequired[int | None]
    escalated_to: NotRequired[str]  # report.escalated: the unit's code, its level, deadline
    level: NotRequired[int]
    level_due_at: NotRequired[str]
    due_at: NotRequired[str]  # report.sla_warning


class WebhookPayload(TypedDict):
    """The payload of a ``webhook.send`` message: one delivery (:func:`webhook_message`)."""

    endpoint_id: int
    event_id: str  # the domain message's message_id
    type: str
    created_at: str
    data: dict[str, Any]  # the domain payload as receivers outside Sigap may see it


def stamp(moment: datetime) -> str:
    """A time as every payload writes it: UTC, milliseconds, ``Z``."""
    return as_utc(moment).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def report_message(
    topic: str,
    *,
    report_id: int,
    event_id: int | None,
    action: str,
    from_status: str | None,
    to_status: str,
    unit: str,
    at: datetime,
    note: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> OutboxRow:
    """The outbox row of a ``report.*`` domain message, to insert in the change's transaction."""
    fields: ReportPayload = {
        "report_id": report_id,
        "event_id": event_id,
        "action": action,
        "from_status": from_status,
        "to_status": to_status,
        "unit": unit,
        "at": stamp(at),
        "note": note,
    }
    payload = cast("dict[str, Any]", fields)  # ``extra``: the topic's own keys
    for key, value in (extra or {}).items():
        payload[key] = stamp(value) if isinstance(value, datetime) else value
    return new_row(topic, payload)


class MarketOrderPayload(TypedDict):
    """The payload of a ``market.order`` message (docs/market.md, "Messages"): one per action
    on an order; :mod:`sigap.market.messages` turns it into an e-mail to the other side."""

    order_id: int
    action: str
    actor: str  # buyer, seller, system
    status: str  # after the action
    payment_state: str
    total: int  # rupiah
    seller_id: int
    buyer_id: int  # for the e-mail only: :func:`market_public` keeps it from webhooks
    unit_id: NotRequired[int | None]  # a city unit's order (e-order): the unit it buys for
    at: str  # stamp()


def market_public(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A ``market.order`` payload as receivers outside Sigap may see it: the shop is public,
    the buyer (a citizen's account) is not; a city unit's order names its unit."""
    return {key: value for key, value in payload.items() if key != "buyer_id"}


def market_message(
    order: Mapping[str, Any], action: str, actor: str, *, now: datetime
) -> OutboxRow:
    """The ``market.order`` message of ``action`` on ``order`` (its columns as a mapping)."""
    payload: MarketOrderPayload = {
        "order_id": order["id"],
        "action": action,
        "actor": actor,
        "status": order["status"],
        "payment_state": order["payment_state"],
        "total": order["total"],
        "seller_id": order["seller_id"],
        "buyer_id": order["buyer_id"],
        "unit_id": order.get("buyer_unit_id"),
        "at": stamp(now),
    }
    return new_row("market.order", payload, now=now)


def webhook_message(endpoint_id: int, message: Message, data: dict[str, Any]) -> OutboxRow:
    """The outbox row of one delivery of ``message`` to one endpoint; ``data`` is the domain
    payload as receivers outside Sigap may see it (:func:`sigap.notify.fanout.public_payload`).
    The delivery's ``id`` is the domain message's id, the same for every endpoint and retry."""
    payload: WebhookPayload = {
        "endpoint_id": endpoint_id,
        "event_id": message.message_id,
        "type": message.topic,
        "created_at": stamp(message.created_at),
        "data": data,
    }
    return new_row(WEBHOOK_TOPIC, payload)


def webhook_body(stored: Mapping[str, Any]) -> bytes:
    """The JSON a receiver gets, ``{"id", "type", "created_at", "data"}``, from the payload of a
    ``webhook.send`` message (the bytes that are signed)."""
    event = {
        "id": stored["event_id"],
        "type": stored["type"],
        "created_at": stored["created_at"],
        "data": stored["data"],
    }
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()
