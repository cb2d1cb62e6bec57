"""Simple routes from a spreadsheet CSV, in the admin console (docs/transit.md, "Routes from a
spreadsheet"; docs/admin.md): ``POST /api/v1/admin/transit/csv`` and the page's two steps,
check (the errors, or a preview of routes, stops and headways) then import.

Admins only, through :func:`sigap.auth.deps.admin_only` like the rest of the console; an
import is stored as ``sigap import-gtfs`` stores a feed and audited (``transit.import``) in the
same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from sigap.admin import schemas
from sigap.admin.console import admin_page, change
from sigap.admin.pages import _page
from sigap.auth.deps import CurrentAdmin, check_csrf
from sigap.auth.service import Subject
from sigap.deps import clock, context_of
from sigap.errors import SigapError
from sigap.history import audit
from sigap.transit import csvfeed, store
from sigap.web.body import read_body

api = APIRouter(prefix="/api/v1/admin", tags=["admin"])
pages = APIRouter(prefix="/admin", include_in_schema=False)
CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "the routes, one row per stop (docs/transit.md)",
    }
}


async def _convert(request: Request, data: bytes, name: str, file: str) -> csvfeed.Converted:
    region = context_of(request).region
    today = clock(request).astimezone(region.timezone).date()
    return await run_in_threadpool(
        lambda: csvfeed.convert(data, name, file=file, today=today, timezone=str(region.timezone))
    )


def import_feed(session: Session, admin: Subject, made: csvfeed.Converted, now: datetime) -> int:
    """Store the feed as ``import-gtfs`` does, audited in the same transaction."""
    version = store.store(session, [made.loaded], now)
    after = {"sha256": made.loaded.sha256, "network_version": version, **made.loaded.counts()}
    audit.record(session, admin, "transit.import", "transit_feed", made.loaded.name, after=after)
    return version


@api.post(
    "/transit/csv",
    response_model=schemas.TransitCsv,
    summary="Check (and with import=true, import) simple routes from a CSV",
    openapi_extra=CSV_BODY,
)
async def transit_csv(
    admin: CurrentAdmin,
    request: Request,
    name: Annotated[str, Query(max_length=32, description="the feed's name, e.g. gowa")],
    commit: Annotated[bool, Query(alias="import")] = False,
) -> dict[str, Any]:
    data = await read_body(request, csvfeed.MAX_BYTES)
    made = await _convert(request, data, name, "routes.csv")
    version = None
    if commit:
        now = clock(request)
        version = await change(request, lambda s: import_feed(s, admin, made, now), region=False)
    return {**made.preview(), "imported": commit, "network_version": version}


@pages.post("/transit/{action}")
async def transit_page(request: Request, action: str) -> Response:
    """``check``: a file (or the text sent back by the preview) shown as errors or a preview;
    ``import``: the same text checked again and imported."""
    subject = await admin_page(request)
    if isinstance(subject, Response):
        return subject
    if action not in ("check", "import"):
        raise SigapError("not_found")
    async with request.form(max_files=1, max_fields=10, max_part_size=csvfeed.MAX_BYTES) as form:
        check_csrf(subject, str(form.get("csrf") or ""))
        name = str(form.get("name") or "").strip()
        sent = form.get("csv")
        if isinstance(sent, UploadFile):
            data, file = await sent.read(csvfeed.MAX_BYTES + 1), sent.filename or "routes.csv"
        else:
            data, file = (sent or "").encode("utf-8"), str(form.get("file") or "routes.csv")
    try:
        made = await _convert(request, data, name, file)
        if action == "import":
            now = clock(request)
            await change(request, lambda s: import_feed(s, subject, made, now), region=False)
    except SigapError as error:
        message = error.message(context_of(request).language)
        return await _page(
            request,
            subject,
            "transit",
            error=message,
            status_code=error.status,
            extra={"name": name},
        )
    if action == "import":
        return RedirectResponse("/admin/transit?done=transit.import", status_code=303)
    text = data.decode("utf-8-sig")
    extra: dict[str, Any] = {"preview": made.preview(), "name": name, "csv_text": text}
    extra["file"] = file
    return await _page(request, subject, "transit", extra=extra)
