"""Abuse limits: reports per hour and identical reports per day, per account or device/IP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sigap.app import create_app
from sigap.config import Settings

from .conftest import App


@pytest.fixture
def strict(database_url: str, tmp_path: Path) -> Iterator[App]:
    settings = Settings(
        database_url=database_url,
        public_url="http://sigap.test",
        media_dir=str(tmp_path / "media"),
        reports_per_hour=3,
        identical_per_day=2,
    )
    with TestClient(create_app(settings)) as client:
        yield App(client)


def test_identical_reports_are_limited_per_day(strict: App) -> None:
    assert strict.file().status_code == 201
    assert strict.file(lat=-6.17545).status_code == 201  # about 5 m away
    refused = strict.file(lat=-6.1755)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "identical_report_limit"
    assert "50 m" in refused.json()["error"]["message"]
    # Another category at the same place, or the same category farther away, is another problem.
    assert strict.file(category="banjir").status_code == 201


def test_reports_per_hour_are_limited_and_explained_in_english(strict: App) -> None:
    for lat in (-6.170, -6.172, -6.174):
        assert strict.file(lat=lat).status_code == 201
    strict.client.headers["Accept-Language"] = "en"
    refused = strict.file(lat=-6.176)
    assert refused.status_code == 429
    assert refused.json()["error"]["message"].startswith("Too many reports: at most 3")


def test_signing_in_does_not_escape_the_device_limit(strict: App) -> None:
    for lat in (-6.170, -6.172, -6.174):
        assert strict.file(lat=lat).status_code == 201
    strict.sign_up(email="g@test.sigap.id")
    refused = strict.file(lat=-6.176)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_reports"
    assert 3500 < int(refused.headers["Retry-After"]) <= 3600
    strict.client.cookies.clear()  # another phone: its own device, another account
    strict.sign_up(email="h@test.sigap.id")
    assert strict.file(lat=-6.178).status_code == 201


def test_a_forged_device_cookie_is_replaced_by_a_signed_one(strict: App) -> None:
    strict.client.cookies.set("sigap_device", "my-own-chosen-device-id-1234567890")
    page = strict.client.get("/app/new")
    issued = page.cookies.get("sigap_device")
    assert issued
    assert issued != "my-own-chosen-device-id-1234567890"
    assert "." in issued
    again = strict.client.get("/app/new")
    assert "sigap_device" not in again.cookies  # a signed id is kept, not replaced


def test_a_retry_of_a_counted_submission_is_not_refused(strict: App) -> None:
    for i, lat in enumerate((-6.170, -6.172, -6.174)):
        assert strict.file(lat=lat, key=f"k{i}").status_code == 201
    assert strict.file(lat=-6.174, key="k2").status_code == 200
