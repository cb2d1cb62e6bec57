"""The one answer to a database fault (:mod:`sigap.faults`), whichever endpoint meets it.

503 ``database_unavailable`` with ``Retry-After``: the JSON error body for API clients, the
error page for a browser's page request (:func:`sigap.web.errors.answer`), or the form an
adapter gives for its paths (Open311's errors document, passed in by the app: web imports no
adapter). The handler is registered for every class a fault can have; an
error of those classes that is not a fault (a constraint, a bug) is raised again, so that it
reaches the 500 handler and the log as before.

Nothing is logged per request: one warning while the faults go on (at most every
``QUIET_S``, with their number), since a blip meets every request in flight.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Mapping

import asyncpg
import psycopg
from fastapi import FastAPI, Request
from sqlalchemy import exc as sa
from starlette.responses import Response

from sigap.errors import SigapError
from sigap.faults import describe, is_fault
from sigap.web import errors

log = logging.getLogger("sigap.faults")
# The classes of the errors by which drivers and pools say "not now" (and of some that do not
# mean that: is_fault decides). asyncpg's refused connections come as asyncpg's own class
# (sigap.hotreads), so a bare ConnectionError of anything else is still a 500.
CLASSES: tuple[type[Exception], ...] = (
    sa.DBAPIError,
    sa.TimeoutError,
    sa.DisconnectionError,
    psycopg.Error,
    sqlite3.Error,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
)
QUIET_S = 10.0


class _Tally:
    """Faults answered since the last warning."""

    def __init__(self) -> None:
        self.count = 0
        self.logged_at = -QUIET_S

    def note(self, exc: Exception) -> None:
        self.count += 1
        now = time.monotonic()
        if now - self.logged_at >= QUIET_S:
            log.warning("answered %d request(s) 503 database_unavailable (%s)", self.count,
                        describe(exc))  # fmt: skip
            self.count, self.logged_at = 0, now


_tally = _Tally()


def install(app: FastAPI, adapters: Mapping[str, errors.Adapter]) -> None:
    """Answer faults in the form the request's client reads: ``adapters`` maps a path prefix
    to its adapter's form, every other path gets :func:`sigap.web.errors.answer`'s."""

    async def database_fault(request: Request, exc: Exception) -> Response:
        if not is_fault(exc):
            raise exc
        _tally.note(exc)
        error = SigapError("database_unavailable")
        adapter = errors.adapter_of(request, adapters)
        return errors.answer(request, error) if adapter is None else adapter(request, error)

    for cls in CLASSES:
        app.add_exception_handler(cls, database_fault)
