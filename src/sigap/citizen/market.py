"""The marketplace's pages for buyers in the citizen app, /app/market (issue #28,
docs/market.md "The buyer's pages"): browse nearby (list and map, by kelurahan, kecamatan or a
point), typo-tolerant search, a product's page, a shop's page with its basket, placing an order,
my orders, and an order's page with its QRIS code drawn as SVG on the server.

Phone first, no script needed (the map and "near me" are extras of static/citizen/market.js).
Every read and write goes through the use cases the JSON API calls (:mod:`sigap.market`); a
basket holds the products of one shop (an order has one seller).
"""

from __future__ import annotations

import math
import secrets
from typing import Annotated, Any, get_args

import segno
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from sigap.citizen.pages import to_signin
from sigap.citizen.web import check, page, visitor
from sigap.deps import clock, context_of, in_reading, in_transaction
from sigap.errors import SigapError
from sigap.inputs import Id, check_idempotency_key
from sigap.kit import rupiah, sha256_hex
from sigap.market import machine, orders, present, products, search, sellers
from sigap.market.orders import Basket, Timeouts
from sigap.market.schemas import Category
from sigap.regions.state import RegionState
from sigap.web.body import read_fields

router = APIRouter(prefix="/app/market", include_in_schema=False)
Area = Annotated[str | None, Query(max_length=20, pattern=r"^[0-9.]*$")]
Blank = Annotated[str, Query(max_length=30)]  # the browse form sends its empty fields too
CATEGORIES = get_args(Category)
BUYER_ACTIONS = ("cancel", "complete")
MAX_QUANTITY = 99


def areas(state: RegionState, level: str) -> list[tuple[str, str]]:
    """(code, name) of the region's areas of one level, by name: the browse page's choices."""
    found = [(a.code, a.name) for a in state.areas.values() if a.level == level]
    return sorted(found, key=lambda pair: pair[1])


def area_namer(state: RegionState) -> Any:
    def name(code: str | None) -> str:
        area = state.areas.get(code) if code else None
        return area.name if area is not None else (code or "")

    return name


def _helpers(request: Request) -> dict[str, Any]:
    return {
        "area_name": area_namer(context_of(request).region),
        # each order form its own Idempotency-Key: a second tap on "Pesan" orders once
        "order_key": lambda: secrets.token_urlsafe(16),
    }


@router.get("")
async def browse(
    request: Request,
    q: Annotated[str, Query(max_length=100)] = "",
    kelurahan: Area = None,
    kecamatan: Area = None,
    lat: Blank = "",
    lon: Blank = "",
    category: Blank = "",
) -> Response:
    """Products near the visitor (a point within 3 km), in a kelurahan or kecamatan, or in
    the whole region; matching the words of ``q`` if given (typos forgiven)."""
    who = await visitor(request)
    state = context_of(request).region
    kelurahan, kecamatan = kelurahan or None, kecamatan or None
    y, x = _degrees("lat", lat, 90), _degrees("lon", lon, 180)
    point = y is not None and x is not None
    where = search.Area(kelurahan, kecamatan, y if point else None, x if point else None)
    if category and category not in CATEGORIES:
        raise _invalid("category", "literal_error")
    chosen = category or None
    storage = request.app.state.photo_storage
    point_of = (y, x) if y is not None and x is not None else None

    def work(session: Session) -> list[dict[str, Any]]:
        found = search.search(session, q, where, category=chosen, limit=50)
        items = []
        for item, _score, distance in present.found(session, found, storage, point_of):
            if distance is not None:
                item["distance_m"] = round(distance)
            items.append(item)
        return items

    items = await in_reading(request, work)
    pins = [
        {"id": i["id"], "name": i["name"], "lat": i["lat"], "lon": i["lon"],
         "price": rupiah(i["price"]), "url": f"/app/market/products/{i['id']}"}
        for i in items
    ]  # fmt: skip
    return page(
        request, who, "market.html", items=items, pins=pins, q=q, kelurahan=kelurahan,
        kecamatan=kecamatan, lat=y if point else None, lon=x if point else None,
        category=chosen, kelurahans=areas(state, "kelurahan"),
        kecamatans=areas(state, "kecamatan"), **_helpers(request),
    )  # fmt: skip


def _degrees(name: str, value: str, limit: int) -> float | None:
    """A coordinate of the browse form: empty is none (the form always sends the field)."""
    if not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        raise _invalid(name, "float_parsing") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise _invalid(name, "less_than_equal")
    return number


@router.get("/products/{product_id}")
async def product_page(product_id: Id, request: Request) -> Response:
    who = await visitor(request)
    storage = request.app.state.photo_storage

    def work(session: Session) -> dict[str, Any]:
        row, seller = products.public(session, product_id)
        names = {seller.id: seller.name}
        return {
            "product": present.products_of(session, [row], names, storage, photos=True)[0],
            "seller": present.seller_of(session, seller, own=False),
        }

    context = await in_reading(request, work)
    return page(request, who, "market_product.html", **context, **_helpers(request))


@router.get("/sellers/{seller_id}")
async def seller_page(seller_id: Id, request: Request) -> Response:
    """The shop, its badges and its products, each with a quantity box: the basket."""
    who = await visitor(request)
    storage = request.app.state.photo_storage

    def work(session: Session) -> dict[str, Any]:
        seller = sellers.get(session, seller_id, public=True)
        listed = products.of_seller(session, seller_id, listed_only=True)
        return {
            "seller": present.seller_of(session, seller, own=False),
            "products": present.products_of(session, listed, {seller.id: seller.name}, storage),
        }

    context = await in_reading(request, work)
    return page(request, who, "market_seller.html", **context, **_helpers(request))


