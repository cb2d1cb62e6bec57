"""The citizen app's routes and stops pages (/app/transit/routes, /routes/{id}, /stops/{id})
on both databases: every route by mode, a route's stops in order, a station's routes,
platforms and next departures (a timetable's times, and a frequency line said as "every 10
minutes until 21:50" with "about" times), in both languages; the missing page for what is
not there, and the page that says no network was imported."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from fastapi.testclient import TestClient
from tests.transit.feeds import CREDITS, import_feeds, jakarta, write

from sigap.transit import store

MORNING = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)  # Tuesday 08:00 in Jakarta


def url_of(client: TestClient) -> str:
    return str(client.app.state.settings.database_url)  # type: ignore[attr-defined]


@pytest.fixture
def network(client: TestClient, tmp_path: Path) -> TestClient:
    """MRT, KRL and the small test feed, and the app's clock on Tuesday morning."""
    small = store.load(write(tmp_path / "uji"), "uji")
    import_feeds(url_of(client), *jakarta(), small, credits=CREDITS)
    clock: Callable[[], datetime] = lambda: MORNING  # noqa: E731
    client.app.state.clock = clock  # type: ignore[attr-defined]
    return client


def route_links(html: str) -> set[str]:
    return {unquote(key) for key in re.findall(r'href="/app/transit/routes/([^"?]+)\?', html)}


def stop_url(key: str, lang: str = "id") -> str:
    return f"/app/transit/stops/{quote(key, safe='')}?lang={lang}"


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("lang", "title", "modes"),
    [("id", "Rute MRT, KRL dan bus", ["MRT", "KRL", "Bus"]),
     ("en", "MRT, train and bus routes", ["MRT", "Train", "Bus"])],
)  # fmt: skip
def test_every_route_grouped_by_mode(
    network: TestClient, lang: str, title: str, modes: list[str]
) -> None:
    page = network.get("/app/transit/routes", params={"lang": lang})

    assert page.status_code == 200, page.text
    assert title in page.text
    headings = re.findall(r"<h2>([^<]+)</h2>", page.text)
    assert headings == modes
    assert {"mrt:MRTJ_NS", "krl:KRL-BOGOR", "uji:K1", "uji:F2"} <= route_links(page.text)
    assert 'data-color="#CA1F47"' in page.text
    assert "Lin Utara-Selatan" in page.text
    assert "Bus Uji" in page.text


def test_the_filter_keeps_the_routes_that_match(network: TestClient) -> None:
    page = network.get("/app/transit/routes", params={"q": "bogor"})

    links = route_links(page.text)
    assert "krl:KRL-BOGOR" in links
    assert "mrt:MRTJ_NS" not in links
    assert "uji:K1" not in links
    nothing = network.get("/app/transit/routes", params={"q": "zzz", "lang": "en"})
    assert "No route matches." in nothing.text


def test_a_route_lists_its_stops_in_order(network: TestClient) -> None:
    page = network.get("/app/transit/routes/uji:K1", params={"lang": "en"})

    assert page.status_code == 200, page.text
    assert "Towards Utara" in page.text
    stops = re.findall(r'<li><a href="/app/transit/stops/([^"?]+)\?lang=en">([^<]+)</a>', page.text)
    assert [(unquote(k), name) for k, name in stops] == [
        ("uji:A", "Halte Alfa"), ("uji:B", "Halte Bravo"), ("uji:C", "Halte Charlie")
    ]  # fmt: skip
    mrt = network.get("/app/transit/routes/mrt:MRTJ_NS", params={"lang": "id"}).text
    first = re.search(r'href="/app/transit/stops/([^"?]+)\?lang=id">', mrt)
    assert first is not None  # the station, not a platform
    assert unquote(first.group(1)) in {"mrt:SLBB", "mrt:SBHI"}
    assert '<script id="route-shape" type="application/json">' in mrt  # the map's lines
    assert re.search(r"\[-6\.2892\d*, 106\.77493\d*\]", mrt)  # a Lebak Bulus platform


def test_a_station_shows_its_routes_platforms_and_departures(network: TestClient) -> None:
    page = network.get("/app/transit/stops/mrt:SLBB", params={"lang": "en"})

    assert page.status_code == 200, page.text
    body = text_of(page.text)
    assert "Stasiun MRT Lebak Bulus Bank Syariah Indonesia" in body
    assert "mrt:MRTJ_NS" in route_links(page.text)
    assert "Platforms" in body
    assert stop_url("mrt:GLBB01", "en") in page.text
    times = re.findall(r'<span class="time">(\d\d:\d\d)</span>', page.text)
    assert times
    assert times == sorted(times)
    assert times[0] >= "08:00"
    assert "After 08:00" in body
    assert 'href="/app/transit?lang=en&amp;from=mrt%3ASLBB"' in page.text
    assert 'href="/app/transit?lang=en&amp;to=mrt%3ASLBB"' in page.text


@pytest.mark.parametrize(
    ("lang", "words"),
    [("id", ["setiap 10 menit, sampai 21:50", "sekitar 08:00", "arah Timur"]),
     ("en", ["every 10 minutes, until 21:50", "about 08:00", "towards Timur"])],
)  # fmt: skip
def test_a_frequency_line_is_said_honestly(
    network: TestClient, lang: str, words: list[str]
) -> None:
    body = text_of(network.get("/app/transit/stops/uji:D", params={"lang": lang}).text)

    for word in words:
        assert word in body


@pytest.mark.parametrize(
    ("path", "lang", "message"),
    [("/app/transit/stops/NOWHERE", "en", "NOWHERE"),
     ("/app/transit/routes/NOWHERE", "id", "NOWHERE"),
     ("/app/transit/routes/NOWHERE", "en", "NOWHERE")],
)  # fmt: skip
def test_what_is_not_there_is_the_missing_page(
    network: TestClient, path: str, lang: str, message: str
) -> None:
    page = network.get(path, params={"lang": lang})

    assert page.status_code == 404
    assert ("Page not found" if lang == "en" else "Halaman tidak ditemukan") in page.text
    assert message in page.text
    assert page.headers["content-language"] == lang


@pytest.mark.parametrize("path", ["/app/transit/routes", "/app/transit/stops/A"])
def test_no_network_says_so(client: TestClient, path: str) -> None:
    assert "Data angkutan umum belum tersedia" in client.get(path).text
    english = client.get(path, params={"lang": "en"})
    assert english.status_code == 404
    assert "Transit data is not available here yet" in english.text


def test_the_planner_links_to_every_route(network: TestClient) -> None:
    page = network.get("/app/transit", params={"lang": "en"})

    assert 'href="/app/transit/routes?lang=en" id="all-routes">All routes</a>' in page.text
