"""Resolving needs proof: a public note and after-photos, stored like a citizen's photos."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image
from tests.conftest import fold_before_reads
from tests.officials.test_pages import hidden, sign_in
from tests.workflow.conftest import LURAH, PETUGAS

from sigap.config import Settings

Login = Callable[[str], dict[str, str]]
Submit = Callable[..., dict[str, Any]]


def after_photo() -> bytes:
    """A phone photo of the cleaned street, with the phone's GPS in it."""
    image = Image.new("RGB", (640, 480), (90, 140, 90))
    exif = Image.Exif()
    exif[0x010F] = "SecretPhoneMaker"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def resolve(client: TestClient, headers: dict[str, str], report_id: int, **form: Any) -> Any:
    files = [
        ("photo", (f"after{i}.jpg", after_photo(), "image/jpeg"))
        for i in range(form.pop("photos", 1))
    ]
    return client.post(
        f"/api/v1/officials/reports/{report_id}/resolve",
        data=form,
        files=files or None,
        headers=headers,
    )


def test_resolve_with_after_photos(
    client: TestClient, login: Login, submit: Submit, settings: Settings
) -> None:
    report = submit()
    response = resolve(
        client, login(PETUGAS), report["id"], note="Sampah sudah diangkut.", photos=2
    )

    assert response.status_code == 200, response.text
    resolved = response.json()
    assert resolved["status"] == "resolved"
    assert [p["kind"] for p in resolved["photos"]] == ["after", "after"]
    last = resolved["timeline"][-1]
    assert (last["action"], last["note"]) == ("resolve", "Sampah sudah diangkut.")
    assert len(last["photos"]) == 2
    public = client.get(f"/api/v1/reports/{report['id']}").json()
    served = client.get(public["photos"][0]["url"].removeprefix("http://sigap.test"))
    assert served.status_code == 200
    assert b"SecretPhoneMaker" not in served.content
    assert any(Path(settings.media_dir).iterdir())


def test_resolve_without_a_photo_or_note_changes_nothing(
    client: TestClient, login: Login, submit: Submit
) -> None:
    report = submit()
    headers = login(LURAH)
    no_photo = resolve(client, headers, report["id"], note="Sudah.", photos=0)
    no_note = resolve(client, headers, report["id"], note=" ")
    assert (no_photo.status_code, no_photo.json()["error"]["code"]) == (422, "after_photo_required")
    assert (no_note.status_code, no_note.json()["error"]["code"]) == (422, "note_required")
    after = client.get(f"/api/v1/reports/{report['id']}").json()
    assert after["status"] == "open"
    assert after["photos"] == []


def test_resolve_is_checked_before_photos_are_stored(
    client: TestClient, login: Login, submit: Submit, settings: Settings
) -> None:
    report = submit()
    client.post(
        f"/api/v1/officials/reports/{report['id']}/reject",
        json={"reason": "spam"},
        headers=login(LURAH),
    )
    refused = resolve(client, login(LURAH), report["id"], note="Selesai.")
    assert refused.status_code == 409
    media = Path(settings.media_dir)
    assert not media.exists() or not any(media.rglob("*.jpg"))


def test_resolve_through_the_web_form(client: TestClient, submit: Submit) -> None:
    report = submit()
    sign_in(client)
    page = client.get(f"/officials/reports/{report['id']}")
    done = client.post(
        f"/officials/reports/{report['id']}/resolve",
        data={"csrf": hidden(page.text, "csrf"), "note": "Saluran sudah bersih."},
        files=[("photo", ("after.jpg", after_photo(), "image/jpeg"))],
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    after = client.get(done.headers["location"])
    assert "Laporan ditandai selesai." in after.text
    assert "<img" in after.text
    assert client.get(f"/api/v1/reports/{report['id']}").json()["status"] == "resolved"


def test_public_page_shows_the_proof_and_the_rating(
    client: TestClient, login: Login, submit: Submit
) -> None:
    report = submit()
    resolve(client, login(PETUGAS), report["id"], note="Sampah sudah diangkut.")
    client.post(f"/api/v1/track/{report['tracking_token']}/rating", json={"stars": 4})

    page = client.get(f"/reports/{report['id']}")
    assert page.status_code == 200
    assert "★★★★☆" in page.text
    assert 'src="http://sigap.test/media/' in page.text
    assert "Sampah sudah diangkut." in page.text


def test_ranking_shows_forwards_and_the_mean_rating(
    client: TestClient, login: Login, submit: Submit
) -> None:
    fold_before_reads(client)  # the ranking reads counts the worker folds
    passed_on, fixed = submit(category="jalan_rusak"), submit()
    headers = login(LURAH)
    client.post(
        f"/api/v1/officials/reports/{passed_on['id']}/forward",
        json={"unit": "bina-marga", "reason": "Jalan provinsi.", "out_of_authority": True},
        headers=headers,
    )
    resolve(client, headers, fixed["id"], note="Beres.")
    client.post(f"/api/v1/track/{fixed['tracking_token']}/rating", json={"stars": 4})

    groups = client.get("/api/v1/ranking?months=1").json()["groups"]
    gambir = next(row for row in groups["kelurahan"] if row["code"] == "kel-31.71.01.1001")
    assert gambir["received"] == 1  # the forwarded report counts for Bina Marga now
    assert (gambir["forwarded"], gambir["forwarded_out_of_authority"]) == (1, 1)
    assert (gambir["mean_rating"], gambir["ratings"]) == (4.0, 1)
    page = client.get("/ranking?months=1")
    assert "1 di luar kewenangan" in page.text
