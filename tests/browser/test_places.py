"""Place search on the maps: a citizen without GPS finds the street by typing it (a typo
forgiven), and the portal's map goes to an RW typed in English; nothing leaves the server."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import Live
from .test_citizen_app import phone, photo, shot

pytestmark = pytest.mark.browser


def watch(page: Page, url: str) -> list[str]:
    elsewhere: list[str] = []
    local = (url, "blob:", "data:")
    page.on("request", lambda r: None if r.url.startswith(local) else elsewhere.append(r.url))
    return elsewhere


@pytest.mark.parametrize(
    ("lang", "source"), [("id", "Lokasi dari pencarian"), ("en", "Location from the search")]
)
def test_a_phone_without_gps_finds_the_street_by_name(
    browser: Browser, live: Live, lang: str, source: str
) -> None:
    context = phone(browser, permissions=[], geolocation=None, locale=f"{lang}-ID")
    page = context.new_page()
    elsewhere = watch(page, live.url)
    page.goto(f"{live.url}/app/new?lang={lang}")
    page.click("label.category:has(input[value=sampah])")
    page.set_input_files("#photo", files=[photo()])
    page.fill("#map .place-search input", "jl tamrin")
    first = page.locator("#place-results li").first
    expect(first).to_contain_text("MH Thamrin")
    expect(first).to_contain_text("Jalan" if lang == "id" else "Street")
    shot(page, f"search-{lang}")
    first.click()
    expect(page.locator("#place-source")).to_contain_text(f"{source}: MH Thamrin")
    expect(page.locator("#place")).to_contain_text("✓")
    lat, lon = float(page.input_value("#lat")), float(page.input_value("#lon"))
    assert -6.21 < lat < -6.18
    assert 106.81 < lon < 106.83  # on Thamrin, between Monas and Bundaran HI
    page.fill("#map .place-search input", "qqqzzz")
    expect(page.locator("#map .place-search-status")).to_contain_text(
        "Tidak ada tempat" if lang == "id" else "No place has that name"
    )
    page.fill("#description", "Sampah menumpuk di trotoar Thamrin.")
    page.click("#submit")
    expect(page.locator("#confirmation")).to_be_visible()
    assert elsewhere == [], elsewhere
    context.close()


def test_the_portal_map_goes_to_a_searched_rw(browser: Any, browser_url: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-GB")
    elsewhere = watch(page, browser_url)
    page.goto(f"{browser_url}/?lang=en")
    search = page.locator("#map .place-search input")
    search.fill("rw 3 kebon melati")
    expect(page.locator("#place-results li").first).to_contain_text("RW 03")
    search.press("Enter")
    page.wait_for_function("() => window.sigapMap.getZoom() >= 15")
    centre = page.evaluate(
        "(() => { const c = window.sigapMap.getCenter(); return [c.lat, c.lng]; })()"
    )
    assert abs(centre[0] - -6.1985) < 0.01
    assert abs(centre[1] - 106.819) < 0.01
    shot(page, "portal-search-en")
    assert elsewhere == [], elsewhere
    page.close()
