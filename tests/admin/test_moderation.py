"""Photo moderation from the console (hide, then restore: nothing is deleted), and the
background check that carries a console change to every other process."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable

from fastapi.testclient import TestClient
from PIL import Image
from tests.workflow.conftest import ADMIN, MONAS

from sigap.app import create_app
from sigap.config import Settings

Login = Callable[[str], dict[str, str]]
API = "/api/v1/admin"


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 40, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_hide_then_restore_a_photo(client: TestClient, login: Login) -> None:
    report = {"category": "sampah", **MONAS, "description": "Sampah menumpuk di trotoar."}
    created = client.post(
        "/api/v1/reports",
        data={"report": json.dumps(report)},
        files=[("photo", ("a.jpg", jpeg(), "image/jpeg"))],
    ).json()
    photo = created["photos"][0]
    queue = client.get(f"{API}/photos", headers=login(ADMIN)).json()
    assert [(p["id"], p["hidden"]) for p in queue] == [(photo["id"], False)]
    thumb = photo["thumb_url"].removeprefix("http://sigap.test")

    hidden = client.post(f"{API}/photos/{photo['id']}/hide", headers=login(ADMIN))
    assert hidden.json() == {"id": photo["id"], "hidden": True}
    assert client.get(f"/api/v1/reports/{created['id']}").json()["photos"] == []
    assert client.get(thumb).status_code == 404
    assert client.get(f"{API}/photos", headers=login(ADMIN)).json()[0]["hidden"] is True

    assert client.post(f"{API}/photos/{photo['id']}/restore", headers=login(ADMIN)).is_success
    assert len(client.get(f"/api/v1/reports/{created['id']}").json()["photos"]) == 1
    assert client.get(thumb).status_code == 200
    assert client.post(f"{API}/photos/999999/hide", headers=login(ADMIN)).status_code == 404
    assert (
        client.post(f"{API}/photos/{photo['id']}/delete", headers=login(ADMIN)).status_code == 404
    )
    actions = [e["action"] for e in client.get(f"{API}/events", headers=login(ADMIN)).json()]
    assert actions == ["photo.restore", "photo.hide"]


def test_other_processes_pick_up_a_change_in_the_background(
    client: TestClient, login: Login, settings: Settings
) -> None:
    quick = settings.model_copy(update={"region_check_seconds": 0.2})
    with TestClient(create_app(quick)) as other:
        unit = {"code": "upt-baru", "name_id": "UPT Baru", "name_en": "New", "kind": "agency"}
        assert client.post(f"{API}/units", json=unit, headers=login(ADMIN)).status_code == 201
        deadline = time.monotonic() + 10
        state = other.app.state  # type: ignore[attr-defined]
        while "upt-baru" not in state.region.units_by_code and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "upt-baru" in state.region.units_by_code
