"""A citizen files a pungli report with the "Laporan rahasia" box ticked (its explanation on the
form, in both languages): the confirmation shows it whole to the reporter, a stranger's page of
it shows neither the text nor a support button."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import Browser, expect

from .conftest import Live
from .test_citizen_app import phone, photo, shot

pytestmark = pytest.mark.browser
SECRET = "Oknum petugas minta uang pelicin Rp50.000 untuk mengangkut sampah."


@pytest.mark.parametrize(
    ("lang", "explained"),
    [("id", "Untuk pungli, pemerasan"), ("en", "For extortion (pungli)")],
)
def test_the_confidential_box_is_explained_in_both_languages(
    browser: Browser, live: Live, lang: str, explained: str
) -> None:
    page = phone(browser).new_page()
    page.goto(f"{live.url}/app/new?lang={lang}")
    box = page.locator("#confidential")
    expect(box).not_to_be_checked()
    expect(page.locator("#confidential-hint")).to_contain_text(explained)
    expect(box).to_have_attribute("aria-describedby", "confidential-hint")


def test_a_ticked_box_files_a_confidential_report(browser: Browser, live: Live) -> None:
    reporter = phone(browser).new_page()
    reporter.goto(f"{live.url}/app/new")
    reporter.click("label.category:has(input[value=sampah])")
    reporter.set_input_files("#photo", files=[photo()])
    expect(reporter.locator("#place")).to_contain_text("Gambir")
    reporter.fill("#description", SECRET)
    reporter.check("#confidential")
    reporter.click("#submit")
    expect(reporter.locator("#confirmation")).to_be_visible()
    expect(reporter.locator("#description")).to_have_text(SECRET)  # the reporter's own view
    expect(reporter.locator("#moderation")).to_contain_text("Laporan Anda rahasia")
    shot(reporter, "confidential-1-confirmation")
    heading = reporter.locator("article.report h1").inner_text()
    report_id = int(heading.split("#")[1].split(":")[0])

    with urllib.request.urlopen(f"{live.url}/api/v1/reports/{report_id}") as answer:  # noqa: S310
        shown = json.load(answer)
    assert (shown["confidential"], shown["description"]) == (True, None)

    stranger = phone(browser, locale="en-US").new_page()
    stranger.goto(f"{live.url}/reports/{report_id}?lang=en")
    expect(stranger.locator("#moderation")).to_contain_text("Confidential report")
    expect(stranger.locator("#description")).to_have_text("[confidential report]")
    expect(stranger.locator("#support")).to_have_count(0)
    expect(stranger.locator("#on-map")).to_have_count(0)
    expect(stranger.locator("body")).not_to_contain_text("uang pelicin")
    shot(stranger, "confidential-2-public")
