"""The application factory. Nothing connects or reads files at import time."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import anyio
import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from sigap import __version__
from sigap.admin import api as admin_api
from sigap.admin import fares as admin_fares
from sigap.admin import market as admin_market
from sigap.admin import pages as admin_pages
from sigap.admin import reload as admin_reload
from sigap.admin import transit as admin_transit
from sigap.auth import devices
from sigap.auth import router as auth_router
from sigap.cards import router as cards_router
from sigap.channels import service as channels
from sigap.citizen import cards as citizen_cards
from sigap.citizen import filing as citizen_filing
from sigap.citizen import following as citizen_following
from sigap.citizen import market as citizen_market
from sigap.citizen import pages as citizen_pages
from sigap.citizen import pwa as citizen_pwa
from sigap.citizen import router as citizen_router
from sigap.citizen import shop as citizen_shop
from sigap.citizen import shopforms as citizen_shopforms
from sigap.citizen import shopphotos as citizen_shopphotos
from sigap.citizen import transit as citizen_transit
from sigap.config import Settings
from sigap.db import BatchWriter, Checkpointer, Database
from sigap.deps import ReportWriterT
from sigap.errors import SigapError
from sigap.faults import is_fault
from sigap.health import Health
from sigap.health import router as health_router
from sigap.history import router as history_router
from sigap.jobs import build_worker
from sigap.kit import settle_heap, unsettle_heap, utcnow
from sigap.market import city_router, order_writer, photo_router, review_router
from sigap.market import router as market_router
from sigap.market.orders import Placing
from sigap.moderation import router as moderation_router
from sigap.notify import live
from sigap.notify import router as notify_router
from sigap.officials import market as officials_market
from sigap.officials import pages as officials_pages
from sigap.officials import router as officials_router
from sigap.open311 import render as open311_render
from sigap.open311 import router as open311_router
from sigap.open311 import service as open311_service
from sigap.photos import router as photos_router
from sigap.photos.service import storage_for
from sigap.portal import api as portal_api
from sigap.portal import views as portal_views
from sigap.regions import router as regions_router
from sigap.regions.places import place_index
from sigap.regions.state import RegionState, load_state, street_layer
from sigap.reports import feedback as feedback_router
from sigap.reports import intake
from sigap.reports import router as reports_router
from sigap.reports import service as reports_service
from sigap.reports.limits import Refused
from sigap.reports.service import Prepared, Submitted
from sigap.transit import router as transit_router
from sigap.transit.state import Holder as TransitHolder
from sigap.web import errors, fast, faults, language, pages
from sigap.web.body import document_bodies
from sigap.web.security import SecurityHeaders
from sigap.writer import ProcessWriter

log = logging.getLogger("sigap")


def load_region(database: Database) -> RegionState | None:
    try:
        with database.reading() as session:
            return load_state(session)
    except SigapError:
        log.warning("no region loaded yet: run 'sigap import-region jakarta'")
        return None


def warm_maps(database: Database, region: RegionState) -> None:
    """Build what the maps read from the region's layers (sigap.regions.state keeps them)."""
    try:
        with database.reading() as session:
            street_layer(session, region)
            place_index(session, region)
    except Exception as exc:  # the first request builds them instead
        log.warning("the maps' layers were not built at start", exc_info=not is_fault(exc))
    settle_heap()


def warm_transit(database: Database, holder: TransitHolder) -> None:
    """Build the transit network and today's timetable (sigap.transit.state) before the
    first journey is asked for."""
    try:
        holder.warm(database, utcnow())
    except Exception as exc:  # the first journey builds it instead
        log.warning("the transit network was not built at start", exc_info=not is_fault(exc))


@asynccontextmanager
async def report_writer(settings: Settings, database: Database) -> AsyncIterator[ReportWriterT]:
    """The group-commit writer of submitted reports, running: a process of its own (see
    sigap.writer), or a thread of this process with the SQLite WAL checkpointer beside it (the
    writer process checkpoints itself)."""
    if settings.writer_process:
        writer: ProcessWriter[tuple[Prepared, str | None], Submitted | Refused] = ProcessWriter(
            settings.database_url,
            "sigap.reports.service:store_batch",
            busy_timeout_s=settings.sqlite_busy_timeout_s,
            wire="sigap.reports.service:wire",
            unwire=reports_service.unwire,
            # The live hubs learn of a committed batch: on SQLite (no NOTIFY) this process's
            # from here when the writer answers, on PostgreSQL every process's by the writer's
            # NOTIFY after its commit.
            on_batch=live.wake_local if database.dialect == "sqlite" else None,
            after_commit=(
                "sigap.notify.live:announce_committed" if database.dialect == "postgresql" else None
            ),
        )
        await writer.start()
        try:
            yield writer
        finally:
            await writer.close()
        return
    thread = BatchWriter(
        database, reports_service.store_batch, after_commit=live.announce_committed
    )
    checkpointer = Checkpointer(database.write_engine) if database.dialect == "sqlite" else None
    try:
        yield thread
    finally:
        thread.close()
        if checkpointer is not None:
            checkpointer.close()


