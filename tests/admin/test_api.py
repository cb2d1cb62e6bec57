"""The admin JSON API through HTTP: who may use it, each change, its audit row, and that changes
take effect for new reports at once (no restart) while old reports keep what they were given."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.workflow.conftest import ADMIN, LURAH, MONAS

from sigap.admin.reload import check
from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database

Login = Callable[[str], dict[str, str]]
Submit = Callable[..., dict[str, Any]]
API = "/api/v1/admin"
GAMBIR = "31.71.01.1001"
NEW_UNIT = {
    "code": "upt-kebersihan-gambir",
    "name_id": "UPT Kebersihan Gambir",
    "name_en": "Gambir Cleaning Unit",
    "kind": "agency",
    "parent_code": "prov-31",
}


def post(client: TestClient, login: Login, path: str, body: Any = None) -> Any:
    response = client.post(API + path, json=body, headers=login(ADMIN))
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_only_admins_may_use_it(client: TestClient, login: Login) -> None:
    assert client.get(f"{API}/units").status_code == 401
    refused = client.get(f"{API}/units", headers=login(LURAH))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "admin_only"
    assert client.post(f"{API}/units", json=NEW_UNIT, headers=login(LURAH)).status_code == 403
    assert client.get(f"{API}/units", headers=login(ADMIN)).status_code == 200


def test_new_unit_official_and_rule_route_new_reports_at_once(
    client: TestClient, login: Login, submit: Submit
) -> None:
    before = submit()
    assert before["unit"]["code"] == "kel-31.71.01.1001"
    unit = post(client, login, "/units", NEW_UNIT)
    official = post(
        client,
        login,
        "/officials",
        {"email": "kepala.upt@test.sigap.id", "name": "Kepala UPT", "role": "unit_head",
         "unit_code": NEW_UNIT["code"]},
    )  # fmt: skip
    rule = post(
        client,
        login,
        "/routing",
        {"category_code": "sampah", "area_code": GAMBIR, "unit_code": NEW_UNIT["code"]},
    )
    tested = client.get(
        f"{API}/routing/test", params={"category": "sampah", **MONAS}, headers=login(ADMIN)
    ).json()
    assert tested["unit_code"] == NEW_UNIT["code"]
    assert tested["kelurahan_code"] == GAMBIR

    after = submit()
    assert after["unit"]["code"] == NEW_UNIT["code"]
    assert submit(category="banjir")["unit"]["code"] != NEW_UNIT["code"]
    old = client.get(f"/api/v1/reports/{before['id']}").json()
    assert old["unit"]["code"] == "kel-31.71.01.1001"  # never rewritten

    token = client.post(
        "/api/v1/auth/tokens",
        json={"email": official["email"], "password": official["one_time_password"]},
    )
    assert token.status_code == 201
    headers = {"Authorization": f"Bearer {token.json()['token']}"}
    inbox = client.get("/api/v1/officials/inbox", headers=headers).json()
    assert [item["id"] for item in inbox["items"]] == [after["id"]]

    events = client.get(f"{API}/events", headers=login(ADMIN)).json()
    assert [e["action"] for e in events] == ["rule.add", "official.create", "unit.create"]
    assert events[2]["target_id"] == str(unit["id"])
    assert events[0]["after"]["unit_code"] == NEW_UNIT["code"]
    assert "password" not in str(events[1])
    assert rule["id"] == int(events[0]["target_id"])


def test_rule_removal_and_refusals(client: TestClient, login: Login, submit: Submit) -> None:
    post(client, login, "/units", NEW_UNIT)
    rule = post(client, login, "/routing", {"area_code": GAMBIR, "unit_code": NEW_UNIT["code"]})
    assert submit()["unit"]["code"] == NEW_UNIT["code"]
    again = client.post(
        f"{API}/routing", json={"area_code": GAMBIR, "unit_code": "prov-31"}, headers=login(ADMIN)
    )
    assert again.status_code == 409
    ufo = client.post(
        f"{API}/routing",
        json={"category_code": "ufo", "unit_code": "prov-31"},
        headers=login(ADMIN),
    )
    assert ufo.status_code == 422  # a category sent in a body; in an address it is a 404
    assert ufo.json()["error"]["code"] == "unknown_category"
    assert client.delete(f"{API}/routing/{rule['id']}", headers=login(ADMIN)).status_code == 204
    assert submit()["unit"]["code"] == "kel-31.71.01.1001"
    taken = client.post(f"{API}/units", json=NEW_UNIT, headers=login(ADMIN))
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "code_taken"


def test_moving_a_unit_under_its_own_child_is_refused(client: TestClient, login: Login) -> None:
    units = {u["code"]: u for u in client.get(f"{API}/units", headers=login(ADMIN)).json()}
    top = units["prov-31"]
    cycle = client.post(
        f"{API}/units/{top['id']}/move",
        json={"parent_code": "kel-31.71.01.1001"},
        headers=login(ADMIN),
    )
    assert cycle.status_code == 422
    assert cycle.json()["error"]["code"] == "unit_cycle"
    moved = post(client, login, "/units", NEW_UNIT)
    moved = post(client, login, f"/units/{moved['id']}/move", {"parent_code": "kec-31.71.01"})
    assert moved["parent_id"] == units["kec-31.71.01"]["id"]
    renamed = post(
        client, login, f"/units/{moved['id']}/rename", {"name_id": "UPT Baru", "name_en": "New"}
    )
    assert renamed["name_id"] == "UPT Baru"


def test_deactivating_a_unit_forwards_its_open_reports(
    client: TestClient, login: Login, submit: Submit
) -> None:
    report = submit()
    units = {u["code"]: u for u in client.get(f"{API}/units", headers=login(ADMIN)).json()}
    gambir = units["kel-31.71.01.1001"]
    done = post(
        client,
        login,
        f"/units/{gambir['id']}/deactivate",
        {"to_unit": "kec-31.71.01", "reason": "Kelurahan digabung ke kecamatan."},
    )
    assert done["reports_forwarded"] == 1
    seen = client.get(f"/api/v1/reports/{report['id']}").json()
    assert seen["unit"]["code"] == "kec-31.71.01"
    assert seen["response_due_at"] >= report["response_due_at"]
    assert seen["timeline"][-1]["action"] == "forward"
    assert submit()["unit"]["code"] == "kec-31.71.01"  # new reports follow
    camat = login("camat.gambir@demo.sigap.id")
    back = client.post(
        f"/api/v1/officials/reports/{report['id']}/forward",
        json={"unit": "kel-31.71.01.1001", "reason": "Kembalikan", "out_of_authority": False},
        headers=camat,
    )
    assert back.status_code == 422  # nothing is forwarded to an inactive unit
    assert back.json()["error"]["code"] == "unknown_unit"
    again = client.post(
        f"{API}/units/{gambir['id']}/deactivate",
        json={"to_unit": "kec-31.71.01", "reason": "x"},
        headers=login(ADMIN),
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "unit_already_inactive"
    refused = client.post(
        f"{API}/officials",
        json={"email": "x@test.sigap.id", "name": "X", "role": "field_officer",
              "unit_code": "kel-31.71.01.1001"},
        headers=login(ADMIN),
    )  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "unit_inactive"
    into = client.post(
        f"{API}/units/{units['kec-31.71.01']['id']}/deactivate",
        json={"to_unit": "kel-31.71.01.1001", "reason": "Ke unit yang sudah nonaktif."},
        headers=login(ADMIN),
    )
    assert into.status_code == 422
    assert into.json()["error"]["code"] == "unit_inactive"
    missing = client.post(f"{API}/units/2147483647/deactivate", json={"to_unit": "kec-31.71.01",
                          "reason": "x"}, headers=login(ADMIN))  # fmt: skip
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "unit_not_found"


def test_deactivate_and_reset_revoke_sessions(client: TestClient, login: Login) -> None:
    official = post(
        client,
        login,
        "/officials",
        {"email": "petugas.baru@test.sigap.id", "name": "Petugas Baru",
         "role": "field_officer", "unit_code": "kel-31.71.01.1001"},
    )  # fmt: skip
    creds = {"email": official["email"], "password": official["one_time_password"]}
    token = client.post("/api/v1/auth/tokens", json=creds).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/officials/inbox", headers=headers).status_code == 200

    reset = post(client, login, f"/officials/{official['id']}/password")
    assert client.get("/api/v1/officials/inbox", headers=headers).status_code == 401
    assert client.post("/api/v1/auth/tokens", json=creds).status_code == 401
    creds["password"] = reset["one_time_password"]
    token = client.post("/api/v1/auth/tokens", json=creds).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}

    assigned = post(
        client, login, f"/officials/{official['id']}/assign",
        {"role": "unit_head", "unit_code": "kec-31.71.01"},
    )  # fmt: skip
    assert assigned["role"] == "unit_head"
    token = client.post("/api/v1/auth/tokens", json=creds).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    post(client, login, f"/officials/{official['id']}/deactivate")
    assert client.get("/api/v1/officials/inbox", headers=headers).status_code == 401
    assert client.post("/api/v1/auth/tokens", json=creds).status_code == 401
    bad_role = client.post(
        f"{API}/officials/{official['id']}/assign",
        json={"role": "citizen", "unit_code": None},
        headers=login(ADMIN),
    )
    assert bad_role.json()["error"]["code"] == "invalid_role"


def test_sla_changes_apply_to_new_reports_only(
    client: TestClient, login: Login, submit: Submit
) -> None:
    old = submit()
    response = client.patch(
        f"{API}/categories/sampah",
        json={"response_hours": 100, "resolution_hours": 500},
        headers=login(ADMIN),
    )
    assert response.status_code == 200, response.text
    new = submit()
    assert (
        client.get(f"/api/v1/reports/{old['id']}").json()["response_due_at"]
        == (old["response_due_at"])
    )
    assert new["response_due_at"] > old["response_due_at"]
    bad = client.patch(
        f"{API}/categories/sampah", json={"resolution_hours": 1}, headers=login(ADMIN)
    )
    assert bad.json()["error"]["code"] == "invalid_hours"
    created = post(
        client, login, "/categories",
        {"code": "kabel_menjuntai", "name_id": "Kabel menjuntai", "name_en": "Hanging cable",
         "response_hours": 4, "resolution_hours": 24, "photo_required": False},
    )  # fmt: skip
    assert created["active"] is True
    assert submit(category="kabel_menjuntai")["category"]["code"] == "kabel_menjuntai"


def test_channels_create_shows_the_key_once_and_revoke(client: TestClient, login: Login) -> None:
    created = post(client, login, "/channels", {"name": "WhatsApp bot"})
    assert created["api_key"].startswith("sgp_")
    listed = client.get(f"{API}/channels", headers=login(ADMIN)).json()
    assert "api_key" not in listed[0]
    form = {"api_key": created["api_key"], "service_code": "sampah", "lat": "-6.1754",
            "long": "106.8272", "description": "Sampah menumpuk di trotoar."}  # fmt: skip
    assert client.post("/open311/v2/requests.json", data=form).status_code == 201

    revoked = post(client, login, f"/channels/{created['id']}/revoke")

    assert revoked["revoked_at"] is not None
    # The key was just seen valid (and remembered), yet this process refuses it at once.
    refused = client.post("/open311/v2/requests.json", data=form)
    assert (refused.status_code, refused.json()[0]["code"]) == (403, "invalid_api_key")


def test_audit_is_append_only(client: TestClient, login: Login, database_url: str) -> None:
    post(client, login, "/channels", {"name": "Kiosk"})
    database = Database(database_url)
    try:
        for statement in ("UPDATE admin_event SET action = 'x'", "DELETE FROM admin_event"):
            with (
                pytest.raises(Exception, match="append-only"),
                database.transaction() as session,
            ):
                session.execute(text(statement))
    finally:
        database.dispose()


def test_another_process_notices_a_change(
    client: TestClient, login: Login, settings: Settings
) -> None:
    with TestClient(create_app(settings.model_copy(update={"region_check_seconds": 0}))) as other:
        assert not anyio.run(check, other.app)
        post(client, login, "/units", NEW_UNIT)
        assert NEW_UNIT["code"] not in other.app.state.region.units_by_code  # type: ignore[attr-defined]
        assert anyio.run(check, other.app)
        assert NEW_UNIT["code"] in other.app.state.region.units_by_code  # type: ignore[attr-defined]
