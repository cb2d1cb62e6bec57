"""Rows of the marketplace → the answers of :mod:`sigap.market.schemas` (as dicts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from sigap.market import machine, orders, product_photos, products, search, sellers
from sigap.models import (
    MarketLicence,
    MarketOrder,
    MarketOrderEvent,
    MarketOrderItem,
    MarketProduct,
    MarketSeller,
)
from sigap.photos.storage import Storage


def seller(row: MarketSeller, held: Sequence[MarketLicence]) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "kelurahan_code": row.kelurahan_code,
        "kecamatan_code": row.kecamatan_code,
        "lat": row.lat,
        "lon": row.lon,
        "accepts_qris": bool(row.qris),
        "badges": sellers.badges(row, held),
    }


def seller_own(row: MarketSeller, held: Sequence[MarketLicence]) -> dict[str, Any]:
    return {
        **seller(row, held),
        "status": row.status,
        "suspended_reason": row.suspended_reason,
        "phone": row.phone,
        "licences": [
            {
                "id": h.id,
                "kind": h.kind,
                "number": h.number,
                "expires_year": h.expires_year,
                "verified_at": h.verified_at,
            }
            for h in held
        ],
    }


def seller_of(session: Session, row: MarketSeller, *, own: bool) -> dict[str, Any]:
    held = sellers.licences_of(session, [row.id])[row.id]
    return seller_own(row, held) if own else seller(row, held)


def product(
    row: MarketProduct, seller_name: str, thumbnail: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A product as the public sees it; ``thumbnail``: its first photo's small size
    (:func:`sigap.market.product_photos.thumbnails`)."""
    names = (
        "id",
        "seller_id",
        "name",
        "description",
        "category",
        "food_class",
        "price",
        "stock",
        "pirt",
        "halal",
        "bpom",
        "opening_hours",
        "lat",
        "lon",
        "kelurahan_code",
        "kecamatan_code",
        "active",
    )
    return {
        **{name: getattr(row, name) for name in names},
        "delivery": list(row.delivery or []),
        "seller_name": seller_name,
        "thumbnail": thumbnail,
    }


def found(
    session: Session,
    results: Sequence[tuple[int, float]],
    storage: Storage,
    point: tuple[float, float] | None,
) -> list[tuple[dict[str, Any], float, float | None]]:
    """A search's results (:func:`sigap.market.search.search`) in its order, each as lists
    show a product, with its score and its distance in metres from ``point`` (None without
    one): the API's and the citizen app's one way to show them. Two statements: the products
    with their shops' names, their thumbnails."""
    rows = products.by_ids(session, [product_id for product_id, _ in results])
    names = {row.seller_id: name for row, name in rows.values()}
    listed = products_of(session, [row for row, _ in rows.values()], names, storage)
    shown = {item["id"]: item for item in listed}
    answer = []
    for product_id, score in results:
        row = rows[product_id][0]
        distance = None if point is None else search.distance_m(*point, row.lat, row.lon)
        answer.append((shown[product_id], score, distance))
    return answer


def products_of(
    session: Session,
    rows: Sequence[MarketProduct],
    names: dict[int, str],
    storage: Storage,
    *,
    photos: bool = False,
) -> list[dict[str, Any]]:
    """Products with their first photo's small size (one query for all), and with every
    photo when ``photos`` (a product's page, the seller's own list)."""
    found = product_photos.of_products(session, [r.id for r in rows], storage)
    shown = []
    for row in rows:
        mine = found[row.id]
        item = product(row, names[row.seller_id], product_photos.thumbnail(mine))
        if photos:
            item["photos"] = mine
        shown.append(item)
    return shown


def order(
    session: Session,
    row: MarketOrder,
    actor: str,
    items: Sequence[MarketOrderItem] | None = None,
) -> dict[str, Any]:
    """The order as ``actor`` sees it; with its ``items`` when the caller holds them (a
    placement: nothing is read back), else they are read."""
    if items is None:
        return orders_of(session, [row], actor)[0]
    return shown(row, actor, items)


def shown(row: MarketOrder, actor: str, items: Sequence[MarketOrderItem]) -> dict[str, Any]:
    """The order as ``actor`` sees it, with its ``items`` (no session: the order writer's
    answer, :mod:`sigap.market.order_writer`)."""
    return _shown([row], actor, {row.id: list(items)})[0]


def orders_of(session: Session, rows: Sequence[MarketOrder], actor: str) -> list[dict[str, Any]]:
    return _shown(rows, actor, orders.items_of(session, [r.id for r in rows]))


def _shown(
    rows: Sequence[MarketOrder], actor: str, items: dict[int, list[MarketOrderItem]]
) -> list[dict[str, Any]]:
    names = (
        "id",
        "seller_id",
        "status",
        "delivery_kelurahan",
        "payment_method",
        "payment_state",
        "qris_payload",
        "total",
        "note",
        "placed_at",
        "changed_at",
        "buyer_unit_id",
    )
    return [
        {
            **{name: getattr(row, name) for name in names},
            "items": [
                {
                    "product_id": i.product_id,
                    "name": i.name,
                    "quantity": i.quantity,
                    "price": i.price,
                }
                for i in items[row.id]
            ],
            "allowed": [a for a in machine.allowed(row.status, actor) if orders.fits(row, a)],
        }
        for row in rows
    ]


def event(row: MarketOrderEvent) -> dict[str, Any]:
    return {
        "action": row.action,
        "status": row.status,
        "actor": row.actor,
        "reason": row.reason,
        "at": row.at,
    }
