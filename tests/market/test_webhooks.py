"""Market order events reach admins' webhooks (docs/webhooks.md "market.order"): the one event
shape and signature of report events, ``...Z`` times, no buyer account; delivered by the real
worker to a real local HTTP receiver (both databases)."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.market.conftest import Market
from tests.notify.conftest import FakeDNS, Receiver, admin_headers, dns, drain, receiver
from tests.notify.conftest import make_worker as make_worker

from sigap.notify import webhooks
from sigap.notify.worker import Worker

__all__ = ["dns", "make_worker", "receiver"]  # the notify tests' fixtures, used here
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_order_events_reach_a_subscribed_webhook_signed(
    market: Market, receiver: Receiver, make_worker: Callable[..., Worker]
) -> None:
    with market.database.transaction() as session:
        webhooks.create(session, url=receiver.url, events=["market.order"], secret="s" * 32)
        webhooks.create(
            session, url=receiver.url + "/reports", events=["report.created"], secret="s" * 32
        )
    seller, shop = market.shop()
    kue = market.product(seller, price=25_000)
    buyer = market.person("pembeli")
    order = market.order(buyer, [(kue["id"], 2)]).json()
    assert market.seller_does(seller, order["id"], "accept").status_code == 200

    drain(make_worker())

    events = receiver.events()  # delivered side by side: in any order (docs/webhooks.md)
    assert sorted((e["type"], e["data"]["action"]) for e in events) == [
        ("market.order", "accept"),
        ("market.order", "place"),
    ]
    for (headers, body), event in zip(receiver.requests, events, strict=True):
        assert headers["Sigap-Event-Id"] == event["id"]
        assert webhooks.verify("s" * 32, body, headers["Sigap-Signature"])
        assert STAMP.match(event["created_at"])
        assert STAMP.match(event["data"]["at"])
        assert "buyer_id" not in event["data"]
    # two requests in all: the endpoint of report.created got nothing
    accepted = next(e for e in events if e["data"]["action"] == "accept")
    assert accepted["data"] == {
        "order_id": order["id"],
        "action": "accept",
        "actor": "seller",
        "status": "accepted",
        "payment_state": "unpaid",
        "total": 50_000,
        "seller_id": shop["id"],
        "unit_id": None,
        "at": accepted["data"]["at"],
    }


def test_an_admin_subscribes_to_market_orders(market: Market, dns: FakeDNS) -> None:
    dns.names["hooks.example"] = ["93.184.216.34"]
    admin = admin_headers(market.client)
    made = market.client.post(
        "/api/v1/admin/webhooks",
        json={"url": "https://hooks.example/sigap", "events": ["market.order"]},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    assert made.json()["events"] == ["market.order"]
    refused = market.client.post(
        "/api/v1/admin/webhooks",
        json={"url": "https://hooks.example/sigap", "events": ["market.nothing"]},
        headers=admin,
    )
    assert refused.status_code == 422
