"""A full or read-only media folder: the submission is refused with a machine code (507
``storage_full``, 503 ``storage_unavailable`` with Retry-After), nothing of the report is
stored, no temporary file is left; ``sigap check`` reports both as failures. The folder is a
small tmpfs of the test's own (as root; CI runs as root)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sigap import models
from sigap.app import create_app
from sigap.check import run
from sigap.config import Settings
from sigap.db import Database

from .conftest import jpeg

REPORT = {"category": "sampah", "lat": -6.1754, "lon": 106.8272, "description": "Sampah."}


def mount(path: Path, *options: str) -> None:
    command = ["mount", "-t", "tmpfs", "-o", ",".join(("size=1m", *options)), "tmpfs", str(path)]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB disk as the media folder."""
    path = tmp_path / "media"
    path.mkdir()
    if os.geteuid() != 0 and not os.environ.get("CI"):
        pytest.skip("mounting a tmpfs needs root (CI runs as root, so there it fails instead)")
    mount(path)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)  # noqa: S603, S607


def serve(database_url: str, media: Path, min_free_mb: int = 0) -> TestClient:
    settings = Settings(
        database_url=database_url,
        public_url="http://sigap.test",
        media_dir=str(media),
        media_min_free_mb=min_free_mb,
    )
    return TestClient(create_app(settings))


def submit(client: TestClient) -> object:
    files = [("photo", ("p.jpg", jpeg(size=(640, 480)), "image/jpeg"))]
    return client.post("/api/v1/reports", data={"report": json.dumps(REPORT)}, files=files)


def reports(database: Database) -> int:
    with database.reading() as session:
        return session.scalar(select(func.count()).select_from(models.Report)) or 0


def leftovers(media: Path) -> list[Path]:
    return list(media.rglob(".upload-*"))


def fill(media: Path, leave: int) -> None:
    free = os.statvfs(media).f_bavail * os.statvfs(media).f_frsize
    (media / "ballast").write_bytes(b"\0" * max(free - leave, 0))


def test_a_full_disk_refuses_the_report_whole(
    disk: Path, database_url: str, database: Database
) -> None:
    fill(disk, leave=0)
    before = reports(database)
    with serve(database_url, disk) as client:
        client.headers["Accept-Language"] = "en"
        answer = submit(client)
    assert answer.status_code == 507, answer.text
    assert answer.json()["error"]["code"] == "storage_full"
    assert "not stored" in answer.json()["error"]["message"]
    assert reports(database) == before
    assert leftovers(disk) == []


def test_photos_may_not_take_the_last_free_space(
    disk: Path, database_url: str, database: Database
) -> None:
    before = reports(database)
    with serve(database_url, disk, min_free_mb=2) as client:  # the disk has 1 MB
        answer = submit(client)
    assert answer.status_code == 507
    assert "Penyimpanan foto penuh" in answer.json()["error"]["message"]
    assert reports(database) == before
    with serve(database_url, disk, min_free_mb=0) as client:  # room enough: stored
        assert submit(client).status_code == 201


def test_a_read_only_folder_is_a_retryable_refusal(
    disk: Path, database_url: str, database: Database
) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)  # noqa: S603, S607
    before = reports(database)
    with serve(database_url, disk) as client:
        answer = submit(client)
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "storage_unavailable"
    assert answer.headers["Retry-After"] == "60"
    assert reports(database) == before


def test_sigap_check_fails_on_a_full_or_read_only_folder(disk: Path, database_url: str) -> None:
    def media(min_free_mb: int = 0) -> tuple[bool, str]:
        settings = Settings(database_url=database_url, media_dir=str(disk),
                            media_min_free_mb=min_free_mb)  # fmt: skip
        found = {f.name: f for f in run(settings)}["media"]
        return found.ok, found.detail

    assert media()[0]
    ok, detail = media(min_free_mb=5)
    assert not ok
    assert "SIGAP_MEDIA_MIN_FREE_MB" in detail
    fill(disk, leave=0)
    assert not media()[0]  # full: a file can be made, not written
    (disk / "ballast").unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)  # noqa: S603, S607
    ok, detail = media()
    assert not ok
    assert "Read-only" in detail
