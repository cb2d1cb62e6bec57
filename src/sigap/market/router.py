"""HTTP of the marketplace, ``/api/v1/market``: public browsing and search, the buyer's
orders, the seller's shop, products and orders, and the curating office's work.

Writes run as one use case in one transaction (:func:`sigap.deps.in_transaction`); who may do
what is decided by the use cases (the order's transition table, :mod:`sigap.market.machine`)
and by :func:`sigap.market.sellers.is_curator` for the office's routes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlalchemy.orm import Session

from sigap.auth.deps import CurrentOfficial, CurrentSubject
from sigap.auth.service import Subject
from sigap.config import Settings
from sigap.deps import Context, Ctx, ReadSession, clock, in_transaction
from sigap.errors import SigapError
from sigap.inputs import Id, check_idempotency_key
from sigap.kit import sha256_hex
from sigap.market import orders, present, products, reviews, schemas, search, sellers
from sigap.market.order_writer import OrderWriterT
from sigap.market.orders import Basket, Placing, Timeouts
from sigap.market.products import Listing
from sigap.market.sellers import Registration
from sigap.models import MarketOrder, MarketProduct, MarketSeller
from sigap.photos.service import storage_for
from sigap.regions.state import RegionState
from sigap.web.body import read_body, validated
from sigap.web.responses import json_response

router = APIRouter(prefix="/api/v1/market", tags=["market"])
# Placing an order, a hot route (sigap.app.HOT_ROUTES), in a router of its own that the app
# includes before the others: finding the hot routes builds the routes' contexts up to them.
placing = APIRouter(prefix="/api/v1/market", tags=["market"])
# Bodies parsed by sigap.web.body.validated, for the OpenAPI document.
BODIES = {("/api/v1/market/orders", "post"): schemas.OrderCreate}
Area = Annotated[str | None, Query(max_length=20, pattern=r"^[0-9.]+$")]


# --- public ----------------------------------------------------------------------------------


@router.get("/products", response_model=schemas.SearchResult, summary="Search products")
def search_products(
    session: ReadSession,
    ctx: Ctx,
    q: Annotated[str, Query(max_length=100, description="Words; typos are forgiven")] = "",
    lat: Annotated[float | None, Query(ge=-90, le=90, allow_inf_nan=False)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180, allow_inf_nan=False)] = None,
    radius_m: Annotated[float, Query(ge=100, le=20_000)] = 3000,
    kelurahan: Area = None,
    kecamatan: Area = None,
    category: schemas.Category | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> dict[str, Any]:
    """Listed products of curated shops matching every word (nearest first among equals when
    a point is given), within a kelurahan, a kecamatan or ``radius_m`` of the point."""
    area = search.Area(kelurahan, kecamatan, lat, lon, radius_m)
    found = search.search(session, q, area, category=category, limit=limit)
    point = (lat, lon) if lat is not None and lon is not None else None
    shown = present.found(session, found, storage_for(ctx.settings), point)
    return {
        "items": [
            {"product": item, "score": score, "distance_m": None if d is None else round(d, 1)}
            for item, score, d in shown
        ]
    }


@router.get("/products/{product_id}", response_model=schemas.ProductPage, summary="A product")
def get_product(product_id: Id, session: ReadSession, ctx: Ctx) -> dict[str, Any]:
    row, seller = products.public(session, product_id)
    storage = storage_for(ctx.settings)
    return {
        **present.products_of(session, [row], {seller.id: seller.name}, storage, photos=True)[0],
        "reviews": reviews.summary(session, product_id=product_id),
    }


@router.get("/sellers/{seller_id}", response_model=schemas.SellerPage, summary="A shop's page")
def get_seller(seller_id: Id, session: ReadSession, ctx: Ctx) -> dict[str, Any]:
    """A curated shop, its badges (what the office verified, when) and its listed products."""
    seller = sellers.get(session, seller_id, public=True)
    listed = products.of_seller(session, seller_id, listed_only=True)
    return {
        "seller": present.seller_of(session, seller, own=False),
        "products": present.products_of(
            session, listed, {seller.id: seller.name}, storage_for(ctx.settings)
        ),
        "reviews": reviews.summary(session, seller_id=seller_id),
    }


# --- the buyer -------------------------------------------------------------------------------


async def _raw_body(request: Request) -> bytes:
    """The body's bytes, read before the guard's lookup (as FastAPI reads a body before the
    dependencies): a client gone meanwhile finds its body read, not a closed stream. It is
    checked after the guard: an anonymous caller learns nothing of what a body must be."""
    return await read_body(request)


@placing.post(
    "/orders",
    response_model=schemas.Order,
    status_code=status.HTTP_201_CREATED,
    summary="Place an order (its stock is reserved)",
    description="Send an Idempotency-Key header (1-200 characters) to make a retry safe: the "
    "same key and body give back the first order (200), another body under it is refused.",
    responses={200: {"description": "A retry with the same Idempotency-Key: the first order"}},
    openapi_extra={
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 200},
            }
        ]
    },
)
async def place_order(
    raw: Annotated[bytes, Depends(_raw_body)],
    subject: CurrentSubject,
    request: Request,
) -> Response:
    """The market's hottest write (issue #28), shaped as report submission: its body parsed
    by its model at once, its header read from the request, and the order writer places it
    in a batch (:mod:`sigap.market.order_writer`), answering after the commit."""
    body = validated(raw, schemas.OrderCreate)
    idempotency_key = request.headers.get("idempotency-key")
    check_idempotency_key(idempotency_key)
    basket = Basket(
        [(i.product_id, i.quantity) for i in body.items],
        body.payment,
        body.delivery_kelurahan,
        body.note,
    )
    key = None
    if idempotency_key is not None:
        key = orders.Keyed(idempotency_key, sha256_hex(body.model_dump_json()))
    settings: Settings = request.app.state.settings
    placing = Placing(subject.account_id, basket, clock(request), Timeouts.of(settings), key)
    writer: OrderWriterT = request.app.state.order_writer
    answer = await writer.submit(placing)
    if isinstance(answer, SigapError):
        raise answer
    new, shown = answer
    return json_response(schemas.Order.model_validate(shown), status_code=201 if new else 200)


@router.get("/orders", response_model=schemas.OrderList, summary="My orders")
def my_orders(
    subject: CurrentSubject, session: ReadSession, status: schemas.OrderStatus | None = None
) -> dict[str, Any]:
    rows = orders.listing(session, buyer_id=subject.account_id, status=status)
    return {"items": present.orders_of(session, rows, "buyer")}


async def act_on(
    request: Request,
    ctx: Context,
    body: schemas.OrderAction,
    side: str,
    account_id: int,
    load: Callable[[Session], MarketOrder],
) -> dict[str, Any]:
    """An action of the order ``load`` finds (locked; it says who may see it) by ``side``,
    in one transaction, answered as ``side`` sees the order: the buyer's, the seller's and a
    city unit's actions."""

    def run(session: Session) -> dict[str, Any]:
        order = load(session)
        orders.act(
            session,
            order,
            body.action,
            side,
            account_id,
            now=clock(request),
            timeouts=Timeouts.of(ctx.settings),
            reason=body.reason,
        )
        return present.order(session, order, side)

    return await in_transaction(request, run)


