"""The console's fare pages on a phone, in both languages: the rules in force, revenue with
its CSV link, a reconciliation whose difference is flagged, and a validator registered with
its key shown once. Screenshots go to $SIGAP_SCREENSHOTS or the temporary directory's
``sigap-fare-screens``.

Headless Debian chromium driven by Playwright (marker ``browser``: run once, on SQLite).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from tests.browser.conftest import jakarta_app, serving

from sigap import models
from sigap.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser
ADMIN = "admin@demo.sigap.id"
WARGA = "warga@demo.sigap.id"
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
SHOTS = Path(
    os.environ.get("SIGAP_SCREENSHOTS") or Path(tempfile.gettempdir()) / "sigap-fare-screens"
)
WORDS = {
    "id": {"rules": "Tarif Rp 3.500", "in_force": "Berlaku pada", "diff": "Selisih!",
           "revenue": "Jumlah per jaringan", "create": "Daftarkan validator"},
    "en": {"rules": "Fare Rp 3.500", "in_force": "In force on", "diff": "Difference!",
           "revenue": "Total per network", "create": "Register a validator"},
}  # fmt: skip


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A holder topped up 20,000 and rode Transjakarta yesterday (charged today, when the tap
    came); a second top-up is marked paid without its posting (the reconciliation's
    difference)."""
    app = jakarta_app(tmp_path_factory.mktemp("fares"))
    with TestClient(app) as client:
        tokens = {}
        for email in (ADMIN, WARGA):
            made = client.post(
                "/api/v1/auth/tokens", json={"email": email, "password": DEMO_PASSWORD}
            )
            tokens[email] = {"Authorization": f"Bearer {made.json()['token']}"}
        body = {"name": "Halte Harmoni 1", "network": "transjakarta", "stop_id": "tj:HAR"}
        key = client.post("/api/v1/admin/validators", json=body, headers=tokens[ADMIN]).json()
        holder = tokens[WARGA]
        card = client.post("/api/v1/cards", json={"number": "60329844"}, headers=holder).json()
        for n, amount in enumerate((20_000, 5_000)):
            started = client.post(
                f"/api/v1/cards/{card['id']}/topups",
                json={"amount": amount},
                headers={**holder, "Idempotency-Key": f"k{n}"},
            ).json()
            if n == 0:
                client.post(f"/api/v1/cards/{card['id']}/topups/{started['id']}/confirm",
                            headers=holder)  # fmt: skip
        noon = datetime.now(UTC).replace(hour=5, minute=0, second=0, microsecond=0)  # 12:00 WIB
        at = (noon - timedelta(days=1)).isoformat()  # at any noon Transjakarta is 3,500
        taps = {"taps": [{"tap_id": "1", "card": "60329844", "kind": "in", "at": at}]}
        posted = client.post(
            "/api/v1/cards/taps", json=taps, headers={"X-Validator-Key": key["key"]}
        )
        assert posted.status_code == 200, posted.text
        with app.state.db.transaction() as session:
            session.execute(update(models.CardTopup).values(state="paid"))
    with serving(app) as url:
        yield url


@pytest.mark.parametrize("lang", ["id", "en"])
def test_an_admin_reads_the_fare_pages_on_a_phone(browser: Any, console: str, lang: str) -> None:
    words = WORDS[lang]
    context = browser.new_context(**PHONE, locale=f"{lang}-ID")
    page = context.new_page()
    page.goto(f"{console}/admin/fares?lang={lang}")
    page.fill("input[name=email]", ADMIN)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{console}/admin/fares?lang={lang}")
    assert words["in_force"] in page.locator("h2").first.inner_text()
    assert page.locator("section.rule-set th", has_text="Transjakarta (BRT").count() == 1
    assert "Rp 10.000" in page.locator("li.package").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1  # nothing wider than the phone but the tables' own scroll
    shoot(page, f"rules-{lang}")

    page.click(f"nav.tabs >> text={'Pendapatan' if lang == 'id' else 'Revenue'}")
    page.wait_for_selector("#revenue")
    assert "Rp 3.500" in page.locator("#revenue tfoot").inner_text()
    assert words["revenue"] in page.content()
    assert page.locator("#revenue-csv").get_attribute("href").startswith("/admin/fares/revenue.csv")
    shoot(page, f"revenue-{lang}")

    page.click(f"nav.tabs >> text={'Rekonsiliasi' if lang == 'id' else 'Reconciliation'}")
    flagged = page.locator("#checks tr.diff")
    assert flagged.count() == 2  # the top-ups, and the cards' balances behind them
    assert words["diff"] in flagged.first.inner_text()
    assert "-Rp 5.000" in flagged.first.inner_text()
    assert page.locator("#books-alert").is_visible()
    shoot(page, f"reconciliation-{lang}")

    page.click(f"nav.tabs >> text={'Validator' if lang == 'id' else 'Validators'}")
    form = page.locator("#validator-create")
    form.locator("input[name=name]").fill(f"Gerbang MRT {lang}")
    form.locator("input[name=network]").fill("mrt")
    form.locator("button[type=submit]").click()
    secret = page.locator("#secret").inner_text()
    assert secret.startswith(f"Gerbang MRT {lang}: sgv_")
    shoot(page, f"validators-{lang}")
    page.goto(f"{console}/admin/fares/validators?lang={lang}")  # the key is never shown again
    assert secret.split(": ")[1] not in page.content()
    assert words["create"] in page.content()
    context.close()


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
