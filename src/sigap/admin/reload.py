"""Keeping every process's region snapshot current after console changes, without a restart.

The process that made a change reloads its snapshot at once (:func:`reload`). Every process
also polls ``region.imported_at`` (one indexed single-row read) every
``region_check_seconds`` in the background and reloads when it moved, so other workers follow
within seconds. Nothing is added to the request path: submitting a report still reads only
the in-memory snapshot.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from sigap.db import Database
from sigap.errors import SigapError
from sigap.models import Region
from sigap.regions.state import load_state

log = logging.getLogger("sigap.admin")


async def reload(app: FastAPI) -> None:
    """Replace this process's snapshot with the database's current reference data."""
    database: Database = app.state.db

    def load() -> None:
        with database.reading() as session:
            app.state.region = load_state(session)

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


@asynccontextmanager
async def watching(app: FastAPI, every: float) -> AsyncIterator[None]:
    """Run :func:`check` every ``every`` seconds while the app runs (0 turns it off)."""
    if every <= 0:
        yield
        return

    async def loop() -> None:
        while True:
            await anyio.sleep(every)
            try:
                await check(app)
            except (SigapError, OSError) as exc:  # keep serving the old snapshot
                log.warning("region snapshot check failed: %s", exc)

    async with anyio.create_task_group() as group:
        group.start_soon(loop)
        try:
            yield
        finally:
            group.cancel_scope.cancel()
