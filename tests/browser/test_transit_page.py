"""The journey planner of the citizen app (/app/transit) on a phone, in both languages: Lebak
Bulus -> Bundaran HI on the real MRT and KRL feeds, the options and their steps, a stop's next
departures, a frequency-based ride said as "every 10 minutes" with "about" times, the errors,
and the last journey shown without a network. No request leaves 127.0.0.1."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from tests.conftest import load_jakarta
from tests.transit.feeds import CREDITS, import_feeds, jakarta, write

from sigap.app import create_app
from sigap.config import Settings
from sigap.transit import store

from .conftest import serving
from .test_citizen_app import PHONE, shot

pytestmark = pytest.mark.browser
# Tuesday 8 December 2026, 08:00 in Jakarta: the MRT runs, the test feed's bus too.
MORNING = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
FAR_AWAY = (-6.105, 106.70)  # by the airport road: no station within 800 m
WORDS = {
    "id": {
        "nav": "Perjalanan",
        "walk": "Jalan ",
        "ride": "Naik MRT NS arah Bundaran HI, turun di Stasiun MRT Bundaran HI Bank Jakarta "
        "setelah 12 stasiun",
        "direct": "Langsung",
        "fare": "Rp 14.000",
        "fare_note": "Tarif dengan kartu bila tap masuk",
        "departures": "Keberangkatan di sini",
        "towards": "arah Bundaran HI",
        "every": "setiap 10 menit",
        "until": "sampai 21:5",
        "about": "sekitar 08:",
        "outside": "Tidak ada halte atau stasiun dalam 800 m",
        "need": "Pilih titik berangkat dan tujuan dulu.",
        "offline": "Tidak ada koneksi internet. Ini perjalanan terakhir",
        "saved": "Perjalanan terakhir yang Anda cari",
        "pin": "Titik di peta",
        "here": "Lokasi saya",
        "no_network": "Tidak ada koneksi internet. Coba lagi saat tersambung.",
        "none": "Tidak ada perjalanan dengan kereta atau bus pada waktu itu.",
        "change": "1 kali ganti",
        "walk_between": r"Jalan (\d+) m ke Halte Delta",
        "along": "lewat jalan",
        "straight": "perkiraan dari garis lurus",
        "first_ride": "Naik Bus K1 arah Utara, turun di Halte Charlie setelah 2 halte",
    },
    "en": {
        "nav": "Journey",
        "walk": "Walk ",
        "ride": "Take MRT NS towards Bundaran HI, get off at Stasiun MRT Bundaran HI Bank Jakarta "
        "after 12 stations",
        "direct": "Direct",
        "fare": "Rp 14,000",
        "fare_note": "The card fare when you tap in and out",
        "departures": "Departures here",
        "towards": "towards Bundaran HI",
        "every": "every 10 minutes",
        "until": "until 21:5",
        "about": "about 08:",
        "outside": "no stop or station within 800 m",
        "need": "Choose where you start and where you go first.",
        "offline": "No internet connection. This is the last journey",
        "saved": "The last journey you looked up",
        "pin": "Point on the map",
        "here": "My location",
        "no_network": "No internet connection. Try again once you are connected.",
        "none": "No journey by train or bus at that time.",
        "change": "1 change",
        "walk_between": r"Walk (\d+) m to Halte Delta",
        "along": "along the streets",
        "straight": "a straight-line estimate",
        "first_ride": "Take Bus K1 towards Utara, get off at Halte Charlie after 2 stops",
    },
}


TILED = "() => document.querySelectorAll('#transit-map img.leaflet-tile-loaded').length > 3"
# The ride drawn through the 13 stations from Lebak Bulus to Bundaran HI.
ROUTE_DRAWN = (
    "() => { let most = 0; window.sigapTransitMap.eachLayer(l => {"
    " if (l.getLatLngs) most = Math.max(most, l.getLatLngs().length); });"
    " return most === 13; }"
)


# The test feed with Halte Delta moved next to Halte Charlie: Alfa -> Charlie on K1 (08:10),
# a short walk, then Delta -> Echo on F2 (every 10 minutes).
UJI_STOPS = (
    "stop_id,stop_name,stop_lat,stop_lon\n"
    "A,Halte Alfa,-6.1754,106.8200\n"
    "B,Halte Bravo,-6.1754,106.8300\n"
    "C,Halte Charlie,-6.1754,106.8400\n"
    "D,Halte Delta,-6.1760,106.8405\n"
    "E,Halte Echo,-6.2000,106.8400\n"
)


@pytest.fixture(scope="module")
def transit_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Jakarta with the MRT and KRL feeds and a small test feed with a bus every 10 minutes
    (Halte Delta -> Halte Echo), the clock at a Tuesday morning in Jakarta."""
    folder = tmp_path_factory.mktemp("transit-page")
    url = f"sqlite:///{folder / 'sigap.db'}"
    load_jakarta(url)
    uji = store.load(write(folder / "uji", **{"stops.txt": UJI_STOPS}), "uji")
    import_feeds(url, *jakarta(), uji, credits=CREDITS)
    app = create_app(Settings(database_url=url, public_url="http://127.0.0.1"))
    app.state.clock = lambda: MORNING
    with serving(app) as base:
        yield base


