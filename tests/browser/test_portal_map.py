"""The portal map in a real browser: ?area= zooms to the area and outlines it, the list of the
reports in view follows the map, "locate me" says why it cannot, and the filters fold on a
phone; in Bahasa Indonesia and English. No request leaves 127.0.0.1."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import POINTS

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
GAMBIR = "31.71.01.1001"  # kelurahan Gambir: Monas, three of the reports
RAGUNAN = (-6.3116, 106.8199)  # one report, far from the others
SHOTS = Path(os.environ.get("SIGAP_SCREENSHOTS") or tempfile.gettempdir())
DENIED = {"id": "Izin lokasi ditolak", "en": "Location permission was refused"}


@pytest.fixture
def open_page(browser: Any, browser_url: str) -> Iterator[Any]:
    """Opens a page of the portal in a context of its own; at the end, checks that nothing
    was asked of any host but the test server and that no script failed."""
    contexts: list[Any] = []
    outside: list[str] = []
    errors: list[str] = []

    def opener(path: str, viewport: dict[str, int], **options: Any) -> Any:
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "request", lambda r: None if r.url.startswith(browser_url) else outside.append(r.url)
        )
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{browser_url}{path}")
        page.wait_for_selector("#map[data-loaded]")
        page.wait_for_selector("#inview[data-loaded]")
        return page

    yield opener
    for context in contexts:
        context.close()
    assert outside == []
    assert errors == []


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"hB-{name}.png"))


def view(page: Any) -> list[float]:
    box: list[float] = page.evaluate(
        "(() => { const b = window.sigapMap.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()"
    )
    return box


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_kelurahan_in_the_url_zooms_the_map_to_it(
    open_page: Any, browser_url: str, lang: str
) -> None:
    page = open_page(f"/?area={GAMBIR}&lang={lang}", DESKTOP)
    area = page.evaluate(f"fetch('/api/v1/map/areas/{GAMBIR}.geojson').then(r => r.json())")
    west, south, east, north = area["bbox"]

    shown = view(page)

    assert shown[0] <= west  # the whole kelurahan is in view ...
    assert shown[1] <= south
    assert shown[2] >= east
    assert shown[3] >= north
    assert shown[2] - shown[0] < 4 * (east - west)  # ... and it fills the map
    assert shown[3] - shown[1] < 4 * (north - south)
    assert page.locator("path.area-outline").count() == 1
    assert page.input_value("#f-area") == GAMBIR
    listed = page.locator("#inview li").all_inner_texts()
    assert listed  # Monas' reports
    assert all("Gambir" in text for text in listed)
    shot(page, f"area-desktop-{lang}")


def test_choosing_an_area_zooms_there(open_page: Any) -> None:
    page = open_page("/?lang=en", DESKTOP)
    before = view(page)

    page.fill("#f-area-find", "Kel. Gambir (Gambir, Kota Administrasi Jakarta Pusat)")

    page.wait_for_function(f"() => location.search.includes('area={GAMBIR}')")
    page.wait_for_selector("path.area-outline")
    page.wait_for_function(f"() => window.sigapMap.getBounds().getEast() < {before[2]}")
    assert page.input_value("#f-area") == GAMBIR


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_list_in_view_follows_the_map(open_page: Any, lang: str) -> None:
    page = open_page(f"/?lang={lang}", DESKTOP)
    page.wait_for_function(
        f"() => document.querySelectorAll('#inview li').length === {len(POINTS)}"
    )
    first = page.locator("#inview li a").first
    assert first.get_attribute("href") == f"/reports/{len(POINTS)}?lang={lang}"  # newest first
    loaded = page.get_attribute("#inview", "data-loaded")

    page.evaluate(f"window.sigapMap.setView([{RAGUNAN[0]}, {RAGUNAN[1]}], 16)")

    page.wait_for_function(f"() => document.getElementById('inview').dataset.loaded !== '{loaded}'")
    items = page.locator("#inview li")
    assert items.count() == 1
    assert ("Banjir" if lang == "id" else "Flood") in items.first.inner_text()
    assert "Ragunan" in items.first.inner_text()

    page.evaluate("window.sigapMap.setView([-5.0, 105.0], 16)")  # the sea: nothing there
    page.wait_for_selector("#inview-empty:not([hidden])")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_locate_me_without_permission_says_so(open_page: Any, lang: str) -> None:
    page = open_page(f"/?lang={lang}", PHONE, permissions=[], locale=f"{lang}-ID")

    page.click("#locate-me")

    note = page.locator("#map-note")
    note.wait_for()
    page.wait_for_function("() => !document.getElementById('map-note').textContent.endsWith('…')")
    assert DENIED[lang] in note.inner_text()
    shot(page, f"locate-denied-phone-{lang}")


def test_locate_me_goes_to_the_position(open_page: Any) -> None:
    page = open_page(
        "/?lang=en",
        PHONE,
        permissions=["geolocation"],
        geolocation={"latitude": -6.1754, "longitude": 106.8272},
    )
    page.click("#locate-me")
    page.wait_for_function("() => window.sigapMap.getZoom() >= 16")
    center = page.evaluate("window.sigapMap.getCenter()")
    assert abs(center["lat"] + 6.1754) < 0.001
    assert "You are here" in page.inner_text("#map-note")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_filters_fold_on_a_phone_and_stay_open_on_a_desktop(open_page: Any, lang: str) -> None:
    phone = open_page(f"/?lang={lang}&category=banjir", PHONE)
    assert phone.evaluate("document.getElementById('filters-fold').open") is False
    assert not phone.is_visible("#f-category")
    summary = phone.locator("#filters-fold > summary")
    assert summary.inner_text().startswith("Filter")
    assert "(1)" in summary.inner_text()  # one filter chosen
    map_box = phone.locator("#map").bounding_box()
    assert map_box["y"] < 200  # the map gets the screen
    shot(phone, f"phone-{lang}")

    summary.click()
    assert phone.is_visible("#f-category")
    shot(phone, f"phone-filters-{lang}")

    desktop = open_page(f"/?lang={lang}", DESKTOP)
    assert desktop.is_visible("#f-category")
    assert not desktop.is_visible("#filters-fold > summary")
    shot(desktop, f"desktop-{lang}")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_long_lists_are_searched_and_fit_a_phone(
    browser: Any, browser_url: str, lang: str
) -> None:
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = browser.new_page(viewport=viewport)
        page.goto(f"{browser_url}/areas?lang={lang}")
        page.fill("#q", "kel. gambir")
        page.press("#q", "Enter")
        page.wait_for_url("**q=kel.+gambir**")
        assert page.locator('a[href^="/areas/31.71.01.1001"]').count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
        page.locator("#lists").scroll_into_view_if_needed()
        shot(page, f"areas-{name}-{lang}")
        page.goto(f"{browser_url}/ranking?lang={lang}")
        assert page.locator("nav.tabs a[aria-current=page]").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
        page.screenshot(path=str(SHOTS / f"hB-ranking-{name}-{lang}.png"), full_page=True)
        page.close()
