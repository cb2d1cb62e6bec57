"""The fare card in the citizen app (/app/cards): my cards and balances, a card's trips with
what caps saved, top-up, report a lost card. Phone first, like the rest of the app; every
action is a form (CSRF) over the same use cases as ``/api/v1/cards``, for the signed-in
holder only (another holder's card is the same 404 as a missing one)."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from sigap.cards import payments, service
from sigap.cards.deps import hasher_of
from sigap.citizen.pages import to_signin
from sigap.citizen.web import check, page, visitor
from sigap.deps import clock, context_of, in_reading, in_transaction
from sigap.errors import SigapError
from sigap.inputs import SmallId
from sigap.web.body import read_fields

router = APIRouter(prefix="/app/cards", include_in_schema=False)
ACTIONS = ("topup", "confirm", "replace")


@router.get("")
async def my_cards(request: Request) -> Response:
    who = await visitor(request)
    if who.subject is None:
        return to_signin(request)
    holder = who.subject.account_id
    cards = await in_reading(request, lambda s: service.holder_cards(s, holder))
    return page(request, who, "cards.html", cards=cards)


@router.post("")
async def add_card(request: Request) -> Response:
    who = await visitor(request)
    if who.subject is None:
        return to_signin(request, "/app/cards")
    form = await read_fields(request)
    check(who, form.get("csrf"))
    holder, now = who.subject.account_id, clock(request)

    def run(session: Session) -> int:
        hasher = hasher_of(request, session)
        number, name = form.get("number", ""), form.get("name", "")
        return service.register(
            session, hasher, holder_id=holder, number=number, name=name, now=now
        ).id

    card_id = await in_transaction(request, run)
    return RedirectResponse(f"/app/cards/{card_id}", status_code=303)


@router.get("/{card_id}")
async def one_card(request: Request, card_id: SmallId) -> Response:
    who = await visitor(request)
    if who.subject is None:
        return to_signin(request)
    holder = who.subject.account_id

    def work(session: Session) -> dict[str, Any]:
        card = service.card_answer(session, service.holder_card(session, holder, card_id))
        return {"card": card, "journeys": service.trips(session, holder, card_id)}

    settings = context_of(request).settings
    methods = sorted(payments.adapters(settings.card_qris_merchant))
    found = await in_reading(request, work)
    key = secrets.token_urlsafe(12)  # one top-up per form shown: a double submit pays once
    return page(request, who, "card.html", methods=methods, topup_key=key, **found)


@router.post("/{card_id}/{action}")
async def act(request: Request, card_id: SmallId, action: str) -> Response:
    """``topup`` (the demo adapter pays at once; QRIS shows its code), ``confirm`` (ask the
    adapter again), ``replace`` (report lost: the balance moves to the new card)."""
    who = await visitor(request)
    if who.subject is None:
        return to_signin(request, f"/app/cards/{card_id}")
    if action not in ACTIONS:
        raise SigapError("not_found")
    form = await read_fields(request)
    check(who, form.get("csrf"))
    holder, now = who.subject.account_id, clock(request)
    settings, zone = context_of(request).settings, context_of(request).region.timezone
    available = payments.adapters(settings.card_qris_merchant)

    def run(session: Session) -> tuple[int, dict[str, Any] | None]:
        if action == "replace":
            hasher = hasher_of(request, session)
            new = service.replace(
                session, hasher, holder_id=holder, card_id=card_id,
                number=form.get("number", ""), now=now,
            )  # fmt: skip
            return new.id, None
        if action == "confirm":
            topup_id = form.get("topup", "")
            if not topup_id.isdigit() or len(topup_id) > 9:
                raise SigapError("topup_not_found")
            return card_id, payments.confirm(
                session, holder_id=holder, card_id=card_id, topup_id=int(topup_id),
                available=available, floor=settings.card_balance_floor, zone=zone, now=now,
            )  # fmt: skip
        amount = form.get("amount", "")
        started = payments.start(
            session, holder_id=holder, card_id=card_id,
            amount=int(amount) if amount.isdigit() and len(amount) < 12 else 0,
            adapter_name=form.get("method", "demo"), available=available,
            key=form.get("key", ""), balance_max=settings.card_balance_max, now=now,
        )  # fmt: skip
        if started["state"] == "pending" and started["adapter"] == "demo":
            started = payments.confirm(
                session, holder_id=holder, card_id=card_id, topup_id=started["id"],
                available=available, floor=settings.card_balance_floor, zone=zone, now=now,
            )  # fmt: skip
        return card_id, started

    shown, topup = await in_transaction(request, run)
    if topup is not None and topup["state"] == "pending":
        return page(request, who, "topup.html", card_id=card_id, topup=topup)
    return RedirectResponse(f"/app/cards/{shown}", status_code=303)