def watch(page: Page, url: str) -> list[str]:
    elsewhere: list[str] = []
    local = (url, "blob:", "data:")
    page.on("request", lambda r: None if r.url.startswith(local) else elsewhere.append(r.url))
    return elsewhere


def pick(page: Page, which: str, typed: str, expected: str) -> None:
    page.fill(f"#{which}-q", typed)
    first = page.locator(f"#{which}-list li[role=option]").first
    # The first search of a served app may wait for its network's stop index to be built: on
    # a loaded machine (the whole suite on three processes) that took over five seconds.
    expect(first).to_contain_text(expected, timeout=20_000)
    first.click()
    expect(page.locator(f"#{which}-q")).to_have_value(expected, timeout=5000)


def plan_lebak_bulus_to_bundaran_hi(page: Page, base: str, lang: str) -> None:
    page.goto(f"{base}/app/transit?lang={lang}")
    pick(page, "from", "lebak bulus", "Stasiun MRT Lebak Bulus Bank Syariah Indonesia")
    pick(page, "to", "bundaran hi", "Stasiun MRT Bundaran HI Bank Jakarta")
    page.click("#plan")
    expect(page.locator("#options > li").first).to_be_visible()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_phone_plans_lebak_bulus_to_bundaran_hi_and_opens_departures(
    browser: Browser, transit_url: str, lang: str
) -> None:
    words = WORDS[lang]
    context = browser.new_context(
        **{**PHONE, "viewport": {"width": 390, "height": 844}, "locale": f"{lang}-ID"},
    )
    page = context.new_page()
    elsewhere = watch(page, transit_url)
    page.goto(f"{transit_url}/app/new?lang={lang}")
    page.click(f"header nav a:text-is('{words['nav']}')")
    page.wait_for_url(f"{transit_url}/app/transit?lang={lang}")
    page.click("#plan")
    expect(page.locator("#journey-status")).to_have_text(words["need"])

    plan_lebak_bulus_to_bundaran_hi(page, transit_url, lang)
    option = page.locator("#options > li").first
    summary = option.locator("summary")
    expect(summary).to_contain_text(words["direct"])
    expect(summary).to_contain_text("MRT NS")
    # the fare from the engine: MRT Lebak Bulus -> Bundaran HI, the feed's 14,000
    expect(summary.locator(".fare")).to_have_text(words["fare"])
    expect(option).to_contain_text(words["fare_note"])
    times = summary.locator(".times").inner_text()
    assert times.startswith("08:0"), times  # the MRT's timetable
    assert "→ 08:3" in times, times
    steps = option.locator("ol.steps > li")
    expect(steps).to_have_count(4)  # walk, ride, walk, arrive
    expect(steps.nth(0)).to_contain_text(f"{words['walk']}")
    expect(steps.nth(0)).to_contain_text("Stasiun MRT Lebak Bulus")
    expect(steps.nth(0)).to_contain_text(words["along"])  # the 2012 streets walked
    expect(steps.nth(1)).to_contain_text(words["ride"])
    # The legs on the map: the ride through the route's 13 stations, the two walks dashed
    # along their streets (the plan kept for offline use has their lines).
    ride = page.locator("#transit-map path.leaflet-interactive[stroke='#CA1F47']").first
    page.wait_for_function(ROUTE_DRAWN)
    expect(ride).to_be_attached()
    expect(page.locator("#transit-map path.leaflet-interactive[stroke='#555']")).to_have_count(2)
    kept = page.evaluate("JSON.parse(localStorage.getItem('sigap.transit.last'))")
    walks = [leg for leg in kept["plan"]["options"][0]["legs"] if leg["kind"] == "walk"]
    assert [len(leg["path"]) > 2 for leg in walks] == [True, True], walks
    expect(page.locator("#credits")).to_contain_text("PT MRT Jakarta")
    expect(page.locator("#transit-map .end-pin")).to_have_count(2)  # A and B
    page.wait_for_function(TILED)
    page.wait_for_timeout(1000)  # the map's zoom animation over, for the screenshot
    shot(page, f"transit-phone-{lang}")

    steps.nth(1).get_by_role("button", name=words["departures"]).click()
    departures = page.locator("#departures-list li")
    expect(departures.first).to_contain_text(words["towards"])
    expect(page.locator("#departures-list h3")).to_contain_text("Lebak Bulus")
    first_time = departures.first.locator(".time").inner_text()
    assert first_time.startswith("08:"), first_time
    shot(page, f"transit-departures-{lang}")
    assert elsewhere == [], elsewhere
    context.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_frequency_based_bus_is_said_every_n_minutes_with_about_times(
    browser: Browser, transit_url: str, lang: str
) -> None:
    words = WORDS[lang]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=f"{lang}-ID")
    elsewhere = watch(page, transit_url)
    page.goto(f"{transit_url}/app/transit?lang={lang}")
    pick(page, "from", "halte delta", "Halte Delta")
    pick(page, "to", "halte echo", "Halte Echo")
    page.click("#plan")
    option = page.locator("#options > li").first
    expect(option.locator(".times")).to_contain_text(words["about"])
    expect(option.locator("ol.steps")).to_contain_text(words["every"])
    expect(option.locator("ol.steps")).to_contain_text(
        "setelah 1 halte" if lang == "id" else "after 1 stop"
    )
    expect(option.locator("ol.steps")).not_to_contain_text("1 stops")
    page.fill("#stop-q", "delta")
    page.locator("#stop-list li[role=option]").first.click()
    row = page.locator("#departures-list li").first
    expect(row).to_contain_text(words["every"])
    expect(row).to_contain_text(words["until"])  # the period's last bus (22:00 at the start)
    expect(row.locator(".time")).to_contain_text(words["about"])
    expect(page.locator("#departures-list li")).to_have_count(1)  # once, not a timetable
    page.evaluate("window.scrollTo(0, 0)")  # the map beside the planner, as first seen
    page.wait_for_function(TILED)
    page.wait_for_timeout(1000)  # the map's zoom animation over, for the screenshot
    shot(page, f"transit-desktop-{lang}")
    page.check("#when-at")  # after the last bus (22:00)
    page.fill("#depart", "23:30")
    page.click("#plan")
    expect(page.locator("#results-note")).to_contain_text(words["none"])
    expect(page.locator("#options > li")).to_have_count(0)
    assert elsewhere == [], elsewhere
    page.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_point_outside_the_network_is_said_and_a_pin_works_without_gps(
    browser: Browser, transit_url: str, lang: str
) -> None:
    words = WORDS[lang]
    context = browser.new_context(
        **{**PHONE, "viewport": {"width": 390, "height": 844}, "locale": f"{lang}-ID",
           "permissions": [], "geolocation": None},
    )  # fmt: skip
    page = context.new_page()
    elsewhere = watch(page, transit_url)
    page.goto(f"{transit_url}/app/transit?lang={lang}")
    page.click("#from-gps")  # refused: the pin is offered instead
    expect(page.locator("#journey-status")).to_have_class("error")
    expect(page.locator("#from-pin")).to_have_attribute("aria-pressed", "true")
    pin_at(page, *FAR_AWAY)
    expect(page.locator("#from-q")).to_have_value(words["pin"])
    pick(page, "to", "bundaran hi", "Stasiun MRT Bundaran HI Bank Jakarta")
    page.click("#plan")
    expect(page.locator("#journey-status")).to_contain_text(words["outside"])
    expect(page.locator("#options > li")).to_have_count(0)
    shot(page, f"transit-outside-{lang}")
    assert elsewhere == [], elsewhere
    context.close()


