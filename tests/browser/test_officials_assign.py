"""A lurah assigns a report to the kelurahan's field officer on a phone; the officer finds it
first in the inbox and under "Tugas saya" / "Assigned to me". Rows carry the report photo's
thumbnail. Nothing is fetched from anywhere but this server.

Headless Debian chromium driven by Playwright (marker ``browser``: run once, on SQLite).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.browser.conftest import jakarta_app, jpeg, serving
from tests.browser.test_officials import PHONE, sign_in

pytestmark = pytest.mark.browser
GAMBIR = [(-6.1754, 106.8272), (-6.1760, 106.8280), (-6.1740, 106.8260), (-6.1748, 106.8275)]
TEXTS = {
    "id": {"saved": "Penugasan disimpan.", "mine": "Tugas saya", "assign": "Tugaskan ke petugas"},
    "en": {
        "saved": "The assignment was saved.",
        "mine": "Assigned to me",
        "assign": "Assign to an officer",
    },
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Sigap on uvicorn in a thread with the demo accounts and four reports in Kelurahan
    Gambir, the first three with a photo."""
    app = jakarta_app(tmp_path_factory.mktemp("assign"))
    reports = []
    with TestClient(app) as client:
        for number, (lat, lon) in enumerate(GAMBIR):
            body = {"category": "sampah", "lat": lat, "lon": lon, "description": "Sampah menumpuk."}
            colour = (60 * number, 140, 200 - 40 * number)
            files = [("photo", ("p.jpg", jpeg(colour), "image/jpeg"))] if number < 3 else None
            sent = client.post("/api/v1/reports", data=body, files=files)
            assert sent.status_code == 201, sent.text
            reports.append(sent.json())
    with serving(app) as base:
        yield {"url": base, "reports": reports}


def phone(browser: Any, lang: str, elsewhere: list[str], base: str) -> Any:
    context = browser.new_context(
        viewport=PHONE, locale=f"{lang}-ID", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.on("request", lambda r: None if r.url.startswith(base) else elsewhere.append(r.url))
    return page


@pytest.mark.parametrize(("lang", "index"), [("id", 3), ("en", 2)])
def test_a_lurah_assigns_and_the_officer_sees_it_first(
    browser: Any, site: dict[str, Any], lang: str, index: int, artifacts: Path
) -> None:
    base, report = site["url"], site["reports"][index]
    words = TEXTS[lang]
    elsewhere: list[str] = []

    head = phone(browser, lang, elsewhere, base)
    sign_in(head, base, "lurah.gambir@demo.sigap.id")
    head.goto(f"{base}/officials?lang={lang}")
    assert head.locator("ul.inbox li").count() == 4
    assert head.locator("ul.inbox img.thumb").count() == 3  # the report without a photo has none
    head.wait_for_function(
        "() => [...document.querySelectorAll('ul.inbox img.thumb')].every(i => i.naturalWidth > 0)"
    )
    box = head.locator("ul.inbox img.thumb").first.bounding_box()
    assert box is not None
    assert (round(box["width"]), round(box["height"])) == (56, 56)
    assert head.locator("ul.inbox img.thumb").first.get_attribute("loading") == "lazy"
    assert head.locator("#tab-mine").count() == 0  # a lurah is never assigned
    head.screenshot(path=str(artifacts / f"assign-inbox-head-{lang}.png"), full_page=True)

    head.click(f"a[href^='/officials/reports/{report['id']}?']")
    head.select_option("select[name=officer]", label="Petugas Kelurahan Gambir")
    head.fill("form[action*='/assign'] textarea[name=note]", "Cek besok pagi.")
    head.screenshot(path=str(artifacts / f"assign-assign-form-{lang}.png"), full_page=False)
    head.click(f"form[action*='/assign'] button:has-text('{words['assign']}')")
    assert head.locator(".notice").inner_text() == words["saved"]
    assert head.locator("#assignee").inner_text() == "Petugas Kelurahan Gambir"
    assert head.locator("ol.timeline li").last.inner_text().count("Petugas Kelurahan Gambir") == 1
    head.screenshot(path=str(artifacts / f"assign-assigned-{lang}.png"), full_page=True)
    head.context.close()

    officer = phone(browser, lang, elsewhere, base)
    sign_in(officer, base, "petugas.gambir@demo.sigap.id")
    officer.goto(f"{base}/officials?lang={lang}")
    first = officer.locator("ul.inbox li").first
    assert first.get_attribute("data-report") in {
        str(site["reports"][i]["id"]) for i in (2, 3)
    }  # what is assigned to the officer comes first
    assert words["mine"] in first.inner_text()
    officer.screenshot(path=str(artifacts / f"assign-inbox-officer-{lang}.png"), full_page=True)
    officer.click("#tab-mine")
    officer.wait_for_url("**mine=1**")
    rows = officer.locator("ul.inbox li")
    ids = [rows.nth(n).get_attribute("data-report") for n in range(rows.count())]
    assert str(report["id"]) in ids
    assert str(site["reports"][0]["id"]) not in ids
    assert officer.locator("#tab-mine").get_attribute("aria-current") == "page"
    officer.screenshot(path=str(artifacts / f"assign-mine-{lang}.png"), full_page=True)
    officer.context.close()
    assert elsewhere == []