class Sigap(FastAPI):
    """FastAPI, with every answer given the security headers (:mod:`sigap.web.security`) and a
    page's language choice remembered (:mod:`sigap.web.language`), around the whole app; and
    with a gate where the router's walk begins (:mod:`sigap.web.fast`): requests whose path,
    query or headers break the text rule of :mod:`sigap.inputs` refused there, every request
    answered 503 once the server is stopping (:meth:`drain`, :mod:`sigap.serving`), and the
    hottest routes (:data:`HOT_ROUTES`) run without the walk over the others. Every request
    passes the framework's middleware stack, and whatever middleware is added to it."""

    draining = False

    def __init__(self, settings: Settings, **options: Any) -> None:
        super().__init__(**options)
        self.security_headers = SecurityHeaders(settings)

    def drain(self) -> None:
        """Answer every request from now on with 503 ``shutting_down``; end live streams."""
        self.draining = True
        hub: live.LiveHub | None = getattr(self.state, "live", None)
        if hub is not None:
            hub.end_streams()

    def build_middleware_stack(self) -> ASGIApp:
        """The framework's stack, built at the first request (every route is in by then),
        with the gate at the start of the router's walk."""
        gate = self.router.middleware_stack
        if not isinstance(gate, fast.Gate):
            gate = self.router.middleware_stack = fast.Gate(gate, self)
        gate.hot = fast.hot_routes(self.routes, HOT_ROUTES)
        return super().build_middleware_stack()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            send = self.security_headers.adding(scope, language.remembering(scope, send))
        await super().__call__(scope, receive, send)


# Swagger UI, started by a static script (no inline script: sigap.web.security).
API_DOCS = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sigap API</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css">
<link rel="icon" href="/static/swagger/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""

# The routes the gate runs before the walk (sigap.web.fast): report submission on both APIs,
# Open311's most polled GETs (a client following its requests, mirrors polling lists, every
# client starting at the services), and the market's order placement (issue #28: the walk
# to it, past 65 routes and their routers, each router matched twice, cost an eighth of an
# order's CPU).
HOT_ROUTES = (
    ("GET", "/open311/v2/requests/{service_request_id}.{fmt}"),
    ("GET", "/open311/v2/services.{fmt}"),
    ("GET", "/open311/v2/requests.{fmt}"),
    ("POST", "/api/v1/reports"),
    ("POST", "/open311/v2/requests.{fmt}"),
    ("POST", "/api/v1/market/orders"),
)
# Paths whose errors an adapter answers in its own form (sigap.web.errors, sigap.web.faults).
ADAPTERS = {"/open311/": open311_render.error_answer}


