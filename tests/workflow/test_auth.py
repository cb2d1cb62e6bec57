"""Signing in for the API: tokens issued, listed, revoked; wrong credentials say nothing more."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update
from tests.workflow.conftest import LURAH

from sigap.db import Database
from sigap.demo import DEMO_PASSWORD
from sigap.kit import utcnow
from sigap.models import AuthSession


def test_token_signs_in_and_names_the_unit(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/tokens", json={"email": LURAH, "password": DEMO_PASSWORD, "label": "hp"}
    )
    assert response.status_code == 201, response.text
    issued = response.json()
    assert issued["account"]["role"] == "unit_head"
    assert issued["account"]["unit"] == "kel-31.71.01.1001"

    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {issued['token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == LURAH


def test_wrong_password_and_unknown_email_give_the_same_answer(client: TestClient) -> None:
    wrong = client.post("/api/v1/auth/tokens", json={"email": LURAH, "password": "nope"})
    unknown = client.post(
        "/api/v1/auth/tokens", json={"email": "nobody@example.id", "password": DEMO_PASSWORD}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "invalid_credentials"


def test_revoked_token_no_longer_works(
    client: TestClient, login: Callable[[str], dict[str, str]]
) -> None:
    headers = login(LURAH)
    listed = client.get("/api/v1/auth/tokens", headers=headers).json()
    assert len(listed) == 1

    assert (
        client.delete(f"/api/v1/auth/tokens/{listed[0]['token_id']}", headers=headers).status_code
        == 204
    )

    after = client.get("/api/v1/auth/me", headers=headers)
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "not_signed_in"


def test_sign_out_revokes_only_this_token(client: TestClient) -> None:
    def token() -> dict[str, str]:
        body = {"email": LURAH, "password": DEMO_PASSWORD}
        issued = client.post("/api/v1/auth/tokens", json=body).json()
        return {"Authorization": f"Bearer {issued['token']}"}

    phone, laptop = token(), token()
    assert client.delete("/api/v1/auth/tokens", headers=phone).status_code == 204
    assert client.get("/api/v1/auth/me", headers=phone).status_code == 401
    assert client.get("/api/v1/auth/me", headers=laptop).status_code == 200


def test_missing_or_garbage_token_is_401(client: TestClient) -> None:
    assert client.get("/api/v1/officials/inbox").status_code == 401
    garbage = client.get("/api/v1/officials/inbox", headers={"Authorization": "Bearer xyz"})
    assert garbage.status_code == 401


def test_citizens_cannot_use_the_officials_api(
    client: TestClient, login: Callable[[str], dict[str, str]]
) -> None:
    response = client.get("/api/v1/officials/inbox", headers=login("warga@demo.sigap.id"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "official_only"


def test_an_expired_token_no_longer_works(
    client: TestClient, login: Callable[[str], dict[str, str]], db: Database
) -> None:
    headers = login(LURAH)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    with db.transaction() as session:
        session.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))

    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert client.get("/api/v1/auth/tokens", headers=headers).status_code == 401
