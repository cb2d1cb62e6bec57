"""The seller's forms in the citizen app (issue #28, docs/market.md "The seller's pages"):
register a shop (/app/shop/register) and add or change a product (/app/shop/products/new,
/app/shop/products/{id}/edit).

Each form is validated by the JSON API's own body schemas (:class:`SellerCreate`,
:class:`ProductCreate`) and carried out by the same use cases (:func:`sellers.register`,
:func:`products.create`, :func:`products.change`); a refusal shows the form again with what
was typed and each error next to its field (:mod:`sigap.web.fields`). The pickup point is
picked on the street map (static/citizen/market.js), or typed as latitude and longitude.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from sigap.citizen.market import area_namer, areas
from sigap.citizen.pages import to_signin
from sigap.citizen.web import Visitor, check, page, visitor
from sigap.deps import clock, context_of, in_reading, in_transaction, language_of
from sigap.errors import SigapError
from sigap.inputs import Id
from sigap.market import present, products, sellers
from sigap.market.products import Listing
from sigap.market.schemas import ProductCreate, SellerCreate
from sigap.market.sellers import Registration
from sigap.regions.state import RegionState
from sigap.web import fields
from sigap.web.body import read_fields

router = APIRouter(prefix="/app/shop", include_in_schema=False)


def _at(*parts: str) -> tuple[str, ...]:
    return parts


SELLER_FORM = fields.Form(
    locations={_at(name): name for name in ("name", "description", "phone", "nib", "pirt",
                                          "halal", "bpom", "qris")}
    | {_at("lat"): "location", _at("lon"): "location"},
    codes={"market_bad_nib": "nib", "market_bad_pirt": "pirt", "market_bad_halal": "halal",
           "market_bad_bpom": "bpom", "qris_invalid": "qris", "outside_service_area": "location",
           "market_seller_exists": "name"},
    words={"location": "field_location"},
)  # fmt: skip
PRODUCT_FORM = fields.Form(
    locations={_at(name): name for name in ("name", "description", "category", "food_class",
                                          "price", "stock", "pirt", "halal", "bpom",
                                          "opening_hours", "delivery")}
    | {_at("lat"): "location", _at("lon"): "location"},
    codes={"market_bad_hours": "opening_hours", "unknown_area": "delivery",
           "market_licence_needed": "food_class", "outside_service_area": "location"},
)  # fmt: skip
LICENCE_FIELDS = {"PIRT": "pirt", "HALAL": "halal", "BPOM": "bpom"}


def _split(value: str) -> list[str]:
    """Numbers typed one a line or separated by commas."""
    return [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]


def _number(value: str) -> Any:
    """A form's number as JSON would carry it: digits (dots between thousands allowed) → int,
    a decimal → float, empty → None, anything else as typed (the schema refuses it)."""
    text = value.strip().replace(" ", "")
    if not text:
        return None
    plain = text.replace(".", "") if text.count(".") and all(
        len(g) == 3 for g in text.split(".")[1:]) else text  # fmt: skip
    if plain.isascii() and plain.isdigit() and len(plain) <= 12:
        return int(plain)
    try:
        return float(text)
    except ValueError:
        return text


def _coordinate(value: str) -> Any:
    text = value.strip()
    try:
        return float(text) if text else None
    except ValueError:
        return text


def _validate(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as invalid:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in invalid.errors(include_url=False)]
        raise _Invalid(errors) from None


class _Invalid(Exception):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("invalid form")
        self.errors = errors


def _shown(error: Exception, form: fields.Form, language: str) -> fields.Shown:
    if isinstance(error, _Invalid):
        return fields.validation_errors(error.errors, form, language)
    if not isinstance(error, SigapError):
        raise error
    shown = fields.form_errors(error, form, language)
    named = LICENCE_FIELDS.get(str(error.params.get("kind", "")))
    if error.code == "market_licence_unknown" and named:
        shown.fields.setdefault(named, error.message(language))
        return fields.Shown(shown.message, shown.fields)
    return shown


def _area_choices(state: RegionState) -> dict[str, Any]:
    return {"kelurahans": areas(state, "kelurahan"), "area_name": area_namer(state)}


# --- registering a shop ----------------------------------------------------------------------


def _registration(form: dict[str, str]) -> Registration:
    body = _validate(SellerCreate, {
        "name": form.get("name", ""), "description": form.get("description", ""),
        "phone": form.get("phone", "").strip() or None, "nib": form.get("nib", ""),
        "pirt": _split(form.get("pirt", "")), "halal": _split(form.get("halal", "")),
        "bpom": _split(form.get("bpom", "")), "lat": _coordinate(form.get("lat", "")),
        "lon": _coordinate(form.get("lon", "")), "qris": form.get("qris", "").strip() or None,
    })  # fmt: skip
    return Registration(
        body.name, body.nib, body.lat, body.lon, body.description, body.phone,
        body.pirt, body.halal, body.bpom, body.qris,
    )  # fmt: skip


def _register_page(request: Request, who: Visitor, **context: Any) -> Response:
    context = {"form": {}, "form_errors": {}, "error": None, **context}
    return page(request, who, "shop_register.html", **context)


@router.get("/register")
async def register_form(request: Request) -> Response:
    who = await visitor(request)
    if who.subject is None:
        return to_signin(request)
    return _register_page(request, who)


@router.post("/register")
async def register(request: Request) -> Response:
    who = await visitor(request)
    form = await read_fields(request)
    check(who, form.get("csrf"))
    if who.subject is None:
        return to_signin(request, "/app/shop/register")
    ctx = context_of(request)
    account_id = who.subject.account_id
    try:
        reg = _registration(form)

        def run(session: Session) -> None:
            sellers.register(session, ctx.region, account_id, reg, now=clock(request))

        await in_transaction(request, run)
    except (_Invalid, SigapError) as error:
        if isinstance(error, SigapError) and error.status not in (409, 422):
            raise
        shown = _shown(error, SELLER_FORM, language_of(request))
        form.pop("csrf", None)
        status = error.status if isinstance(error, SigapError) else 422
        return _register_page(request, who, form=form, form_errors=shown.fields,
                              error=shown.message, status_code=status)  # fmt: skip
    return RedirectResponse("/app/shop?done=register", status_code=303)


# --- a product -------------------------------------------------------------------------------


def _delivery_codes(state: RegionState, value: str) -> list[str]:
    """Kelurahan typed by name or code, separated by commas; an unknown one is kept as typed
    for the use case to refuse (``unknown_area``, placed on the field)."""
    names = {name.casefold(): code for code, name in areas(state, "kelurahan")}
    return [names.get(part.casefold(), part) for part in _split(value)]


def _listing(state: RegionState, form: dict[str, str]) -> Listing:
    body = _validate(ProductCreate, {
        "name": form.get("name", ""), "description": form.get("description", ""),
        "category": form.get("category", ""), "food_class": form.get("food_class") or "none",
        "price": _number(form.get("price", "")), "stock": _number(form.get("stock", "")),
        "pirt": form.get("pirt", "").strip() or None,
        "halal": form.get("halal", "").strip() or None,
        "bpom": form.get("bpom", "").strip() or None,
        "opening_hours": form.get("opening_hours", "").strip() or None,
        "lat": _coordinate(form.get("lat", "")), "lon": _coordinate(form.get("lon", "")),
        "delivery": _delivery_codes(state, form.get("delivery", "")),
        "active": form.get("active") == "on",
    })  # fmt: skip
    return Listing(
        body.name, body.category, body.food_class, body.price, body.stock, body.description,
        body.pirt, body.halal, body.bpom, body.opening_hours, body.lat, body.lon,
        tuple(body.delivery), body.active,
    )  # fmt: skip


def _as_form(product: dict[str, Any], state: RegionState) -> dict[str, str]:
    name = area_namer(state)
    shown = {k: "" if product[k] is None else str(product[k]) for k in (
        "name", "description", "category", "food_class", "price", "stock", "pirt", "halal",
        "bpom", "opening_hours", "lat", "lon")}  # fmt: skip
    shown["delivery"] = ", ".join(name(code) for code in product["delivery"])
    shown["active"] = "on" if product["active"] else ""
    return shown


def _product_page(request: Request, who: Visitor, **context: Any) -> Response:
    state = context_of(request).region
    context = {"form": {"active": "on"}, "form_errors": {}, "error": None, "product_id": None,
               "photos": [], "photo_error": None, "photo_limit":
               context_of(request).settings.market_photo_max_count,
               **_area_choices(state), **context}  # fmt: skip
    return page(request, who, "shop_product.html", **context)


@router.get("/products/new")
async def product_new(request: Request) -> Response:
    who = await visitor(request)
    if who.subject is None:
        return to_signin(request)
    account_id = who.subject.account_id
    shop = await in_reading(request, lambda s: sellers.of_account(s, account_id))
    start = {"active": "on", "lat": str(shop.lat), "lon": str(shop.lon)}
    return _product_page(request, who, form=start)


@router.get("/products/{product_id}/edit")
async def product_edit(product_id: Id, request: Request) -> Response:
    who = await visitor(request)
    if who.subject is None:
        return to_signin(request)
    return await edit_page(request, who, who.subject.account_id, product_id)


async def edit_page(
    request: Request, who: Visitor, account_id: int, product_id: int, **extra: Any
) -> Response:
    """The product's form as saved, with its photos (sigap.citizen.shopphotos' forms);
    ``extra``: a refused upload's message (``photo_error``) and status."""
    storage = request.app.state.photo_storage

    def work(session: Session) -> dict[str, Any]:
        shop = sellers.of_account(session, account_id)
        row = products.own(session, shop, product_id)
        return present.products_of(session, [row], {shop.id: shop.name}, storage, photos=True)[0]

    found = await in_reading(request, work)
    form = _as_form(found, context_of(request).region)
    return _product_page(
        request, who, form=form, product_id=product_id, photos=found["photos"], **extra
    )


