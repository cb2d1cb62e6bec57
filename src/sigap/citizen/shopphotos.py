"""A product's photos on the seller's pages (docs/market.md "Product photos"): the photos
section of /app/shop/products/{id}/edit posts here — add (the phone's camera or gallery),
remove one, move one earlier or later. The same reading and use cases as the JSON API
(:func:`sigap.market.photo_router.read_photos`, :func:`~sigap.market.photo_router.store`,
:mod:`sigap.market.product_photos`); a refused upload shows the product's page again with the
registry's message next to the photo form, nothing stored.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from sigap.citizen.pages import to_signin
from sigap.citizen.shopforms import edit_page
from sigap.citizen.web import check, visitor
from sigap.deps import context_of, in_transaction, language_of
from sigap.errors import SigapError
from sigap.inputs import Id
from sigap.market import product_photos, products, sellers
from sigap.market.photo_router import read_photos, store
from sigap.web.body import read_fields

router = APIRouter(prefix="/app/shop/products", include_in_schema=False)
STEPS = {"earlier": -1, "later": 1}


def _back(product_id: int, lang: str) -> RedirectResponse:
    return RedirectResponse(
        f"/app/shop/products/{product_id}/edit?lang={lang}#photos", status_code=303
    )


@router.post("/{product_id}/photos")
async def add(product_id: Id, request: Request) -> Response:
    who = await visitor(request)
    if who.subject is None:
        return to_signin(request, f"/app/shop/products/{product_id}/edit")
    ctx = context_of(request)
    account_id = who.subject.account_id
    try:
        fields, files = await read_photos(request, ctx)
        check(who, fields.get("csrf"))
        await store(request, ctx, account_id, product_id, files)
    except SigapError as refused:
        if refused.status not in (413, 415, 422):
            raise
        message = refused.message(language_of(request))
        return await edit_page(
            request, who, account_id, product_id, photo_error=message, status_code=refused.status
        )
    return _back(product_id, language_of(request))


@router.post("/{product_id}/photos/{photo_id}/remove")
async def remove(product_id: Id, photo_id: Id, request: Request) -> Response:
    return await _change(request, product_id, photo_id, "remove")


@router.post("/{product_id}/photos/{photo_id}/{action}")
async def move(
    product_id: Id, photo_id: Id, action: Literal["earlier", "later"], request: Request
) -> Response:
    return await _change(request, product_id, photo_id, action)


async def _change(request: Request, product_id: int, photo_id: int, what: str) -> Response:
    who = await visitor(request)
    if who.subject is None:
        return to_signin(request, f"/app/shop/products/{product_id}/edit")
    check(who, (await read_fields(request)).get("csrf"))
    account_id = who.subject.account_id

    def run(session: Session) -> None:
        seller = sellers.of_account(session, account_id)
        products.own(session, seller, product_id)  # another seller's: 404
        if what == "remove":
            product_photos.remove(session, seller, product_id, photo_id)
            return
        order = product_photos.ids_of(session, product_id)
        moved = product_photos.moved(order, photo_id, STEPS[what])
        product_photos.reorder(session, seller, product_id, moved)

    await in_transaction(request, run)
    return _back(product_id, language_of(request))
