"""The fare card's pages in the admin console (issue #27, item 6; docs/admin.md, "Fares"):
the fare rules in force, revenue per network and day (with its CSV), the reconciliation of
taps, charges and top-ups, and the validators. ``GET /api/v1/admin/fares`` is the rules' JSON.

One path: each page shows what its JSON answer holds, from the same function
(:func:`sigap.fares.summary.describe`, :func:`sigap.cards.audit.revenue` and
:func:`~sigap.cards.audit.reconciliation`, :mod:`sigap.cards.validators`). Admins only, through
:func:`sigap.auth.deps.admin_only` like the rest of the console; every form carries the
session's CSRF token; a new validator's key is rendered once, in the answer to its POST.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from sigap.admin.console import admin_page, change
from sigap.admin.pages import NAV, _id
from sigap.auth.deps import CurrentAdmin, check_csrf
from sigap.auth.service import Subject
from sigap.cards import audit, schemas, validators
from sigap.cards.router import day_range
from sigap.deps import clock, context_of, in_reading
from sigap.errors import SigapError
from sigap.fares import planner, summary
from sigap.fares.schemas import FareRulesInForce
from sigap.web.body import read_fields
from sigap.web.pages import render

api = APIRouter(prefix="/api/v1/admin", tags=["fares"])
pages = APIRouter(prefix="/admin/fares", include_in_schema=False)
VIEWS = ("rules", "revenue", "reconciliation", "validators")
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
BASES: tuple[audit.Basis, ...] = ("ride", "posting")
COLUMNS = list(schemas.Revenue.model_fields)  # day, network, fares: the JSON's and the CSV's
Read = Callable[[Session], dict[str, Any]]


def rules_in_force(request: Request, day: date | None) -> dict[str, Any]:
    """The region's fare rule sets and the one in force on ``day`` (default: today, local)."""
    region = context_of(request).region
    today = clock(request).astimezone(region.timezone).date()
    return summary.describe(planner.bundled(region.slug), region.slug, day or today)


@api.get(
    "/fares",
    response_model=FareRulesInForce,
    summary="The fare rule sets and the one in force on a day (default: today)",
)
def fare_rules(
    admin: CurrentAdmin,
    request: Request,
    day: Annotated[date | None, Query(ge=FIRST_DAY, le=LAST_DAY)] = None,
) -> dict[str, Any]:
    return rules_in_force(request, day)


# ---- the pages ------------------------------------------------------------------------------


def _day(request: Request, name: str) -> date | None:
    """A day from the query string (``YYYY-MM-DD``), None when absent; else 422."""
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    try:
        found = date.fromisoformat(value)
    except ValueError:
        raise SigapError("invalid_input") from None
    if not FIRST_DAY <= found <= LAST_DAY:
        raise SigapError("invalid_input")
    return found


def _days(request: Request) -> tuple[date, date]:
    """The days asked, as the JSON API reads them (default: the last seven)."""
    start, end = _day(request, "start"), _day(request, "end")
    return day_range(request, context_of(request), start, end)


async def _show(
    request: Request,
    subject: Subject,
    view: str,
    read: Read,
    *,
    secret: str | None = None,
    error: SigapError | None = None,
) -> Response:
    """Render the view ``view`` with what ``read`` finds (in a worker thread), and ``error``
    (a refused form) or the error ``read`` raised (a day that is not one) above it."""
    data: dict[str, Any] = {}
    try:
        data = await in_reading(request, read)
    except SigapError as refused:
        error = error or refused
    language = context_of(request).language
    return render(
        request,
        f"admin/fares_{view}.html",
        status_code=error.status if error else 200,
        subject=subject,
        section="fares",
        sections=NAV,
        views=VIEWS,
        view=view,
        error=error.message(language) if error else None,
        secret=secret,
        done=request.query_params.get("done"),
        query=request.query_params,
        **data,
    )


@pages.get("")
async def rules_page(request: Request) -> Response:
    subject = await admin_page(request)
    if isinstance(subject, Response):
        return subject
    return await _show(request, subject, "rules", lambda _: _rules(request))


def _rules(request: Request) -> dict[str, Any]:
    found = rules_in_force(request, _day(request, "day"))
    return {"rules": found, "current": [s for s in found["sets"] if s["in_force"]]}


