"""What a citizen does on a phone (360 px, GPS granted): sign up, file a report with a photo
and GPS, find it already reported and support it instead, follow, rate a fix 2 stars and see
it reopen; an anonymous reporter tracks a report by its token."""

from __future__ import annotations

import io
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect

from sigap.auth.service import Subject, scope_of
from sigap.regions.state import RegionState
from sigap.workflow import actions
from sigap.workflow.resolve import resolve as resolve_report

from .conftest import Live

pytestmark = pytest.mark.browser
MONAS = {"latitude": -6.1754, "longitude": 106.8272}
PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "locale": "id-ID",
    "has_touch": True,
    "permissions": ["geolocation"],
    "geolocation": MONAS,
}
SHOTS = Path(
    os.environ.get("SIGAP_SCREENSHOTS") or Path(tempfile.gettempdir()) / "sigap-citizen-screens"
)


def photo() -> dict[str, Any]:
    image = Image.new("RGB", (640, 480), (90, 140, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return {"name": "sampah.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def phone(browser: Browser, **overrides: Any) -> BrowserContext:
    return browser.new_context(**{**PHONE, **overrides})


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def file_report(page: Page, live: Live, description: str) -> float:
    """Fill the new-report form (sampah, a photo, the phone's GPS); seconds to confirmation."""
    started = time.perf_counter()
    page.goto(f"{live.url}/app/new")
    page.fill("#category-search", "samp")
    page.click("label.category:has(input[value=sampah])")
    page.set_input_files("#photo", files=[photo()])
    expect(page.locator("#place")).to_contain_text("Gambir")
    page.fill("#description", description)
    page.click("#submit")
    expect(page.locator("#confirmation")).to_be_visible()
    return time.perf_counter() - started


def resolve(live: Live, report_id: int) -> None:
    state: RegionState = live.app.state.region  # type: ignore[attr-defined]
    subject = Subject(1, "Admin", "admin@demo.sigap.id", "admin", None, "id",
                      scope_of(state, "admin", None), "x")  # fmt: skip
    with live.database.transaction() as session:
        resolve_report(
            session, state, actions.Actor.official(subject), report_id, note="Sudah diangkut.",
            options=actions.Options(photos=[{"id": 0, "url": "/media/after.jpg"}]),
        )  # fmt: skip


def test_citizen_files_supports_follows_and_reopens(browser: Browser, live: Live) -> None:
    siti = phone(browser).new_page()
    siti.goto(f"{live.url}/app/signup")
    siti.fill("#email", "siti@test.sigap.id")
    siti.fill("#password", "rahasia-sekali")
    siti.click("button.big")
    expect(siti).to_have_url(f"{live.url}/app/my")

    seconds = file_report(siti, live, "Sampah menumpuk di trotoar dekat halte.")
    print(f"new-report page to confirmation: {seconds:.2f} s")
    assert seconds < 10
    expect(siti.locator("#kelurahan")).to_contain_text("Gambir")
    expect(siti.locator("#unit")).to_contain_text("Kelurahan Gambir")
    expect(siti.locator("#deadline")).not_to_be_empty()
    shot(siti, "1-confirmation")
    report_id = int(siti.locator("article.report h1").inner_text().split("#")[1].split(":")[0])

    # A neighbour about to report the same pile sees it and supports it instead.
    budi = phone(browser, geolocation={"latitude": -6.17543, "longitude": 106.82723}).new_page()
    budi.goto(f"{live.url}/app/new")
    budi.click("label.category:has(input[value=sampah])")
    expect(budi.locator("#nearby")).to_be_visible()
    expect(budi.locator("#nearby-list")).to_contain_text("Sampah menumpuk di trotoar")
    expect(budi.locator("#nearby-list img")).to_have_count(1)
    shot(budi, "2-nearby-suggestion")
    budi.click("button.support-instead")
    expect(budi.locator("body")).to_contain_text("Anda mendukung laporan ini")
    expect(budi.locator("body")).to_contain_text("1 dukungan")

    # He signs up and follows it; it is in his reports.
    budi.goto(f"{live.url}/app/signup?next=/app/reports/{report_id}")
    budi.fill("#phone", "0812 1111 2222")
    budi.fill("#password", "rahasia-sekali")
    budi.click("button.big")
    budi.click("#follow")
    expect(budi.locator("#follow")).to_have_text("Berhenti mengikuti")
    budi.goto(f"{live.url}/app/my")
    expect(budi.locator(f"a[href^='/reports/{report_id}?']")).to_have_count(1)

    # The kelurahan resolves it; Siti is not satisfied: 2 stars with a reason reopen it.
    resolve(live, report_id)
    siti.goto(f"{live.url}/app/my")
    expect(siti.locator(".badge.st-resolved")).to_have_count(1)
    siti.click(f"a[href^='/reports/{report_id}?']")
    siti.check("input[name=stars][value='2']")
    siti.fill("#rate-comment", "Masih ada sampah di selokan.")
    shot(siti, "3-rating")
    siti.click("#rate-form button")
    expect(siti.locator("#status")).to_have_text("Diproses")
    expect(siti.locator(".timeline")).to_contain_text("Masih ada sampah di selokan.")
    shot(siti, "4-reopened")


def test_anonymous_reporter_tracks_by_token(browser: Browser, live: Live) -> None:
    anon = phone(browser, locale="en-US").new_page()
    file_report(anon, live, "Trash dumped on the pavement.")
    link = anon.locator("a.tracking").inner_text()
    token = link.rsplit("/", 1)[1]
    later = phone(browser).new_page()
    later.goto(f"{live.url}/app")
    later.fill("#token", token)
    later.click("#track-form button")
    expect(later).to_have_url(f"{live.url}/app/track/{token}")
    expect(later.locator("#status")).to_have_text("Baru")
    expect(later.locator("#kelurahan")).to_contain_text("Gambir")
    shot(later, "5-tracked")


@pytest.mark.parametrize(
    ("lang", "refused", "picked"),
    [
        ("id", "Izin lokasi ditolak", "Lokasi dipilih di peta"),
        ("en", "Location permission was refused", "Location picked on the map"),
    ],
)
def test_a_phone_without_gps_files_from_the_street_map(
    browser: Browser, live: Live, lang: str, refused: str, picked: str
) -> None:
    """Location refused and a photo without GPS: the map opens on the region's streets, the
    refusal is said in words, a tap on the map places the report, and nothing is fetched from
    anywhere but this server."""
    context = phone(browser, permissions=[], geolocation=None, locale=f"{lang}-ID")
    page = context.new_page()
    elsewhere: list[str] = []
    local = (live.url, "blob:", "data:")  # blob: and data: are the photo's preview, on the phone
    page.on("request", lambda r: None if r.url.startswith(local) else elsewhere.append(r.url))
    page.goto(f"{live.url}/app/new?lang={lang}")
    page.click("label.category:has(input[value=sampah])")
    page.set_input_files("#photo", files=[photo()])  # no EXIF GPS
    page.click("#use-gps")
    expect(page.locator("#place-source")).to_contain_text(refused)
    expect(page.locator("#map img.leaflet-tile-loaded").first).to_be_attached()
    expect(page.locator("#map .leaflet-control-attribution")).to_contain_text("OpenStreetMap")
    centre = page.evaluate("(() => { const c = document.querySelector('#map'); "
                           "const r = c.getBoundingClientRect(); return [r.x + r.width / 2, "
                           "r.y + r.height / 2]; })()")  # fmt: skip
    page.mouse.click(centre[0], centre[1])
    expect(page.locator("#place-source")).to_contain_text(picked)
    expect(page.locator("#place")).to_contain_text("✓")
    assert float(page.input_value("#lat")) < -5.9  # in Jakarta, not 0,0 in the Atlantic
    shot(page, f"no-gps-{lang}")
    page.fill("#description", "Sampah menumpuk, dilaporkan tanpa GPS.")
    page.click("#submit")
    expect(page.locator("#confirmation")).to_be_visible()
    assert elsewhere == [], elsewhere
    context.close()
