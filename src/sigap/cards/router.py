"""HTTP of the fare card: a holder's cards under ``/api/v1/cards`` (bearer: any signed-in
account, who sees only their own cards; another's card is the same 404 as a missing one), the
validators' taps (``POST /api/v1/cards/taps``, the validator's key in ``X-Validator-Key``: the
only thing a validator key can do), and the admins' validators, revenue and reconciliation
under ``/api/v1/admin``; the QRIS acquirer's signed payment notifications
(``POST /api/v1/payments/qris/notifications``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sigap.auth.deps import CurrentAdmin, CurrentSubject
from sigap.cards import audit, payments, schemas, service, taps, validators
from sigap.cards.deps import hasher_of, pricer_of
from sigap.deps import Ctx, ReadSession, clock, in_transaction
from sigap.errors import SigapError
from sigap.inputs import SmallId
from sigap.notify import webhooks
from sigap.web.body import read_body, validated

router = APIRouter(prefix="/api/v1/cards", tags=["cards"])
admin_router = APIRouter(prefix="/api/v1/admin", tags=["cards"])
payments_router = APIRouter(prefix="/api/v1/payments", tags=["cards"])

ValidatorKey = Annotated[str | None, Header(alias="X-Validator-Key", max_length=100)]
IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", max_length=100, description="Required")
]


@router.post(
    "/taps",
    response_model=schemas.TapsStored,
    summary="A validator's batch of taps: stored once each, priced, committed before the answer",
)
async def post_taps(
    request: Request, ctx: Ctx, body: schemas.TapBatch, key: ValidatorKey = None
) -> dict[str, int]:
    """Send a batch again until it is answered: taps already stored are counted as
    duplicates. A card number no holder registered is stored and flagged ``unknown``."""
    now, floor, zone = clock(request), ctx.settings.card_balance_floor, ctx.region.timezone
    # Outside the transaction: the first call may build the transit network (stop positions).
    pricer = await run_in_threadpool(pricer_of, request)
    batch = [taps.TapIn(t.tap_id, t.card, t.kind, t.at, t.stop_id, t.route_id) for t in body.taps]

    def run(session: Session) -> dict[str, int]:
        validator = validators.authenticate(session, key)
        hasher = hasher_of(request, session)
        done = taps.ingest(
            session, validator, batch, hasher=hasher, pricer=pricer, floor=floor, zone=zone,
            now=now,
        )  # fmt: skip
        return {"stored": done.stored, "duplicates": done.duplicates, "unknown": done.unknown}

    return await in_transaction(request, run)


@router.get("", response_model=list[schemas.Card], summary="My cards and their balances")
def my_cards(subject: CurrentSubject, session: ReadSession) -> list[dict[str, Any]]:
    return service.holder_cards(session, subject.account_id)


@router.post("", status_code=201, response_model=schemas.Card, summary="Register a card")
async def add_card(
    subject: CurrentSubject, request: Request, body: schemas.CardCreate
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        card = service.register(
            session,
            hasher_of(request, session),
            holder_id=subject.account_id,
            number=body.number,
            name=body.name,
            now=clock(request),
        )
        return service.card_answer(session, card)

    return await in_transaction(request, run)


@router.get("/{card_id}", response_model=schemas.Card, summary="One of my cards")
def my_card(subject: CurrentSubject, session: ReadSession, card_id: SmallId) -> dict[str, Any]:
    return service.card_answer(session, service.holder_card(session, subject.account_id, card_id))


@router.get(
    "/{card_id}/trips",
    response_model=list[schemas.Journey],
    summary="A card's journeys, newest first: each leg's fare and what caps saved",
)
def trips(subject: CurrentSubject, session: ReadSession, card_id: SmallId) -> list[dict[str, Any]]:
    return service.trips(session, subject.account_id, card_id)


@router.post(
    "/{card_id}/replace",
    status_code=201,
    response_model=schemas.Card,
    summary="Report a card lost: block it and move its balance to a new card",
)
async def replace_card(
    subject: CurrentSubject, request: Request, card_id: SmallId, body: schemas.CardReplace
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        new = service.replace(
            session,
            hasher_of(request, session),
            holder_id=subject.account_id,
            card_id=card_id,
            number=body.number,
            now=clock(request),
        )
        return service.card_answer(session, new)

    return await in_transaction(request, run)


@router.post(
    "/{card_id}/topups",
    status_code=201,
    response_model=schemas.Topup,
    summary="Start a top-up (the same Idempotency-Key again: the same top-up)",
)
async def start_topup(
    subject: CurrentSubject,
    request: Request,
    ctx: Ctx,
    card_id: SmallId,
    body: schemas.TopupCreate,
    key: IdempotencyKey = None,
) -> dict[str, Any]:
    balance_max = ctx.settings.card_balance_max

    def run(session: Session) -> dict[str, Any]:
        return payments.start(
            session,
            holder_id=subject.account_id,
            card_id=card_id,
            amount=body.amount,
            adapter_name=body.adapter,
            available=payments.adapters(ctx.settings.card_qris_merchant),
            key=(key or "").strip(),
            balance_max=balance_max,
            now=clock(request),
        )

    return await in_transaction(request, run)


@router.post(
    "/{card_id}/topups/{topup_id}/confirm",
    response_model=schemas.Topup,
    summary="Ask the payment adapter whether a top-up is paid; paid: the balance grows, once",
)
async def confirm_topup(
    subject: CurrentSubject, request: Request, ctx: Ctx, card_id: SmallId, topup_id: SmallId
) -> dict[str, Any]:
    available = payments.adapters(ctx.settings.card_qris_merchant)
    floor, zone = ctx.settings.card_balance_floor, ctx.region.timezone

    def run(session: Session) -> dict[str, Any]:
        return payments.confirm(
            session,
            holder_id=subject.account_id,
            card_id=card_id,
            topup_id=topup_id,
            available=available,
            floor=floor,
            zone=zone,
            now=clock(request),
        )

    return await in_transaction(request, run)


# ---- admins --------------------------------------------------------------------------------


@admin_router.get(
    "/validators", response_model=list[schemas.Validator], summary="Validators (key prefixes)"
)
def list_validators(admin: CurrentAdmin, session: ReadSession) -> list[dict[str, Any]]:
    return [validators.as_dict(v) for v in validators.list_all(session)]


@admin_router.post(
    "/validators",
    status_code=201,
    response_model=schemas.ValidatorCreated,
    summary="Register a validator; its key is shown once",
)
async def create_validator(
    admin: CurrentAdmin, request: Request, body: schemas.ValidatorCreate
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        return validators.register(
            session,
            admin,
            name=body.name,
            network=body.network,
            stop_id=body.stop_id,
            route_id=body.route_id,
            now=clock(request),
        )

    return await in_transaction(request, run)


@admin_router.post(
    "/validators/{validator_id}/revoke",
    response_model=schemas.Validator,
    summary="Revoke a validator's key",
)
async def revoke_validator(
    admin: CurrentAdmin, request: Request, validator_id: SmallId
) -> dict[str, Any]:
    now = clock(request)
    return await in_transaction(
        request, lambda session: validators.retire(session, admin, validator_id, now)
    )


Day = Annotated[
    date | None,
    Query(ge=date(2000, 1, 1), le=date(2100, 12, 31), description="A local day (default: today)"),
]


def day_range(
    request: Request, ctx: Ctx, start: date | None, end: date | None
) -> tuple[date, date]:
    """The local days asked (default: the seven ending today); the console's pages too."""
    today = clock(request).astimezone(ctx.region.timezone).date()
    end = end or today
    return start or end - timedelta(days=6), end


