"""The routes and stops pages of the citizen app on a phone (390x844), in both languages:
from the planner to every route, a filter, the MRT's stops in order, Lebak Bulus's routes,
platforms and departures, the badges in their route's colour (set by a script: no CSP
violation), and "plan from here" opening the planner with the station as the start. No
request leaves 127.0.0.1."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .test_citizen_app import PHONE
from .test_csp import WATCH
from .test_transit_page import transit_url, watch  # noqa: F401  (the served app, a fixture)

pytestmark = pytest.mark.browser
SHOTS = Path(tempfile.gettempdir()) / "tpages-shots"
WORDS = {
    "id": {"all": "Semua rute", "title": "Rute MRT, KRL dan bus", "go": "Saring",
           "towards": "Arah Bundaran HI", "from": "Rencanakan dari sini",
           "departures": "Keberangkatan berikutnya", "platforms": "Peron"},
    "en": {"all": "All routes", "title": "MRT, train and bus routes", "go": "Filter",
           "towards": "Towards Bundaran HI", "from": "Plan from here",
           "departures": "Next departures", "platforms": "Platforms"},
}  # fmt: skip
LEBAK_BULUS = "Stasiun MRT Lebak Bulus Bank Syariah Indonesia"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_phone_goes_from_all_routes_to_a_station_and_plans_from_it(
    browser: Browser,
    transit_url: str,  # noqa: F811
    lang: str,
) -> None:
    words = WORDS[lang]
    context = browser.new_context(
        **{**PHONE, "viewport": {"width": 390, "height": 844}, "locale": f"{lang}-ID"},
    )
    context.add_init_script(WATCH)
    page = context.new_page()
    elsewhere = watch(page, transit_url)
    page.goto(f"{transit_url}/app/transit?lang={lang}")
    page.click(f"#all-routes:text-is('{words['all']}')")
    expect(page.locator("h1")).to_have_text(words["title"])
    mrt = page.locator("a.line", has_text="MRT NS").first
    # The badge in the MRT's red, from data-color.
    expect(mrt).to_have_css("background-color", "rgb(202, 31, 71)")
    shot(page, f"routes-phone-{lang}")

    page.fill("#route-q", "bogor")
    page.click(f"button:text-is('{words['go']}')")
    expect(page.locator(".routes li")).to_have_count(1)
    expect(page.locator(".routes li")).to_contain_text("Jakarta Kota - Bogor")
    page.goto(f"{transit_url}/app/transit/routes?lang={lang}")

    mrt.click()
    south = page.locator("section.card", has=page.locator(f"h2:text-is('{words['towards']}')"))
    expect(south.first.locator("ol.stops li").first).to_have_text(LEBAK_BULUS)
    # The route on the street map: each stop sequence a line through its stops.
    page.wait_for_function(
        "() => { let most = 0; window.sigapRouteMap.eachLayer(l => {"
        " if (l.getLatLngs) most = Math.max(most, l.getLatLngs().length); });"
        " return most === 13; }"
    )
    page.wait_for_function(
        "() => document.querySelectorAll('#route-map img.leaflet-tile-loaded').length > 0"
    )
    shot(page, f"route-phone-{lang}")
    south.first.locator("ol.stops a").first.click()
    expect(page.locator("h1")).to_have_text(LEBAK_BULUS)
    departures = page.locator("#stop-departures .departures li")
    expect(departures.first).to_contain_text("MRT NS")
    assert departures.first.locator(".time").inner_text().startswith("08:")
    expect(page.get_by_role("heading", name=words["platforms"])).to_be_visible()
    shot(page, f"stop-phone-{lang}")

    page.click(f"#plan-from:text-is('{words['from']}')")
    expect(page.locator("#from-q")).to_have_value(LEBAK_BULUS, timeout=5000)
    expect(page.locator("#transit-map .end-pin")).to_have_count(1)
    assert page.evaluate("window.__violations") == []
    assert elsewhere == [], elsewhere
    context.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_pages_on_a_wide_screen(
    browser: Browser,
    transit_url: str,  # noqa: F811
    lang: str,
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=f"{lang}-ID")
    for name, path in [("routes", "/app/transit/routes"), ("stop", "/app/transit/stops/uji:D")]:
        page.goto(f"{transit_url}{path}?lang={lang}")
        expect(page.locator("h1")).to_be_visible()
        shot(page, f"{name}-desktop-{lang}")
    expect(page.locator(".departures .every")).to_contain_text(
        "setiap 10 menit" if lang == "id" else "every 10 minutes"
    )
    page.close()
