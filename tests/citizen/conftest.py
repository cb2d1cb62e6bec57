"""Helpers for the citizen app's tests: a browser-like client with cookies and CSRF, photos."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from PIL import Image

from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database

MONAS = {"lat": -6.1754, "lon": 106.8272}  # Gambir, Jakarta Pusat
CSRF = re.compile(r'data-csrf="([^"]+)"')


def jpeg(gps: tuple[float, float] | None = None) -> bytes:
    """A small phone-like photo, with a GPS position in its EXIF if given."""
    image = Image.new("RGB", (320, 240), (40, 120, 200))
    exif = Image.Exif()
    if gps is not None:
        lat, lon = gps

        def dms(value: float) -> tuple[float, float, float]:
            value = abs(value)
            degrees = int(value)
            minutes = int((value - degrees) * 60)
            return (degrees, minutes, round((value - degrees - minutes / 60) * 3600, 4))

        exif[0x8825] = {1: "S" if lat < 0 else "N", 2: dms(lat), 3: "E", 4: dms(lon)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, exif=exif)
    return buffer.getvalue()


class App:
    """The citizen app as a phone's browser sees it: cookies kept, CSRF read from pages."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def csrf(self) -> str:
        page = self.client.get("/app/new")
        found = CSRF.search(page.text)
        assert found, page.text[:500]
        return found.group(1)

    def sign_up(self, **fields: str) -> Response:
        body = {"password": "rahasia-sekali", "name": "Siti", **fields, "csrf": self.csrf()}
        return self.client.post("/app/signup", data=body, follow_redirects=False)

    def sign_in(self, identifier: str, password: str = "rahasia-sekali") -> Response:
        body = {"identifier": identifier, "password": password, "csrf": self.csrf()}
        return self.client.post("/app/signin", data=body, follow_redirects=False)

    def file(
        self,
        *,
        photos: int = 1,
        key: str | None = None,
        csrf: str | None = None,
        **fields: Any,
    ) -> Response:
        report = {
            "category": "sampah",
            **MONAS,
            "description": "Sampah menumpuk di trotoar.",
            **fields,
        }
        headers = {"X-CSRF-Token": csrf if csrf is not None else self.csrf()}
        if key is not None:
            headers["Idempotency-Key"] = key
        files = [("photo", (f"p{i}.jpg", jpeg(), "image/jpeg")) for i in range(photos)]
        return self.client.post(
            "/app/submit",
            data={"report": json.dumps(report)},
            files=files or None,
            headers=headers,
        )

    def act(self, path: str, **fields: str) -> Response:
        body = {**fields, "csrf": self.csrf()}
        return self.client.post(path, data=body, follow_redirects=False)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        public_url="http://sigap.test",
        media_dir=str(tmp_path / "media"),
    )


@pytest.fixture
def app(client: TestClient) -> App:
    return App(client)


@pytest.fixture
def other(settings: Settings) -> Iterator[App]:
    """A second phone (its own cookies) on the same server and database."""
    with TestClient(create_app(settings)) as second:
        yield App(second)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()
