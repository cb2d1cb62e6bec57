"""The console adds a transit question like any other, once per datatype and category: a
category names one route and one stop. A transit operator's unit that the console deactivates
hands its routes on with its rules."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from tests.transit.feeds import import_feeds, jakarta
from tests.workflow.conftest import ADMIN

API = "/api/v1/admin/categories"
API_ADMIN = "/api/v1/admin"
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


def test_a_deactivated_operator_unit_hands_its_routes_on(
    client: TestClient, login: Callable[[str], dict[str, str]]
) -> None:
    import_feeds(str(client.app.state.settings.database_url), *jakarta())  # type: ignore[attr-defined]
    admin = login(ADMIN)
    units = {u["code"]: u for u in client.get(f"{API_ADMIN}/units", headers=admin).json()}
    report = {
        "category": "angkutan_umum",
        "lat": -6.1754,
        "lon": 106.8272,
        "description": "Kereta terlambat satu jam.",
        "attributes": {"rute": "mrt:MRTJ_NS"},
    }
    assert client.post("/api/v1/reports", json=report).json()["unit"]["code"] == "mrt-jakarta"

    done = client.post(
        f"{API_ADMIN}/units/{units['mrt-jakarta']['id']}/deactivate",
        json={"to_unit": "transjakarta", "reason": "Layanan MRT dikelola Transjakarta."},
        headers=admin,
    )

    assert done.status_code == 200, done.text
    # Not the category's rule (dishub), which an inactive operator unit would fall back to.
    assert client.post("/api/v1/reports", json=report).json()["unit"]["code"] == "transjakarta"
