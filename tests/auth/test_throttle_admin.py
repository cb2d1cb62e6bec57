"""An admin's password reset ends a lock. Admin changes are audited, so this runs on a
database of its own (as tests/admin do)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from tests.workflow.conftest import ADMIN

from sigap.demo import DEMO_PASSWORD

from .conftest import Clock, token

WRONG = "bukan-kata-sandinya"
GAMBIR = "kel-31.71.01.1001"


@pytest.fixture
def database_url(isolated_database_url: str) -> str:
    return isolated_database_url


def test_a_new_password_from_an_admin_ends_the_lock(
    make_client: Callable[..., TestClient],
) -> None:
    clock = Clock()
    client = make_client("192.0.2.60", clock, sign_in_free_failures=1, sign_in_lock_failures=2)
    admin = {"Authorization": f"Bearer {token(client, ADMIN, DEMO_PASSWORD).json()['token']}"}
    body = {"email": "petugas.lupa@test.sigap.id", "name": "Petugas", "role": "field_officer"}
    created = client.post(
        "/api/v1/admin/officials", json={**body, "unit_code": GAMBIR}, headers=admin
    ).json()
    token(client, body["email"], WRONG)
    clock.advance(seconds=5)
    assert token(client, body["email"], WRONG).json()["error"]["code"] == "sign_in_locked"

    reset = client.post(f"/api/v1/admin/officials/{created['id']}/password", headers=admin)
    assert reset.status_code == 200, reset.text
    fresh = token(client, body["email"], reset.json()["one_time_password"])
    assert fresh.status_code == 201, fresh.text
