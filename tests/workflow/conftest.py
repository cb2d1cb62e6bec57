"""Helpers for the officials' workflow tests: sign in demo officials, submit, move the clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sigap.db import Database
from sigap.demo import DEMO_PASSWORD
from sigap.kit import utcnow

LURAH = "lurah.gambir@demo.sigap.id"
PETUGAS = "petugas.gambir@demo.sigap.id"
CAMAT = "camat.gambir@demo.sigap.id"
WALIKOTA = "walikota.pusat@demo.sigap.id"
BINAMARGA = "binamarga@demo.sigap.id"
ADMIN = "admin@demo.sigap.id"
WARGA = "warga@demo.sigap.id"
MONAS = {"lat": -6.1754, "lon": 106.8272}  # Gambir, Jakarta Pusat


class Clock:
    """The app's clock, moved by tests."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(client: TestClient) -> Clock:
    fixed = Clock()
    client.app.state.clock = fixed  # type: ignore[attr-defined]
    return fixed


@pytest.fixture
def login(client: TestClient) -> Callable[[str], dict[str, str]]:
    tokens: dict[str, dict[str, str]] = {}

    def sign_in(email: str) -> dict[str, str]:
        if email not in tokens:
            response = client.post(
                "/api/v1/auth/tokens", json={"email": email, "password": DEMO_PASSWORD}
            )
            assert response.status_code == 201, response.text
            tokens[email] = {"Authorization": f"Bearer {response.json()['token']}"}
        return tokens[email]

    return sign_in


@pytest.fixture
def submit(client: TestClient) -> Callable[..., dict[str, Any]]:
    def make(**overrides: Any) -> dict[str, Any]:
        body = {
            "category": "sampah",
            **MONAS,
            "description": "Sampah menumpuk di trotoar dekat gerbang.",
            **overrides,
        }
        response = client.post("/api/v1/reports", json=body)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    return make


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()
