"""City buying in the officials' app, /officials/market (docs/market.md "City buying"): a
unit's buyer sees the unit's budget of the month and what is left, chooses a curated shop,
orders from it for a meeting, and follows the unit's orders (cancel, complete).

Phone first, no script needed. The same use cases as the JSON API (``/api/v1/market/city``):
:func:`sigap.market.city.place` (the buyer's :func:`sigap.market.orders.place` + the budget),
:func:`sigap.market.city.load` (the subject's scope), :func:`sigap.market.orders.act`; the
basket is read by the citizen app's :func:`sigap.citizen.market.basket_of`, and each order form
carries its own key, so a form sent twice is one order.
"""

from __future__ import annotations

import secrets
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from sigap.auth.deps import check_csrf
from sigap.auth.service import Subject
from sigap.citizen.market import area_namer, basket_of, order_key_of
from sigap.deps import clock, context_of, in_reading, in_transaction, language_of
from sigap.errors import SigapError
from sigap.inputs import Id, id_of
from sigap.market import budgets, city, orders, present, products, sellers
from sigap.market.orders import Timeouts
from sigap.officials.pages import official_page
from sigap.regions.state import RegionState
from sigap.web.body import read_fields
from sigap.web.pages import render

router = APIRouter(prefix="/officials/market", include_in_schema=False)


def units_of(state: RegionState, subject: Subject, language: str) -> list[tuple[int, str]]:
    """(id, name) of the units the official may buy for, their own first."""
    found = [
        (u.id, u.name(language)) for u in state.units.values() if u.active and subject.covers(u.id)
    ]
    return sorted(found, key=lambda pair: (pair[0] != subject.unit_id, pair[1]))


def _chosen(raw: str | None, units: list[tuple[int, str]]) -> int | None:
    """The unit asked for, if the official may buy for it; else their first."""
    wanted = id_of(raw or "", 2**31 - 1)
    ids = [unit_id for unit_id, _ in units]
    if wanted in ids:
        return wanted
    return ids[0] if ids else None


@router.get("")
async def market_page(request: Request) -> Response:
    subject = await official_page(request)
    if isinstance(subject, Response):
        return subject
    query = request.query_params
    return await _page(request, subject, query.get("unit"), query.get("seller"))


async def _page(
    request: Request,
    subject: Subject,
    unit_raw: str | None,
    seller_raw: str | None,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    ctx = context_of(request)
    units = units_of(ctx.region, subject, ctx.language)
    unit_id = _chosen(unit_raw, units)
    period = budgets.period_of(clock(request), ctx.region.timezone)
    seller_id = id_of(seller_raw or "", 2**63 - 1)
    storage = request.app.state.photo_storage

    def work(session: Session) -> dict[str, Any]:
        shops = sellers.list_for_curator(session, status="active", limit=200)
        found: dict[str, Any] = {"shops": sorted(shops, key=lambda s: s.name), "shop": None}
        if unit_id is not None:
            budget = budgets.find(session, unit_id, period)
            found["budget"] = city.budget_of(budget) if budget else None
            rows = city.listing(session, subject, unit_id=unit_id, limit=50)
            found["orders"] = present.orders_of(session, rows, "buyer")
            names = {s.id: s.name for s in shops}
            found["seller_names"] = names
        if seller_id is not None and any(s.id == seller_id for s in shops):
            shop = sellers.get(session, seller_id, public=True)
            listed = products.of_seller(session, seller_id, listed_only=True)
            found["shop"] = present.seller_of(session, shop, own=False)
            found["products"] = present.products_of(session, listed, {shop.id: shop.name}, storage)
        return found

    data = await in_reading(request, work)
    return render(
        request, "officials/market.html", status_code=status_code, subject=subject,
        units=units, unit_id=unit_id, period=period, error=error,
        area_name=area_namer(ctx.region), visitor={"subject": subject},
        order_key=secrets.token_urlsafe(16), done=request.query_params.get("done"), **data,
    )  # fmt: skip


@router.post("/orders")
async def place(request: Request) -> Response:
    subject = await official_page(request)
    if isinstance(subject, Response):
        return subject
    form = await read_fields(request)
    check_csrf(subject, form.get("csrf") or "")
    ctx = context_of(request)
    unit_id = id_of(form.get("unit_id", ""), 2**31 - 1)
    try:
        if unit_id is None:
            raise SigapError("invalid_input", details=[{"field": "unit_id", "code": "missing"}])
        basket = basket_of(form)
        key = order_key_of(form)

        def run(session: Session) -> int:
            order = city.place(
                session, ctx.region, subject, unit_id, basket, now=clock(request),
                timeouts=Timeouts.of(ctx.settings), key=key,
            )  # fmt: skip
            return order.id

        order_id = await in_transaction(request, run)
    except SigapError as refused:
        if refused.status not in (409, 422):
            raise
        message = refused.message(language_of(request))
        seller = form.get("seller_id")
        unit = str(unit_id or "")
        return await _page(
            request, subject, unit, seller, error=message, status_code=refused.status
        )
    lang = language_of(request)
    return RedirectResponse(f"/officials/market/orders/{order_id}?lang={lang}", status_code=303)


@router.get("/orders/{order_id}")
async def order_page(order_id: Id, request: Request) -> Response:
    subject = await official_page(request)
    if isinstance(subject, Response):
        return subject
    ctx = context_of(request)

    def work(session: Session) -> dict[str, Any]:
        order = city.load(session, subject, order_id, lock=False)
        seller = sellers.get(session, order.seller_id, public=False)
        return {
            "order": present.order(session, order, "buyer"),
            "events": [present.event(e) for e in orders.events_of(session, order_id)],
            "seller_name": seller.name,
            "unit": ctx.region.units.get(order.buyer_unit_id or 0),
        }

    data = await in_reading(request, work)
    return render(
        request, "officials/market_order.html", subject=subject,
        area_name=area_namer(ctx.region), **data,
    )  # fmt: skip


@router.post("/orders/{order_id}/{action}")
async def order_action(
    order_id: Id, action: Literal["cancel", "complete"], request: Request
) -> Response:
    subject = await official_page(request)
    if isinstance(subject, Response):
        return subject
    form = await read_fields(request)
    check_csrf(subject, form.get("csrf") or "")
    ctx = context_of(request)
    reason = form.get("reason", "").strip()[:500] or None

    def run(session: Session) -> None:
        order = city.load(session, subject, order_id, lock=True)
        orders.act(
            session, order, action, "buyer", subject.account_id, now=clock(request),
            timeouts=Timeouts.of(ctx.settings), reason=reason,
        )  # fmt: skip

    await in_transaction(request, run)
    lang = language_of(request)
    return RedirectResponse(f"/officials/market/orders/{order_id}?lang={lang}", status_code=303)