@asynccontextmanager
async def orders_writer(
    settings: Settings, database: Database
) -> AsyncIterator[order_writer.OrderWriterT]:
    """The group-commit writer of orders placed through the API (sigap.market.order_writer),
    the same kind as the reports': a process of its own, or a thread."""
    if settings.writer_process:
        writer: ProcessWriter[Placing, order_writer.Answer] = ProcessWriter(
            settings.database_url,
            order_writer.HANDLER,
            busy_timeout_s=settings.sqlite_busy_timeout_s,
            wire=order_writer.WIRE,
            unwire=order_writer.unwire,
            title="sigap-orders",
        )
        await writer.start()  # not by the first orders: they would wait for its imports
        try:
            yield writer
        finally:
            await writer.close()
        return
    thread = BatchWriter(database, order_writer.store_batch)
    try:
        yield thread
    finally:
        thread.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(
            settings.database_url,
            settings.read_database_url,
            pool_size=settings.db_pool_size,
            background_checkpoint=True,
            busy_timeout_s=settings.sqlite_busy_timeout_s,
        )
        app.state.db = database
        app.state.health = health = Health(database)
        # Whatever has started is stopped in reverse order, also when a later step fails.
        async with AsyncExitStack() as running:
            running.push_async_callback(database.dispose_async)
            app.state.report_writer = await running.enter_async_context(
                report_writer(settings, database)
            )
            app.state.order_writer = await running.enter_async_context(
                orders_writer(settings, database)
            )
            app.state.region = load_region(database)
            settle_heap()
            running.callback(unsettle_heap)
            if os.environ.get("SIGAP_ADMIN_TOKEN"):  # read by earlier versions only
                log.warning(
                    "SIGAP_ADMIN_TOKEN is no longer accepted: the admin API takes the bearer "
                    "tokens of admin accounts only (docs/admin.md)"
                )
            with database.reading() as session:
                app.state.device_secret = devices.load_secret(session, settings)
            if settings.warm_maps and app.state.region is not None:
                warming = threading.Thread(
                    target=warm_maps, args=(database, app.state.region), daemon=True
                )
                warming.start()
                running.callback(warming.join)  # done with the database before it closes
            if settings.warm_maps:
                transit = threading.Thread(
                    target=warm_transit, args=(database, app.state.transit), daemon=True
                )
                transit.start()
                running.callback(transit.join)
            app.state.photo_limiter = anyio.CapacityLimiter(settings.photo_workers)
            app.state.api_keys = channels.KeyCache(settings.api_key_cache_seconds)
            app.state.open311_built = open311_service.Built(open311_service.BUILT_MAX)
            app.state.live = live.LiveHub(
                database, poll_s=settings.live_poll_s, queue_size=settings.live_queue_size
            )
            await app.state.live.start()
            running.push_async_callback(app.state.live.stop)
            health.watch(app.state.live)
            if settings.inprocess_worker:
                worker = build_worker(database, settings)
                worker.start()
                running.callback(worker.stop)
                health.watch(worker)
            health.watch(
                await running.enter_async_context(
                    admin_reload.watching(app, settings.region_check_seconds)
                )
            )
            yield

    app = Sigap(
        settings,
        title="Sigap",
        version=__version__,
        description="City problem reporting and government response: the JSON API, and Open311 "
        "GeoReport v2 (XML and JSON) under /open311/v2.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        # FastAPI's own OpenTelemetry, only when a deployment sets a provider up and asks for
        # it: while on, it asks the providers about every request (a tenth of a small one).
        telemetry=dict.fromkeys(("tracing", "metrics", "logs"), settings.telemetry),
    )
    app.state.settings = settings
    app.state.photo_storage = storage_for(settings)
    app.state.transit = TransitHolder(settings.transit_check_seconds)
    errors.install(app, ADAPTERS)
    faults.install(app, ADAPTERS)
    app.include_router(reports_router.router)
    # Right after the reports: routes are matched in order, and Open311 GETs are the most
    # polled requests (each router passed over costs a few microseconds per request).
    app.include_router(open311_router.router)
    # The last hot route's router, early: every app (and test) builds the routes' contexts up
    # to the last hot route when it starts (sigap.web.fast.hot_routes), 0.13 s if it came late.
    app.include_router(market_router.placing)
    document_bodies(app, reports_router.BODIES)
    document_bodies(app, market_router.BODIES)
    app.include_router(feedback_router.router)
    app.include_router(auth_router.router)
    app.include_router(officials_router.router)
    app.include_router(officials_market.router)
    app.include_router(officials_pages.router)
    intake.document_form(app)
    app.include_router(regions_router.router)
    app.include_router(transit_router.router)
    app.include_router(cards_router.router)
    app.include_router(cards_router.admin_router)
    app.include_router(cards_router.payments_router)
    app.include_router(market_router.router)
    app.include_router(city_router.router)
    app.include_router(city_router.admin_router)
    app.include_router(review_router.router)
    app.include_router(photo_router.router)
    app.include_router(review_router.admin_router)
    app.include_router(photos_router.router)
    app.include_router(portal_api.router)
    app.include_router(portal_views.router)
    app.include_router(history_router.router)
    app.include_router(admin_api.router)
    app.include_router(admin_transit.api)
    app.include_router(admin_fares.api)
    app.include_router(moderation_router.router)
    app.include_router(admin_market.router)
    app.include_router(admin_transit.pages)  # before the console's /admin/{section}/{action}
    app.include_router(admin_fares.pages)  # before the console's /admin/{section}
    app.include_router(admin_pages.router)
    app.include_router(citizen_router.router)
    app.include_router(citizen_pages.router)
    app.include_router(citizen_shop.router)
    app.include_router(citizen_shopforms.router)
    app.include_router(citizen_shopphotos.router)
    app.include_router(citizen_market.router)
    app.include_router(citizen_filing.router)
    app.include_router(citizen_following.router)
    app.include_router(citizen_pwa.router)
    app.include_router(citizen_transit.router)
    app.include_router(citizen_cards.router)
    app.include_router(notify_router.router)
    app.include_router(notify_router.admin)
    app.mount(
        "/static/swagger",
        StaticFiles(directory=swagger_ui_bundle.swagger_ui_path),
        name="swagger",
    )
    pages.mount_static(app)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(API_DOCS)

    app.include_router(health_router)
    return app
