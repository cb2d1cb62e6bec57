"""Keeping every process's region snapshot current after console changes, without a restart.

The process that made a change reloads its snapshot at once (:func:`reload`). Every process
also polls ``region.imported_at`` (one indexed single-row read) every
``region_check_seconds`` in the background and reloads when it moved, so other workers follow
within seconds. Nothing is added to the request path: submitting a report still reads only
the in-memory snapshot. While the database is away the process keeps serving the snapshot it
has and checks again with backoff (:class:`Watcher`); the check never takes the app down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from sigap.db import Database
from sigap.faults import Outage
from sigap.kit import settle_heap
from sigap.models import Region
from sigap.regions.state import load_state

log = logging.getLogger("sigap.admin")


async def reload(app: FastAPI) -> None:
    """Replace this process's snapshot with the database's current reference data."""
    database: Database = app.state.db

    def load() -> None:
        with database.reading() as session:
            app.state.region = load_state(session)
        settle_heap()

    await run_in_threadpool(load)


async def check(app: FastAPI) -> bool:
    """Reload if another process changed the reference data; True when it did."""
    database: Database = app.state.db

    def changed_at() -> object:
        with database.reading() as session:
            return session.scalar(select(Region.imported_at))

    stamp = await run_in_threadpool(changed_at)
    current = getattr(app.state, "region", None)
    if stamp is None or (current is not None and current.imported_at == stamp):
        return False
    await reload(app)
    return True


class Watcher:
    """The background check of one app (:func:`watching`): it never stops on an error (a
    lost database, a broken snapshot) but keeps serving the snapshot it has, tries again at
    the next round and says how it is to /healthz."""

    def __init__(self, app: FastAPI, every: float) -> None:
        self.app = app
        self.every = every
        self.outage = Outage("region snapshot check", log, base_s=every, cap_s=max(every, 30.0))
        self.task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        delay = self.every
        while True:
            await anyio.sleep(delay)
            try:
                await check(self.app)
            except Exception as exc:  # keep serving the old snapshot
                delay = self.outage.failed(exc)
                continue
            self.outage.succeeded()
            delay = self.every

    def health(self) -> dict[str, str]:
        if self.task is None or self.task.done():
            return {"region_check": "stopped"}
        return {"region_check": self.outage.state()}


@asynccontextmanager
async def watching(app: FastAPI, every: float) -> AsyncIterator[Watcher | None]:
    """Run :func:`check` every ``every`` seconds while the app runs (0 turns it off)."""
    if every <= 0:
        yield None
        return
    watcher = Watcher(app, every)
    watcher.task = asyncio.create_task(watcher.run(), name="sigap-region-check")
    try:
        yield watcher
    finally:
        watcher.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher.task
