"""Dependencies shared by every router: the read session and the request's context (region
snapshot, language, settings). Writes of reports go through the group-commit writer
(:class:`sigap.writer.ProcessWriter`, or :class:`sigap.db.BatchWriter` in a thread), reached
through the context.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Protocol, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sigap.config import Settings
from sigap.db import Database
from sigap.errors import SigapError
from sigap.i18n import LANGUAGES, from_header, pick_language
from sigap.kit import sha256_hex, utcnow
from sigap.regions.state import RegionState
from sigap.reports.limits import Refused
from sigap.reports.service import Prepared, Submitted
from sigap.transit.state import Holder, Network


class ReportWriterT(Protocol):
    async def submit(self, item: tuple[Prepared, str | None]) -> Submitted | Refused: ...


async def read_session(request: Request) -> AsyncIterator[Session]:
    """A read session on the app's database, finished (never committed) after the response."""
    database: Database = request.app.state.db
    session = database.read_session()
    try:
        yield session
    finally:
        await run_in_threadpool(database.finish, session, commit=False)


@dataclass(frozen=True, slots=True)
class Context:
    """What a handler needs to know about the deployment and the caller, from one dependency
    (each FastAPI dependency costs time on every request)."""

    region: RegionState
    language: str
    settings: Settings
    report_writer: ReportWriterT
    transit: Holder | None = None  # the process's transit network (sigap.transit.state)

    @property
    def network(self) -> Network | None:
        """The network this process holds now, to name routes and stops (no database read:
        None until one was built)."""
        return self.transit.network if self.transit is not None else None


async def _context(request: Request) -> Context:
    return context_of(request)


def context_of(request: Request) -> Context:
    """The :class:`Context` of a request, for the rare handler that cannot afford a dependency."""
    state = request.app.state
    if state.region is None:
        raise SigapError("region_not_loaded")
    return Context(
        state.region,
        language_of(request),
        state.settings,
        state.report_writer,
        getattr(state, "transit", None),
    )


def language_of(request: Request) -> str:
    """``?lang=`` wins, then the remembered choice (cookie ``sigap_lang``, see
    :mod:`sigap.web.language`), then Accept-Language, then the deployment default (Indonesian).
    On the hot paths: the cookie is looked at only when a Cookie header names it."""
    settings: Settings = request.app.state.settings
    if request.scope.get("query_string"):
        requested = request.query_params.get("lang")
        if requested in LANGUAGES:
            return requested
    cookie = request.headers.get("cookie")
    if cookie:
        remembered = from_header(cookie)
        if remembered is not None:
            return remembered
    return pick_language(request.headers.get("accept-language"), settings.default_language)


ReadSession = Annotated[Session, Depends(read_session, scope="function")]
Ctx = Annotated[Context, Depends(_context)]


T = TypeVar("T")


async def in_reading(request: Request, read: Callable[[Session], T]) -> T:
    """Run ``read`` in a read session on a worker thread (the pages' and the admin API's reads
    that :func:`read_session` cannot serve: they run after the request's own checks)."""
    database: Database = request.app.state.db

    def run() -> T:
        with database.reading() as session:
            return read(session)

    return await run_in_threadpool(run)


async def in_transaction(request: Request, use_case: Callable[[Session], T]) -> T:
    """Run a write use case in one transaction on a worker thread: it commits before the
    response is sent, or rolls back on any error (the request owns the unit of work)."""
    database: Database = request.app.state.db

    def run() -> T:
        with database.transaction() as session:
            return use_case(session)

    return await run_in_threadpool(run)


def client_address(request: Request) -> str | None:
    """The caller's address, hashed: enough to count, nothing to reveal. Behind a proxy the
    server takes it from X-Forwarded-For only when the proxy is trusted (settings)."""
    host = request.client.host if request.client else None
    return sha256_hex(f"ip:{host}") if host else None


def clock(request: Request) -> datetime:
    """Now, from the app's clock (tests replace ``app.state.clock`` to move time)."""
    now: Callable[[], datetime] = getattr(request.app.state, "clock", utcnow)
    return now()
