"""Orders: placing (stock reserved), the actions of the state machine, the timeout sweep.

Placing (:func:`place_all`, one order or the order writer's batch) reads the baskets'
products locked (``FOR UPDATE`` on PostgreSQL; SQLite writes one transaction at a time): of
two orders racing for the last item, the second waits for the first's commit, reads the stock
it left and gets 409 ``market_out_of_stock``, writing nothing. The stock is taken by one
conditional UPDATE (``stock = stock - n WHERE stock >= n``), with the CHECK ``stock >= 0``
behind it. Declining, cancelling and expiring give the stock back
(:data:`machine.RELEASES`). Every action is an event and an outbox message (``market.order``,
:mod:`sigap.market.messages`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, case, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from sigap.config import Settings
from sigap.errors import SigapError
from sigap.market import budgets, machine, messages
from sigap.market.payments import ADAPTERS
from sigap.models import (
    MarketOrder,
    MarketOrderEvent,
    MarketOrderItem,
    MarketProduct,
    MarketSeller,
)
from sigap.notify.outbox import OUTBOX
from sigap.rows import insert_rows

ACTOR_NAMES = {
    "buyer": ("oleh pembeli", "by the buyer"),
    "seller": ("oleh penjual", "by the seller"),
    "system": ("oleh sistem", "by the system"),
}


@dataclass(frozen=True, slots=True)
class Basket:
    items: Sequence[tuple[int, int]]  # (product id, quantity)
    payment: str  # cash, qris
    delivery_kelurahan: str | None = None  # None: pickup
    note: str = ""


@dataclass(frozen=True, slots=True)
class Timeouts:
    accept: timedelta  # a placed order not accepted in this time expires
    complete: timedelta  # a handed-over order completes after this

    @classmethod
    def of(cls, settings: Settings) -> Timeouts:
        return cls(
            accept=timedelta(minutes=settings.market_accept_minutes),
            complete=timedelta(hours=settings.market_complete_hours),
        )


@dataclass(frozen=True, slots=True)
class Keyed:
    """A placement's Idempotency-Key and the sha256 of its body."""

    key: str
    body_hash: str


def _keyed(session: Session, buyer_id: int, key: Keyed | None) -> MarketOrder | None:
    """The buyer's order placed under ``key`` before, if any; another body under it is
    refused."""
    if key is None:
        return None
    first = session.scalar(
        select(MarketOrder).where(
            MarketOrder.buyer_id == buyer_id, MarketOrder.idempotency_key == key.key
        )
    )
    if first is not None and first.request_hash != key.body_hash:
        raise SigapError("market_order_key_reused")
    return first


class Placed(NamedTuple):
    order: MarketOrder
    new: bool  # False: a retry under the same Idempotency-Key gave back the first order
    items: list[MarketOrderItem]  # the order's, as stored (by product id)