def _mine(session: Session, subject: Subject, order_id: int, *, lock: bool) -> MarketOrder:
    order = orders.load(session, order_id, lock=lock)
    if order.buyer_id != subject.account_id:
        raise SigapError("market_not_your_order")
    return order


@router.get("/orders/{order_id}", response_model=schemas.OrderPage, summary="One of my orders")
def my_order(order_id: Id, subject: CurrentSubject, session: ReadSession) -> dict[str, Any]:
    order = _mine(session, subject, order_id, lock=False)
    events = [present.event(e) for e in orders.events_of(session, order_id)]
    return {**present.order(session, order, "buyer"), "events": events}


@router.post(
    "/orders/{order_id}/actions", response_model=schemas.Order, summary="Cancel or complete"
)
async def buyer_action(
    order_id: Id, body: schemas.OrderAction, subject: CurrentSubject, request: Request, ctx: Ctx
) -> dict[str, Any]:
    return await act_on(
        request,
        ctx,
        body,
        "buyer",
        subject.account_id,
        lambda session: _mine(session, subject, order_id, lock=True),
    )


# --- the seller ------------------------------------------------------------------------------


@router.post(
    "/sellers",
    response_model=schemas.SellerOwn,
    status_code=status.HTTP_201_CREATED,
    summary="Register my shop (pending until the office curates it)",
)
async def register_seller(
    body: schemas.SellerCreate, subject: CurrentSubject, request: Request, ctx: Ctx
) -> dict[str, Any]:
    reg = Registration(
        body.name,
        body.nib,
        body.lat,
        body.lon,
        body.description,
        body.phone,
        body.pirt,
        body.halal,
        body.bpom,
        body.qris,
    )

    def run(session: Session) -> dict[str, Any]:
        row = sellers.register(session, ctx.region, subject.account_id, reg, now=clock(request))
        return present.seller_of(session, row, own=True)

    return await in_transaction(request, run)


