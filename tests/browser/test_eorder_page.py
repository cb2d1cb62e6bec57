"""The officials' e-order page on a phone (390x844), in both languages (issue #28, city
buying): a lurah sees the unit's budget left, orders meeting food from a curated shop, sees
the order and the budget it took. Screenshots ``eorder-*.png``; no request leaves 127.0.0.1."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from sigap.demo import DEMO_PASSWORD
from sigap.kit import utcnow

from .conftest import Live
from .test_citizen_app import shot
from .test_market_pages import CIDENG, NIB, M, api, complaints, curate, person, phone
from .test_transit_page import watch

pytestmark = pytest.mark.browser
LURAH = "lurah.gambir@demo.sigap.id"
WORDS = {
    "id": {"title": "Belanja rapat (e-order)", "status": "Menunggu penjual",
           "order": "Pesan"},
    "en": {"title": "Meeting orders (e-order)", "status": "Waiting for the seller",
           "order": "Order"},
}  # fmt: skip


def official_sign_in(page: Page, live: Live, lang: str) -> None:
    page.goto(f"{live.url}/officials/login?lang={lang}&next=/officials/market")
    page.fill("input[name=email]", LURAH)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r".*/officials/market.*"))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_lurah_orders_meeting_food_within_the_budget(
    browser: Browser, live: Live, lang: str
) -> None:
    words = WORDS[lang]
    context = phone(browser, lang)
    seller = api(context, live, person(live, "penjual"))
    shop = seller("POST", f"{M}/sellers", {"name": "Nasi Kotak Bu Rini", "nib": NIB, **CIDENG})
    curate(api(context, live, "umkm@demo.sigap.id"), shop)
    box = seller("POST", f"{M}/seller/products", {
        "name": "Nasi Kotak Ayam Bakar", "category": "food", "food_class": "fresh",
        "price": 35000, "stock": 40, "delivery": ["31.71.01.1001"]})  # fmt: skip
    lurah = api(context, live, LURAH)
    code = lurah("GET", "/api/v1/auth/me")["unit"]
    unit = next(u.id for u in live.app.state.region.units.values() if u.code == code)  # type: ignore[attr-defined]
    zone = live.app.state.region.timezone  # type: ignore[attr-defined]
    month = utcnow().astimezone(zone).strftime("%Y-%m")
    admin = api(context, live, "admin@demo.sigap.id")
    admin("PUT", "/api/v1/admin/market/budgets", {"unit_id": unit, "period": month,
                                                   "amount": 1_000_000})  # fmt: skip
    page = context.new_page()
    elsewhere, problems = watch(page, live.url), complaints(page)
    official_sign_in(page, live, lang)
    expect(page.locator("h1")).to_have_text(words["title"])
    expect(page.locator("#budget-left")).to_have_text("Rp 1.000.000")
    page.click(f"#shops a[href*='seller={shop['id']}']")
    page.fill(f"input[name=qty_{box['id']}]", "10")
    page.check("input[name=how][value=delivery]")
    page.fill("#note", "Rapat koordinasi RW")
    shot(page, f"eorder-basket-{lang}")
    page.click(f"#basket button:text-is('{words['order']}')")
    page.wait_for_url(re.compile(r".*/officials/market/orders/\d+.*"))
    expect(page.locator("#order-status")).to_have_text(words["status"])
    expect(page.locator("#order-total")).to_have_text("Rp 350.000")
    shot(page, f"eorder-order-{lang}")
    page.goto(f"{live.url}/officials/market?lang={lang}")
    expect(page.locator("#budget-left")).to_have_text("Rp 650.000")
    expect(page.locator("#unit-orders")).to_contain_text("Rp 350.000")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone
    shot(page, f"eorder-page-{lang}")
    orders = lurah("GET", f"{M}/city/orders")["items"]
    assert [o["total"] for o in orders] == [350_000]
    assert orders[0]["buyer_unit_id"] == unit
    assert not elsewhere, elsewhere
    assert not problems, problems
    context.close()
