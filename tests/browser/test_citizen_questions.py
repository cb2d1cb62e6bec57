"""A citizen answers a category's extra questions on a phone: they appear for the chosen
category only, a missing required answer is explained, and the answers are stored."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from sigap.models import Report

from .conftest import Live
from .test_citizen_app import phone, photo, shot

pytestmark = pytest.mark.browser


def test_citizen_answers_the_questions_of_the_category(browser: Browser, live: Live) -> None:
    page = phone(browser).new_page()
    page.goto(f"{live.url}/app/new")
    expect(page.locator("fieldset.questions:visible")).to_have_count(0)

    page.click("label.category:has(input[value=layanan_rumah_sakit])")
    hospital = page.get_by_label("Nama rumah sakit")
    expect(hospital).to_be_visible()
    expect(page.locator("#questions-banjir")).to_be_hidden()
    page.set_input_files("#photo", files=[photo()])
    expect(page.locator("#place")).to_contain_text("Gambir")
    page.fill("#description", "Antrean IGD lebih dari empat jam.")
    page.click("#submit")
    # Checked by the browser before sending: said under the question, which gets the focus.
    note = page.locator("[data-field='attributes.nama_rumah_sakit'] .field-error")
    expect(note).to_have_text("Wajib diisi.")
    expect(hospital).to_be_focused()
    expect(page.locator("#error")).to_contain_text("Ada isian yang perlu diperbaiki")
    shot(page, "6-required-question")

    page.click("label.category:has(input[value=banjir])")
    expect(hospital).to_be_hidden()
    page.get_by_label("Ketinggian air (cm)").fill("40")
    page.get_by_label("Tergenang sejak kapan?").fill("2026-11-27T05:30")
    page.fill("#description", "Air menggenangi jalan setinggi lutut.")
    shot(page, "7-questions")
    page.click("#submit")
    expect(page.locator("#confirmation")).to_be_visible()

    with live.database.reading() as session:
        stored = session.scalars(select(Report.attributes).order_by(Report.id.desc())).first()
    assert stored == {"ketinggian_air": 40, "tergenang_sejak": "2026-11-27T05:30:00+07:00"}
