"""The market's pages on a phone (390x844), in both languages (issue #28): a buyer's order
(a search with a typo, the product, the shop's basket, the order, its QRIS code) and a seller's
day (register with an error on its field, the office curates through the API, a product added,
an order accepted, ready, picked up and completed, today's sales). Screenshots as the other
browser tests take them; no request leaves 127.0.0.1."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from tests.conftest import TEST_ACCOUNTS
from tests.payments.test_qris import static_code

from sigap.accounts.service import create as create_account
from sigap.demo import DEMO_PASSWORD

from .conftest import Live, jpeg
from .test_citizen_app import PHONE, shot
from .test_transit_page import watch

pytestmark = pytest.mark.browser
M = "/api/v1/market"
CIDENG = {"lat": -6.1720, "lon": 106.8105}
NIB = "9120001234567"
PIRT = "206317101001230"
_numbers = itertools.count(1)
WORDS = {
    "id": {"sold": "oleh Kue Bu Sri", "basket": "Keranjang", "order": "Pesan",
           "waiting": "Menunggu penjual", "register": "Daftarkan toko", "nib": "13 angka",
           "pending": "menunggu kurasi", "add": "Tambah produk", "saved": "Produk disimpan",
           "accept": "Terima", "ready": "Siap", "picked": "Sudah diambil",
           "today": "1 pesanan, Rp 30.000", "handed": "Diambil · Rp 30.000",
           "none": "Belum ada pesanan"},
    "en": {"sold": "by Kue Bu Sri", "basket": "Basket", "order": "Order",
           "waiting": "Waiting for the seller", "register": "Register a shop",
           "nib": "13 digits", "pending": "waits for the office", "add": "Add a product",
           "saved": "Product saved", "accept": "Accept", "ready": "Ready",
           "picked": "Picked up", "handed": "Picked up · Rp 30.000",
           "today": "1 orders, Rp 30.000", "none": "No order needs you"},
}  # fmt: skip


def person(live: Live, name: str) -> str:
    email = f"{name}{next(_numbers)}{TEST_ACCOUNTS}"
    with live.database.transaction() as session:
        create_account(session, email=email, name=name.title(), password=DEMO_PASSWORD,
                       role="citizen")  # fmt: skip
    return email


def api(context: BrowserContext, live: Live, email: str) -> Any:
    """A caller of the JSON API as ``email`` (bearer), on loopback: ``call(method, path, body)``."""
    issued = context.request.post(f"{live.url}/api/v1/auth/tokens",
                                  data={"email": email, "password": DEMO_PASSWORD})  # fmt: skip
    assert issued.status == 201, issued.text()
    headers = {"Authorization": f"Bearer {issued.json()['token']}"}

    def call(method: str, path: str, body: Any = None) -> Any:
        answer = context.request.fetch(f"{live.url}{path}", method=method, headers=headers,
                                       data=body)  # fmt: skip
        assert answer.status in (200, 201), f"{method} {path}: {answer.text()}"
        return answer.json()

    return call


def curate(curator: Any, shop: dict[str, Any]) -> None:
    nib = next(lic["id"] for lic in shop["licences"] if lic["kind"] == "nib")
    curator("POST", f"{M}/curator/sellers/{shop['id']}/verify", {"licence_id": nib})
    curator("POST", f"{M}/curator/sellers/{shop['id']}/curate")


def sign_in(page: Page, live: Live, email: str, lang: str) -> None:
    page.goto(f"{live.url}/app/signin?lang={lang}")
    page.fill("#identifier", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button.big")
    page.wait_for_url(re.compile(r".*/app(/|\?|$).*"))


def phone(browser: Browser, lang: str) -> BrowserContext:
    return browser.new_context(
        **{**PHONE, "viewport": {"width": 390, "height": 844}, "locale": f"{lang}-ID"}
    )


def complaints(page: Page) -> list[str]:
    """The page's script errors and Content-Security-Policy complaints, as they come."""
    found: list[str] = []
    page.on("pageerror", lambda error: found.append(f"error: {error}"))
    page.on("console", lambda m: found.append(m.text) if "Security Policy" in m.text else None)
    return found


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_buyer_finds_kue_lapis_with_a_typo_and_pays_by_qris(
    browser: Browser, live: Live, lang: str
) -> None:
    words = WORDS[lang]
    context = phone(browser, lang)
    seller_email, buyer_email = person(live, "penjual"), person(live, "pembeli")
    seller = api(context, live, seller_email)
    shop = seller("POST", f"{M}/sellers", {"name": "Kue Bu Sri", "nib": NIB, "pirt": [PIRT],
                                          "qris": static_code(), **CIDENG})  # fmt: skip
    curate(api(context, live, "umkm@demo.sigap.id"), shop)
    kue = seller("POST", f"{M}/seller/products", {
        "name": "Kue Lapis Legit", "category": "food", "food_class": "fresh", "price": 15000,
        "stock": 5, "opening_hours": "07:00-15:00"})  # fmt: skip
    page = context.new_page()
    elsewhere, problems = watch(page, live.url), complaints(page)
    sign_in(page, live, buyer_email, lang)
    page.goto(f"{live.url}/app/market?lang={lang}")
    page.fill("#q", "lapiz")
    page.press("#q", "Enter")
    found = page.locator(f"a[href^='/app/market/products/{kue['id']}']")
    expect(found).to_have_count(1)
    expect(page.locator(".product-item").first).to_contain_text(words["sold"])
    shot(page, f"market-search-{lang}")
    found.click()
    expect(page.locator(".big-price")).to_have_text("Rp 15.000")
    expect(page.locator(".market-badge").first).to_contain_text(NIB)
    page.wait_for_function("window.sigapPointMap !== undefined")
    shot(page, f"market-product-{lang}")
    page.click(f"a[href^='/app/market/sellers/{shop['id']}']")
    expect(page.locator("#basket h2")).to_have_text(words["basket"])
    page.fill(f"input[name=qty_{kue['id']}]", "2")
    page.check("input[name=payment][value=qris]")
    page.click(f"#basket button:text-is('{words['order']}')")
    page.wait_for_url(re.compile(r".*/app/market/orders/\d+.*"))
    expect(page.locator("#order-status")).to_have_text(words["waiting"])
    expect(page.locator("#order-total")).to_have_text("Rp 30.000")
    qr = page.locator("#qris svg.segno")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None
    assert box["width"] >= 150  # big enough to scan from a phone's screen
    assert box["x"] + box["width"] <= 390  # and within it
    shot(page, f"market-qris-{lang}")
    order_id = int(page.url.split("/orders/")[1].split("?")[0])
    orders = seller("GET", f"{M}/seller/orders")["items"]
    assert [o["id"] for o in orders] == [order_id]
    assert orders[0]["qris_payload"]
    assert not elsewhere, elsewhere
    assert not problems, problems
    context.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_sellers_day_from_registering_to_todays_sales(
    browser: Browser, live: Live, lang: str
) -> None:
    words = WORDS[lang]
    context = phone(browser, lang)
    email = person(live, "penjual")
    page = context.new_page()
    elsewhere, problems = watch(page, live.url), complaints(page)
    sign_in(page, live, email, lang)
    page.goto(f"{live.url}/app/shop?lang={lang}")
    page.click("#register-link")
    expect(page.locator("h1")).to_have_text(words["register"])
    page.fill("#f-name", "Kue Bu Sri")
    page.fill("#f-nib", "12345")
    page.fill("#f-pirt", PIRT)
    page.wait_for_function("window.sigapPointMap !== undefined")
    page.locator("#point-map").click()  # a tap on the map fills the point
    expect(page.locator("#f-lat")).not_to_have_value("")
    page.fill("#f-lat", str(CIDENG["lat"]))
    page.fill("#f-lon", str(CIDENG["lon"]))
    page.click("#register-form button.big")
    expect(page.locator("#nib-error")).to_contain_text(words["nib"])
    expect(page.locator("#f-name")).to_have_value("Kue Bu Sri")
    shot(page, f"shop-register-error-{lang}")
    page.fill("#f-nib", NIB)
    page.click("#register-form button.big")
    page.wait_for_url(re.compile(r".*/app/shop\?done=register.*"))
    expect(page.locator("main")).to_contain_text(words["pending"])
    seller = api(context, live, email)
    curate(api(context, live, "umkm@demo.sigap.id"), seller("GET", f"{M}/seller"))
    page.click("#add-product")
    page.fill("#f-name", "Keripik Pisang")
    page.select_option("#f-food_class", "pirt")
    page.fill("#f-price", "15.000")
    page.fill("#f-stock", "10")
    page.fill("#f-pirt", PIRT)
    page.fill("#f-opening_hours", "07:00-15:00")
    page.fill("#f-delivery", "Gambir")
    shot(page, f"shop-product-{lang}")
    page.click("#product-form button.big")
    page.wait_for_url(re.compile(r".*/app/shop\?done=product.*"))
    expect(page.locator("main")).to_contain_text(words["saved"])
    (product,) = seller("GET", f"{M}/seller/products")["items"]
    assert product["price"] == 15000
    assert product["delivery"] == ["31.71.01.1001"]
    buyer = api(context, live, person(live, "pembeli"))
    body = {"items": [{"product_id": product["id"], "quantity": 2}], "payment": "cash"}
    order = buyer("POST", f"{M}/orders", body)
    page.goto(f"{live.url}/app/shop?lang={lang}")
    card = page.locator(f"#order-{order['id']}")
    for step in ("accept", "ready", "picked"):
        card.locator(f"button:text-is('{words[step]}')").click()
        page.wait_for_load_state()
    expect(card).to_contain_text(words["handed"])  # until the buyer says it came
    buyer("POST", f"{M}/orders/{order['id']}/actions", {"action": "complete"})
    page.reload()
    expect(page.locator(".orders")).to_contain_text(words["none"])
    expect(page.locator(".today")).to_have_text(words["today"])
    shot(page, f"shop-day-{lang}")
    assert buyer("GET", f"{M}/orders/{order['id']}")["status"] == "completed"
    assert not elsewhere, elsewhere
    assert not problems, problems
    context.close()


