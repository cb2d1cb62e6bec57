"""A real server (uvicorn in a thread) on a SQLite database with a few reports, and a headless
Debian chromium driven by Playwright. Screenshots go to tests/browser/artifacts/."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from PIL import Image
from tests.conftest import load_jakarta

from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD

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
# Where the live test's new report goes (in view of the map), as the stream describes it.
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


def jpeg(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _resolve_first(client: TestClient) -> None:
    """Report 1 resolved by the admin with an after-photo, through the officials' API."""
    token = client.post(
        "/api/v1/auth/tokens", json={"email": "admin@demo.sigap.id", "password": DEMO_PASSWORD}
    ).json()["token"]
    resolved = client.post(
        "/api/v1/officials/reports/1/resolve",
        data={"note": "Sudah dibersihkan."},
        files=[("photo", ("after.jpg", jpeg((60, 160, 90)), "image/jpeg"))],
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resolved.status_code == 200, resolved.text


@contextmanager
def serving(app: Any, port: int = 0, **options: Any) -> Iterator[str]:
    """The app on uvicorn in a thread, on loopback; yields its base URL. ``options`` go to
    uvicorn's config (``sigap serve``'s proxy options, say)."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=1,  # live streams stay open until closed
        **options,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def jakarta_app(folder: Path) -> Any:
    """Sigap on a fresh Jakarta database in ``folder``, its photos served from /media."""
    url = f"sqlite:///{folder / 'sigap.db'}"
    load_jakarta(url)
    settings = Settings(
        database_url=url,
        public_url="http://127.0.0.1",
        media_dir=str(folder / "media"),
        media_url="/media",  # the port is known only once the server runs
    )
    return create_app(settings)


@pytest.fixture(scope="module")
def browser_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = jakarta_app(tmp_path_factory.mktemp("browser"))
    with TestClient(app) as client:
        for number, (category, lat, lon) in enumerate(POINTS):
            body = {"category": category, "lat": lat, "lon": lon, "description": "Mohon dicek"}
            photo = [("photo", ("before.jpg", jpeg((200, 90, 60)), "image/jpeg"))]
            sent = (
                client.post("/api/v1/reports", data=body, files=photo)
                if number == 0  # report 1 gets a before-photo, and below its after-photo
                else client.post("/api/v1/reports", json=body)
            )
            assert sent.status_code == 201, sent.text
        _resolve_first(client)
    with serving(app) as url:
        yield url


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
    try:
        with serving(app, free_port):
            yield Live(base, database, app)
    finally:
        database.dispose()