def order_key_of(form: dict[str, str]) -> orders.Keyed | None:
    """The order form's own key (``order_key``, made when the form was shown) with the hash of
    what was sent: the same form sent twice is one order (:func:`orders.place`)."""
    check_idempotency_key(form.get("order_key"))
    if not form.get("order_key"):
        return None
    fields = sorted((name, value) for name, value in form.items() if name != "csrf")
    return orders.Keyed(form["order_key"], sha256_hex(repr(fields)))


def basket_of(form: dict[str, str]) -> Basket:
    """The order form's fields (``qty_<product id>``, ``how``, ``delivery``, ``payment``,
    ``note``) as the use case's basket; a bad quantity is refused on its field."""
    items = []
    for key, value in form.items():
        if not key.startswith("qty_") or not value.strip():
            continue
        product_id, quantity = key.removeprefix("qty_"), value.strip()
        if not (product_id.isascii() and product_id.isdigit() and len(product_id) <= 12):
            raise _invalid(key, "int_parsing")
        if not (quantity.isascii() and quantity.isdigit() and len(quantity) <= 3):
            raise _invalid(key, "int_parsing")
        if int(quantity) > MAX_QUANTITY:
            raise _invalid(key, "less_than_equal")
        if int(quantity) > 0:
            items.append((int(product_id), int(quantity)))
    if not items:
        raise SigapError("invalid_input", details=[{"field": "items", "code": "missing"}])
    payment = form.get("payment", "cash")
    if payment not in ("cash", "qris"):
        raise _invalid("payment", "literal_error")
    delivery = form.get("delivery", "").strip() if form.get("how") == "delivery" else ""
    if delivery and not (delivery.isascii() and len(delivery) <= 20):
        raise _invalid("delivery", "string_pattern_mismatch")
    note = form.get("note", "").strip()
    if len(note) > 500:
        raise _invalid("note", "string_too_long")
    return Basket(items, payment, delivery or None, note)


def _invalid(name: str, kind: str) -> SigapError:
    return SigapError("invalid_input", details=[{"field": name, "code": kind}])


@router.post("/orders")
async def place(request: Request) -> Response:
    who = await visitor(request)
    form = await read_fields(request)
    check(who, form.get("csrf"))
    if who.subject is None:
        return to_signin(request, "/app/market")
    basket = basket_of(form)
    account_id = who.subject.account_id
    timeouts = Timeouts.of(context_of(request).settings)

    key = order_key_of(form)

    def run(session: Session) -> int:
        placed = orders.place(
            session, account_id, basket, now=clock(request), timeouts=timeouts, key=key
        )
        return placed.order.id

    order_id = await in_transaction(request, run)
    return RedirectResponse(f"/app/market/orders/{order_id}", status_code=303)


@router.get("/orders")
async def my_orders(request: Request) -> Response:
    who = await visitor(request)
    if who.subject is None:
        return to_signin(request)
    account_id = who.subject.account_id

    def work(session: Session) -> list[dict[str, Any]]:
        rows = orders.listing(session, buyer_id=account_id, limit=100)
        return present.orders_of(session, rows, "buyer")

    items = await in_reading(request, work)
    return page(request, who, "market_orders.html", orders=items, **_helpers(request))


def qr_svg(payload: str) -> Markup:
    """The QRIS payload as an inline SVG QR code (error correction M, as QRIS asks)."""
    code = segno.make(payload, error="m", micro=False)
    # segno writes the SVG itself: paths of the modules, no text of the payload in it.
    return Markup(code.svg_inline(scale=5, border=4, title="QRIS"))  # noqa: S704


@router.get("/orders/{order_id}")
async def order_page(order_id: Id, request: Request) -> Response:
    who = await visitor(request)
    if who.subject is None:
        return to_signin(request)
    account_id = who.subject.account_id

    def work(session: Session) -> dict[str, Any]:
        order = orders.load(session, order_id)
        if order.buyer_id != account_id:
            raise SigapError("market_not_your_order")
        seller = sellers.get(session, order.seller_id, public=False)
        events = [present.event(e) for e in orders.events_of(session, order_id)]
        shown = present.order(session, order, "buyer")
        return {"order": shown, "events": events, "seller_name": seller.name,
                "seller_id": seller.id}  # fmt: skip

    context = await in_reading(request, work)
    payload = context["order"]["qris_payload"]
    shown = context["order"]
    show_qr = payload and shown["payment_state"] == "unpaid" and shown["status"] in machine.ACTIVE
    qr = qr_svg(payload) if show_qr else None
    return page(request, who, "market_order.html", qr=qr, **context, **_helpers(request))


@router.post("/orders/{order_id}/{action}")
async def buyer_action(order_id: Id, action: str, request: Request) -> Response:
    who = await visitor(request)
    form = await read_fields(request)
    check(who, form.get("csrf"))
    if action not in BUYER_ACTIONS:
        raise SigapError("not_found")
    if who.subject is None:
        return to_signin(request, f"/app/market/orders/{order_id}")
    account_id = who.subject.account_id
    timeouts = Timeouts.of(context_of(request).settings)
    reason = form.get("reason", "").strip()[:500] or None

    def run(session: Session) -> None:
        order = orders.load(session, order_id, lock=True)
        if order.buyer_id != account_id:
            raise SigapError("market_not_your_order")
        orders.act(session, order, action, "buyer", account_id, now=clock(request),
                   timeouts=timeouts, reason=reason)  # fmt: skip

    await in_transaction(request, run)
    return RedirectResponse(f"/app/market/orders/{order_id}", status_code=303)