PHOTO_WORDS = {
    "id": {"title": "Foto produk", "none": "Belum ada foto.", "earlier": "◀ Lebih awal"},
    "en": {"title": "Product photos", "none": "No photo yet.", "earlier": "◀ Earlier"},
}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_seller_adds_photos_and_buyers_see_them(browser: Browser, live: Live, lang: str) -> None:
    words = PHOTO_WORDS[lang]
    context = phone(browser, lang)
    email = person(live, "penjual")
    seller = api(context, live, email)
    shop = seller("POST", f"{M}/sellers", {"name": "Kue Bu Sri", "nib": NIB, **CIDENG})
    curate(api(context, live, "umkm@demo.sigap.id"), shop)
    kue = seller("POST", f"{M}/seller/products", {
        "name": "Klepon Pandan", "category": "food", "food_class": "fresh", "price": 12000,
        "stock": 8})  # fmt: skip
    page = context.new_page()
    elsewhere, problems = watch(page, live.url), complaints(page)
    sign_in(page, live, email, lang)
    page.goto(f"{live.url}/app/shop/products/{kue['id']}/edit?lang={lang}")
    expect(page.locator("#photos h2")).to_have_text(words["title"])
    expect(page.locator("#photo-list")).to_contain_text(words["none"])
    page.set_input_files("#f-photo", [
        {"name": "hijau.jpg", "mimeType": "image/jpeg", "buffer": jpeg((40, 160, 60))},
        {"name": "coklat.jpg", "mimeType": "image/jpeg", "buffer": jpeg((120, 70, 30))},
    ])  # fmt: skip
    page.click("#photo-form button.big")
    page.wait_for_url(re.compile(r".*/edit\?lang=.*"))
    thumbs = page.locator("#photo-list img")
    expect(thumbs).to_have_count(2)
    (first, second) = seller("GET", f"{M}/seller/products")["items"][0]["photos"]
    page.locator(f"#photo-{second['id']} button:text-is('{words['earlier']}')").click()
    page.wait_for_load_state()
    expect(page.locator("#photo-list li").first).to_have_attribute("id", f"photo-{second['id']}")
    shot(page, f"shop-photos-{lang}")
    page.goto(f"{live.url}/app/market?q=klepon&lang={lang}")
    thumb = page.locator(".product-item img.thumb")
    expect(thumb).to_have_attribute("src", second["thumb_url"])
    assert thumb.evaluate("img => img.complete && img.naturalWidth > 0")
    shot(page, f"market-photo-list-{lang}")
    page.goto(f"{live.url}/app/market/products/{kue['id']}?lang={lang}")
    gallery = page.locator("#gallery img")
    expect(gallery).to_have_count(2)
    assert gallery.first.evaluate("img => img.complete && img.naturalWidth > 0")
    box = gallery.first.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 390  # within the phone's screen
    shot(page, f"market-photo-product-{lang}")
    assert first["id"] != second["id"]
    assert not elsewhere, elsewhere
    assert not problems, problems
    context.close()
