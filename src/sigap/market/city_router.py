"""HTTP of the city's buying (e-order): ``/api/v1/market/city`` for the units' officials and
the auditor, ``/api/v1/admin/market/budgets`` for the admin who sets the budgets (audited in
``admin_event`` like every admin change). The rules are :mod:`sigap.market.city` and
:mod:`sigap.market.budgets`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy.orm import Session

from sigap.auth.deps import CurrentAdmin, CurrentOfficial
from sigap.deps import Ctx, ReadSession, clock, in_transaction
from sigap.history import audit
from sigap.inputs import Id
from sigap.market import budgets, city, city_schemas, orders, present, schemas
from sigap.market.orders import Basket, Timeouts
from sigap.market.router import act_on

router = APIRouter(prefix="/api/v1/market/city", tags=["market"])
admin_router = APIRouter(prefix="/api/v1/admin/market", tags=["admin"])
PeriodQuery = Annotated[
    str | None, Query(pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$", description="YYYY-MM")
]


@router.post(
    "/orders",
    response_model=schemas.Order,
    status_code=status.HTTP_201_CREATED,
    summary="Order for a unit (its stock and the unit's budget reserved)",
)
async def place_unit_order(
    body: city_schemas.UnitOrderCreate, subject: CurrentOfficial, request: Request, ctx: Ctx
) -> dict[str, Any]:
    basket = Basket(
        [(i.product_id, i.quantity) for i in body.items],
        body.payment,
        body.delivery_kelurahan,
        body.note,
    )

    def run(session: Session) -> dict[str, Any]:
        order = city.place(
            session,
            ctx.region,
            subject,
            body.unit_id,
            basket,
            now=clock(request),
            timeouts=Timeouts.of(ctx.settings),
        )
        return present.order(session, order, "buyer")

    return await in_transaction(request, run)


@router.get("/orders", response_model=schemas.OrderList, summary="My units' orders")
def unit_orders(
    subject: CurrentOfficial,
    session: ReadSession,
    unit_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    status: schemas.OrderStatus | None = None,
) -> dict[str, Any]:
    rows = city.listing(session, subject, unit_id=unit_id, status=status)
    return {"items": present.orders_of(session, rows, "buyer")}


@router.get("/orders/{order_id}", response_model=schemas.OrderPage, summary="A unit's order")
def unit_order(order_id: Id, subject: CurrentOfficial, session: ReadSession) -> dict[str, Any]:
    order = city.load(session, subject, order_id, lock=False)
    events = [present.event(e) for e in orders.events_of(session, order_id)]
    return {**present.order(session, order, "buyer"), "events": events}


@router.post(
    "/orders/{order_id}/actions",
    response_model=schemas.Order,
    summary="Cancel or complete a unit's order",
)
async def unit_order_action(
    order_id: Id, body: schemas.OrderAction, subject: CurrentOfficial, request: Request, ctx: Ctx
) -> dict[str, Any]:
    return await act_on(
        request,
        ctx,
        body,
        "buyer",
        subject.account_id,
        lambda session: city.load(session, subject, order_id, lock=True),
    )


@router.get("/budgets", response_model=city_schemas.BudgetList, summary="My units' budgets")
def unit_budgets(
    subject: CurrentOfficial, session: ReadSession, period: PeriodQuery = None
) -> dict[str, Any]:
    rows = budgets.listing(session, subject.scope, period=period)
    return {"items": [city.budget_of(b) for b in rows]}


@router.get(
    "/report",
    response_model=city_schemas.SpendingReport,
    summary="Spending per unit and per seller in a month (the auditor's report)",
)
def spending_report(
    subject: CurrentOfficial,
    session: ReadSession,
    request: Request,
    ctx: Ctx,
    period: PeriodQuery = None,
) -> dict[str, Any]:
    chosen = period or budgets.period_of(clock(request), ctx.region.timezone)
    return city.report(session, subject.scope, chosen)


@router.get(
    "/report.csv",
    summary="The spending report's rows as CSV (per unit and seller)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def spending_csv(
    subject: CurrentOfficial,
    session: ReadSession,
    request: Request,
    ctx: Ctx,
    period: PeriodQuery = None,
) -> Response:
    chosen = period or budgets.period_of(clock(request), ctx.region.timezone)
    rows = city.spending(session, subject.scope, chosen)
    return Response(
        city.csv_text(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="sigap-belanja-{chosen}.csv"'},
    )


@admin_router.put(
    "/budgets", response_model=city_schemas.BudgetOut, summary="Set a unit's budget of a month"
)
async def set_budget(
    body: city_schemas.BudgetSet, admin: CurrentAdmin, request: Request, ctx: Ctx
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        city.check_unit(ctx.region, admin, body.unit_id)
        before, row = budgets.set_amount(
            session, body.unit_id, body.period, body.amount, now=clock(request)
        )
        audit.record(
            session,
            admin,
            "market.budget.set",
            "market_budget",
            row.id,
            before=None if before is None else {"amount": before},
            after={"unit_id": row.unit_id, "period": row.period, "amount": row.amount},
        )
        return city.budget_of(row)

    return await in_transaction(request, run)


@admin_router.get(
    "/budgets", response_model=city_schemas.BudgetList, summary="Every unit's budgets"
)
def all_budgets(
    admin: CurrentAdmin, session: ReadSession, period: PeriodQuery = None
) -> dict[str, Any]:
    return {"items": [city.budget_of(b) for b in budgets.listing(session, None, period=period)]}
