"""Photos through HTTP: multipart submission, refusals that leave nothing behind, the media
endpoint, hiding, and Open311's media_url; on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sigap import cli, models
from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.photos import service as photos

from .conftest import GPS_LAT, GPS_LON, heic, jpeg, metadata_left, png_with_text, webp

REPORT = {
    "category": "sampah",
    "lat": -6.1754,
    "lon": 106.8272,
    "description": "Sampah menumpuk di trotoar dekat gerbang.",
}
Files = list[tuple[str, tuple[str, bytes, str]]]


def submit(client: TestClient, files: Files, **fields: str) -> Any:
    data = fields or {"report": json.dumps(REPORT)}
    return client.post("/api/v1/reports", data=data, files=files)


def count(database: Database, model: type[models.Base]) -> int:
    with database.reading() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def stored_files(media_dir: Path) -> list[Path]:
    return [p for p in media_dir.rglob("*") if p.is_file()] if media_dir.exists() else []


def test_a_report_with_photos_shows_them_and_stores_no_metadata(
    client: TestClient, database: Database, media_dir: Path
) -> None:
    files: Files = [
        ("photo", ("IMG_0001.HEIC.jpg", jpeg(orientation=6), "image/jpeg")),
        ("photo", ("named-like.jpg", png_with_text(), "image/jpeg")),  # PNG inside
        ("photo", ("IMG_0002.HEIC", heic(), "image/heic")),
    ]
    response = submit(client, files)

    assert response.status_code == 201, response.text
    created = response.json()
    assert created["photo_location"] == pytest.approx([GPS_LAT, GPS_LON])
    assert [p["kind"] for p in created["photos"]] == ["before"] * 3
    assert (created["photos"][0]["width"], created["photos"][0]["height"]) == (300, 400)
    assert created["timeline"][0]["photos"] == created["photos"]
    shown = client.get(f"/api/v1/reports/{created['id']}").json()
    assert shown["photos"] == created["photos"]
    assert shown["timeline"][0]["photos"] == created["photos"]
    assert count(database, models.Photo) == 3
    for photo in created["photos"]:
        for url in (photo["url"], photo["thumb_url"]):
            assert url.startswith("http://sigap.test/media/")
            served = client.get(url.removeprefix("http://sigap.test"))
            assert served.status_code == 200
            assert served.headers["content-type"] == "image/jpeg"
            assert "immutable" in served.headers["cache-control"]
            assert "max-age=31536000" in served.headers["cache-control"]
            assert hashlib.sha256(served.content).hexdigest() in url
            etag = {"If-None-Match": served.headers["etag"]}
            assert (
                client.get(url.removeprefix("http://sigap.test"), headers=etag).status_code == 304
            )
            left = metadata_left(served.content)
            assert (left["gps"], left["exif"], left["xmp"], left["raw"]) == ({}, {}, None, [])
    # Nothing else was written: no original (not configured), no temporary files.
    assert len(stored_files(media_dir)) == 6
    for path in stored_files(media_dir):
        assert metadata_left(path.read_bytes())["raw"] == []


def test_plain_form_fields_work_like_the_json_field(client: TestClient) -> None:
    fields = {k: str(v) for k, v in REPORT.items()}
    response = submit(client, [("photo", ("a.webp", webp(), "image/webp"))], **fields)

    assert response.status_code == 201, response.text
    assert response.json()["category"]["code"] == "sampah"
    assert len(response.json()["photos"]) == 1


def test_a_multipart_report_without_photos_is_accepted_on_the_api_channel(
    client: TestClient,
) -> None:
    response = submit(client, [])
    assert response.status_code == 201, response.text
    # A browser sends an empty file input as a part with an empty file name and no bytes.
    body = (
        '--b\r\nContent-Disposition: form-data; name="report"\r\n\r\n'
        f"{json.dumps(REPORT)}\r\n"
        '--b\r\nContent-Disposition: form-data; name="photo"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n--b--\r\n"
    )
    headers = {"content-type": "multipart/form-data; boundary=b"}
    browser = client.post("/api/v1/reports", content=body.encode(), headers=headers)
    assert browser.status_code == 201, browser.text
    assert browser.json()["photos"] == []
    assert response.json()["photos"] == []
    assert response.json()["photo_location"] is None


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"just some text, named like a photo", 415, "photo_type_not_allowed"),
        (jpeg()[:3000], 422, "photo_corrupt"),
    ],
    ids=["text-named-jpg", "truncated-jpeg"],
)
def test_a_refused_photo_leaves_no_report_and_no_file(
    client: TestClient,
    database: Database,
    media_dir: Path,
    content: bytes,
    status: int,
    code: str,
) -> None:
    files: Files = [
        ("photo", ("good.jpg", jpeg(), "image/jpeg")),
        ("photo", ("bad.jpg", content, "image/jpeg")),
    ]
    response = submit(client, files)

    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert count(database, models.Report) == 0
    assert count(database, models.Photo) == 0
    assert stored_files(media_dir) == []


def test_too_many_photos_are_refused(client: TestClient, database: Database) -> None:
    files: Files = [("photo", (f"{i}.jpg", jpeg(), "image/jpeg")) for i in range(6)]
    response = submit(client, files)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "too_many_photos"
    assert count(database, models.Report) == 0


def test_an_oversize_photo_is_refused(database_url: str, media_dir: Path) -> None:
    settings = Settings(database_url=database_url, media_dir=str(media_dir), photo_max_bytes=5000)
    with TestClient(create_app(settings)) as client:
        response = submit(client, [("photo", ("big.jpg", jpeg(size=(800, 600)), "image/jpeg"))])
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "photo_too_large"
        declared = client.post(
            "/api/v1/reports",
            content=b"",
            headers={
                "content-type": "multipart/form-data; boundary=x",
                "content-length": str(10**9),
            },
        )
        assert declared.status_code == 413
        assert declared.json()["error"]["code"] == "request_too_large"
    assert stored_files(media_dir) == []


def test_a_broken_form_is_a_clear_error(client: TestClient) -> None:
    no_boundary = client.post(
        "/api/v1/reports", content=b"x", headers={"content-type": "multipart/form-data"}
    )
    assert no_boundary.json()["error"]["code"] == "invalid_multipart"
    bad_report = submit(client, [], report='{"category": "sampah"}')
    assert bad_report.status_code == 422
    assert bad_report.json()["error"]["code"] == "invalid_input"


def test_photos_required_on_a_channel_that_requires_them(
    database_url: str, media_dir: Path
) -> None:
    settings = Settings(
        database_url=database_url, media_dir=str(media_dir), photo_required_channels=["api"]
    )
    with TestClient(create_app(settings)) as client:
        without = client.post("/api/v1/reports", json=REPORT)
        assert without.status_code == 422
        assert without.json()["error"]["code"] == "photo_required"
        assert submit(client, []).json()["error"]["code"] == "photo_required"
        with_photo = submit(client, [("photo", ("a.jpg", jpeg(), "image/jpeg"))])
        assert with_photo.status_code == 201


def test_the_default_rule_requires_photos_on_the_web_channel_only() -> None:
    settings = Settings()
    assert photos.required(True, "web", settings)
    assert not photos.required(False, "web", settings)
    assert not photos.required(True, "api", settings)
    assert not photos.required(True, "lapor", settings)


def test_a_hidden_photo_disappears_from_every_public_view(
    client: TestClient, database_url: str
) -> None:
    created = submit(client, [("photo", ("a.jpg", jpeg(), "image/jpeg"))]).json()
    photo = created["photos"][0]
    assert cli.main(["photo", "hide", str(photo["id"]), "--database-url", database_url]) == 0
    with pytest.raises(SystemExit):
        cli.main(["photo", "hide", "999999", "--database-url", database_url])

    shown = client.get(f"/api/v1/reports/{created['id']}").json()
    assert shown["photos"] == []
    assert shown["timeline"][0]["photos"] == []
    assert client.get(photo["url"].removeprefix("http://sigap.test")).status_code == 404
    assert client.get(photo["thumb_url"].removeprefix("http://sigap.test")).status_code == 404
    open311 = client.get(f"/open311/v2/requests/{created['id']}.json").json()
    assert open311[0]["media_url"] is None


def test_unknown_and_malformed_media_keys_are_404(client: TestClient) -> None:
    assert client.get("/media/ab/" + "ab" * 32 + ".jpg").status_code == 404
    assert client.get("/media/../sigap.db").status_code == 404
    assert client.get("/media/originals/ab/" + "ab" * 32 + ".jpg").status_code == 404


def test_open311_shows_the_display_url_as_media_url(client: TestClient) -> None:
    created = submit(client, [("photo", ("a.jpg", jpeg(), "image/jpeg"))]).json()
    plain = client.post("/api/v1/reports", json=REPORT).json()

    one = client.get(f"/open311/v2/requests/{created['id']}.json").json()[0]
    assert one["media_url"] == created["photos"][0]["url"]
    listed = {r["service_request_id"]: r for r in client.get("/open311/v2/requests.json").json()}
    assert listed[str(created["id"])]["media_url"] == created["photos"][0]["url"]
    assert listed[str(plain["id"])]["media_url"] is None


def test_open311_extensions_list_the_visible_photos(client: TestClient, database: Database) -> None:
    files: Files = [
        ("photo", ("a.jpg", jpeg(), "image/jpeg")),
        ("photo", ("b.png", png_with_text(), "image/png")),
    ]
    created = submit(client, files).json()
    first, second = created["photos"]
    path = f"/open311/v2/requests/{created['id']}.json"

    shown = client.get(path, params={"extensions": "true"}).json()[0]
    with database.transaction() as session:
        photos.hide(session, first["id"])
    after = client.get(path, params={"extensions": "true"}).json()[0]

    listed = shown["extended_attributes"]["photos"]
    assert [p["media_url"] for p in listed] == [first["url"], second["url"]]
    assert {p["title"] for p in listed} == {"before"}  # with the report, not an after-photo
    assert all(p["created_at"].endswith("+07:00") for p in listed)
    assert shown["media_url"] == first["url"]
    assert [p["media_url"] for p in after["extended_attributes"]["photos"]] == [second["url"]]
    assert after["media_url"] == second["url"]


def test_originals_are_kept_only_when_configured_and_never_served(
    database_url: str, media_dir: Path, database: Database
) -> None:
    settings = Settings(
        database_url=database_url, media_dir=str(media_dir), photo_keep_original=True
    )
    original = jpeg()
    with TestClient(create_app(settings)) as client:
        assert submit(client, [("photo", ("a.jpg", original, "image/jpeg"))]).status_code == 201
        with database.reading() as session:
            key = session.scalars(select(models.Photo.original_key)).one()
        assert key is not None
        assert (media_dir / key).read_bytes() == original
        assert client.get(f"/media/{key}").status_code == 404


def test_openapi_documents_the_multipart_submission(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    content = spec["paths"]["/api/v1/reports"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    assert "photo" in content["multipart/form-data"]["schema"]["properties"]
    assert "/media/{key}" in spec["paths"]


def test_an_idempotent_retry_with_photos_returns_the_first_report_and_its_photos(
    client: TestClient, database: Database
) -> None:
    files: Files = [("photo", ("a.jpg", jpeg(), "image/jpeg"))]
    headers = {"Idempotency-Key": "retry-with-photo-1"}
    data = {"report": json.dumps(REPORT)}
    first = client.post("/api/v1/reports", data=data, files=files, headers=headers)
    again = client.post("/api/v1/reports", data=data, files=files, headers=headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["photos"] == first.json()["photos"] != []
    assert count(database, models.Photo) == 1
