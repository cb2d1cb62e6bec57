"""The admin console's marketplace section (/admin/market, docs/market.md "City buying"): the
units' spending of a month per unit and per seller, with their budgets, and the same rows as
CSV (/admin/market/report.csv); setting a unit's budget of a month (audited). One function
makes the report for the page, the CSV and the JSON API: :func:`sigap.market.city.report`."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sigap.admin.console import admin_page
from sigap.auth.service import Subject
from sigap.deps import clock, context_of, in_reading
from sigap.errors import SigapError
from sigap.history import audit
from sigap.inputs import INT32_MAX, id_of
from sigap.market import budgets, city

router = APIRouter(prefix="/admin/market", include_in_schema=False)
PERIOD = re.compile(r"^20[0-9]{2}-(0[1-9]|1[0-2])$")
Fields = dict[str, str]


def period_of(request: Request) -> str:
    """``?period=YYYY-MM``, or this month in the region's time."""
    asked = request.query_params.get("period", "")
    if PERIOD.match(asked):
        return asked
    return budgets.period_of(clock(request), context_of(request).region.timezone)


def load(session: Session, request: Request) -> dict[str, Any]:
    period = period_of(request)
    names = {
        u.id: u.name(context_of(request).language)
        for u in context_of(request).region.units.values()
    }
    return {"report": city.report(session, None, period), "period": period, "unit_names": names}


def set_budget(request: Request) -> Any:
    """The budget form's action: a unit's amount of a month, audited like the API's."""

    def run(session: Session, admin: Subject, f: Fields) -> None:
        unit_id, amount = id_of(f.get("unit_id", ""), INT32_MAX), id_of(f.get("amount", ""), 10**12)
        period = f.get("period", "")
        if unit_id is None or amount is None or not PERIOD.match(period):
            raise SigapError("invalid_input")
        city.check_unit(context_of(request).region, admin, unit_id)
        before, row = budgets.set_amount(session, unit_id, period, amount, now=clock(request))
        audit.record(
            session, admin, "market.budget.set", "market_budget", row.id,
            before=None if before is None else {"amount": before},
            after={"unit_id": row.unit_id, "period": row.period, "amount": row.amount},
        )  # fmt: skip

    return run


@router.get("/report.csv")
async def report_csv(request: Request) -> Response:
    """The report's rows as CSV, as ``GET /api/v1/market/city/report.csv`` gives an admin."""
    subject = await admin_page(request)
    if isinstance(subject, Response):
        return subject
    period = period_of(request)
    rows = await in_reading(request, lambda session: city.report(session, None, period)["rows"])
    return Response(
        city.csv_text(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="sigap-belanja-{period}.csv"'},
    )
