"""The main pages work under their Content-Security-Policy (sigap.web.security): chromium
reports no violation, neither in the console nor as a ``securitypolicyviolation`` event, while
each page draws its map (or, for /docs, the API's operations)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.workflow.conftest import ADMIN, LURAH

from sigap.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser
# Each violation the page sees, kept where the test can read it (an init script is not
# subject to the page's policy).
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""
DRAWN = "() => document.querySelectorAll('{} svg path').length > 0"
TILED = "() => document.querySelectorAll('{} img.leaflet-tile-loaded').length > 0"
# path, who signs in first (None: nobody), what shows the page did its work
PAGES = [
    ("/", None, DRAWN.format("#map")),
    ("/app/new", None, TILED.format("#map")),
    ("/app/transit", None, TILED.format("#transit-map")),
    ("/app/market", None, TILED.format("#market-map")),
    ("/reports/1", None, "() => document.querySelector('img[src*=\"/media/\"]') !== null"),
    ("/officials/map", LURAH, DRAWN.format("#unit-map")),
    ("/officials/reports/1", LURAH, TILED.format("#report-map")),
    ("/admin/routing", ADMIN, DRAWN.format("#route-map")),
    ("/docs", None, "() => document.querySelectorAll('.opblock').length > 10"),
]


@pytest.fixture
def watched(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A page whose console's policy complaints and script errors are collected."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    complaints: list[str] = []
    page.on(
        "console",
        lambda message: (
            complaints.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: complaints.append(f"error: {error}"))
    yield page, complaints
    context.close()


def sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/officials/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/officials")


@pytest.mark.parametrize(("path", "who", "done"), PAGES, ids=[p[0] for p in PAGES])
def test_a_main_page_breaks_none_of_its_policy(
    watched: tuple[Any, list[str]], browser_url: str, path: str, who: str | None, done: str
) -> None:
    page, complaints = watched
    if who is not None:
        sign_in(page, browser_url, who)
    response = page.goto(f"{browser_url}{path}")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_function(done, timeout=20_000)
    page.wait_for_timeout(300)  # late tiles and fetches
    assert page.evaluate("window.__violations") == []
    assert complaints == []
