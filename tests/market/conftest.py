"""Helpers for the marketplace's tests: accounts of buyers and sellers, a curated shop with
its products, the app's clock."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import TEST_ACCOUNTS
from tests.workflow.conftest import MONAS, Clock

from sigap.accounts.service import create as create_account
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD

M = "/api/v1/market"
CURATOR = "umkm@demo.sigap.id"  # the Jakarta pack's demo official of the curating office
NIB = "9120001234567"
PIRT = "206317101001230"  # plastic, food type 06, Jakarta Pusat (31 71), product 01, until 2030
HALAL = "ID31110000123450121"
BPOM = "MD235602169254"
CIDENG = {"lat": -6.1720, "lon": 106.8105}  # a kitchen in Cideng, Gambir
_numbers = itertools.count(1)


def sign_in(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/tokens", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@dataclass
class Market:
    client: TestClient
    database: Database
    curator: dict[str, str] = field(default_factory=dict)
    last_email: str = ""  # of the last account person() made

    def person(self, name: str = "warga") -> dict[str, str]:
        """A new citizen account, signed in (its bearer header)."""
        email = f"{name}{next(_numbers)}{TEST_ACCOUNTS}"
        self.last_email = email
        with self.database.transaction() as session:
            create_account(
                session, email=email, name=name.title(), password=DEMO_PASSWORD, role="citizen"
            )
        return sign_in(self.client, email)

    def register(self, who: dict[str, str], **overrides: Any) -> Any:
        body = {
            "name": "Kue Bu Sri",
            "nib": NIB,
            "pirt": [PIRT],
            "halal": [HALAL],
            **CIDENG,
            **overrides,
        }
        return self.client.post(f"{M}/sellers", json=body, headers=who)

    def shop(self, **overrides: Any) -> tuple[dict[str, str], dict[str, Any]]:
        """A curated shop (its NIB verified): the seller's header and the shop."""
        seller = self.person("penjual")
        made = self.register(seller, **overrides)
        assert made.status_code == 201, made.text
        shop = made.json()
        nib = next(lic["id"] for lic in shop["licences"] if lic["kind"] == "nib")
        verified = self.client.post(
            f"{M}/curator/sellers/{shop['id']}/verify",
            json={"licence_id": nib},
            headers=self.curator,
        )
        assert verified.status_code == 200, verified.text
        curated = self.client.post(f"{M}/curator/sellers/{shop['id']}/curate", headers=self.curator)
        assert curated.status_code == 200, curated.text
        return seller, curated.json()

    def product(self, seller: dict[str, str], **overrides: Any) -> dict[str, Any]:
        body = {
            "name": "Kue Lapis Legit",
            "category": "food",
            "food_class": "fresh",
            "price": 25_000,
            "stock": 10,
            **overrides,
        }
        response = self.client.post(f"{M}/seller/products", json=body, headers=seller)
        assert response.status_code == 201, response.text
        made: dict[str, Any] = response.json()
        return made

    def order(self, buyer: dict[str, str], items: list[tuple[int, int]], **overrides: Any) -> Any:
        body = {
            "items": [{"product_id": p, "quantity": n} for p, n in items],
            "payment": "cash",
            **overrides,
        }
        return self.client.post(f"{M}/orders", json=body, headers=buyer)

    def seller_does(self, seller: dict[str, str], order_id: int, action: str) -> Any:
        return self.client.post(
            f"{M}/seller/orders/{order_id}/actions", json={"action": action}, headers=seller
        )

    def buyer_does(self, buyer: dict[str, str], order_id: int, action: str) -> Any:
        return self.client.post(
            f"{M}/orders/{order_id}/actions", json={"action": action}, headers=buyer
        )

    def stock(self, product_id: int) -> int:
        found = self.client.get(f"{M}/products/{product_id}")
        assert found.status_code == 200, found.text
        stock: int = found.json()["stock"]
        return stock


@pytest.fixture
def market(client: TestClient, database: Database) -> Market:
    return Market(client, database, sign_in(client, CURATOR))


@pytest.fixture
def clock(client: TestClient) -> Clock:
    fixed = Clock()
    client.app.state.clock = fixed  # type: ignore[attr-defined]
    return fixed


Make = Callable[..., Any]
__all__ = ["BPOM", "CIDENG", "HALAL", "MONAS", "NIB", "PIRT", "M", "Market"]
