"""Photo moderation from the console (hide, then restore: nothing is deleted), and the
background check that carries a console change to every other process."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable

from fastapi.testclient import TestClient
from PIL import Image
from tests.workflow.conftest import ADMIN, MONAS, WARGA

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


def test_hide_restore_and_redact_a_comment(
    client: TestClient, login: Login, submit: Callable[..., dict[str, object]]
) -> None:
    report = submit()
    url = f"/api/v1/reports/{report['id']}/comments"
    posted = client.post(url, json={"body": "Telepon saya 0812 3456 7890"}, headers=login(WARGA))
    assert posted.status_code == 201
    comment_id = posted.json()["id"]
    queue = client.get(f"{API}/comments", headers=login(ADMIN)).json()
    assert [c["id"] for c in queue] == [comment_id]

    assert client.post(f"{API}/comments/{comment_id}/hide", headers=login(ADMIN)).is_success
    assert client.get(url).json() == []
    assert client.post(f"{API}/comments/{comment_id}/restore", headers=login(ADMIN)).is_success
    redacted = client.post(
        f"{API}/comments/{comment_id}/redact",
        json={"body": "Telepon saya [disunting]"},
        headers=login(ADMIN),
    )
    assert redacted.json()["body"] == "Telepon saya [disunting]"
    assert [c["body"] for c in client.get(url).json()] == ["Telepon saya [disunting]"]
    events = client.get(f"{API}/events", headers=login(ADMIN)).json()
    assert [e["action"] for e in events] == ["comment.redact", "comment.restore", "comment.hide"]
    assert "0812" not in str(events)  # the audit does not keep what was redacted
    refused = client.post(f"{API}/comments/{comment_id}/hide", headers=login(WARGA))
    assert refused.status_code == 403


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
