"""Proof of fix: an after-photo is refused when it is a copy of any stored photo, taken before
the report or far from it; otherwise verified or unverified; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import ExifTags, Image, ImageDraw
from sqlalchemy import select, update
from tests.officials.test_pages import sign_in
from tests.workflow.conftest import WALIKOTA, login

from sigap import models
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD
from sigap.photos import decode, phash, proof
from sigap.photos import service as photo_service

from .conftest import metadata_left

__all__ = ["login"]
Login = Callable[[str], dict[str, str]]

LURAH = "lurah.gambir@demo.sigap.id"
MONAS = (-6.1754, 106.8272)
JAKARTA = ZoneInfo("Asia/Jakarta")
REPORT = {
    "category": "sampah",
    "lat": MONAS[0],
    "lon": MONAS[1],
    "description": "Sampah menumpuk di trotoar dekat gerbang.",
}


def scene(seed: int, size: tuple[int, int] = (1200, 900)) -> Image.Image:
    """A picture with a photo's large shapes, shading and grain, different for every seed."""
    rng = np.random.default_rng(seed)
    base = Image.fromarray((rng.random((6, 8, 3)) * 255).astype("uint8"))
    image = base.resize(size, Image.Resampling.BICUBIC)
    draw, shapes = ImageDraw.Draw(image), random.Random(seed)
    for _ in range(25):
        x, y, side = shapes.randrange(size[0]), shapes.randrange(size[1]), shapes.randrange(30, 250)
        colour = tuple(shapes.randrange(256) for _ in range(3))
        draw.ellipse((x, y, x + side, y + side * shapes.random()), fill=colour)
    grain = rng.normal(0, 10, (size[1], size[0], 3))
    return Image.fromarray(np.clip(np.asarray(image) + grain, 0, 255).astype("uint8"))


def exif(
    taken: datetime | None = None, offset: str | None = None, gps: tuple[float, float] | None = None
) -> Image.Exif:
    data = Image.Exif()
    data[ExifTags.Base.Make] = "SecretPhoneMaker"
    if taken is not None:
        ifd = data.get_ifd(ExifTags.IFD.Exif)
        ifd[ExifTags.Base.DateTimeOriginal] = taken.strftime("%Y:%m:%d %H:%M:%S")
        if offset is not None:
            ifd[ExifTags.Base.OffsetTimeOriginal] = offset
    if gps is not None:
        block = data.get_ifd(ExifTags.IFD.GPSInfo)
        for (ref_tag, value_tag), value, signs in (
            ((ExifTags.GPS.GPSLatitudeRef, ExifTags.GPS.GPSLatitude), gps[0], "NS"),
            ((ExifTags.GPS.GPSLongitudeRef, ExifTags.GPS.GPSLongitude), gps[1], "EW"),
        ):
            block[ref_tag] = signs[0] if value >= 0 else signs[1]
            degrees = abs(value)
            minutes = (degrees % 1) * 60
            block[value_tag] = (float(int(degrees)), float(int(minutes)), (minutes % 1) * 60)
    return data


def encode(image: Image.Image, metadata: Image.Exif | None = None, quality: int = 92) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=metadata or Image.Exif())
    return buffer.getvalue()


def now_in_jakarta(**delta: float) -> datetime:
    return (datetime.now(UTC) + timedelta(**delta)).astimezone(JAKARTA).replace(tzinfo=None)


@pytest.fixture
def official(client: TestClient) -> dict[str, str]:
    answer = client.post("/api/v1/auth/tokens", json={"email": LURAH, "password": DEMO_PASSWORD})
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


Filed = Callable[..., dict[str, Any]]


@pytest.fixture
def filed(client: TestClient) -> Filed:
    """A report at Monas with one before-photo."""

    def make(photo: bytes) -> dict[str, Any]:
        answer = client.post(
            "/api/v1/reports",
            data={"report": json.dumps(REPORT)},
            files=[("photo", ("before.jpg", photo, "image/jpeg"))],
        )
        assert answer.status_code == 201, answer.text
        created: dict[str, Any] = answer.json()
        return created

    return make


