"""The order state machine as a stateful property test, and the last item under concurrent
orders (both databases).

The model keeps each order's state and payment and the product's free stock; hypothesis
places orders, sends every action as every actor and lets the clock run the timeouts, and
after each step the database must agree with the model: stock never below zero and always the
initial stock less what live orders hold.
"""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select
from tests.conftest import TEST_ACCOUNTS
from tests.market.conftest import CIDENG, NIB

from sigap.accounts.service import create as create_account
from sigap.db import Database
from sigap.errors import SigapError
from sigap.kit import utcnow
from sigap.market import machine, orders, products, sellers
from sigap.models import MarketOrder, MarketProduct
from sigap.regions.state import RegionState

STOCK = 6
TIMEOUTS = orders.Timeouts(accept=timedelta(minutes=60), complete=timedelta(hours=72))
RELEASED = frozenset(machine.ENDED)
_numbers = itertools.count(1)


def shop(db: Database, state: RegionState) -> tuple[int, int]:
    """A curated shop: its account and its id."""
    with db.transaction() as session:
        account = create_account(
            session,
            email=f"toko{next(_numbers)}x{TEST_ACCOUNTS}",
            name="Toko",
            password="x" * 12,
            role="citizen",
        )
        reg = sellers.Registration("Kue Bu Sri", NIB, CIDENG["lat"], CIDENG["lon"])
        seller = sellers.register(session, state, account.id, reg, now=utcnow())
        seller.status = "active"
        return account.id, seller.id


def product(db: Database, state: RegionState, seller_id: int, stock: int) -> int:
    with db.transaction() as session:
        seller = sellers.get(session, seller_id, public=False)
        listing = products.Listing("Kue Lapis", "food", "fresh", 20_000, stock)
        return products.create(session, state, seller, listing, now=utcnow()).id


def buyer(db: Database) -> int:
    with db.transaction() as session:
        return create_account(
            session,
            email=f"beli{next(_numbers)}x{TEST_ACCOUNTS}",
            name="Pembeli",
            password="x" * 12,
            role="citizen",
        ).id


class Orders(RuleBasedStateMachine):
    def __init__(self, db: Database, state: RegionState, people: tuple[int, int, int]) -> None:
        super().__init__()
        self.db = db
        self.seller_account, seller_id, self.buyer = people
        self.product = product(db, state, seller_id, STOCK)
        self.now = utcnow()
        self.model: dict[int, dict[str, Any]] = {}  # order id -> status, quantity, payment

    def stock(self) -> int:
        held = sum(o["quantity"] for o in self.model.values() if o["status"] not in RELEASED)
        return STOCK - held

    @rule(quantity=st.integers(1, 4))
    def place(self, quantity: int) -> None:
        basket = orders.Basket([(self.product, quantity)], "cash", None)
        refused: SigapError | None = None
        try:
            with self.db.transaction() as session:
                placed = orders.place(session, self.buyer, basket, now=self.now, timeouts=TIMEOUTS)
                order_id = placed.order.id
        except SigapError as error:
            refused = error
        if refused is not None:
            assert refused.code == "market_out_of_stock"
            assert quantity > self.stock()
            return
        assert quantity <= self.stock()
        self.model[order_id] = {
            "status": "placed",
            "quantity": quantity,
            "paid": False,
            "due": self.now + TIMEOUTS.accept,
        }

    @precondition(lambda self: bool(self.model))
    @rule(
        data=st.data(),
        action=st.sampled_from(machine.ACTIONS),
        actor=st.sampled_from(["buyer", "seller", "system"]),
    )
    def act(self, data: st.DataObject, action: str, actor: str) -> None:
        order_id = data.draw(st.sampled_from(sorted(self.model)))
        expected = self.model[order_id]
        account = {"buyer": self.buyer, "seller": self.seller_account}.get(actor)
        refused: SigapError | None = None
        try:
            with self.db.transaction() as session:
                order = orders.load(session, order_id, lock=True)
                orders.act(session, order, action, actor, account, now=self.now, timeouts=TIMEOUTS)
        except SigapError as error:
            refused = error
        if refused is not None:
            assert refused.code == "market_action_not_allowed"
            assert not self.legal(expected, action, actor), (expected, action, actor)
            return
        assert self.legal(expected, action, actor), (expected, action, actor)
        found = machine.TRANSITIONS[(expected["status"], action)]
        if found.to is not None:
            expected["status"] = found.to
            handed = found.to in ("picked_up", "delivered")
            expected["due"] = self.now + TIMEOUTS.complete if handed else None
        if action in ("confirm_payment", "pick_up", "deliver"):
            expected["paid"] = True
        if action == "refund":
            expected["paid"] = "refunded"

    def legal(self, expected: dict[str, Any], action: str, actor: str) -> bool:
        rule_ = machine.rule(expected["status"], action, actor)
        checks = {
            "deliver": False,
            "confirm_payment": expected["paid"] is False,
            "refund": expected["paid"] is True,
        }
        return rule_ is not None and checks.get(action, True)

    @rule(minutes=st.sampled_from([10, 61, 60 * 73]))
    def time_passes(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)
        with self.db.transaction() as session:
            orders.sweep(session, now=self.now, timeouts=TIMEOUTS)
        for expected in self.model.values():
            if expected["due"] is not None and expected["due"] <= self.now:
                placed = expected["status"] == "placed"
                expected["status"] = "expired" if placed else "completed"
                expected["due"] = None

    @invariant()
    def the_database_agrees(self) -> None:
        with self.db.reading() as session:
            stock = session.scalar(
                select(MarketProduct.stock).where(MarketProduct.id == self.product)
            )
            found = dict(
                session.execute(
                    select(MarketOrder.id, MarketOrder.status).where(
                        MarketOrder.id.in_(list(self.model) or [0])
                    )
                ).all()
            )
        assert stock is not None
        assert stock >= 0
        assert stock == self.stock()
        assert found == {i: o["status"] for i, o in self.model.items()}


