"""A lurah's working day in a phone browser: sign in, acknowledge, forward, resolve with an
after-photo; the reporter rates the fix; another kelurahan's official cannot open it.

Headless Debian chromium driven by Playwright (marker ``browser``: run once, on SQLite).
"""

from __future__ import annotations

import io
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from tests.browser.conftest import serving
from tests.conftest import load_jakarta

from sigap.accounts.service import create as create_account
from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 780}
GAMBIR = [(-6.1754, 106.8272), (-6.1760, 106.8280), (-6.1740, 106.8260)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Sigap on uvicorn in a thread, with the demo accounts, a Menteng lurah and three
    reports in Kelurahan Gambir."""
    folder = tmp_path_factory.mktemp("officials")
    url = f"sqlite:///{folder / 'sigap.db'}"
    load_jakarta(url)
    database = Database(url)
    with database.transaction() as session:
        create_account(
            session, email="lurah.menteng@test.sigap.id", name="Lurah Menteng",
            password=DEMO_PASSWORD, role="unit_head", unit_code="kel-31.71.06.1001",
        )  # fmt: skip
    database.dispose()
    settings = Settings(
        database_url=url,
        public_url="http://127.0.0.1",
        media_dir=str(folder / "media"),
        media_url="/media",  # the port is known only once the server runs
    )
    app = create_app(settings)
    reports = []
    with TestClient(app) as client:
        for lat, lon in GAMBIR:
            body = {"category": "sampah", "lat": lat, "lon": lon, "description": "Sampah menumpuk."}
            reports.append(client.post("/api/v1/reports", json=body).json())
    with serving(app) as url:
        yield {"url": url, "reports": reports, "folder": folder}


def phone(browser: Any) -> Any:
    context = browser.new_context(viewport=PHONE, locale="id-ID", is_mobile=True, has_touch=True)
    return context.new_page()


def sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/officials")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/officials")


def after_photo(folder: Path) -> Path:
    path = folder / "after.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (100, 150, 100)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def status_of(base: str, report_id: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base}/api/v1/reports/{report_id}") as response:  # noqa: S310
        found: dict[str, Any] = json.loads(response.read())
        return found


def test_a_lurahs_day_on_a_phone(browser: Any, site: dict[str, Any], artifacts: Path) -> None:
    base = site["url"]
    first, second, third = site["reports"]
    page = phone(browser)
    sign_in(page, base, "lurah.gambir@demo.sigap.id")
    assert page.locator("ul.inbox li").count() == 3
    page.screenshot(path=str(artifacts / "officials-inbox-phone.png"), full_page=True)

    # Acknowledge the first report.
    page.click(f"a[href^='/officials/reports/{first['id']}']")
    page.click("text=Tanggapi: mulai proses")
    assert page.locator(".notice").inner_text() == "Laporan sedang diproses."
    assert status_of(base, first["id"])["status"] == "in_progress"

    # Forward the second to the roads agency, as out of its authority.
    page.goto(f"{base}/officials/reports/{second['id']}")
    page.click("summary:has-text('Teruskan ke unit lain')")
    page.fill("input[name=unit]", "bina-marga")
    page.fill("textarea[name=reason]", "Jalan provinsi, wewenang Dinas Bina Marga.")
    page.check("input[name=out_of_authority]")
    page.click("form[action*='/forward'] button[type=submit]")
    assert status_of(base, second["id"])["unit"]["code"] == "bina-marga"

    # Resolve the third with an after-photo from the "camera".
    page.goto(f"{base}/officials/reports/{third['id']}")
    page.set_input_files("input[name=photo]", str(after_photo(site["folder"])))
    page.fill("form[action*='/resolve'] textarea[name=note]", "Sampah sudah diangkut.")
    page.click("form[action*='/resolve'] button[type=submit]")
    assert page.locator(".notice").inner_text() == "Laporan ditandai selesai."
    assert page.locator(".photos img").count() == 1
    page.wait_for_function("() => document.querySelector('.photos img').naturalWidth > 0")
    page.screenshot(path=str(artifacts / "officials-resolved-phone.png"), full_page=True)
    resolved = status_of(base, third["id"])
    assert resolved["status"] == "resolved"
    assert resolved["photos"][0]["kind"] == "after"
    page.context.close()

    # The reporter rates the fix (with the tracking token the submit gave them).
    rating = urllib.request.Request(  # noqa: S310 - loopback
        f"{base}/api/v1/track/{third['tracking_token']}/rating",
        data=json.dumps({"stars": 5, "comment": "Terima kasih!"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(rating) as response:  # noqa: S310 - loopback
        assert json.loads(response.read())["status"] == "closed"

    # Another kelurahan's lurah sees none of it.
    other = phone(browser)
    sign_in(other, base, "lurah.menteng@test.sigap.id")
    assert other.locator("ul.inbox li").count() == 0
    response = other.goto(f"{base}/officials/reports/{third['id']}")
    assert response is not None
    assert response.status == 404
    assert "Sampah sudah diangkut." not in other.content()
    other.context.close()
