"""The fare card's pages in the citizen app: register, top up, see trips and what caps saved,
report a lost card; another phone's holder sees none of it (both databases)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.cards.conftest import CARD_A, CARD_B, minutes
from tests.citizen.conftest import App

from sigap.app import create_app
from sigap.config import Settings
from sigap.demo import DEMO_PASSWORD


@pytest.fixture
def phone(client: TestClient) -> App:
    app = App(client)
    assert app.sign_up(email="siti@test.sigap.id").status_code == 303
    return app


@pytest.fixture
def other(settings: Settings) -> Iterator[App]:
    with TestClient(create_app(settings)) as second:
        app = App(second)
        assert app.sign_up(email="budi@test.sigap.id").status_code == 303
        yield app


def card_path(phone: App, number: str = CARD_A) -> str:
    made = phone.act("/app/cards", number=number, name="Kartu kerja")
    assert made.status_code == 303, made.text
    return str(made.headers["location"])


def test_a_holder_registers_tops_up_and_sees_trips_with_the_saving(
    phone: App, client: TestClient
) -> None:
    path = card_path(phone)
    page = client.get(path)
    assert "Kartu kerja" in page.text
    assert "0001" in page.text
    assert CARD_A.replace(" ", "") not in page.text
    key = re.search(r'name="key" value="([^"]+)"', page.text)
    assert key is not None
    for _ in range(2):  # a double submit of one form pays once
        paid = phone.act(f"{path}/topup", amount="20000", method="demo", key=key.group(1))
        assert paid.status_code == 303, paid.text
    assert "Rp 20.000" in client.get(path).text
    admin = client.post(
        "/api/v1/auth/tokens", json={"email": "admin@demo.sigap.id", "password": DEMO_PASSWORD}
    )
    headers = {"Authorization": f"Bearer {admin.json()['token']}"}
    bus = {"name": "Bus", "network": "transjakarta", "route_id": "tj:1"}
    made = client.post("/api/v1/admin/validators", json=bus, headers=headers)
    taps = [
        {"tap_id": str(n), "card": CARD_A, "kind": "in", "at": minutes(m).isoformat()}
        for n, m in ((1, 0), (2, 30))
    ]
    client.post(
        "/api/v1/cards/taps", json={"taps": taps}, headers={"X-Validator-Key": made.json()["key"]}
    )
    shown = client.get(path).text
    assert "Rp 16.500" in shown
    assert "hemat Rp 3.500" in shown
    english = client.get(f"{path}?lang=en").text
    assert "saved Rp 3.500" in english


def test_a_lost_card_is_blocked_from_its_page(phone: App, client: TestClient) -> None:
    path = card_path(phone)
    moved = phone.act(f"{path}/replace", number=CARD_B)
    assert moved.status_code == 303
    assert moved.headers["location"] != path
    lost = client.get(path).text
    assert "Diblokir" in lost
    assert 'action="' + path + "/topup" not in lost
    assert "0002" in client.get("/app/cards").text


def test_another_holder_sees_none_of_it(phone: App, other: App) -> None:
    path = card_path(phone)
    assert other.client.get(path).status_code == 404
    assert "0001" not in other.client.get("/app/cards").text
    refused = other.act(f"{path}/topup", amount="20000", method="demo", key="x")
    assert refused.status_code == 404


def test_signed_out_visitors_go_to_sign_in(client: TestClient) -> None:
    answer = client.get("/app/cards", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/app/signin")
