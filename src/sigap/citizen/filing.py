"""Filing a report from the app: the new-report page and its submit.

The page is one form driven by ``/static/citizen/new.js``: category → photos → location (GPS,
the photo's GPS, or a pin; checked with /api/v1/locate) → description → nearby reports of the
same category → submit. The submit goes through the same path as the JSON API's multipart
submit (photo intake, routing, the group-commit writer) with channel ``web``, so the photo
rule of the citizen app applies. The script makes one Idempotency-Key per draft, so a retry
after a lost answer returns the first report instead of filing a second.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from sigap import models
from sigap.citizen import limits
from sigap.citizen.web import Visitor, check, client_ip, page, read, visitor
from sigap.deps import Context, clock, context_of
from sigap.errors import InvalidInput, SigapError
from sigap.photos import service as photos
from sigap.reports import intake, service
from sigap.reports.schemas import ReportCreate
from sigap.web import fields
from sigap.web.errors import field_details

router = APIRouter(prefix="/app", include_in_schema=False)


@router.get("/new")
async def new_report(request: Request) -> Response:
    ctx = context_of(request)
    categories = sorted(
        (c for c in ctx.region.categories.values() if c.active), key=lambda c: c.sort_order
    )
    photo_needed = {
        c.code: photos.photo_required(c.code, (c.name_id, c.name_en)).message(ctx.language)
        for c in categories
        if photos.required(c.photo_required, "web", ctx.settings)
    }  # the browser says it before sending, in the server's words
    return page(
        request, await visitor(request), "new.html", categories=categories,
        photo_needed=photo_needed, limits=LIMITS,
    )  # fmt: skip


def _limits() -> dict[str, dict[str, int]]:
    """The form's length rules, read from the API's schema so the browser checks the same."""
    schema = ReportCreate.model_json_schema()
    properties = {
        **schema["properties"],
        "email": schema["$defs"]["ReporterIn"]["properties"]["email"],
    }
    found: dict[str, dict[str, int]] = {}
    for name in ("description", "address", "email"):
        spec = properties[name]
        options = [spec, *spec.get("anyOf", [])]
        found[name] = {
            html: option[json]
            for option in options
            for json, html in (("minLength", "minlength"), ("maxLength", "maxlength"))
            if json in option
        }
    return found


LIMITS = _limits()


@router.post("/submit")
async def submit(request: Request) -> Response:
    """Multipart: ``report`` (the JSON API's body) and ``photo`` files; JSON answer. A refusal
    is the API's error (code, message, details as ever) plus ``fields``: what the form writes
    next to each field it concerns (sigap.web.fields), and a ``summary`` for above the send
    button."""
    ctx = context_of(request)
    who = await visitor(request)
    check(who, request.headers.get("x-csrf-token"))
    try:
        return await _submit(request, ctx, who)
    except RequestValidationError as invalid:
        errors = invalid.errors()
        shown = fields.validation_errors(errors, fields.REPORT_FORM, ctx.language)
        details = field_details(errors, ctx.language)
        error = SigapError("invalid_input", status=422, details=details)
    except SigapError as refused:
        error, shown = refused, fields.form_errors(refused, fields.REPORT_FORM, ctx.language)
    body = error.body(ctx.language)
    body["error"].update(summary=shown.message, fields=shown.fields)
    headers = {"Content-Language": ctx.language, **(error.headers or {})}
    return JSONResponse(body, status_code=error.status, headers=headers)


async def _submit(request: Request, ctx: Context, who: Visitor) -> Response:
    data, files = await intake.read_report_form(request, ctx.settings)
    key = request.headers.get("idempotency-key")
    if key is not None and not 1 <= len(key) <= 200:
        raise InvalidInput("invalid_idempotency_key")
    prepared = service.prepare(ctx.region, data=data, channel="web")
    prepared = dataclasses.replace(prepared, reporter=_reporter(data, who, client_ip(request)))
    await _within_limits(request, ctx, who, prepared, key)
    prepared = await intake.add_photos(request, ctx, prepared, files)
    result = await ctx.report_writer.submit((prepared, key))
    token = result.tracking_token
    return JSONResponse(
        {
            "id": result.report["id"],
            "tracking_token": token,
            "tracking_url": f"{ctx.settings.public_url}/app/track/{token}",
            "next": f"/app/track/{token}?new=1",
            "photo_location": intake.photo_location(prepared),
        },
        status_code=200 if result.replayed else 201,
    )


def _reporter(data: ReportCreate, who: Visitor, ip: str | None) -> dict[str, Any]:
    """The private reporter row: contact as given (the account's when signed in and left
    empty), the account, the device and the hashed address for the abuse limits."""
    given = data.reporter.model_dump() if data.reporter else {}
    subject = who.subject
    email = given.get("email")
    if email is None and subject is not None and not subject.email.endswith("phone.invalid"):
        email = subject.email
    return {
        "name": given.get("name") or (subject.name if subject else None),
        "email": email,
        "phone": given.get("phone"),
        "device_id": who.device_hash,
        "account_id": None,
        "contact_visible": bool(given.get("contact_visible")),
        "reporter_account_id": who.account_id,
        "client_ip": ip,
    }


async def _within_limits(
    request: Request, ctx: Context, who: Visitor, prepared: service.Prepared, key: str | None
) -> None:
    report = prepared.report
    now = clock(request)
    who_limits = limits.Who(who.account_id, None if who.account_id else client_ip(request))

    def work(session: Session) -> None:
        if key is not None and session.get(models.IdempotencyKey, key) is not None:
            return  # a retry of a submission already counted
        limits.check(
            session, ctx.settings, who_limits, category=report["category_code"],
            lon=report["lon"], lat=report["lat"], now=now,
        )  # fmt: skip

    await read(request, work)
