"""The JSON endpoints: locate, nearby, comments (+ officials hiding them), support, follow."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD
from sigap.models import ReportFollow

from .conftest import MONAS, App

LURAH = "lurah.gambir@demo.sigap.id"
LURAH_OTHER = "binamarga@demo.sigap.id"  # another unit
WARGA = "warga@demo.sigap.id"


@pytest.fixture
def login(client: TestClient) -> Callable[[str], dict[str, str]]:
    def sign_in(email: str) -> dict[str, str]:
        response = client.post(
            "/api/v1/auth/tokens", json={"email": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 201, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    return sign_in


def test_locate_names_the_kelurahan_or_refuses_outside(client: TestClient) -> None:
    inside = client.get("/api/v1/locate", params=MONAS)
    assert inside.status_code == 200
    assert inside.json()["kelurahan"] == {"code": "31.71.01.1001", "name": "Gambir"}
    assert inside.json()["kecamatan"]["name"] == "Gambir"
    outside = client.get("/api/v1/locate?lat=-7.25&lon=112.75&lang=en")
    assert outside.status_code == 422
    assert outside.json()["error"]["code"] == "outside_service_area"
    assert client.get("/api/v1/locate?lat=100&lon=0").status_code == 422


def test_nearby_lists_open_reports_of_the_category_within_50_m(app: App) -> None:
    near = app.file().json()["id"]
    app.file(lat=-6.1790)  # about 400 m away
    app.file(category="banjir")
    found = app.client.get("/api/v1/nearby", params={"category": "sampah", **MONAS})
    assert found.status_code == 200
    items = found.json()
    assert [item["id"] for item in items] == [near]
    assert items[0]["distance_m"] == 0.0
    assert items[0]["thumb_urls"][0].startswith("http://sigap.test/media/")
    assert items[0]["status_colour"] == "red"
    unknown = app.client.get("/api/v1/nearby", params={"category": "nope", **MONAS})
    assert unknown.status_code == 422


def test_support_once_per_account(app: App, login: Callable[[str], dict[str, str]]) -> None:
    report_id = app.file().json()["id"]
    warga = login(WARGA)
    first = app.client.post(f"/api/v1/reports/{report_id}/support", headers=warga)
    assert first.status_code == 200
    assert first.json() == {"support_count": 1}
    again = app.client.post(f"/api/v1/reports/{report_id}/support", headers=warga)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_supported"
    assert app.client.get(f"/api/v1/reports/{report_id}").json()["support_count"] == 1
    assert app.client.post("/api/v1/reports/999999/support", headers=warga).status_code == 404
    assert app.client.post(f"/api/v1/reports/{report_id}/support").status_code == 401


def test_comments_are_public_and_officials_hide_abusive_ones(
    app: App, login: Callable[[str], dict[str, str]]
) -> None:
    report_id = app.file().json()["id"]
    url = f"/api/v1/reports/{report_id}/comments"
    warga = login(WARGA)
    kind = app.client.post(url, json={"body": "Saya juga melihatnya."}, headers=warga)
    rude = app.client.post(url, json={"body": "Dasar lurah malas!"}, headers=warga)
    assert kind.status_code == rude.status_code == 201
    listed = app.client.get(url).json()
    assert [c["body"] for c in listed] == ["Saya juga melihatnya.", "Dasar lurah malas!"]
    assert "account_id" not in listed[0]
    rude_id = rude.json()["id"]
    hide = f"/api/v1/officials/reports/{report_id}/comments/{rude_id}/hide"
    assert app.client.post(hide, headers=warga).status_code == 403
    assert app.client.post(hide, headers=login(LURAH_OTHER)).status_code == 404
    assert app.client.post(hide, headers=login(LURAH)).status_code == 204
    assert [c["body"] for c in app.client.get(url).json()] == ["Saya juga melihatnya."]
    page = app.client.get(f"/reports/{report_id}")
    assert "Dasar lurah" not in page.text
    missing = f"/api/v1/officials/reports/{report_id}/comments/999999/hide"
    assert app.client.post(missing, headers=login(LURAH)).status_code == 404
    assert app.client.post(url, json={"body": ""}, headers=warga).status_code == 422


def test_follow_and_unfollow_by_token(
    app: App, login: Callable[[str], dict[str, str]], db: Database
) -> None:
    report_id = app.file().json()["id"]
    warga = login(WARGA)
    assert app.client.put(f"/api/v1/reports/{report_id}/follow", headers=warga).status_code == 204
    assert app.client.put(f"/api/v1/reports/{report_id}/follow", headers=warga).status_code == 204
    with db.reading() as session:
        assert session.query(ReportFollow).count() == 1
    gone = app.client.delete(f"/api/v1/reports/{report_id}/follow", headers=warga)
    assert gone.status_code == 204
    with db.reading() as session:
        assert session.query(ReportFollow).count() == 0


def test_nearby_radius_per_category(database_url: str, tmp_path: Path) -> None:
    settings = Settings(
        database_url=database_url,
        public_url="http://sigap.test",
        media_dir=str(tmp_path / "media"),
        citizen_nearby_m_by_category={"sampah": 500},
    )
    with TestClient(create_app(settings)) as client:
        app = App(client)
        far = app.file(lat=-6.1790).json()["id"]  # about 400 m south
        found = client.get("/api/v1/nearby", params={"category": "sampah", **MONAS}).json()
        assert [item["id"] for item in found] == [far]
        assert 350 < found[0]["distance_m"] < 450
