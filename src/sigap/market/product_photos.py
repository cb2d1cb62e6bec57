"""A product's photos (docs/market.md "Product photos"), through the one photo pipeline.

The files are taken in by :func:`sigap.photos.service.take_in` (type by magic bytes, pixel
limits, orientation, every piece of metadata stripped, display and thumbnail sizes, content
addressed storage) before the transaction, as report photos are; here are the rows that point at
them, in the seller's order (``position``), and their answers. At most
``market_photo_max_count`` per product (``market_too_many_photos``), counted before the files
are read (:func:`room`) and again in the transaction (:func:`add`). ``GET /media`` serves a
file while a row uses it (:func:`sigap.photos.service.servable`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.market import products
from sigap.models import MarketProduct, MarketProductPhoto, MarketSeller
from sigap.photos.service import StoredPhoto, thumbnail_size
from sigap.photos.storage import Storage


def _count(session: Session, product_id: int) -> int:
    query = select(func.count()).where(MarketProductPhoto.product_id == product_id)
    return int(session.scalar(query) or 0)


def room(session: Session, seller: MarketSeller, product_id: int, adding: int, limit: int) -> None:
    """Refuse before anything is read or stored: another seller's product (404), more photos
    than the limit with those the product has."""
    products.own(session, seller, product_id)
    if adding + _count(session, product_id) > limit:
        raise SigapError("market_too_many_photos", limit=limit)


def add(
    session: Session,
    seller: MarketSeller,
    product_id: int,
    stored: Sequence[StoredPhoto],
    *,
    limit: int,
    now: datetime,
) -> None:
    """The rows of photos already stored, after the product's others, in the caller's
    transaction. The product's row is locked first, so two uploads at once count in turn."""
    products.own(session, seller, product_id)
    session.execute(
        update(MarketProduct).where(MarketProduct.id == product_id).values(updated_at=now)
    )
    have = _count(session, product_id)
    if have + len(stored) > limit:
        raise SigapError("market_too_many_photos", limit=limit)
    last = session.scalar(
        select(func.max(MarketProductPhoto.position)).where(
            MarketProductPhoto.product_id == product_id
        )
    )
    start = 0 if last is None else last + 1
    session.add_all(
        MarketProductPhoto(
            product_id=product_id,
            position=start + index,
            display_key=photo.display_key,
            thumb_key=photo.thumb_key,
            width=photo.width,
            height=photo.height,
            content_type=photo.content_type,
            created_at=now,
        )
        for index, photo in enumerate(stored)
    )
    session.flush()


def remove(session: Session, seller: MarketSeller, product_id: int, photo_id: int) -> None:
    products.own(session, seller, product_id)
    gone = session.execute(
        delete(MarketProductPhoto).where(
            MarketProductPhoto.id == photo_id, MarketProductPhoto.product_id == product_id
        )
    )
    if gone.rowcount == 0:  # type: ignore[attr-defined]
        raise SigapError("market_photo_not_found", photo_id=photo_id)


def reorder(session: Session, seller: MarketSeller, product_id: int, ids: Sequence[int]) -> None:
    """The seller's order: ``ids`` names each of the product's photos once, first first."""
    products.own(session, seller, product_id)
    have = ids_of(session, product_id)
    if sorted(have) != sorted(ids) or len(set(ids)) != len(ids):
        raise SigapError("market_photo_order")
    for position, photo_id in enumerate(ids):
        session.execute(
            update(MarketProductPhoto)
            .where(MarketProductPhoto.id == photo_id)
            .values(position=position)
        )


def ids_of(session: Session, product_id: int) -> list[int]:
    """The product's photo ids in the seller's order."""
    query = (
        select(MarketProductPhoto.id)
        .where(MarketProductPhoto.product_id == product_id)
        .order_by(MarketProductPhoto.position, MarketProductPhoto.id)
    )
    return list(session.scalars(query))


def moved(ids: Sequence[int], photo_id: int, step: int) -> list[int]:
    """``ids`` with ``photo_id`` moved ``step`` places (-1: one earlier), kept in bounds."""
    order = list(ids)
    if photo_id not in order:
        raise SigapError("market_photo_not_found", photo_id=photo_id)
    at = order.index(photo_id)
    to = max(0, min(len(order) - 1, at + step))
    order.insert(to, order.pop(at))
    return order


def of_products(
    session: Session, product_ids: Sequence[int], storage: Storage
) -> dict[int, list[dict[str, Any]]]:
    """Each product's photos in order, as answers (``ProductPhoto``): one query."""
    found: dict[int, list[dict[str, Any]]] = {p: [] for p in product_ids}
    if not product_ids:
        return found
    query = (
        select(MarketProductPhoto)
        .where(MarketProductPhoto.product_id.in_(list(product_ids)))
        .order_by(MarketProductPhoto.product_id, MarketProductPhoto.position, MarketProductPhoto.id)
    )
    for row in session.scalars(query):
        width, height = thumbnail_size(row.width, row.height)
        found[row.product_id].append(
            {
                "id": row.id,
                "url": storage.url(row.display_key),
                "thumb_url": storage.url(row.thumb_key),
                "width": row.width,
                "height": row.height,
                "thumb_width": width,
                "thumb_height": height,
            }
        )
    return found


def thumbnail(photos: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The small size of the first of a product's photos (``Thumbnail``), for lists and
    search results; None without a photo."""
    if not photos:
        return None
    first = photos[0]
    return {"url": first["thumb_url"], "width": first["thumb_width"],
            "height": first["thumb_height"]}  # fmt: skip