def resolve(client: TestClient, headers: dict[str, str], report_id: int, *photos: bytes) -> Any:
    return client.post(
        f"/api/v1/officials/reports/{report_id}/resolve",
        data={"note": "Sampah sudah diangkut."},
        files=[("photo", (f"after{i}.jpg", data, "image/jpeg")) for i, data in enumerate(photos)],
        headers=headers,
    )


def refused(answer: Any, code: str) -> str:
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == code
    message: str = error["message"]
    return message


def unchanged(client: TestClient, report: dict[str, Any]) -> None:
    shown = client.get(f"/api/v1/reports/{report['id']}").json()
    assert shown["status"] == report["status"] == "open"
    assert shown["resolved_at"] is None
    assert [p["kind"] for p in shown["photos"]] == ["before"]
    assert [e["action"] for e in shown["timeline"]] == ["submit"]
    assert shown["proof"] is None


def crop(image: Image.Image, share: float) -> Image.Image:
    width, height = image.size
    dx, dy = int(width * share), int(height * share)
    return image.crop((dx, dy // 2, width - dx // 2, height - dy))


COPIES: dict[str, Callable[[Image.Image, bytes], bytes]] = {
    "same bytes": lambda image, original: original,
    "resized": lambda image, original: encode(image.resize((600, 450))),
    "recompressed": lambda image, original: encode(image, quality=35),
    "cropped": lambda image, original: encode(crop(image, 0.03)),
    "mirrored": lambda image, original: encode(image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)),
}


@pytest.mark.parametrize("kind", list(COPIES))
def test_a_copy_of_the_before_photo_is_refused_and_changes_nothing(
    client: TestClient, official: dict[str, str], filed: Filed, kind: str
) -> None:
    picture = scene(1)
    original = encode(picture, exif(now_in_jakarta(hours=-1), gps=MONAS))
    report = filed(original)
    # With a fresh capture time and the right place: only the copy gives it away.
    copy = COPIES[kind](picture, original)

    message = refused(resolve(client, official, report["id"], copy), "after_photo_copy")

    assert f"#{report['id']}" in message
    unchanged(client, report)


def test_a_copy_of_another_reports_photo_is_refused_naming_it(
    client: TestClient, official: dict[str, str], filed: Filed
) -> None:
    first = filed(encode(scene(2)))
    second = filed(encode(scene(3)))
    answer = resolve(client, official, second["id"], encode(scene(2).resize((800, 600))))
    assert f"#{first['id']}" in refused(answer, "after_photo_copy")
    unchanged(client, second)


def test_an_after_photo_taken_before_the_report_is_refused(
    client: TestClient, official: dict[str, str], filed: Filed
) -> None:
    report = filed(encode(scene(4)))
    old = encode(
        scene(5),
        exif(datetime(2020, 1, 1, 10, 0, tzinfo=UTC).replace(tzinfo=None), "+07:00", MONAS),
    )

    message = refused(resolve(client, official, report["id"], old), "after_photo_too_early")

    assert "2020-01-01 10:00" in message
    unchanged(client, report)


def test_an_after_photo_taken_2_km_away_is_refused(
    client: TestClient, official: dict[str, str], filed: Filed
) -> None:
    report = filed(encode(scene(6)))
    away = (MONAS[0] + 0.018, MONAS[1])  # about 2 km north
    photo = encode(scene(7), exif(now_in_jakarta(minutes=5), gps=away))

    message = refused(resolve(client, official, report["id"], photo), "after_photo_too_far")

    assert "2,0 km" in message
    assert "150 m" in message
    english = client.post(
        f"/api/v1/officials/reports/{report['id']}/resolve",
        data={"note": "Selesai."},
        files=[("photo", ("a.jpg", photo, "image/jpeg"))],
        headers={**official, "Accept-Language": "en"},
    )
    assert "2.0 km" in refused(english, "after_photo_too_far")
    unchanged(client, report)


def test_taken_after_the_report_and_near_it_is_verified(
    client: TestClient, official: dict[str, str], filed: Filed, database: Database
) -> None:
    report = filed(encode(scene(8)))
    near = (MONAS[0] + 0.0005, MONAS[1])  # about 55 m
    # One without an offset (read in Jakarta's time), one with its own offset (Japan).
    local = encode(scene(9), exif(now_in_jakarta(minutes=5), gps=near))
    tokyo = (datetime.now(UTC) + timedelta(minutes=6)).astimezone(ZoneInfo("Asia/Tokyo"))
    offset = encode(scene(10), exif(tokyo.replace(tzinfo=None), "+09:00", MONAS))

    answer = resolve(client, official, report["id"], local, offset)

    assert answer.status_code == 200, answer.text
    resolved = answer.json()
    assert resolved["status"] == "resolved"
    after = [p for p in resolved["photos"] if p["kind"] == "after"]
    assert [(p["proof"], p["proof_notes"]) for p in after] == [("verified", [])] * 2
    assert resolved["proof"] == {"verdict": "verified", "notes": []}
    before = [p for p in resolved["photos"] if p["kind"] == "before"]
    assert before[0]["proof"] is None
    page = client.get(f"/reports/{report['id']}?lang=en").text
    assert 'id="proof"' in page
    assert "Verified" in page
    request = client.get(
        f"/open311/v2/requests/{report['id']}.json", params={"extensions": "true"}
    ).json()[0]["extended_attributes"]
    assert (request["proof"], request["proof_notes"]) == ("verified", [])
    assert [p["proof"] for p in request["photos"]] == [None, "verified", "verified"]
    xml = client.get(f"/open311/v2/requests/{report['id']}.xml", params={"extensions": "true"})
    assert "<proof>verified</proof>" in xml.text
    assert sign_in(client, WALIKOTA).status_code == 303
    officials_page = client.get(f"/officials/reports/{report['id']}?lang=en").text
    assert 'id="proof"' in officials_page  # the officials see the verdict too
    assert '<span class="proof-verified">Verified</span>' in officials_page


def test_without_metadata_the_fix_is_accepted_unverified(
    client: TestClient, official: dict[str, str], filed: Filed
) -> None:
    report = filed(encode(scene(11)))
    only_time = encode(scene(12), exif(now_in_jakarta(minutes=5)))
    bare = encode(scene(13))

    answer = resolve(client, official, report["id"], only_time, bare)

    assert answer.status_code == 200, answer.text
    after = [p for p in answer.json()["photos"] if p["kind"] == "after"]
    assert [(p["proof"], p["proof_notes"]) for p in after] == [
        ("unverified", ["no_gps"]),
        ("unverified", ["no_time", "no_gps"]),
    ]
    assert answer.json()["proof"] == {"verdict": "unverified", "notes": ["no_gps", "no_time"]}
    page = client.get(f"/reports/{report['id']}").text
    assert "Belum terverifikasi" in page
    assert "tanpa lokasi GPS" in page
    request = client.get(
        f"/open311/v2/requests/{report['id']}.xml", params={"extensions": "true"}
    ).text
    assert "<proof_note>no_gps</proof_note>" in request


def test_an_after_photo_cannot_be_used_again_after_a_reopen(
    client: TestClient, official: dict[str, str], filed: Filed, login: Login
) -> None:
    report = filed(encode(scene(14)))
    after = encode(scene(15))
    assert resolve(client, official, report["id"], after).status_code == 200
    reopened = client.post(
        f"/api/v1/officials/reports/{report['id']}/reopen",
        json={"reason": "Masih ada sampah."},
        headers=login(WALIKOTA),
    )
    assert reopened.status_code == 200, reopened.text

    again = resolve(client, official, report["id"], encode(scene(15), quality=60))

    assert f"#{report['id']}" in refused(again, "after_photo_copy")
    assert client.get(f"/api/v1/reports/{report['id']}").json()["status"] == "in_progress"


def test_the_hash_survives_the_strip_and_no_time_or_place_is_stored(
    client: TestClient, official: dict[str, str], filed: Filed, database: Database, media_dir: Path
) -> None:
    report = filed(encode(scene(16)))
    photo = encode(scene(17), exif(now_in_jakarta(minutes=5), gps=MONAS))
    assert resolve(client, official, report["id"], photo).status_code == 200

    with database.reading() as session:
        row = (
            session.execute(select(models.Photo.__table__).where(models.Photo.kind == "after"))
            .mappings()
            .one()
        )
    stored = (media_dir / row["display_key"]).read_bytes()
    left = metadata_left(stored)
    assert not left["exif"]
    assert not left["gps"]
    assert not left["raw"]
    hashed = phash.join([row[f"phash{i}"] for i in range(phash.BANDS)])
    assert phash.distance(hashed, phash.of(Image.open(io.BytesIO(stored)))) <= 2
    assert phash.distance(hashed, phash.of(scene(17))) <= 2
    assert (row["proof"], row["proof_notes"]) == ("verified", [])
    text = json.dumps({k: str(v) for k, v in row.items()})
    assert "106.8" not in text
    assert "-6.17" not in text
    assert "SecretPhoneMaker" not in text


def test_capture_time_is_read_with_its_offset_or_in_the_region_zone() -> None:
    taken = datetime(2026, 12, 7, 8, 0, tzinfo=UTC).replace(tzinfo=None)
    plain = decode.process(encode(scene(1, (200, 150)), exif(taken)), max_pixels=10**8)
    assert plain.taken is not None
    assert plain.taken.utc(JAKARTA) == datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    tokyo = decode.process(encode(scene(1, (200, 150)), exif(taken, "+09:00")), max_pixels=10**8)
    assert tokyo.taken is not None
    assert tokyo.taken.utc(JAKARTA) == datetime(2026, 12, 6, 23, 0, tzinfo=UTC)
    bare = decode.process(encode(scene(1, (200, 150))), max_pixels=10**8)
    assert bare.taken is None
    assert bare.gps is None


def test_different_photos_are_far_apart_and_copies_close() -> None:
    hashes = [phash.of(scene(seed)) for seed in range(20)]
    nearest = min(phash.distance(a, b) for i, a in enumerate(hashes) for b in hashes[i + 1 :])
    assert nearest > phash.THRESHOLD
    picture = scene(3)
    for make in COPIES.values():
        copy = Image.open(io.BytesIO(make(picture, encode(picture))))
        assert min(phash.distance(hashes[3], v) for v in phash.variants(copy)) <= phash.THRESHOLD


def test_the_band_search_finds_every_hash_within_the_threshold() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        value = rng.getrandbits(64)
        flipped = rng.sample(range(64), rng.randint(0, phash.THRESHOLD))
        other = value ^ sum(1 << bit for bit in flipped)
        assert any(
            b in phash.neighbours(a)
            for a, b in zip(phash.bands(value), phash.bands(other), strict=True)
        )
    assert phash.join(list(phash.bands(0x0123456789ABCDEF))) == 0x0123456789ABCDEF


def test_distance_is_metres_on_the_earth() -> None:
    assert proof.distance_m(MONAS, (MONAS[0] + 0.018, MONAS[1])) == pytest.approx(2001, abs=5)


def test_rehash_gives_old_photos_their_hash_so_copies_of_them_are_refused(
    client: TestClient,
    official: dict[str, str],
    filed: Filed,
    database: Database,
    settings: Any,
) -> None:
    report = filed(encode(scene(18)))
    table = models.Photo.__table__
    bands = {f"phash{i}": None for i in range(phash.BANDS)}
    with database.transaction() as session:  # as stored before this version
        session.execute(update(table).values(**bands))
    copy = encode(scene(18).resize((700, 525)))
    with database.transaction() as session:
        assert proof.find_copy(session, [phash.of(scene(18))]) is None

    with database.transaction() as session:
        assert proof.rehash(session, photo_service.storage_for(settings)) == (1, 0)
        assert proof.rehash(session, photo_service.storage_for(settings)) == (0, 0)

    refused(resolve(client, official, report["id"], copy), "after_photo_copy")
