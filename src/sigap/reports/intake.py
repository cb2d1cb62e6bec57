"""Report submission with photos (multipart/form-data on ``POST /api/v1/reports``).

The form carries the report either as one ``report`` field holding the same JSON as the JSON
API, or as plain fields (``category``, ``lat``, ``lon``, ``description``, ``address``), plus up
to ``photo_max_count`` files in ``photo`` fields (a url-encoded form, without photos, works
too). Order of work: the body is read with its limits enforced while it streams; the report is
checked and routed (so a bad report costs no photo work); the photo rule is checked; photos
are decoded off the event loop and stored; only then does the group-commit writer insert the
report, its submit event and the photo rows in one transaction. A refused photo leaves no
report and no file; a failed transaction leaves at most orphan files in storage.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from sigap.config import Settings
from sigap.deps import Context
from sigap.photos import service as photos
from sigap.photos.upload import MAX_FIELDS, Form, Upload, read_form
from sigap.reports import service
from sigap.reports.schemas import ReportCreate
from sigap.web.body import read_fields

PLAIN_FIELDS = ("category", "lat", "lon", "description", "address")
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


async def read_report_form(
    request: Request, settings: Settings
) -> tuple[ReportCreate, list[Upload]]:
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await read_form(
            request, max_files=settings.photo_max_count, max_file_bytes=settings.photo_max_bytes
        )
    else:  # a form without files, as a browser sends it
        form = Form(await read_fields(request, max_fields=MAX_FIELDS), [])
    if form.fields.get("photo") == "":
        del form.fields["photo"]  # an empty file input, sent without a file name
    try:
        if "report" in form.fields:
            extra = sorted(set(form.fields) - {"report"})
            if extra:
                raise _invalid(
                    [
                        {
                            "type": "extra_forbidden",
                            "loc": (extra[0],),
                            "msg": "Extra inputs are not permitted",
                            "input": form.fields[extra[0]],
                        }
                    ]
                )
            return ReportCreate.model_validate_json(form.fields["report"]), form.files
        return ReportCreate.model_validate(_plain(form.fields)), form.files
    except ValidationError as exc:
        raise _invalid(exc.errors(include_url=False)) from None


def _plain(fields: dict[str, str]) -> dict[str, Any]:
    """Plain form fields; empty optional fields are left out, as a browser sends them."""
    return {name: value for name, value in fields.items() if value != "" or name in PLAIN_FIELDS}


def _invalid(errors: Any) -> RequestValidationError:
    """As FastAPI says it: locations under "body"; ``ctx`` (the limits) kept for forms."""
    return RequestValidationError(
        [
            {"type": e["type"], "loc": ("body", *e["loc"]), "msg": e["msg"], "input": e["input"],
             "ctx": e.get("ctx", {})}
            for e in errors
        ]
    )  # fmt: skip


async def add_photos(
    request: Request, ctx: Context, prepared: service.Prepared, files: list[Upload]
) -> service.Prepared:
    """Check the photo rule of the category and channel, then decode and store the photos."""
    category = ctx.region.categories[prepared.report["category_code"]]
    photos.check_required(
        category.code, (category.name_id, category.name_en), category.photo_required,
        prepared.channel, len(files), ctx.settings,
    )  # fmt: skip
    if not files:
        return prepared
    stored = await photos.take_in(
        [upload.data for upload in files],
        ctx.settings,
        request.app.state.photo_storage,
        limiter=request.app.state.photo_limiter,
    )
    return service.with_photos(prepared, stored)


def photo_location(prepared: service.Prepared) -> list[float] | None:
    """The first GPS position found in the submission's photos, as [lat, lon]."""
    for photo in prepared.photos:
        if photo.gps is not None:
            return [photo.gps[0], photo.gps[1]]
    return None


FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "report": {
            "type": "string",
            "contentMediaType": "application/json",
            "description": "The report as in the JSON body (or send its fields one by one)",
        },
        "photo": {
            "type": "array",
            "items": {"type": "string", "contentMediaType": "image/*"},
            "description": "Up to 5 photos (JPEG, PNG, WebP, HEIC), 10 MB each by default",
        },
    },
}


def document_form(app: FastAPI) -> None:
    """Add the multipart variant of ``POST /api/v1/reports`` to the OpenAPI document."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        spec = generate()
        body = spec["paths"]["/api/v1/reports"]["post"]["requestBody"]["content"]
        body.setdefault("multipart/form-data", {"schema": FORM_SCHEMA})
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
