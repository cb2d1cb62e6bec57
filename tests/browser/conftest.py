"""A live Sigap server for browser tests, on a SQLite database of its own (browser tests run
once, not per database: what they check is the pages, the HTTP tests cover both engines)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.demo import seed_accounts
from sigap.migrations import upgrade
from sigap.regions import pack as packs
from sigap.regions.service import import_pack

CHROMIUM = "/usr/bin/chromium"


@dataclass
class Live:
    url: str
    database: Database
    app: object


@pytest.fixture
def live(tmp_path: Path, free_port: int) -> Iterator[Live]:
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    upgrade(url)
    database = Database(url)
    with database.transaction() as session:
        pack = packs.read(packs.resolve("jakarta"))
        import_pack(session, pack)
        seed_accounts(session, pack.meta["demo_accounts"])
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