@dataclass(frozen=True, slots=True)
class Placing:
    """One order to place: a buyer's basket at ``now``, under the client's ``key`` if it sent
    one. What the order writer is handed (:mod:`sigap.market.order_writer`)."""

    buyer_id: int
    basket: Basket
    now: datetime
    timeouts: Timeouts
    key: Keyed | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled to the order writer as its values (a dataclass's own way, through
        ``fields()`` for it and each part, cost twice as much per order)."""
        basket, key = self.basket, self.key
        values = (
            self.buyer_id,
            basket.items,
            basket.payment,
            basket.delivery_kelurahan,
            basket.note,
            self.now,
            self.timeouts.accept,
            self.timeouts.complete,
            key.key if key else None,
            key.body_hash if key else None,
        )
        return (_placing, values)


def _placing(
    buyer_id: int,
    items: Sequence[tuple[int, int]],
    payment: str,
    delivery_kelurahan: str | None,
    note: str,
    now: datetime,
    accept: timedelta,
    complete: timedelta,
    key: str | None,
    body_hash: str | None,
) -> Placing:
    keyed = Keyed(key, body_hash) if key is not None and body_hash is not None else None
    basket = Basket(items, payment, delivery_kelurahan, note)
    return Placing(buyer_id, basket, now, Timeouts(accept, complete), keyed)


# Placing's statements, built once (building one costs as much as sending it): Core on the
# tables, without the ORM's unit of work. What it reads of each product and its shop: only
# the columns it checks and copies; the products locked, in id order (no deadlock between
# batches), until the transaction ends, so the stock read is the stock the batch takes from.
PRODUCT = cast(Table, MarketProduct.__table__)
ORDER = cast(Table, MarketOrder.__table__)
ITEM = cast(Table, MarketOrderItem.__table__)
EVENT_TABLE = cast(Table, MarketOrderEvent.__table__)
ORDER_COLUMNS = tuple(c.name for c in ORDER.columns if c.name != "id")
WANTED = (
    select(
        PRODUCT.c.id,
        PRODUCT.c.name,
        PRODUCT.c.price,
        PRODUCT.c.stock,
        PRODUCT.c.active,
        PRODUCT.c.delivery,
        MarketSeller.id.label("seller_id"),
        MarketSeller.status.label("seller_status"),
        MarketSeller.qris,
    )
    .join_from(PRODUCT, MarketSeller, MarketSeller.id == PRODUCT.c.seller_id)
    .where(PRODUCT.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(PRODUCT.c.id)
    .with_for_update(of=PRODUCT)
)
QRIS = (
    update(ORDER)
    .where(ORDER.c.id == bindparam("order_id"))
    .values(qris_payload=bindparam("payload"))
)
EVENT = insert(EVENT_TABLE)


def place(
    session: Session,
    buyer_id: int,
    basket: Basket,
    *,
    now: datetime,
    timeouts: Timeouts,
    key: Keyed | None = None,
) -> Placed:
    """A placed order with its stock reserved, or nothing at all (the transaction's errors),
    and whether it is new. With ``key`` (the client's Idempotency-Key and the request body's
    hash), a retry of the same body gives back the first order unchanged (False) and another
    body under the same key is refused: a buyer tapping twice on a slow line orders once.
    :func:`place_all` of one order."""
    (placed,) = place_all(session, [Placing(buyer_id, basket, now, timeouts, key)])
    if isinstance(placed, SigapError):
        raise placed
    return placed


def place_all(session: Session, placings: Sequence[Placing]) -> list[Placed | SigapError]:
    """Each of ``placings`` placed, or its own error with nothing of it written (the others
    are placed all the same): the order writer's batch, and :func:`place`'s one order.

    The hot path of the market (issue #28): one statement per step for the whole batch, none
    read back. The products of every basket are read and locked first, in id order; each
    basket is checked against what is left of their stock after the baskets before it, so an
    order that cannot be filled gets ``market_out_of_stock`` and takes nothing. The stock
    taken is one conditional UPDATE per product (``WHERE stock >= n``, certain under the
    lock: a miss fails the batch, whose orders the writer then places one by one); then one
    insert each of the orders, the items, the events and the outbox messages
    (tests/test_statements.py counts them). Orders with a key go first, one at a time, each
    in a savepoint: the key's unique index lets one of two racing in."""
    wanted = sorted({product_id for p in placings for product_id, _n in p.basket.items})
    found = {row.id: row for row in session.connection().execute(WANTED, {"ids": wanted})}
    left = {product_id: row.stock for product_id, row in found.items()}
    results: list[Placed | SigapError | None] = [None] * len(placings)
    plain = []
    for n, placing in enumerate(placings):
        if placing.key is None:
            plain.append(n)
            continue
        try:
            results[n] = _place_keyed(session, placing, placing.key, found, left)
        except SigapError as error:
            results[n] = error
    for n, one in zip(
        plain, _fill(session, [placings[n] for n in plain], found, left), strict=True
    ):
        results[n] = one
    return cast(list[Placed | SigapError], results)


def _place_keyed(
    session: Session, placing: Placing, key: Keyed, found: dict[int, Any], left: dict[int, int]
) -> Placed | SigapError:
    first = _keyed(session, placing.buyer_id, key)
    if first is None:
        before = dict(left)
        try:
            with session.begin_nested():
                (placed,) = _fill(session, [placing], found, left)
            return placed
        except IntegrityError:
            left.update(before)  # what the savepoint gave back
            first = _keyed(session, placing.buyer_id, key)  # the other one, committed meanwhile
            if first is None:
                raise
    return Placed(first, False, items_of(session, [first.id])[first.id])


def _fill(
    session: Session, placings: Sequence[Placing], found: dict[int, Any], left: dict[int, int]
) -> list[Placed | SigapError]:
    """``placings`` checked in turn against ``found`` (rows of :data:`WANTED`) and ``left``
    (their stock less what the orders before took), then written together."""
    results: list[Placed | SigapError | None] = []
    taken: dict[int, int] = {}
    accepted: list[tuple[int, MarketOrder, dict[int, int], Any]] = []
    for placing in placings:
        quantities: dict[int, int] = {}
        for product_id, quantity in placing.basket.items:
            quantities[product_id] = quantities.get(product_id, 0) + quantity
        try:
            shop = _check(placing.basket, quantities, found, left)
        except SigapError as error:
            results.append(error)
            continue
        for product_id, quantity in quantities.items():
            left[product_id] -= quantity
            taken[product_id] = taken.get(product_id, 0) + quantity
        order = _order(placing, shop, sum(found[p].price * n for p, n in quantities.items()))
        accepted.append((len(results), order, quantities, shop))
        results.append(None)
    if accepted:
        _reserve(session, taken)
        for (n, order, _q, _s), written in zip(
            accepted, _write(session, accepted, found), strict=True
        ):
            make_transient_to_detached(order)  # as stored: a caller's changes are flushed
            session.add(order)
            results[n] = Placed(order, True, written)
    return cast(list[Placed | SigapError], results)


def _check(
    basket: Basket, quantities: dict[int, int], found: dict[int, Any], left: dict[int, int]
) -> Any:
    """The basket's shop (a row of :data:`WANTED`), if its order can be placed: its products
    exist, are of one active shop, can be had as asked, and are in stock."""
    for product_id in quantities:
        if product_id not in found:
            raise SigapError("market_product_not_found", product_id=product_id)
    shops = {found[p].seller_id for p in quantities}
    if len(shops) != 1:
        raise SigapError("market_one_seller")
    shop = found[next(iter(quantities))]
    if shop.seller_status != "active":
        raise SigapError("market_seller_not_found", seller_id=shop.seller_id)
    _check_basket(basket, shop.qris, [found[p] for p in quantities])
    for product_id in sorted(quantities):
        if left[product_id] < quantities[product_id]:
            name = found[product_id].name
            raise SigapError("market_out_of_stock", name=name, quantity=quantities[product_id])
    return shop


def _order(placing: Placing, shop: Any, total: int) -> MarketOrder:
    now, basket, key = placing.now, placing.basket, placing.key
    return MarketOrder(
        buyer_id=placing.buyer_id,
        seller_id=shop.seller_id,
        status="placed",
        delivery_kelurahan=basket.delivery_kelurahan,
        payment_method=basket.payment,
        payment_state="unpaid",
        qris_payload=None,
        total=total,
        note=basket.note,
        placed_at=now,
        changed_at=now,
        due_at=now + placing.timeouts.accept,
        idempotency_key=key.key if key else None,
        request_hash=key.body_hash if key else None,
        buyer_unit_id=None,
        budget_id=None,
    )


def _write(
    session: Session,
    accepted: list[tuple[int, MarketOrder, dict[int, int], Any]],
    found: dict[int, Any],
) -> list[list[MarketOrderItem]]:
    """Insert the accepted orders (their ids set), their items, events and outbox messages;
    each order's items as stored."""
    connection = session.connection()
    rows = [{c: getattr(order, c) for c in ORDER_COLUMNS} for _n, order, _q, _s in accepted]
    # The key's sequence numbers the rows in the order given (``ordered``): sorted, they pair.
    ids = sorted(
        i for (i,) in insert_rows(connection, ORDER, rows, returning=("id",), ordered=True)
    )
    items = []
    payloads = []
    for order_id, (_n, order, quantities, shop) in zip(ids, accepted, strict=True):
        order.id = order_id
        items.append(
            [
                MarketOrderItem(
                    order_id=order_id,
                    product_id=p,
                    name=found[p].name,
                    quantity=n,
                    price=found[p].price,
                )
                for p, n in sorted(quantities.items())
            ]
        )
        payload = ADAPTERS[order.payment_method].payload(
            static_qris=shop.qris, amount=order.total, reference=f"SIGAP-{order_id}"
        )
        if payload is not None:  # it names the order: known once the order is in
            order.qris_payload = payload
            payloads.append({"order_id": order_id, "payload": payload})
    if payloads:
        session.execute(QRIS, payloads)
    insert_rows(
        connection,
        ITEM,
        [
            {
                "order_id": i.order_id,
                "product_id": i.product_id,
                "name": i.name,
                "quantity": i.quantity,
                "price": i.price,
            }
            for written in items
            for i in written
        ],
    )
    orders = [order for _n, order, _q, _s in accepted]
    insert_rows(
        connection,
        EVENT_TABLE,
        [
            {
                "order_id": o.id,
                "action": "place",
                "status": o.status,
                "actor": "buyer",
                "account_id": o.buyer_id,
                "reason": None,
                "at": o.placed_at,
            }
            for o in orders
        ],
    )
    insert_rows(
        connection, OUTBOX, [messages.message(o, "place", "buyer", now=o.placed_at) for o in orders]
    )
    return items


def _check_basket(basket: Basket, qris: str | None, products: list[Any]) -> None:
    """``products``: rows of :data:`WANTED`."""
    for product in products:
        if not product.active:
            raise SigapError("market_unavailable", name=product.name)
        if basket.delivery_kelurahan is not None and basket.delivery_kelurahan not in (
            product.delivery or []
        ):
            raise SigapError("market_no_delivery", kelurahan=basket.delivery_kelurahan)
    if basket.payment == "qris" and not qris:
        raise SigapError("market_no_qris")


def _reserve(session: Session, taken: dict[int, int]) -> None:
    """Take ``taken`` (product id: quantity) off the products' stock: ``stock = stock - n
    WHERE stock >= n`` for each, in one statement (n by a CASE on the id)."""
    quantity = case(taken, value=PRODUCT.c.id)
    taking = (
        update(PRODUCT)
        .where(PRODUCT.c.id.in_(sorted(taken)), PRODUCT.c.stock >= quantity)
        .values(stock=PRODUCT.c.stock - quantity)
    )
    if session.connection().execute(taking).rowcount != len(taken):
        raise RuntimeError("a locked product's stock changed under the batch")


def _release(session: Session, order_id: int) -> None:
    items = session.execute(
        select(MarketOrderItem.product_id, MarketOrderItem.quantity)
        .where(MarketOrderItem.order_id == order_id)
        .order_by(MarketOrderItem.product_id)
    ).all()
    for product_id, quantity in items:
        session.execute(
            update(MarketProduct)
            .where(MarketProduct.id == product_id)
            .values(stock=MarketProduct.stock + quantity)
            .execution_options(synchronize_session=False)
        )


def load(session: Session, order_id: int, *, lock: bool = False) -> MarketOrder:
    query = select(MarketOrder).where(MarketOrder.id == order_id)
    order = session.scalar(query.with_for_update() if lock else query)
    if order is None:
        raise SigapError("market_order_not_found", order_id=order_id)
    return order


def act(
    session: Session,
    order: MarketOrder,
    action: str,
    actor: str,
    account_id: int | None,
    *,
    now: datetime,
    timeouts: Timeouts,
    reason: str | None = None,
) -> MarketOrder:
    """Carry out ``action`` by ``actor`` (buyer, seller, system) on a loaded, locked order:
    the transition table's rule, else 409 ``market_action_not_allowed``."""
    found = machine.rule(order.status, action, actor)
    if found is None or not fits(order, action):
        by_id, by_en = ACTOR_NAMES[actor]
        raise SigapError(
            "market_action_not_allowed",
            state=order.status,
            action=action,
            actor_id=by_id,
            actor_en=by_en,
        )
    if action in machine.RELEASES:
        _release(session, order.id)
        budgets.release(session, order)  # a city unit's order (e-order): its budget back
    if action == "confirm_payment" or (
        action in ("pick_up", "deliver") and ADAPTERS[order.payment_method].confirmed_at_handover
    ):
        order.payment_state = "paid"
    if action == "refund":
        order.payment_state = "refunded"
    if found.to is not None:
        order.status = found.to
        order.due_at = now + timeouts.complete if found.to in ("picked_up", "delivered") else None
    order.changed_at = now
    _event(session, order, action, actor, account_id, reason, now)
    return order


def fits(order: MarketOrder, action: str) -> bool:
    """The checks a transition needs beyond its state: deliver only a delivery order, pick up
    only a pickup order, confirm an unpaid order, refund a paid one."""
    return {
        "deliver": order.delivery_kelurahan is not None,
        "pick_up": order.delivery_kelurahan is None,
        "confirm_payment": order.payment_state == "unpaid",
        "refund": order.payment_state == "paid",
    }.get(action, True)


def _event(
    session: Session,
    order: MarketOrder,
    action: str,
    actor: str,
    account_id: int | None,
    reason: str | None,
    now: datetime,
) -> None:
    """The action's event and its outbox message (:mod:`sigap.market.messages`), each one
    INSERT in the action's transaction; the order's own changes are flushed by then (the
    session flushes before each statement)."""
    session.execute(
        EVENT,
        {
            "order_id": order.id,
            "action": action,
            "status": order.status,
            "actor": actor,
            "account_id": account_id,
            "reason": reason,
            "at": now,
        },
    )
    messages.announce(session, order, action, actor, now=now)


def sweep(session: Session, *, now: datetime, timeouts: Timeouts, limit: int = 500) -> int:
    """Orders whose time is up: not accepted in time (expire, stock back), handed over long
    enough ago (complete). The number changed."""
    due = session.scalars(
        select(MarketOrder)
        .where(MarketOrder.due_at <= now)
        .order_by(MarketOrder.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for order in due:
        action = "expire" if order.status == "placed" else "complete"
        if machine.rule(order.status, action, "system") is None:
            order.due_at = None
            continue
        act(session, order, action, "system", None, now=now, timeouts=timeouts)
    return len(due)


def items_of(session: Session, order_ids: Sequence[int]) -> dict[int, list[MarketOrderItem]]:
    found: dict[int, list[MarketOrderItem]] = {order_id: [] for order_id in order_ids}
    for item in session.scalars(
        select(MarketOrderItem)
        .where(MarketOrderItem.order_id.in_(order_ids))
        .order_by(MarketOrderItem.product_id)
    ):
        found[item.order_id].append(item)
    return found


def events_of(session: Session, order_id: int) -> list[MarketOrderEvent]:
    return list(
        session.scalars(
            select(MarketOrderEvent)
            .where(MarketOrderEvent.order_id == order_id)
            .order_by(MarketOrderEvent.id)
        )
    )


def listing(
    session: Session,
    *,
    buyer_id: int | None = None,
    seller_id: int | None = None,
    status: str | None = None,
    limit: int = 50,
) -> list[MarketOrder]:
    query = select(MarketOrder).order_by(MarketOrder.placed_at.desc(), MarketOrder.id.desc())
    if buyer_id is not None:
        query = query.where(MarketOrder.buyer_id == buyer_id)
    if seller_id is not None:
        query = query.where(MarketOrder.seller_id == seller_id)
    if status is not None:
        query = query.where(MarketOrder.status == status)
    return list(session.scalars(query.limit(limit)))


def sales(session: Session, seller_id: int, since: datetime) -> tuple[int, int]:
    """(orders, rupiah) of the seller's orders placed since ``since`` that were not ended
    without a sale (declined, cancelled, expired): a day's sales."""
    rows = (
        session.execute(
            select(MarketOrder.total).where(
                MarketOrder.seller_id == seller_id,
                MarketOrder.placed_at >= since,
                MarketOrder.status.not_in(machine.ENDED),
            )
        )
        .scalars()
        .all()
    )
    return len(rows), sum(rows)
