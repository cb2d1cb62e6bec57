"""Products of a seller: what they are, what licence numbers apply, price, stock, hours,
pickup and delivery.

The rule of licences (:func:`check_licences`): food and drinks are of one of three classes —
``pirt`` (packaged, kept over 7 days: a P-IRT number), ``fresh`` (ready to eat, kept under 7
days: none needed) or ``bpom`` (outside P-IRT's scope: dairy, meat, fish, baby food...: an MD/ML
number) —; crafts and souvenirs are ``none``. A number named on a product must be one the seller
registered (so it is the one the office verifies); a halal number is optional.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.market import numbers, search
from sigap.market.sellers import Place, place
from sigap.models import MarketLicence, MarketProduct, MarketSeller
from sigap.regions.state import RegionState

FOOD = ("food", "drink")
HOURS = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True, slots=True)
class Listing:
    name: str
    category: str
    food_class: str
    price: int
    stock: int
    description: str = ""
    pirt: str | None = None
    halal: str | None = None
    bpom: str | None = None
    opening_hours: str | None = None
    lat: float | None = None  # the pickup point; default: the seller's
    lon: float | None = None
    delivery: Sequence[str] = field(default_factory=tuple)  # kelurahan codes
    active: bool = True


def hours(value: str | None) -> str | None:
    if value is None:
        return None
    if not HOURS.fullmatch(value.strip()):
        raise SigapError("market_bad_hours", value=value[:20])
    return value.strip()


def check_licences(session: Session, seller_id: int, listing: Listing) -> dict[str, str | None]:
    """The product's P-IRT, halal and BPOM numbers as stored, checked against its class and
    the seller's registered numbers."""
    food_class = listing.food_class if listing.category in FOOD else "none"
    given = {
        "pirt": numbers.pirt(listing.pirt, this_year=0).number if listing.pirt else None,
        "halal": numbers.halal(listing.halal) if listing.halal else None,
        "bpom": numbers.bpom(listing.bpom) if listing.bpom else None,
    }
    needed = {"pirt": "pirt", "bpom": "bpom"}.get(food_class)
    if needed is not None and given[needed] is None:
        raise SigapError("market_licence_needed", food_class=food_class, kind=needed.upper())
    held = {
        (kind, number)
        for kind, number in session.execute(
            select(MarketLicence.kind, MarketLicence.number).where(
                MarketLicence.seller_id == seller_id
            )
        )
    }
    for kind, number in given.items():
        if number is not None and (kind, number) not in held:
            raise SigapError("market_licence_unknown", kind=kind.upper(), value=number)
    return {**given, "food_class": food_class}


def _delivery(state: RegionState, codes: Sequence[str]) -> list[str]:
    for code in codes:
        area = state.areas.get(code)
        if area is None or area.level != "kelurahan":
            raise SigapError("unknown_area", area=code[:40])
    return sorted(set(codes))


def create(
    session: Session,
    state: RegionState,
    seller: MarketSeller,
    listing: Listing,
    *,
    now: datetime,
) -> MarketProduct:
    checked = check_licences(session, seller.id, listing)
    lat, lon = _point(seller, listing)
    where = (
        place(state, lon, lat)
        if (lat, lon) != (seller.lat, seller.lon)
        else Place(seller.kelurahan_code, seller.kecamatan_code)
    )
    product = MarketProduct(
        seller_id=seller.id,
        name=listing.name,
        description=listing.description,
        category=listing.category,
        price=listing.price,
        stock=listing.stock,
        active=listing.active,
        opening_hours=hours(listing.opening_hours),
        lat=lat,
        lon=lon,
        kelurahan_code=where.kelurahan_code,
        kecamatan_code=where.kecamatan_code,
        delivery=_delivery(state, listing.delivery),
        photos=[],
        created_at=now,
        updated_at=now,
        **checked,
    )
    session.add(product)
    session.flush()
    search.index(
        session,
        product.id,
        search.terms(listing.name, listing.category, listing.description),
        (product.lat, product.lon),
    )
    return product


def _point(seller: MarketSeller, listing: Listing) -> tuple[float, float]:
    if listing.lat is None or listing.lon is None:
        return seller.lat, seller.lon
    return listing.lat, listing.lon


def own(session: Session, seller: MarketSeller, product_id: int) -> MarketProduct:
    """The seller's product (another seller's is 404, as if it did not exist)."""
    product = session.get(MarketProduct, product_id)
    if product is None or product.seller_id != seller.id:
        raise SigapError("market_product_not_found", product_id=product_id)
    return product


def change(
    session: Session,
    state: RegionState,
    seller: MarketSeller,
    product_id: int,
    listing: Listing,
    *,
    now: datetime,
) -> MarketProduct:
    """Replace what the seller says of a product (stock included: what is free to order)."""
    product = own(session, seller, product_id)
    checked = check_licences(session, seller.id, listing)
    lat, lon = _point(seller, listing)
    where = place(state, lon, lat)
    for name, value in {
        "name": listing.name,
        "description": listing.description,
        "category": listing.category,
        "price": listing.price,
        "active": listing.active,
        "opening_hours": hours(listing.opening_hours),
        "lat": lat,
        "lon": lon,
        "kelurahan_code": where.kelurahan_code,
        "kecamatan_code": where.kecamatan_code,
        "delivery": _delivery(state, listing.delivery),
        "updated_at": now,
        **checked,
    }.items():
        setattr(product, name, value)
    session.flush()
    set_stock(session, seller, product_id, listing.stock, now=now)
    search.index(
        session,
        product.id,
        search.terms(listing.name, listing.category, listing.description),
        (product.lat, product.lon),
    )
    session.refresh(product)
    return product


def set_stock(
    session: Session, seller: MarketSeller, product_id: int, stock: int, *, now: datetime
) -> None:
    """The seller counts what is left: one UPDATE, so an order placed meanwhile is either
    before it (and counted by the seller) or after it."""
    own(session, seller, product_id)
    session.execute(
        update(MarketProduct)
        .where(MarketProduct.id == product_id)
        .values(stock=stock, updated_at=now)
    )


def public(session: Session, product_id: int) -> tuple[MarketProduct, MarketSeller]:
    """A listed product and its seller; hidden, a suspended or pending shop's: 404."""
    row = session.execute(
        select(MarketProduct, MarketSeller)
        .join(MarketSeller, MarketSeller.id == MarketProduct.seller_id)
        .where(MarketProduct.id == product_id)
    ).first()
    if row is None or not row[0].active or row[1].status != "active":
        raise SigapError("market_product_not_found", product_id=product_id)
    return row[0], row[1]


def of_seller(session: Session, seller_id: int, *, listed_only: bool) -> list[MarketProduct]:
    query = select(MarketProduct).where(MarketProduct.seller_id == seller_id)
    if listed_only:
        query = query.where(MarketProduct.active.is_(True))
    return list(session.scalars(query.order_by(MarketProduct.id)))


def by_ids(session: Session, ids: Sequence[int]) -> dict[int, tuple[MarketProduct, str]]:
    """Products by id with their shops' names: one statement."""
    query = (
        select(MarketProduct, MarketSeller.name)
        .join(MarketSeller, MarketSeller.id == MarketProduct.seller_id)
        .where(MarketProduct.id.in_(ids))
    )
    return {row.id: (row, name) for row, name in session.execute(query)}
