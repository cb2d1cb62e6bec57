"""The seller's day in the citizen app, /app/shop (issue #28, docs/market.md): today's sales,
the orders that need the seller (accept, ready, hand over, payment), each product's stock.
Phone first, no script: every button is a small form that comes back to the page.

The forms go through the same use cases as the JSON API (:mod:`sigap.market.orders`,
:mod:`sigap.market.products`); the actions offered are those the transition table allows the
seller now.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from sigap.citizen.pages import to_signin
from sigap.citizen.web import check, page, visitor
from sigap.deps import clock, context_of, in_reading, in_transaction
from sigap.errors import SigapError
from sigap.inputs import Id
from sigap.market import orders, present, products, sellers
from sigap.market.orders import Timeouts
from sigap.market.schemas import Action
from sigap.models import MarketSeller
from sigap.web.body import read_fields

router = APIRouter(prefix="/app", include_in_schema=False)
OPEN = ("placed", "accepted", "ready", "picked_up", "delivered")


def _seller(session: Session, account_id: int) -> MarketSeller | None:
    try:
        return sellers.of_account(session, account_id)
    except SigapError:
        return None


@router.get("/shop")
async def shop_page(request: Request) -> Response:
    who = await visitor(request)
    if who.subject is None:
        return to_signin(request)
    account_id = who.subject.account_id
    ctx = context_of(request)
    local = clock(request).astimezone(ctx.region.timezone)
    start = datetime.combine(local.date(), time(0), ctx.region.timezone)
    storage = request.app.state.photo_storage

    def work(session: Session) -> dict[str, Any]:
        shop = _seller(session, account_id)
        if shop is None:
            return {"shop": None}
        rows = [
            o for o in orders.listing(session, seller_id=shop.id, limit=100) if o.status in OPEN
        ]
        count, total = orders.sales(session, shop.id, start)
        return {
            "shop": shop,
            "orders": present.orders_of(session, rows, "seller"),
            "products": present.products_of(
                session,
                products.of_seller(session, shop.id, listed_only=False),
                {shop.id: shop.name},
                storage,
                photos=True,
            ),
            "sales": {"orders": count, "total": total},
        }

    def area_name(code: str) -> str:
        area = ctx.region.areas.get(code)
        return area.name if area is not None else code

    context = await in_reading(request, work)
    done = request.query_params.get("done")
    done = done if done in ("register", "product") else None
    return page(request, who, "shop.html", area_name=area_name, done=done,
                **context)  # fmt: skip


@router.post("/shop/orders/{order_id}/{action}")
async def shop_order_action(order_id: Id, action: Action, request: Request) -> Response:
    who = await visitor(request)
    if who.subject is None:
        return to_signin(request, "/app/shop")
    check(who, (await read_fields(request)).get("csrf"))
    account_id = who.subject.account_id
    timeouts = Timeouts.of(context_of(request).settings)

    def run(session: Session) -> None:
        shop = sellers.of_account(session, account_id)
        order = orders.load(session, order_id, lock=True)
        if order.seller_id != shop.id:
            raise SigapError("market_order_not_found", order_id=order_id)
        orders.act(
            session, order, action, "seller", account_id, now=clock(request), timeouts=timeouts
        )

    await in_transaction(request, run)
    return RedirectResponse(f"/app/shop#order-{order_id}", status_code=303)


@router.post("/shop/products/{product_id}/stock")
async def shop_stock(product_id: Id, request: Request) -> Response:
    who = await visitor(request)
    if who.subject is None:
        return to_signin(request, "/app/shop")
    form = await read_fields(request)
    check(who, form.get("csrf"))
    value = form.get("stock", "").strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 7) or int(value) > 1_000_000:
        raise SigapError("invalid_input", details=[{"loc": ["body", "stock"], "type": "stock"}])
    account_id = who.subject.account_id

    def run(session: Session) -> None:
        shop = sellers.of_account(session, account_id)
        products.set_stock(session, shop, product_id, int(value), now=clock(request))

    await in_transaction(request, run)
    return RedirectResponse("/app/shop", status_code=303)