@router.get("/seller", response_model=schemas.SellerOwn, summary="My shop")
def my_shop(subject: CurrentSubject, session: ReadSession) -> dict[str, Any]:
    return present.seller_of(session, sellers.of_account(session, subject.account_id), own=True)


@router.get("/seller/products", response_model=schemas.Products, summary="My products")
def my_products(subject: CurrentSubject, session: ReadSession, ctx: Ctx) -> dict[str, Any]:
    seller = sellers.of_account(session, subject.account_id)
    rows = products.of_seller(session, seller.id, listed_only=False)
    storage = storage_for(ctx.settings)
    names = {seller.id: seller.name}
    return {"items": present.products_of(session, rows, names, storage, photos=True)}


def _listing(body: schemas.ProductCreate) -> Listing:
    return Listing(
        body.name,
        body.category,
        body.food_class,
        body.price,
        body.stock,
        body.description,
        body.pirt,
        body.halal,
        body.bpom,
        body.opening_hours,
        body.lat,
        body.lon,
        body.delivery,
        body.active,
    )


@router.post(
    "/seller/products",
    response_model=schemas.Product,
    status_code=status.HTTP_201_CREATED,
    summary="Add a product",
)
async def add_product(
    body: schemas.ProductCreate, subject: CurrentSubject, request: Request, ctx: Ctx
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        seller = sellers.selling(sellers.of_account(session, subject.account_id))
        row = products.create(session, ctx.region, seller, _listing(body), now=clock(request))
        return present.product(row, seller.name)  # a new product has no photo yet

    return await in_transaction(request, run)


@router.put("/seller/products/{product_id}", response_model=schemas.Product, summary="Change")
async def change_product(
    product_id: Id,
    body: schemas.ProductCreate,
    subject: CurrentSubject,
    request: Request,
    ctx: Ctx,
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        seller = sellers.selling(sellers.of_account(session, subject.account_id))
        row = products.change(
            session, ctx.region, seller, product_id, _listing(body), now=clock(request)
        )
        return _one(session, row, seller, ctx)

    return await in_transaction(request, run)


@router.put(
    "/seller/products/{product_id}/stock", response_model=schemas.Product, summary="Set stock"
)
async def set_stock(
    product_id: Id, body: schemas.StockUpdate, subject: CurrentSubject, request: Request, ctx: Ctx
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        seller = sellers.of_account(session, subject.account_id)
        products.set_stock(session, seller, product_id, body.stock, now=clock(request))
        row = products.own(session, seller, product_id)
        session.refresh(row)
        return _one(session, row, seller, ctx)

    return await in_transaction(request, run)


def _one(
    session: Session, row: MarketProduct, seller: MarketSeller, ctx: Context
) -> dict[str, Any]:
    """A seller's product with its first photo's small size."""
    names = {seller.id: seller.name}
    return present.products_of(session, [row], names, storage_for(ctx.settings))[0]


@router.get("/seller/orders", response_model=schemas.OrderList, summary="My shop's orders")
def shop_orders(
    subject: CurrentSubject, session: ReadSession, status: schemas.OrderStatus | None = None
) -> dict[str, Any]:
    seller = sellers.of_account(session, subject.account_id)
    rows = orders.listing(session, seller_id=seller.id, status=status)
    return {"items": present.orders_of(session, rows, "seller")}


def _shop_order(session: Session, subject: Subject, order_id: int, *, lock: bool) -> MarketOrder:
    seller = sellers.of_account(session, subject.account_id)
    order = orders.load(session, order_id, lock=lock)
    if order.seller_id != seller.id:
        raise SigapError("market_order_not_found", order_id=order_id)
    return order


@router.get("/seller/orders/{order_id}", response_model=schemas.OrderPage, summary="An order")
def shop_order(order_id: Id, subject: CurrentSubject, session: ReadSession) -> dict[str, Any]:
    order = _shop_order(session, subject, order_id, lock=False)
    events = [present.event(e) for e in orders.events_of(session, order_id)]
    return {**present.order(session, order, "seller"), "events": events}


@router.post(
    "/seller/orders/{order_id}/actions",
    response_model=schemas.Order,
    summary="Accept, decline, ready, pick up, deliver, cancel, confirm payment, refund",
)
async def seller_action(
    order_id: Id, body: schemas.OrderAction, subject: CurrentSubject, request: Request, ctx: Ctx
) -> dict[str, Any]:
    return await act_on(
        request,
        ctx,
        body,
        "seller",
        subject.account_id,
        lambda session: _shop_order(session, subject, order_id, lock=True),
    )


@router.get("/seller/sales", response_model=schemas.Sales, summary="Today's sales")
def todays_sales(
    subject: CurrentSubject, session: ReadSession, request: Request, ctx: Ctx
) -> dict[str, Any]:
    seller = sellers.of_account(session, subject.account_id)
    local = clock(request).astimezone(ctx.region.timezone)
    start = datetime.combine(local.date(), time(0), ctx.region.timezone)
    count, total = orders.sales(session, seller.id, start)
    return {"day": local.date().isoformat(), "orders": count, "total": total}


# --- the curating office ---------------------------------------------------------------------


def _curator(subject: Subject, state: RegionState, settings: Settings) -> Subject:
    if not sellers.is_curator(state, settings.market_curator_unit, subject.role, subject.unit_id):
        raise SigapError("market_curator_only")
    return subject


@router.get("/curator/sellers", response_model=schemas.SellerList, summary="Shops to curate")
def curator_sellers(
    subject: CurrentOfficial,
    session: ReadSession,
    ctx: Ctx,
    status: schemas.SellerStatus | None = None,
) -> dict[str, Any]:
    _curator(subject, ctx.region, ctx.settings)
    rows = sellers.list_for_curator(session, status=status, limit=200)
    held = sellers.licences_of(session, [r.id for r in rows])
    return {"items": [present.seller_own(r, held[r.id]) for r in rows]}


async def _curate(request: Request, ctx: Ctx, subject: Subject, work: Any) -> dict[str, Any]:
    _curator(subject, ctx.region, ctx.settings)

    def run(session: Session) -> dict[str, Any]:
        return present.seller_of(session, work(session), own=True)

    return await in_transaction(request, run)


@router.post(
    "/curator/sellers/{seller_id}/verify",
    response_model=schemas.SellerOwn,
    summary="Verify one of a shop's numbers (a badge)",
)
async def verify_licence(
    seller_id: Id,
    body: schemas.CuratorVerify,
    subject: CurrentOfficial,
    request: Request,
    ctx: Ctx,
) -> dict[str, Any]:
    def work(session: Session) -> Any:
        sellers.verify(
            session, seller_id, body.licence_id, account_id=subject.account_id, now=clock(request)
        )
        return sellers.get(session, seller_id, public=False)

    return await _curate(request, ctx, subject, work)


@router.post(
    "/curator/sellers/{seller_id}/curate",
    response_model=schemas.SellerOwn,
    summary="List a shop (its NIB verified)",
)
async def curate_seller(
    seller_id: Id, subject: CurrentOfficial, request: Request, ctx: Ctx
) -> dict[str, Any]:
    return await _curate(
        request,
        ctx,
        subject,
        lambda s: sellers.curate(s, seller_id, account_id=subject.account_id, now=clock(request)),
    )


@router.post(
    "/curator/sellers/{seller_id}/suspend",
    response_model=schemas.SellerOwn,
    summary="Suspend a shop, with the reason",
)
async def suspend_seller(
    seller_id: Id,
    body: schemas.CuratorSuspend,
    subject: CurrentOfficial,
    request: Request,
    ctx: Ctx,
) -> dict[str, Any]:
    return await _curate(
        request, ctx, subject, lambda s: sellers.suspend(s, seller_id, reason=body.reason)
    )


@router.post(
    "/curator/sellers/{seller_id}/reinstate",
    response_model=schemas.SellerOwn,
    summary="Lift a suspension",
)
async def reinstate_seller(
    seller_id: Id, subject: CurrentOfficial, request: Request, ctx: Ctx
) -> dict[str, Any]:
    return await _curate(request, ctx, subject, lambda s: sellers.reinstate(s, seller_id))