def pin_at(page: Page, lat: float, lon: float) -> None:
    """A tap on the map where (lat, lon) is, the map moved there first."""
    page.locator("#transit-map").scroll_into_view_if_needed()
    page.evaluate("([lat, lon]) => window.sigapTransitMap.setView([lat, lon], 15)", [lat, lon])
    box = page.locator("#transit-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_the_last_journey_shows_without_a_network(browser: Browser, transit_url: str) -> None:
    words = WORDS["id"]
    context = browser.new_context(
        **{**PHONE, "viewport": {"width": 390, "height": 844}}, service_workers="allow"
    )
    page = context.new_page()
    elsewhere = watch(page, transit_url)
    page.goto(f"{transit_url}/app/transit")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    plan_lebak_bulus_to_bundaran_hi(page, transit_url, "id")
    page.reload()  # now through the service worker, which keeps the page
    expect(page.locator("#results-note")).to_contain_text(words["saved"])
    context.set_offline(True)
    try:
        page.click("#plan")
        expect(page.locator("#results-note")).to_contain_text(words["offline"])
        expect(page.locator("#options > li")).to_have_count(1)
        page.reload()  # the page itself from the worker's cache
        expect(page.locator("#results-note")).to_contain_text(words["saved"])
        steps: Any = page.locator("#options > li").first.locator("ol.steps > li")
        expect(steps.nth(1)).to_contain_text(words["ride"])
        expect(page.locator("#from-q")).to_have_value(
            "Stasiun MRT Lebak Bulus Bank Syariah Indonesia"
        )
        page.wait_for_function(ROUTE_DRAWN)  # the route's stations, kept with the plan
        shot(page, "transit-offline-id")
    finally:
        context.set_offline(False)
    # a route's page opened once opens again offline, as it was
    page.goto(f"{transit_url}/app/transit/routes/mrt:MRTJ_NS")
    route_title = page.locator("h1").inner_text()
    context.set_offline(True)
    try:
        page.reload()
        expect(page.locator("h1")).to_have_text(route_title)
        page.goto(f"{transit_url}/app/transit/stops/mrt:NOPE")  # never opened: the app's home
        expect(page.locator("h1")).not_to_have_text(route_title)
    finally:
        context.set_offline(False)
    page.goto(f"{transit_url}/app/transit")
    page.fill("#from-q", "")
    page.focus("#from-q")  # the recent places, kept in the browser
    expect(page.locator("#from-list li").first).to_contain_text("Stasiun MRT Bundaran HI")
    page.once("dialog", lambda dialog: dialog.accept("Kantor"))
    page.click("#to-save")  # a place saved under a name of one's own comes first
    expect(page.locator("#journey-status")).to_have_text("Tersimpan: Kantor")
    page.reload()
    page.focus("#to-q")
    page.fill("#to-q", "")
    suggestions = page.locator("#to-list li")
    expect(suggestions.first).to_contain_text("Kantor")
    expect(suggestions.first).to_contain_text("Tempat tersimpan")
    expect(suggestions.nth(1)).to_contain_text("Stasiun MRT Lebak Bulus")  # recent, after
    assert elsewhere == [], elsewhere
    context.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_network_and_no_saved_journey_is_said(
    browser: Browser, transit_url: str, lang: str
) -> None:
    words = WORDS[lang]
    context = browser.new_context(
        **{**PHONE, "viewport": {"width": 390, "height": 844}, "locale": f"{lang}-ID"},
        service_workers="block",
    )
    page = context.new_page()
    page.goto(f"{transit_url}/app/transit?lang={lang}")
    pick(page, "from", "lebak bulus", "Stasiun MRT Lebak Bulus Bank Syariah Indonesia")
    context.set_offline(True)
    page.click("#to-pin")
    pin_at(page, -6.1930, 106.8230)
    expect(page.locator("#to-q")).to_have_value(words["pin"])
    page.click("#plan")
    expect(page.locator("#journey-status")).to_have_text(words["no_network"])
    expect(page.locator("#options > li")).to_have_count(0)
    page.fill("#stop-q", "blok m")  # the stop search says it too
    expect(page.locator("#stop-list")).to_contain_text(words["no_network"])
    context.set_offline(False)
    context.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_journey_with_a_change_walks_between_the_stops(
    browser: Browser, transit_url: str, lang: str
) -> None:
    words = WORDS[lang]
    context = browser.new_context(
        **{**PHONE, "viewport": {"width": 390, "height": 844}, "locale": f"{lang}-ID"},
    )
    page = context.new_page()
    elsewhere = watch(page, transit_url)
    page.goto(f"{transit_url}/app/transit?lang={lang}")
    pick(page, "from", "halte alfa", "Halte Alfa")
    pick(page, "to", "halte echo", "Halte Echo")
    page.click("#plan")
    option = page.locator("#options > li").last  # the fewest changes come first
    expect(option.locator("summary")).to_contain_text(words["change"])
    expect(option.locator("summary .line")).to_have_count(2)
    steps = option.locator("ol.steps > li")
    expect(steps.nth(0)).to_contain_text(words["first_ride"])
    expect(steps.nth(0)).to_contain_text("08:10")  # K1's timetable
    walked = re.search(words["walk_between"], steps.nth(1).inner_text())
    assert walked is not None, steps.nth(1).inner_text()
    # Charlie to Delta: 87 m in a straight line (haversine), walked x 1.3 (the detour factor):
    # both stand some 52 m off the 2012 streets, nearer each other than to them
    assert abs(int(walked.group(1)) - haversine_m(-6.1754, 106.8400, -6.1760, 106.8405) * 1.3) < 2
    expect(steps.nth(1)).to_contain_text(words["straight"])
    expect(steps.nth(2)).to_contain_text(words["every"])
    times = option.locator(".times").inner_text()
    assert times.startswith("08:10 → "), times  # leaves on K1's timetable ...
    assert f"→ {words['about']}" in times, times  # ... arrives when F2 comes: an estimate
    option.locator("details").evaluate("d => { d.open = true; }")  # and drawn on the map
    page.wait_for_timeout(1000)
    shot(page, f"transit-change-{lang}")
    assert elsewhere == [], elsewhere
    context.close()


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_my_location_is_a_start(browser: Browser, transit_url: str, lang: str) -> None:
    words = WORDS[lang]
    context = browser.new_context(
        **{**PHONE, "viewport": {"width": 390, "height": 844}, "locale": f"{lang}-ID",
           "geolocation": {"latitude": -6.2895, "longitude": 106.7745}},
    )  # fmt: skip  # on the street by Lebak Bulus station
    page = context.new_page()
    elsewhere = watch(page, transit_url)
    page.goto(f"{transit_url}/app/transit?lang={lang}")
    page.click("#from-gps")
    expect(page.locator("#from-q")).to_have_value(words["here"])
    pick(page, "to", "bundaran hi", "Stasiun MRT Bundaran HI Bank Jakarta")
    page.click("#plan")
    steps = page.locator("#options > li").first.locator("ol.steps > li")
    expect(steps.nth(0)).to_contain_text("Stasiun MRT Lebak Bulus")
    expect(steps.nth(1)).to_contain_text(words["ride"])
    assert elsewhere == [], elsewhere
    context.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_arrive_by_takes_the_last_train_that_makes_it(
    browser: Browser, transit_url: str, lang: str
) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale=f"{lang}-ID")
    elsewhere = watch(page, transit_url)
    plan_lebak_bulus_to_bundaran_hi(page, transit_url, lang)
    leaving_now = page.locator("#options > li .times").first.inner_text()
    page.check("#when-by")
    page.fill("#depart", "09:30")
    page.click("#plan")
    times = page.locator("#options > li .times").first
    expect(times).not_to_have_text(leaving_now)
    start, end = (part.strip()[:5] for part in times.inner_text().split("→"))
    assert end <= "09:30", (start, end)
    assert start > leaving_now[:5], (start, leaving_now)
    assert elsewhere == [], elsewhere
    page.close()
