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
        citizen_reports_per_hour=3,
        citizen_identical_per_day=2,
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


def test_accounts_are_counted_apart_from_the_device(strict: App) -> None:
    for lat in (-6.170, -6.172, -6.174):
        assert strict.file(lat=lat).status_code == 201
    strict.sign_up(email="g@test.sigap.id")
    assert strict.file(lat=-6.176).status_code == 201


def test_a_retry_of_a_counted_submission_is_not_refused(strict: App) -> None:
    for i, lat in enumerate((-6.170, -6.172, -6.174)):
        assert strict.file(lat=lat, key=f"k{i}").status_code == 201
    assert strict.file(lat=-6.174, key="k2").status_code == 200