@admin_router.get(
    "/cards/revenue",
    response_model=list[schemas.Revenue],
    summary="Fare revenue per network and local day of the rides (default: the last 7 days)",
)
def revenue(
    admin: CurrentAdmin,
    request: Request,
    ctx: Ctx,
    session: ReadSession,
    start: Day = None,
    end: Day = None,
    by: Annotated[
        audit.Basis,
        Query(description="ride: the rides' days; posting: the days the ledger posted them"),
    ] = "ride",
) -> list[dict[str, Any]]:
    first, last = day_range(request, ctx, start, end)
    return audit.revenue(session, first, last, ctx.region.timezone, by=by)


@admin_router.get(
    "/cards/reconciliation",
    response_model=schemas.Reconciliation,
    summary="Taps, charges and top-ups over local days; balances and the books' check now",
)
def reconciliation(
    admin: CurrentAdmin,
    request: Request,
    ctx: Ctx,
    session: ReadSession,
    start: Day = None,
    end: Day = None,
) -> dict[str, Any]:
    first, last = day_range(request, ctx, start, end)
    return audit.reconciliation(session, first, last, ctx.region.timezone)


# ---- payment providers -----------------------------------------------------------------------

Signature = Annotated[str | None, Header(alias="Sigap-Signature", max_length=200)]


@payments_router.post(
    "/qris/notifications",
    response_model=schemas.Topup,
    summary="The QRIS acquirer's signed word that a top-up was paid; posted once",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schemas.PaymentNotice.model_json_schema()}},
        }
    },
)
async def qris_notification(
    request: Request, ctx: Ctx, signature: Signature = None
) -> dict[str, Any]:
    """Signed as Sigap signs its webhooks (docs/webhooks.md): ``t=<unix seconds>,v1=<hex
    HMAC-SHA256(secret, "<t>.<body>")>`` with ``SIGAP_CARD_QRIS_NOTIFY_SECRET``, within 5
    minutes. Send it again until answered: a paid top-up is answered as paid, nothing posted."""
    secret = ctx.settings.card_qris_notify_secret
    if not secret:
        raise SigapError("payment_notifications_off")
    raw = await read_body(request)
    if not signature or not webhooks.verify(secret, raw, signature):
        raise SigapError("invalid_payment_signature")
    notice = validated(raw, schemas.PaymentNotice)
    available = payments.adapters(ctx.settings.card_qris_merchant)
    floor = ctx.settings.card_balance_floor

    def run(session: Session) -> dict[str, Any]:
        return payments.notified(
            session,
            adapter_name="qris",
            reference=notice.reference,
            paid=notice.amount,
            available=available,
            floor=floor,
            zone=ctx.region.timezone,
            now=clock(request),
        )

    return await in_transaction(request, run)
