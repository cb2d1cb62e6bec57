"""HTTP of notifications: the live event stream (public) and the admin outbox and webhooks."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, status
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from sigap.auth.deps import CurrentAdmin
from sigap.db import Database
from sigap.errors import SigapError
from sigap.inputs import EventCursor, Id, SmallId
from sigap.notify import live, outbox, schemas, targets, webhooks

router = APIRouter(prefix="/api/v1", tags=["live"])
admin = APIRouter(prefix="/api/v1/admin", tags=["admin"])
OutboxState = Annotated[str, Query(pattern="^(pending|sending|delivered|dead)$")]


@router.get(
    "/live",
    summary="Live report events (Server-Sent Events)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def live_events(
    request: Request,
    last_event_id: Annotated[
        EventCursor | None, Header(description="The id of the last event seen (0: from the first)")
    ] = None,
) -> StreamingResponse:
    """Every new timeline event as ``event: report`` with ``id:`` = the event id and ``data:``
    ``{report_id, action, status, category_code, lat, lon, kelurahan_code, at}``. Reconnect
    with ``Last-Event-ID`` to receive what was missed, up to ``SIGAP_LIVE_QUEUE_SIZE``
    events; a client that missed more gets ``event: reload`` instead (``id:`` the newest
    event): it should read afresh what it shows, then carry on with the events that follow.
    Clients that fall too far behind are disconnected (reconnect after the ``retry:``
    delay)."""
    hub: live.LiveHub = request.app.state.live
    limit: int = request.app.state.settings.live_queue_size
    after = last_event_id
    client = await hub.join()  # before the backlog is read: nothing falls in between
    try:
        missed = await _missed(request.app.state.db, after, limit)
    except BaseException:  # a database fault: the client gets the 503 and tries again
        hub.unsubscribe(client)
        raise
    keepalive = request.app.state.settings.live_keepalive_s
    return StreamingResponse(
        _stream(hub, client, missed, keepalive),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@dataclass
class Missed:
    """What a reconnecting client missed: the events to send again, or (``reload``) too many
    of them, and the newest event then, which its fresh read covers."""

    rows: list[Any] = field(default_factory=list)
    reload: bool = False
    newest: int = 0


async def _missed(database: Database, after: int | None, limit: int) -> Missed:
    """The events after ``after`` from the timeline, a page at a time, if ``limit`` or fewer;
    read before the stream starts, so that a database fault is a 503, not a broken stream."""
    rows: list[Any] = []
    while after is not None:
        page = await run_in_threadpool(live.read_after, database, after)
        rows += page
        if len(rows) > limit:
            newest = await run_in_threadpool(live.last_id, database)
            return Missed(reload=True, newest=newest)
        after = page[-1].id if len(page) == live.READ_LIMIT else None
    return Missed(rows)


def reload_frame(newest: int) -> str:
    data = json.dumps({"reason": "missed_too_many"}, separators=(",", ":"))
    return f"id: {newest}\nevent: reload\ndata: {data}\n\n"


async def _stream(
    hub: live.LiveHub, client: live.Client, missed: Missed, keepalive_s: float
) -> AsyncIterator[str]:
    try:
        yield f"retry: {live.RETRY_MS}\n\n"
        if missed.reload:
            yield reload_frame(missed.newest)
        replayed = {row.id for row in missed.rows}
        for row in missed.rows:
            if live.is_public(row):
                yield live.frame(row)
        while True:
            try:
                await asyncio.wait_for(client.wake.wait(), keepalive_s)
            except TimeoutError:
                yield ": keepalive\n\n"
                continue
            client.wake.clear()
            while client.frames:
                event_id, frame = client.frames.popleft()
                if event_id not in replayed and event_id > missed.newest:
                    yield frame
            if client.dropped:
                yield f"retry: {live.RETRY_MS}\n: too slow; reconnect with Last-Event-ID\n\n"
                return
    finally:
        with contextlib.suppress(Exception):
            hub.unsubscribe(client)


def _db(request: Request) -> Database:
    database: Database = request.app.state.db
    return database


@admin.get("/outbox", response_model=schemas.OutboxPage, summary="Outbox messages by state")
def outbox_list(
    request: Request,
    _admin: CurrentAdmin,
    state: OutboxState = "dead",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Id | None = None,
) -> dict[str, Any]:
    """Dead letters by default (messages that failed ``SIGAP_OUTBOX_MAX_ATTEMPTS`` times),
    newest first, with the last error of each."""
    with _db(request).reading() as session:
        items = outbox.listing(session, state=state, limit=limit, before_id=before)
        counts = outbox.counts(session)
    next_before = items[-1]["id"] if len(items) == limit else None
    return {"items": items, "counts": counts, "next_before": next_before}


@admin.post(
    "/outbox/{message_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=schemas.OutboxRetried,
    summary="Deliver a dead message again",
)
def outbox_retry(request: Request, _admin: CurrentAdmin, message_id: Id) -> dict[str, Any]:
    """Back to pending with a fresh round of attempts, due now."""
    with _db(request).transaction() as session:
        if not outbox.retry(session, message_id):
            raise SigapError("outbox_message_not_found", message=message_id)
    return {"id": message_id, "state": "pending"}


@admin.post(
    "/webhooks",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.WebhookCreated,
    summary="Register a webhook endpoint",
)
def webhook_create(
    request: Request, _admin: CurrentAdmin, body: schemas.WebhookCreate
) -> dict[str, Any]:
    """The answer holds the signing secret; it is not shown again (see docs/webhooks.md).
    A URL whose host is or resolves to an internal address (loopback, private, link-local,
    metadata, multicast, reserved) is refused with 422 ``webhook_target_forbidden`` unless
    the operators allow its network (``SIGAP_WEBHOOK_ALLOW``); every delivery checks again."""
    settings = request.app.state.settings
    url = str(body.url)
    targets.check_registration(  # before the transaction: a DNS lookup holds no lock
        url, allow=settings.webhook_allow, timeout_s=settings.webhook_timeout_s, field="body.url"
    )
    with _db(request).transaction() as session:
        return webhooks.create(session, url=url, events=list(body.events), secret=body.secret)


@admin.get("/webhooks", response_model=list[schemas.Webhook], summary="Webhook endpoints")
def webhook_list(request: Request, _admin: CurrentAdmin) -> list[dict[str, Any]]:
    with _db(request).reading() as session:
        return webhooks.list_all(session)


@admin.delete(
    "/webhooks/{endpoint_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a webhook endpoint",
)
def webhook_delete(request: Request, _admin: CurrentAdmin, endpoint_id: SmallId) -> None:
    """Deliveries still queued for it are dropped."""
    with _db(request).transaction() as session:
        webhooks.delete(session, endpoint_id)
