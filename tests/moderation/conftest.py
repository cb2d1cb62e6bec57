"""Helpers of the moderation tests: sign-ins and submits (the workflow tests'), a client with
no cookies for what the public sees, every public output of one report, live frames. Every test
gets a database of its own: moderation writes the admin audit and the region's triage switch,
which a PostgreSQL test would otherwise leave behind for the next (the template of the console's
tests among them)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from tests.notify.conftest import make_worker, receiver
from tests.workflow.conftest import ADMIN, MONAS, WARGA, login, submit

from sigap.config import Settings
from sigap.db import Database

__all__ = ["ADMIN", "MONAS", "WARGA", "login", "make_worker", "receiver", "submit"]
Login = Callable[[str], dict[str, str]]
API = "/api/v1/admin"
# Around Monas, and the whole region: a box that finds the point, and one that does not.
NEAR = "106.82,-6.18,106.83,-6.17"
JAKARTA = "106.6,-6.4,107.0,-6.05"


@pytest.fixture
def database_url(isolated_database_url: str) -> str:
    return isolated_database_url


@pytest.fixture
def settings(database_url: str, tmp_path: Any) -> Settings:
    return Settings(
        database_url=database_url,
        public_url="http://sigap.test",
        media_dir=str(tmp_path / "media"),
        live_keepalive_s=0.2,  # the live backlog ends at the first keepalive (live_frames)
    )


@pytest.fixture
def public(client: TestClient) -> TestClient:
    """The same app, without the cookies of anyone signed in: what the public sees. It uses
    the running app's event loop (PostgreSQL's hot reads hold connections of that loop)."""
    stranger = TestClient(client.app)
    stranger.portal = client.portal
    return stranger


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (40, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def file_with_photo(client: TestClient, **fields: Any) -> dict[str, Any]:
    report = {"category": "sampah", **MONAS, "description": "Sampah menumpuk.", **fields}
    response = client.post(
        "/api/v1/reports",
        data={"report": json.dumps(report)},
        files=[("photo", ("a.jpg", jpeg(), "image/jpeg"))],
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def public_outputs(public: TestClient, report_id: int, lang: str) -> dict[str, str]:
    """Every public output that may carry a report's text or place, by URL (each 200)."""
    urls = [
        f"/api/v1/reports/{report_id}",
        "/api/v1/reports?limit=1000",
        f"/api/v1/reports?bbox={JAKARTA}",
        f"/reports/{report_id}",
        f"/open311/v2/requests/{report_id}.json",
        f"/open311/v2/requests/{report_id}.xml",
        f"/open311/v2/requests/{report_id}.json?extensions=true",
        f"/open311/v2/requests/{report_id}.xml?extensions=true",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        "/open311/v2/requests.json?extensions=true",
        f"/open311/v2/requests.json?lat={MONAS['lat']}&long={MONAS['lon']}&radius=500",
        f"/api/v1/reports/{report_id}/comments",
        f"/api/v1/map/clusters?bbox={JAKARTA}&zoom=17",
        f"/api/v1/map/clusters?bbox={JAKARTA}&zoom=11",
        "/api/v1/export/reports.csv",
        "/api/v1/export/reports.geojson",
        f"/api/v1/nearby?category=sampah&lat={MONAS['lat']}&lon={MONAS['lon']}",
    ]
    found = {}
    for url in urls:
        response = public.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
        assert response.status_code == 200, (url, response.text)
        found[url] = response.text
    return found


def live_frames(public: TestClient) -> list[dict[str, Any]]:
    """The live stream's backlog from the first event, as its clients receive it."""
    frames = []
    with public.stream("GET", "/api/v1/live", headers={"Last-Event-ID": "0"}) as response:
        for line in response.iter_lines():
            if line.startswith("data: "):
                frames.append(json.loads(line.removeprefix("data: ")))
            if line.startswith(": keepalive"):
                break
    return frames
