"""Filing a report: the one use case every channel calls (the JSON API, Open311, the citizen
app, any later one). An adapter only translates its request into a :class:`ReportCreate`,
its photos and a :class:`~sigap.reports.limits.Source`; everything else happens here, in one
order, with one set of error codes:

1. the Idempotency-Key is checked (422 ``invalid_idempotency_key``);
2. the report is checked and routed (:func:`sigap.reports.service.prepare`), so a bad report
   costs no database work and no photo work (a report that may name a transit route takes the
   process's network first, :func:`transit_network`);
3. the private reporter row is completed with what the server knows (account, device,
   hashed address), so that the limits can count this report later;
4. with photos, the limits (:mod:`sigap.reports.limits`) in a short read first: a flood is
   refused before it costs a decode per photo;
5. the category's photo rule, then the photos decoded off the event loop and stored;
6. the group-commit writer checks the limits exactly, in its transaction (a retry whose key
   is stored already passes), and inserts the report, its reporter row, first event, photo
   rows and outbox message, and answers after the commit.
"""

from __future__ import annotations

import dataclasses
from typing import Any, NamedTuple

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from sigap.db import Database
from sigap.deps import Context
from sigap.errors import SigapError
from sigap.inputs import check_idempotency_key
from sigap.models.rows import NewReporter
from sigap.photos.upload import Upload
from sigap.reports import intake, limits, service, transit
from sigap.reports.limits import Source
from sigap.reports.schemas import ReportCreate
from sigap.reports.service import Prepared, Submitted
from sigap.transit.state import Holder, Network


class Filed(NamedTuple):
    prepared: Prepared
    result: Submitted


def reporter_row(data: ReportCreate, source: Source, **given: Any) -> NewReporter:
    """The private reporter row: the contact the report carries (or ``given`` by the
    adapter), the device and account it came from and the hashed address. Every key is
    always present: rows of one batch are inserted by one statement."""
    contact = data.reporter.model_dump() if data.reporter else {}
    contact.update({k: v for k, v in given.items() if v is not None})
    return {
        "name": contact.get("name"),
        "email": contact.get("email"),
        "phone": contact.get("phone"),
        "device_id": source.device,
        "account_id": contact.get("account_id"),
        "contact_visible": bool(contact.get("contact_visible")),
        "reporter_account_id": source.account_id,
        "client_ip": source.address,
    }


async def transit_network(request: Request, ctx: Context, data: ReportCreate) -> Network | None:
    """The transit network, for a report that may name a route or a stop (sigap.reports.
    transit); None for every other report, which so costs nothing more. Taken on a worker
    thread: the holder may read the stored version and build a new network there."""
    category = ctx.region.categories.get(data.category)
    if not data.attributes or category is None or not transit.asks(category):
        return None
    holder: Holder = request.app.state.transit
    try:
        return await run_in_threadpool(holder.current, request.app.state.db)
    except SigapError as error:
        if error.code != "transit_no_network":
            raise
        return None  # nothing imported: every route and stop is unknown


async def file(
    request: Request,
    ctx: Context,
    data: ReportCreate,
    files: list[Upload],
    source: Source,
    key: str | None,
    *,
    contact: dict[str, Any] | None = None,
) -> Filed:
    """File ``data`` from ``source``; see the module's docstring for the order of work."""
    check_idempotency_key(key)
    network = await transit_network(request, ctx, data)
    prepared = service.prepare(ctx.region, data=data, channel=source.channel, network=network)
    counted = dataclasses.replace(source, limits=limits.Limits.of(ctx.settings))
    prepared = dataclasses.replace(
        prepared, reporter=reporter_row(data, source, **(contact or {})), source=counted
    )
    if files:  # photos cost a decode each: a flood is refused before, not after them
        database: Database = request.app.state.db
        refused = await database.read_async(lambda c: limits.refusals(c, [(prepared, key)])[0])
        if refused is not None:
            raise refused
    prepared = await intake.add_photos(request, ctx, prepared, files)
    result = await ctx.report_writer.submit((prepared, key))
    if isinstance(result, limits.Refused):
        raise result.error()
    return Filed(prepared, result)