@pages.get("/revenue")
async def revenue_page(request: Request) -> Response:
    subject = await admin_page(request)
    if isinstance(subject, Response):
        return subject
    return await _show(request, subject, "revenue", lambda s: revenue_table(s, request))


def revenue_table(session: Session, request: Request) -> dict[str, Any]:
    """:func:`sigap.cards.audit.revenue`'s rows on the days asked, by the rides' days or the
    postings' (``?by=``), with their totals per network and over all."""
    start, end = _days(request)
    by = request.query_params.get("by") or "ride"
    if by not in BASES:
        raise SigapError("invalid_input")
    rows = audit.revenue(session, start, end, context_of(request).region.timezone, by=by)
    networks: dict[str, int] = defaultdict(int)
    for row in rows:
        networks[row["network"]] += row["fares"]
    shown = audit.days(start, end)
    last = shown[-1] if shown else start
    rules = planner.bundled(context_of(request).region.slug)
    return {"rows": rows, "networks": dict(networks), "total": sum(networks.values()), "by": by,
            "start": start, "end": last, "cut": last < end,
            "names": rules.networks if rules else {}}  # fmt: skip


@pages.get("/revenue.csv")
async def revenue_csv(request: Request) -> Response:
    """The revenue table as CSV: the same rows as the page and the JSON, one per day and
    network, amounts in whole rupiah."""
    subject = await admin_page(request)
    if isinstance(subject, Response):
        return subject
    try:
        table = await in_reading(request, lambda session: revenue_table(session, request))
    except SigapError as refused:
        return await _show(request, subject, "revenue", lambda _: {}, error=refused)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(table["rows"])
    name = f"sigap-revenue-{table['by']}-{table['start']}-{table['end']}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


@pages.get("/reconciliation")
async def reconciliation_page(request: Request) -> Response:
    subject = await admin_page(request)
    if isinstance(subject, Response):
        return subject

    def read(session: Session) -> dict[str, Any]:
        start, end = _days(request)
        zone = context_of(request).region.timezone
        found = audit.reconciliation(session, start, end, zone)
        return {"found": found, "start": found["start"], "end": found["end"]}

    return await _show(request, subject, "reconciliation", read)


@pages.get("/validators")
async def validators_page(request: Request) -> Response:
    subject = await admin_page(request)
    if isinstance(subject, Response):
        return subject
    return await _show(request, subject, "validators", _validators(request))


def _validators(request: Request) -> Read:
    """The validators, and the networks of the fare rules (the form's suggestions)."""
    rules = planner.bundled(context_of(request).region.slug)

    def read(session: Session) -> dict[str, Any]:
        listed = [validators.as_dict(row) for row in validators.list_all(session)]
        return {"validators": listed, "networks": rules.networks if rules else {}}

    return read


@pages.post("/validators/{action}")
async def validator_action(request: Request, action: str) -> Response:
    """``create`` (the key shown once, in this answer) or ``revoke``; audited like the API's."""
    subject = await admin_page(request)
    if isinstance(subject, Response):
        return subject
    if action not in ("create", "revoke"):
        raise SigapError("not_found")
    fields = {key: value.strip() for key, value in (await read_fields(request)).items()}
    check_csrf(subject, fields.get("csrf"))
    now = clock(request)

    def run(session: Session) -> str | None:
        if action == "revoke":
            validators.retire(session, subject, _id(fields, "validator_id"), now)
            return None
        body = schemas.ValidatorCreate.model_validate(
            {k: fields.get(k) or None for k in ("name", "network", "stop_id", "route_id")}
        )
        made = validators.register(session, subject, **body.model_dump(), now=now)
        return f"{made['name']}: {made['key']}"

    try:
        secret = await change(request, run, region=False)
    except (SigapError, ValueError) as error:
        refused = error if isinstance(error, SigapError) else SigapError("invalid_input")
        return await _show(request, subject, "validators", _validators(request), error=refused)
    if secret is not None:
        return await _show(request, subject, "validators", _validators(request), secret=secret)
    done = f"/admin/fares/validators?done=validators.{action}"
    return RedirectResponse(done, status_code=303)
