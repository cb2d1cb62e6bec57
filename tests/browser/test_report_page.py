"""A report's one page on a phone (360x740) in both languages: report a problem and the map are
a tap away, a neighbour supports and comments; and the new-report form says what is missing
next to the field, before sending (the browser's checks) and after (the server's answer).
Nothing is fetched from anywhere but this server."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .conftest import Live
from .test_citizen_app import PHONE, photo, shot

pytestmark = pytest.mark.browser
WORDS = {
    "id": {"cta": "Laporkan", "supported": "Anda mendukung laporan ini", "supports": "1 dukungan",
           "required": "Wajib diisi.", "short": "Terlalu pendek: tulis paling sedikit 3 karakter.",
           "check": "Ada isian yang perlu diperbaiki"},
    "en": {"cta": "Report a problem", "supported": "You support this report",
           "supports": "1 supports", "required": "This is required.",
           "short": "Too short: write at least 3 characters.", "check": "Some fields need fixing"},
}  # fmt: skip


def file_by_api(live: Live) -> int:
    body = {"category": "sampah", "lat": -6.1754, "lon": 106.8272,
            "description": "Sampah menumpuk di depan halte."}  # fmt: skip
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{live.url}/api/v1/reports",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        report_id: int = json.load(response)["id"]
    return report_id


def watched(browser: Browser, live: Live, **options: Any) -> tuple[BrowserContext, list[str]]:
    """A context whose requests to anywhere but this server (and the photo's blob:) are kept."""
    context = browser.new_context(**{**PHONE, **options})
    elsewhere: list[str] = []
    local = (live.url, "blob:", "data:")
    context.on("request", lambda r: None if r.url.startswith(local) else elsewhere.append(r.url))
    return context, elsewhere


@pytest.mark.parametrize("lang", ["id", "en"])
def test_one_report_page_on_a_phone(browser: Browser, live: Live, lang: str) -> None:
    words = WORDS[lang]
    report_id = file_by_api(live)
    context, elsewhere = watched(browser, live, locale=f"{lang}-ID")
    page = context.new_page()
    page.goto(f"{live.url}/app/reports/{report_id}?lang={lang}")  # the app's former address
    expect(page).to_have_url(f"{live.url}/reports/{report_id}?lang={lang}")
    expect(page.locator("header .cta")).to_have_text(words["cta"])
    expect(page.locator("header .cta")).to_be_visible()
    expect(page.locator("#on-map")).to_be_visible()
    expect(page.locator("#deadlines li")).to_have_count(2)
    page.click("#support")
    expect(page.locator("body")).to_contain_text(words["supported"])
    expect(page.locator("#supports")).to_have_text(words["supports"])

    page.goto(f"{live.url}/app/signup?lang={lang}&next=/reports/{report_id}")
    page.fill("#email", f"tetangga-{lang}@test.sigap.id")
    page.fill("#password", "rahasia-sekali")
    page.click("button.big")
    expect(page).to_have_url(f"{live.url}/reports/{report_id}")
    page.fill("#comment-body", "Sudah seminggu di sini.")
    page.click("#comment-form button")
    expect(page.locator("#comments .comments")).to_contain_text("Sudah seminggu di sini.")
    expect(page.locator("#support")).to_have_count(0)  # supported from this phone before
    wide = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= wide  # no sideways scroll
    shot(page, f"report-phone-{lang}")
    page.click("#on-map")
    expect(page).to_have_url(f"{live.url}/?lang={lang}&at=-6.175400,106.827200")
    if lang == "en":
        desk = browser.new_page(viewport={"width": 1280, "height": 800})
        desk.goto(f"{live.url}/reports/{report_id}?lang=en")
        shot(desk, "report-desktop")
        desk.close()
    assert elsewhere == [], elsewhere
    context.close()


def field_error(page: Page, field: str) -> Any:
    return page.locator(f"[data-field={field}] .field-error")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_missing_description_is_said_next_to_it(browser: Browser, live: Live, lang: str) -> None:
    words = WORDS[lang]
    context, elsewhere = watched(browser, live, locale=f"{lang}-ID")
    page = context.new_page()
    page.goto(f"{live.url}/app/new?lang={lang}")
    page.click("label.category:has(input[value=sampah])")
    page.set_input_files("#photo", files=[photo()])
    expect(page.locator("#place")).to_contain_text("Gambir")
    page.click("#submit")  # no description: the browser's own check, before sending
    expect(field_error(page, "description")).to_have_text(words["required"])
    expect(page.locator("#description")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#description")).to_be_focused()
    expect(page.locator("#error")).to_contain_text(words["check"])
    shot(page, f"form-error-{lang}")

    page.fill("#description", "ab")  # typing clears the note
    expect(field_error(page, "description")).to_have_count(0)
    page.evaluate("document.getElementById('description').removeAttribute('minlength')")
    page.click("#submit")  # past the browser: the server's answer, placed on the same field
    expect(field_error(page, "description")).to_have_text(words["short"])
    expect(page.locator("#error")).to_contain_text(words["check"])
    page.fill("#description", "Sampah menumpuk di trotoar.")
    page.click("#submit")
    expect(page.locator("#confirmation")).to_be_visible()
    assert elsewhere == [], elsewhere
    context.close()
