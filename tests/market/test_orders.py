"""Orders: placing reserves stock, the actions of the transition table, releases, payments,
timeouts and the messages they write (both databases)."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select
from tests.market.conftest import M, Market
from tests.payments.test_qris import static_code
from tests.workflow.conftest import Clock

from sigap.jobs import build_worker
from sigap.models import OutboxMessage
from sigap.payments import qris


def placed(
    market: Market, buyer: dict[str, str], items: list[tuple[int, int]], **overrides: Any
) -> dict[str, Any]:
    response = market.order(buyer, items, **overrides)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


def test_an_order_reserves_stock_and_follows_the_table(market: Market) -> None:
    seller, shop = market.shop()
    kue = market.product(seller, stock=5, price=25_000)
    buyer = market.person("pembeli")
    order = placed(market, buyer, [(kue["id"], 2), (kue["id"], 1)])
    assert (order["status"], order["total"], order["payment_state"]) == ("placed", 75_000, "unpaid")
    assert order["items"] == [
        {"product_id": kue["id"], "name": "Kue Lapis Legit", "quantity": 3, "price": 25_000}
    ]
    assert order["allowed"] == ["cancel"]
    assert market.stock(kue["id"]) == 2
    # The buyer may not accept; the seller may not complete.
    refused = market.buyer_does(buyer, order["id"], "accept")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "market_action_not_allowed"
    for action, status in (("accept", "accepted"), ("ready", "ready"), ("pick_up", "picked_up")):
        done = market.seller_does(seller, order["id"], action)
        assert done.status_code == 200, done.text
        assert done.json()["status"] == status
    assert market.seller_does(seller, order["id"], "complete").status_code == 409
    done = market.buyer_does(buyer, order["id"], "complete").json()
    assert (done["status"], done["payment_state"]) == ("completed", "paid")  # cash at pickup
    assert market.stock(kue["id"]) == 2  # sold: nothing comes back
    page = market.client.get(f"{M}/orders/{order['id']}", headers=buyer).json()
    assert [e["action"] for e in page["events"]] == [
        "place",
        "accept",
        "ready",
        "pick_up",
        "complete",
    ]
    sales = market.client.get(f"{M}/seller/sales", headers=seller).json()
    assert (sales["orders"], sales["total"]) == (1, 75_000)
    assert shop["id"] == order["seller_id"]


def test_decline_and_cancel_give_the_stock_back(market: Market) -> None:
    seller, _ = market.shop()
    kue = market.product(seller, stock=4)
    buyer = market.person("pembeli")
    first = placed(market, buyer, [(kue["id"], 3)])
    assert market.stock(kue["id"]) == 1
    short = market.order(buyer, [(kue["id"], 2)])
    assert short.status_code == 409
    assert short.json()["error"]["code"] == "market_out_of_stock"
    assert market.stock(kue["id"]) == 1  # the refused order reserved nothing
    assert market.seller_does(seller, first["id"], "decline").json()["status"] == "declined"
    assert market.stock(kue["id"]) == 4
    second = placed(market, buyer, [(kue["id"], 4)])
    assert market.buyer_does(buyer, second["id"], "cancel").json()["status"] == "cancelled"
    assert market.stock(kue["id"]) == 4
    third = placed(market, buyer, [(kue["id"], 1)])
    market.seller_does(seller, third["id"], "accept")
    assert market.buyer_does(buyer, third["id"], "cancel").status_code == 409  # accepted
    assert market.seller_does(seller, third["id"], "cancel").json()["status"] == "cancelled"
    assert market.stock(kue["id"]) == 4
    # Another buyer cannot see or touch the order.
    other = market.person("tetangga")
    assert market.client.get(f"{M}/orders/{first['id']}", headers=other).status_code == 403


def test_qris_is_confirmed_by_the_seller_and_refunded(market: Market) -> None:
    seller, _ = market.shop(qris=static_code())
    kue = market.product(seller, stock=2, price=12_500)
    buyer = market.person("pembeli")
    no_qris_seller, _ = market.shop()
    other = market.product(no_qris_seller)
    refused = market.order(buyer, [(other["id"], 1)], payment="qris")
    assert refused.json()["error"]["code"] == "market_no_qris"
    order = placed(market, buyer, [(kue["id"], 2)], payment="qris")
    assert order["payment_method"] == "qris"
    payload = dict(qris.parse(order["qris_payload"]))  # the exact amount, the order's reference
    assert (payload["01"], payload["54"], payload["59"]) == (qris.DYNAMIC, "25000", "KUE IBU SRI")
    assert f"SIGAP-{order['id']}" in payload["62"]
    bad = market.register(market.person("penjual"), qris=static_code()[:-1] + "0")
    assert bad.json()["error"]["code"] == "qris_invalid"
    assert market.seller_does(seller, order["id"], "refund").status_code == 409  # not ended
    paid = market.seller_does(seller, order["id"], "confirm_payment").json()
    assert (paid["status"], paid["payment_state"]) == ("placed", "paid")
    assert market.seller_does(seller, order["id"], "confirm_payment").status_code == 409
    market.seller_does(seller, order["id"], "decline")
    refunded = market.seller_does(seller, order["id"], "refund").json()
    assert (refunded["status"], refunded["payment_state"]) == ("declined", "refunded")
    mixed = market.order(buyer, [(kue["id"], 1), (other["id"], 1)])
    assert mixed.json()["error"]["code"] == "market_one_seller"


def test_delivery_only_to_listed_kelurahan(market: Market) -> None:
    seller, _ = market.shop()
    kue = market.product(seller, delivery=["31.71.01.1001"])
    buyer = market.person("pembeli")
    far = market.order(buyer, [(kue["id"], 1)], delivery_kelurahan="31.71.02.1001")
    assert far.status_code == 422
    assert far.json()["error"]["code"] == "market_no_delivery"
    order = placed(market, buyer, [(kue["id"], 1)], delivery_kelurahan="31.71.01.1001")
    market.seller_does(seller, order["id"], "accept")
    market.seller_does(seller, order["id"], "ready")
    assert market.seller_does(seller, order["id"], "pick_up").status_code == 409
    assert market.seller_does(seller, order["id"], "deliver").json()["status"] == "delivered"
    hidden = market.product(seller, name="Habis", active=False)
    gone = market.order(buyer, [(hidden["id"], 1)])
    assert gone.json()["error"]["code"] == "market_unavailable"
    missing = market.order(buyer, [(999_999, 1)])
    assert missing.json()["error"]["code"] == "market_product_not_found"


def test_timeouts_expire_and_complete_orders(market: Market, clock: Clock) -> None:
    seller, _ = market.shop()
    kue = market.product(seller, stock=3)
    buyer = market.person("pembeli")
    waiting = placed(market, buyer, [(kue["id"], 2)])
    handed = placed(market, buyer, [(kue["id"], 1)])
    for action in ("accept", "ready", "pick_up"):
        market.seller_does(seller, handed["id"], action)
    assert market.stock(kue["id"]) == 0
    app = market.client.app
    worker = build_worker(app.state.db, app.state.settings)  # type: ignore[attr-defined]
    sweep = worker._periodic["market-timeouts"].fn
    sweep(app.state.db, clock.advance(minutes=30))  # type: ignore[attr-defined]
    assert market.client.get(f"{M}/orders/{waiting['id']}", headers=buyer).json()["status"] == (
        "placed"
    )
    sweep(app.state.db, clock.advance(minutes=31))  # type: ignore[attr-defined]
    expired = market.client.get(f"{M}/orders/{waiting['id']}", headers=buyer).json()
    assert expired["status"] == "expired"
    assert expired["events"][-1]["actor"] == "system"
    assert market.stock(kue["id"]) == 2
    sweep(app.state.db, clock.advance(hours=72))  # type: ignore[attr-defined]
    done = market.client.get(f"{M}/orders/{handed['id']}", headers=buyer).json()
    assert done["status"] == "completed"


def test_each_action_is_a_message_and_an_email_to_the_other_side(market: Market) -> None:
    seller, shop = market.shop()
    kue = market.product(seller)
    buyer = market.person("pembeli")
    order = placed(market, buyer, [(kue["id"], 1)])
    market.seller_does(seller, order["id"], "accept")
    database = market.client.app.state.db  # type: ignore[attr-defined]
    with database.reading() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.topic == "market.order")
            .order_by(OutboxMessage.id)
        ).all()
        assert [(r.payload["action"], r.payload["order_id"]) for r in rows] == [
            ("place", order["id"]),
            ("accept", order["id"]),
        ]
    worker = build_worker(database, market.client.app.state.settings)  # type: ignore[attr-defined]
    worker._dispatch(50)
    with database.reading() as session:
        mails = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.topic == "mail.send")
            .order_by(OutboxMessage.id)
        ).all()
        sent = [
            (m.payload["to"].split("@")[0].rstrip("0123456789"), m.payload["context"]["action"])
            for m in mails
        ]
    assert sent == [("penjual", "place"), ("pembeli", "accept")]
    assert mails[0].payload["context"]["total"] == "Rp 25.000"
    assert mails[0].payload["context"]["shop"] == shop["name"]


def test_a_retried_placement_with_its_key_orders_once(market: Market) -> None:
    """A buyer tapping twice on a slow line: the same Idempotency-Key and body give back the
    first order (200) and reserve nothing more; another body under the key is refused; a
    malformed key changes nothing."""
    seller, _shop = market.shop()
    kue = market.product(seller, stock=5, price=25_000)
    buyer = market.person("pembeli")
    keyed = {**buyer, "Idempotency-Key": "order-7f3a"}
    first = market.order(keyed, [(kue["id"], 2)])
    again = market.order(keyed, [(kue["id"], 2)])
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert market.stock(kue["id"]) == 3
    other = market.order(keyed, [(kue["id"], 1)])
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "market_order_key_reused"
    too_long = market.order({**buyer, "Idempotency-Key": "k" * 201}, [(kue["id"], 1)])
    assert too_long.json()["error"]["code"] == "invalid_idempotency_key"
    # the key is the buyer's own: another buyer's same key is another order
    neighbour = market.order({**market.person("tetangga"), "Idempotency-Key": "order-7f3a"},
                             [(kue["id"], 1)])  # fmt: skip
    assert neighbour.status_code == 201
    assert neighbour.json()["id"] != first.json()["id"]
    assert market.stock(kue["id"]) == 2
    mine = market.client.get(f"{M}/orders", headers=buyer).json()["items"]
    assert [order["id"] for order in mine] == [first.json()["id"]]


def test_two_placements_with_one_key_at_once_order_once(market: Market) -> None:
    """Two requests with the same key racing: the unique key lets one order in; the other
    finds it and answers with it. Stock is taken once."""
    seller, _shop = market.shop()
    kue = market.product(seller, stock=9, price=10_000)
    keyed = {**market.person("pembeli"), "Idempotency-Key": "double-tap"}
    start = threading.Barrier(4)
    answers: list[Any] = []

    def tap() -> None:
        start.wait()
        answers.append(market.order(keyed, [(kue["id"], 3)]))

    threads = [threading.Thread(target=tap) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer.status_code for answer in answers) == [200, 200, 200, 201]
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert market.stock(kue["id"]) == 6


def test_the_last_item_is_sold_once_to_buyers_ordering_at_once(market: Market) -> None:
    """Through the API, so through the order writer's batches: of eight buyers ordering the
    last item at once, one gets it (201) and seven a clear 409; the stock ends at zero."""
    seller, _shop = market.shop()
    kue = market.product(seller, stock=1, price=10_000)
    buyers = [market.person(f"pembeli{n}") for n in range(8)]
    start = threading.Barrier(len(buyers))
    answers: list[Any] = []

    def order(buyer: dict[str, str]) -> None:
        start.wait()
        answers.append(market.order(buyer, [(kue["id"], 1)]))

    threads = [threading.Thread(target=order, args=(buyer,)) for buyer in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer.status_code for answer in answers) == [201] + [409] * 7
    refused = [answer.json()["error"]["code"] for answer in answers if answer.status_code == 409]
    assert set(refused) == {"market_out_of_stock"}
    assert market.stock(kue["id"]) == 0
