"""One deployment serves one region (docs/admin.md): a second region's pack is refused by the
database, and an admin's console reaches only this deployment's areas, units and points."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from tests.workflow.conftest import ADMIN

from sigap.db import Database
from sigap.regions import pack as packs
from sigap.regions.pack import PackError
from sigap.regions.service import import_pack

Login = Callable[[str], dict[str, str]]
SUNGGUMINASA = {"lat": -5.2069, "lon": 119.4536}  # Gowa's capital, WITA


def test_the_console_cannot_reach_another_region(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login(ADMIN)
    database = Database(database_url)
    try:
        with (
            pytest.raises(PackError, match="one database serves one region"),
            database.transaction() as session,
        ):
            import_pack(session, packs.read(packs.resolve("gowa")))
    finally:
        database.dispose()

    units = client.get("/api/v1/admin/units", headers=headers).json()
    assert units
    assert all((u["area_code"] or "31").startswith("31") for u in units)
    tested = client.get(
        "/api/v1/admin/routing/test", params={"category": "sampah", **SUNGGUMINASA},
        headers=headers,
    )  # fmt: skip
    assert tested.status_code == 422
    assert tested.json()["error"]["code"] == "outside_service_area"
    gowa_rule = {"area_code": "73.06.01.2001", "unit_code": "prov-31"}
    refused = client.post("/api/v1/admin/routing", json=gowa_rule, headers=headers)
    assert refused.json()["error"]["code"] == "unknown_area"
    gowa_unit = {"code": "pemkab-gowa", "name_id": "Pemkab Gowa", "name_en": "Gowa",
                 "kind": "government", "area_code": "73.06"}  # fmt: skip
    refused = client.post("/api/v1/admin/units", json=gowa_unit, headers=headers)
    assert refused.json()["error"]["code"] == "unknown_area"
