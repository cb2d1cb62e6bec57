"""The console adds a transit question like any other, once per datatype and category: a
category names one route and one stop; the console page offers both datatypes by name."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from tests.workflow.conftest import ADMIN

API = "/api/v1/admin/categories"
ROUTE = {"datatype": "transit_route", "label_id": "Rute", "label_en": "Route"}


def test_a_category_asks_for_one_route(
    client: TestClient, login: Callable[[str], dict[str, str]]
) -> None:
    admin = login(ADMIN)

    added = client.post(f"{API}/kemacetan/questions", json={**ROUTE, "code": "rute"}, headers=admin)
    again = client.post(
        f"{API}/kemacetan/questions?lang=en", json={**ROUTE, "code": "rute2"}, headers=admin
    )
    asked = client.get("/api/v1/categories").json()

    assert added.status_code == 201, added.text
    assert again.status_code == 422
    assert again.json()["error"]["code"] == "question_transit_twice"
    assert "already asks for a transit_route" in again.json()["error"]["message"]
    kemacetan = next(c for c in asked if c["code"] == "kemacetan")
    assert [q["datatype"] for q in kemacetan["questions"]] == ["transit_route"]
