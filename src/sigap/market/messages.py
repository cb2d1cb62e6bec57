"""Messages of the marketplace, through the outbox like the reports' (``market.order``).

Each order action writes one ``market.order`` message in its own transaction
(:func:`announce`); the worker's ``market.*`` handler (:func:`expand`, registered by
:func:`sigap.jobs.build_worker`) turns it into one ``webhook.send`` message per subscribed
endpoint (:func:`hooks`, docs/webhooks.md) and one ``mail.send`` message for the other side:
the seller hears of what the buyer (or the clock) did, the buyer of what the seller (or the
clock) did. Accounts signed up by phone have no mailbox and get none. Times are the region's
(WIB), amounts whole rupiah.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from sigap.config import Settings
from sigap.kit import rupiah
from sigap.models import Account, MarketOrder, MarketSeller
from sigap.notify import webhooks
from sigap.notify.fanout import MAIL_TOPIC, local_time
from sigap.notify.outbox import OUTBOX, Message, OutboxRow, finish_claimed, new_row
from sigap.notify.payloads import market_message, market_public, webhook_message

TOPIC = "market.order"
COLUMNS = ("id", "status", "payment_state", "total", "seller_id", "buyer_id", "buyer_unit_id")
TEMPLATE = "market_order"
MESSAGE = insert(OUTBOX)


def announce(
    session: Session, order: MarketOrder, action: str, actor: str, *, now: datetime
) -> None:
    """The order's ``market.order`` message, in the action's transaction."""
    session.execute(MESSAGE, message(order, action, actor, now=now))


def message(order: MarketOrder, action: str, actor: str, *, now: datetime) -> OutboxRow:
    """The outbox row of ``action`` on ``order`` (placing inserts a batch's together)."""
    return market_message({name: getattr(order, name) for name in COLUMNS}, action, actor, now=now)


def mails(
    session: Session, settings: Settings, zone: ZoneInfo, messages: Sequence[Message]
) -> list[OutboxRow]:
    """One ``mail.send`` row per message, to the side that did not act."""
    sellers = {
        s.id: s
        for s in session.scalars(
            select(MarketSeller).where(
                MarketSeller.id.in_({m.payload["seller_id"] for m in messages})
            )
        )
    }
    wanted = {m.payload["buyer_id"] for m in messages} | {s.account_id for s in sellers.values()}
    accounts = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(wanted)))}
    rows = []
    for message in messages:
        p = message.payload
        seller = sellers.get(p["seller_id"])
        if seller is None:
            continue
        to_seller = p["actor"] == "buyer"
        account = accounts.get(seller.account_id if to_seller else p["buyer_id"])
        if account is None or account.email.endswith("@phone.invalid"):
            continue
        context = _context(settings, zone, p, seller, to_seller, message.created_at)
        mail = {
            "to": account.email,
            "template": TEMPLATE,
            "language": account.language,
            "context": context,
        }
        rows.append(new_row(MAIL_TOPIC, mail))
    return rows


def _context(
    settings: Settings,
    zone: ZoneInfo,
    p: dict[str, Any],
    seller: MarketSeller,
    to_seller: bool,
    at: datetime,
) -> dict[str, Any]:
    base = settings.public_url.rstrip("/")
    return {
        "order_id": p["order_id"],
        "action": p["action"],
        "status": p["status"],
        "total": rupiah(p["total"]),
        "shop": seller.name,
        "to_seller": to_seller,
        "at": local_time(at, zone),
        "link": f"{base}/api/v1/market/{'seller/' if to_seller else ''}orders/{p['order_id']}",
    }


def hooks(session: Session, messages: Sequence[Message]) -> list[OutboxRow]:
    """One ``webhook.send`` row per message and endpoint subscribed to its topic (or ``*``),
    built as the reports' are (:func:`sigap.notify.payloads.webhook_message`): the same
    event shape, signature and ``...Z`` times; the buyer's account left out."""
    subscribed = webhooks.active(session)
    return [
        webhook_message(endpoint_id, message, market_public(message.payload))
        for message in messages
        for endpoint_id, events in subscribed
        if message.topic in events or "*" in events
    ]


def expand(session: Session, settings: Settings, zone: ZoneInfo, messages: list[Message]) -> None:
    """The worker's step: the claimed messages' e-mails and webhook deliveries, inserted in
    the transaction that marks them delivered (exactly one of each per message)."""
    mine = finish_claimed(session, [m.id for m in messages])
    claimed = [m for m in messages if m.id in mine]
    rows = mails(session, settings, zone, claimed) + hooks(session, claimed)
    if rows:
        session.execute(OUTBOX.insert(), rows)
