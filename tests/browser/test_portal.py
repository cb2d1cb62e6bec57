"""What a person sees and clicks on the portal, in a real browser, on a phone and a desktop."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import LIVE_EVENT, POINTS

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


def open_map(browser: Any, url: str, viewport: dict[str, int]) -> Any:
    page = browser.new_page(viewport=viewport)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_selector("#map[data-loaded]")
    page.sigap_errors = errors
    return page


def markers(page: Any) -> int:
    """Reports shown: single markers plus the counts on cluster markers."""
    singles = page.locator("path.report-marker:not(.live-marker)").count()
    counts = page.eval_on_selector_all(".cluster", "els => els.map(e => e.dataset.count)")
    return singles + sum(int(count) for count in counts)


def test_map_shows_clusters_zoomed_out_and_markers_zoomed_in(
    browser: Any, browser_url: str, artifacts: Path
) -> None:
    page = open_map(browser, f"{browser_url}/", DESKTOP)
    page.wait_for_function("() => document.querySelectorAll('.cluster').length > 0")
    assert markers(page) == len(POINTS)
    page.wait_for_selector("path.leaflet-interactive")  # the kota boundaries
    page.screenshot(path=str(artifacts / "map-desktop.png"))

    page.locator(".cluster").first.click()  # zooms in on the cluster
    page.wait_for_function("() => window.sigapMap.getZoom() >= 13")
    page.wait_for_selector("path.report-marker")
    page.locator("path.report-marker").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "/reports/" in popup.locator("a").get_attribute("href")
    assert page.sigap_errors == []


def test_a_filter_changes_the_markers_and_the_url(
    browser: Any, browser_url: str, artifacts: Path
) -> None:
    page = open_map(browser, f"{browser_url}/", PHONE)
    page.wait_for_function("() => document.querySelectorAll('.cluster, path.report-marker').length")
    page.wait_for_timeout(500)  # let the first view settle
    before = markers(page)
    loaded = page.get_attribute("#map", "data-loaded")

    page.click("#filters-fold > summary")  # folded on a phone
    page.select_option("#f-category", "banjir")
    page.wait_for_function(
        f"() => document.getElementById('map').dataset.loaded !== '{loaded}' && "
        "location.search.includes('category=banjir')"
    )
    after = markers(page)

    assert before == len(POINTS)
    assert after == sum(1 for category, _, _ in POINTS if category == "banjir")
    page.screenshot(path=str(artifacts / "map-phone-filtered.png"), full_page=True)


def test_live_feed_adds_new_reports(browser: Any, browser_url: str) -> None:
    page = open_map(browser, f"{browser_url}/?lang=en", DESKTOP)
    page.wait_for_timeout(500)  # the stream is open
    new = {k: LIVE_EVENT[k] for k in ("lat", "lon")} | {
        "category": "banjir",
        "description": "Banjir",
    }
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{browser_url}/api/v1/reports",
        data=json.dumps(new).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        report_id = json.load(response)["id"]
    item = page.locator("#feed li").first
    item.wait_for(timeout=10000)
    assert f"#{report_id}" in item.inner_text()
    assert "Flood" in item.inner_text()
    page.wait_for_selector("path.live-marker")  # in view and matching the (empty) filters


def test_report_page_and_dashboard_render(browser: Any, browser_url: str, artifacts: Path) -> None:
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = browser.new_page(viewport=viewport)
        page.goto(f"{browser_url}/reports/1?lang=id")
        assert page.locator("h1").inner_text().startswith("Laporan #1")
        assert page.locator(".badge.st-resolved").count() >= 1
        captions = page.locator(".photos figcaption").all_inner_texts()
        assert captions[0] == "Sebelum"
        assert captions[1].startswith("Sesudah · ")  # with the proof's verdict
        page.wait_for_function(
            "() => [...document.querySelectorAll('.photos img')].every(i => i.naturalWidth > 0)"
        )
        page.screenshot(path=str(artifacts / f"report-{name}.png"), full_page=True)
        page.goto(f"{browser_url}/areas/31.71")
        assert page.locator("svg rect").count() >= 1
        page.screenshot(path=str(artifacts / f"dashboard-{name}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"] + 1  # nothing wider than a phone
    page.goto(f"{browser_url}/ranking")
    page.screenshot(path=str(artifacts / "ranking-desktop.png"), full_page=True)
