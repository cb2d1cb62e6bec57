"""HTTP of a product's photos, ``/api/v1/market/seller/products/{id}/photos``: add (multipart,
files in fields named ``photo``), remove one, set their order. :func:`read_photos` and :func:`store`
are the one way in of an upload, shared with the seller's page (sigap.citizen.shopphotos).

Before a byte of the files is decoded or stored, the product must be the caller's (another's
is 404) and have room (``market_too_many_photos``); then the files go through the one photo
pipeline (:func:`sigap.photos.service.take_in`: a bad file refuses them all, nothing stored),
and their rows are written in one transaction (:mod:`sigap.market.product_photos`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sigap.auth.deps import CurrentSubject
from sigap.deps import Context, Ctx, clock, in_reading, in_transaction
from sigap.errors import SigapError
from sigap.inputs import Id
from sigap.market import product_photos, schemas, sellers
from sigap.photos import service as photos
from sigap.photos.upload import read_form

router = APIRouter(prefix="/api/v1/market/seller/products", tags=["market"])


async def read_photos(request: Request, ctx: Context) -> tuple[dict[str, str], list[bytearray]]:
    """An upload's form fields and its files (fields named ``photo``), read while it streams
    within the limits: no more files than a product may hold, none above photo_max_bytes."""
    settings = ctx.settings
    limit = settings.market_photo_max_count
    try:
        form = await read_form(request, max_files=limit, max_file_bytes=settings.photo_max_bytes)
    except SigapError as refused:
        if refused.code == "too_many_photos":
            raise SigapError("market_too_many_photos", limit=limit) from None
        raise
    return form.fields, [u.data for u in form.files if u.name == "photo" and u.data]


async def store(
    request: Request, ctx: Context, account_id: int, product_id: int, files: list[bytearray]
) -> int:
    """Check, take in and attach ``files`` to the account's product; how many were added."""
    limit, database = ctx.settings.market_photo_max_count, request.app.state.db
    if not files:
        raise SigapError("market_photo_missing")

    def check() -> None:
        with database.reading() as session:
            seller = sellers.selling(sellers.of_account(session, account_id))
            product_photos.room(session, seller, product_id, len(files), limit)

    await run_in_threadpool(check)  # refused before anything is decoded or stored
    stored = await photos.take_in(
        files,
        ctx.settings,
        request.app.state.photo_storage,
        limiter=request.app.state.photo_limiter,
        max_count=limit,
    )

    def run(session: Session) -> None:
        seller = sellers.selling(sellers.of_account(session, account_id))
        product_photos.add(session, seller, product_id, stored, limit=limit, now=clock(request))

    await in_transaction(request, run)
    return len(stored)


def listing(session: Session, ctx: Context, product_id: int) -> dict[str, Any]:
    storage = photos.storage_for(ctx.settings)
    return {"items": product_photos.of_products(session, [product_id], storage)[product_id]}


@router.post(
    "/{product_id}/photos",
    response_model=schemas.ProductPhotos,
    status_code=status.HTTP_201_CREATED,
    summary="Add photos to my product (multipart, files named photo)",
    description="Each file is checked and cleaned as report photos are (JPEG, PNG, WebP, "
    "HEIC; metadata removed; display and small sizes). At most SIGAP_MARKET_PHOTO_MAX_COUNT "
    "photos a product; the answer is all its photos in order.",
)
async def add_photos(
    product_id: Id, subject: CurrentSubject, request: Request, ctx: Ctx
) -> dict[str, Any]:
    _, files = await read_photos(request, ctx)
    await store(request, ctx, subject.account_id, product_id, files)
    return await in_reading(request, lambda session: listing(session, ctx, product_id))


@router.delete(
    "/{product_id}/photos/{photo_id}",
    response_model=schemas.ProductPhotos,
    summary="Remove a photo of my product",
)
async def remove_photo(
    product_id: Id, photo_id: Id, subject: CurrentSubject, request: Request, ctx: Ctx
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        seller = sellers.of_account(session, subject.account_id)
        product_photos.remove(session, seller, product_id, photo_id)
        return listing(session, ctx, product_id)

    return await in_transaction(request, run)


@router.put(
    "/{product_id}/photos",
    response_model=schemas.ProductPhotos,
    summary="Set the order of my product's photos (the first is shown in lists)",
)
async def order_photos(
    product_id: Id, body: schemas.PhotoOrder, subject: CurrentSubject, request: Request, ctx: Ctx
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        seller = sellers.of_account(session, subject.account_id)
        product_photos.reorder(session, seller, product_id, body.photo_ids)
        return listing(session, ctx, product_id)

    return await in_transaction(request, run)
