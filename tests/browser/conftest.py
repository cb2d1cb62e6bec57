"""A real server (uvicorn in a thread) on a SQLite database with a few reports, and a headless
Debian chromium driven by Playwright. Screenshots go to tests/browser/artifacts/."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient
from tests.conftest import load_jakarta

from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.migrations import upgrade
from sigap.regions import pack as packs
from sigap.regions.service import import_pack

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
# Central Jakarta and beyond: enough reports near each other to cluster.
POINTS = [
    ("sampah", -6.1754, 106.8272),
    ("banjir", -6.1702, 106.8312),
    ("sampah", -6.1760, 106.8280),
    ("jalan_rusak", -6.1740, 106.8260),
    ("banjir", -6.3116, 106.8199),
    ("sampah", -6.1352, 106.8133),
    ("banjir", -6.2186, 106.8019),
    ("sampah", -6.2200, 106.8030),
]
LIVE_EVENT = {
    "report_id": 424242,
    "action": "submit",
    "status": "open",
    "category_code": "banjir",
    "lat": -6.18,
    "lon": 106.83,
    "kelurahan_code": "31.71.01.1001",
    "at": "2026-01-01T00:00:00+00:00",
}


@pytest.fixture(scope="module")
def browser_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("browser") / "sigap.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    database = Database(url)
    with database.transaction() as session:
        import_pack(session, packs.read(packs.resolve("jakarta")))
    database.dispose()
    app = create_app(Settings(database_url=url, public_url="http://127.0.0.1"))
    _add_live_stand_in(app)
    with TestClient(app) as client:
        for category, lat, lon in POINTS:
            body = {"category": category, "lat": lat, "lon": lon, "description": "Mohon dicek"}
            assert client.post("/api/v1/reports", json=body).status_code == 201
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _add_live_stand_in(app: FastAPI) -> None:
    """The live stream is the notify branch's endpoint; until the app has it, a stand-in sends
    one event in the agreed format, so the map's consumer of the stream is tested."""
    if any(getattr(route, "path", None) == "/api/v1/live" for route in app.routes):
        return

    @app.get("/api/v1/live")
    async def live() -> StreamingResponse:
        async def events() -> AsyncIterator[str]:
            await asyncio.sleep(0.5)
            yield f"id: 1\ndata: {json.dumps(LIVE_EVENT)}\n\n"
            await asyncio.sleep(30)

        return StreamingResponse(events(), media_type="text/event-stream")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module-scoped: Playwright's sync API keeps an event loop on the main thread while it
    runs, which would break later tests that call asyncio.run()."""
    from playwright import sync_api  # a test dependency: missing, the run fails (never skips)

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@dataclass
class Live:
    url: str
    database: Database
    app: object


@pytest.fixture
def live(tmp_path: Path, free_port: int) -> Iterator[Live]:
    """A server of the test's own, with the demo accounts, at a known port (the citizen app's
    links and photo URLs use it)."""
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    load_jakarta(url)
    database = Database(url)
    base = f"http://127.0.0.1:{free_port}"
    settings = Settings(database_url=url, public_url=base, media_dir=str(tmp_path / "media"))
    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=free_port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield Live(base, database, app)
    finally:
        server.should_exit = True
        thread.join(10)
        database.dispose()