@pytest.mark.slow
def test_random_order_histories_keep_stock_and_states(
    client: TestClient, database: Database
) -> None:
    state: RegionState = client.app.state.region  # type: ignore[attr-defined]
    people = (*shop(database, state), buyer(database))
    run_state_machine_as_test(
        lambda: Orders(database, state, people),
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


def test_the_last_item_is_sold_once_under_concurrent_orders(
    client: TestClient, database: Database
) -> None:
    state: RegionState = client.app.state.region  # type: ignore[attr-defined]
    db = database
    last = product(db, state, shop(db, state)[1], 1)
    buyers = [buyer(db) for _ in range(8)]
    start = threading.Barrier(len(buyers))
    outcomes: list[str] = []

    def order(account: int) -> None:
        start.wait()
        try:
            with db.transaction() as session:
                orders.place(
                    session,
                    account,
                    orders.Basket([(last, 1)], "cash"),
                    now=utcnow(),
                    timeouts=TIMEOUTS,
                )
            outcomes.append("placed")
        except SigapError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=order, args=(b,)) for b in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["market_out_of_stock"] * 7 + ["placed"]
    with db.reading() as session:
        assert session.scalar(select(MarketProduct.stock).where(MarketProduct.id == last)) == 0
        assert len(session.scalars(select(MarketOrder.id)).all()) == 1


def test_a_batch_places_what_it_can_and_refuses_the_rest(
    client: TestClient, database: Database
) -> None:
    """The order writer's batch (``orders.place_all``): orders with a key go first, then each
    basket is checked against the stock the baskets before it left; one that cannot be filled
    gets its error and writes nothing, the others are placed in the same transaction, each
    with its own items (the orders' ids pair with their baskets)."""
    state: RegionState = client.app.state.region  # type: ignore[attr-defined]
    db = database
    seller = shop(db, state)[1]
    kue, lapis = product(db, state, seller, 3), product(db, state, seller, 5)
    first, second = buyer(db), buyer(db)
    now = utcnow()

    def placing(
        account: int, items: list[tuple[int, int]], key: orders.Keyed | None = None
    ) -> orders.Placing:
        return orders.Placing(account, orders.Basket(items, "cash"), now, TIMEOUTS, key)

    batch = [
        placing(first, [(kue, 2), (lapis, 1)]),
        placing(second, [(kue, 2)]),  # one kue left by then: refused
        placing(second, [(lapis, 4)]),  # the rest of the lapis
        placing(first, [(999_999, 1)]),  # no such product
        placing(second, [(kue, 1)], orders.Keyed("k-1", "hash")),  # first of all
    ]
    with db.transaction() as session:
        results = orders.place_all(session, batch)
    codes = [r.code if isinstance(r, SigapError) else "placed" for r in results]
    assert codes == [
        "placed",
        "market_out_of_stock",
        "placed",
        "market_product_not_found",
        "placed",
    ]
    with db.reading() as session:
        for product_id in (kue, lapis):
            stock = select(MarketProduct.stock).where(MarketProduct.id == product_id)
            assert session.scalar(stock) == 0
        for placed, asked in zip(results, batch, strict=True):
            if isinstance(placed, SigapError):
                continue
            stored = session.get_one(MarketOrder, placed.order.id)
            assert stored.buyer_id == asked.buyer_id
            assert stored.total == 20_000 * sum(n for _p, n in asked.basket.items)
            items = orders.items_of(session, [stored.id])[stored.id]
            assert sorted((i.product_id, i.quantity) for i in items) == sorted(asked.basket.items)
            assert [e.action for e in orders.events_of(session, stored.id)] == ["place"]
        assert len(session.scalars(select(MarketOrder.id)).all()) == 3
