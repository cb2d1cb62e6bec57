"""Filing a report from the app: the new-report page and its submit.

The page is one form driven by ``/static/citizen/new.js``: category → photos → location (GPS,
the photo's GPS, or a pin; checked with /api/v1/locate) → description → nearby reports of the
same category → submit. The submit is the one filing use case of every channel
(:mod:`sigap.reports.filing`: checks, limits, photos, the group-commit writer) with channel
``web``, so the photo rule of the citizen app applies. The script makes one Idempotency-Key
per draft, so a retry after a lost answer returns the first report instead of filing a second.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from sigap.citizen.web import Visitor, check, page, visitor
from sigap.deps import Context, client_address, context_of
from sigap.errors import SigapError
from sigap.photos import service as photos
from sigap.reports import filing, intake
from sigap.reports.limits import Source
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
        error = SigapError("invalid_input", details=details)
    except SigapError as refused:
        error, shown = refused, fields.form_errors(refused, fields.REPORT_FORM, ctx.language)
    body = error.body(ctx.language)
    body["error"].update(summary=shown.message, fields=shown.fields)
    headers = {"Content-Language": ctx.language, **(error.headers or {})}
    return JSONResponse(body, status_code=error.status, headers=headers)


async def _submit(request: Request, ctx: Context, who: Visitor) -> Response:
    data, files = await intake.read_report_form(request, ctx.settings)
    source = Source(
        "web", account_id=who.account_id, device=who.device_hash, address=client_address(request)
    )
    key = request.headers.get("idempotency-key")
    prepared, result = await filing.file(
        request, ctx, data, files, source, key, contact=_contact(data, who)
    )
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


def _contact(data: ReportCreate, who: Visitor) -> dict[str, str]:
    """A signed-in citizen's name and e-mail where the form left them empty (a phone-only
    account has no e-mail to give)."""
    subject = who.subject
    if subject is None:
        return {}
    given = data.reporter
    found = {"name": subject.name}
    if not subject.email.endswith("phone.invalid"):
        found["email"] = subject.email
    return {k: v for k, v in found.items() if not (given and getattr(given, k))}