async def _save(request: Request, product_id: int | None) -> Response:
    who = await visitor(request)
    form = await read_fields(request)
    check(who, form.get("csrf"))
    back = f"/app/shop/products/{product_id}/edit" if product_id else "/app/shop/products/new"
    if who.subject is None:
        return to_signin(request, back)
    ctx = context_of(request)
    account_id = who.subject.account_id
    try:
        listing = _listing(ctx.region, form)

        def run(session: Session) -> None:
            shop = sellers.selling(sellers.of_account(session, account_id))
            if product_id is None:
                products.create(session, ctx.region, shop, listing, now=clock(request))
            else:
                products.change(session, ctx.region, shop, product_id, listing,
                                now=clock(request))  # fmt: skip

        await in_transaction(request, run)
    except (_Invalid, SigapError) as error:
        if isinstance(error, SigapError) and error.status != 422:
            raise
        shown = _shown(error, PRODUCT_FORM, language_of(request))
        form.pop("csrf", None)
        return _product_page(request, who, form=form, form_errors=shown.fields,
                             error=shown.message, product_id=product_id,
                             status_code=422)  # fmt: skip
    return RedirectResponse("/app/shop?done=product", status_code=303)


@router.post("/products/new")
async def product_create(request: Request) -> Response:
    return await _save(request, None)


@router.post("/products/{product_id}/edit")
async def product_change(product_id: Id, request: Request) -> Response:
    return await _save(request, product_id)
