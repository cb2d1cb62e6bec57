"""Helpers for the sign-in throttling tests: the app's clock, API sign-ins, a second address."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from tests.citizen.conftest import App, app, other
from tests.workflow.conftest import Clock, clock

from sigap.app import create_app
from sigap.config import Settings

__all__ = ["App", "Clock", "app", "clock", "other"]

TOKENS = "/api/v1/auth/tokens"


def token(client: TestClient, email: str, password: str, language: str = "id") -> Response:
    return client.post(
        TOKENS, json={"email": email, "password": password}, headers={"Accept-Language": language}
    )


@pytest.fixture
def make_client(settings: Settings) -> Iterator[Callable[..., TestClient]]:
    """More clients of the app (other addresses, other settings), sharing one clock if given."""
    opened: list[TestClient] = []

    def make(
        address: str = "testclient", clock: Clock | None = None, **overrides: Any
    ) -> TestClient:
        app = create_app(settings.model_copy(update=overrides))
        client = TestClient(app, client=(address, 50000))
        client.__enter__()
        opened.append(client)
        if clock is not None:
            app.state.clock = clock
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)
