"""The market's pages in the citizen app (sigap.citizen.market, shopforms): a buyer's search,
product, shop, basket, order and QRIS; a seller's registration and product forms with errors
on their fields; both languages (both databases)."""

from __future__ import annotations

import re

import segno
from tests.market.conftest import CIDENG, NIB, PIRT, M, Market
from tests.market.test_pages import sign_in_web
from tests.payments.test_qris import static_code

from sigap.payments import qris

ORDER_ID = re.compile(r"/app/market/orders/(\d+)$")


def test_browse_search_with_a_typo_and_the_product_page(market: Market) -> None:
    seller, shop = market.shop()
    kue = market.product(seller, name="Kue Lapis Legit", price=15_000, stock=4,
                         opening_hours="07:00-15:00", delivery=["31.71.01.1001"])  # fmt: skip
    market.product(seller, name="Es Kopi Susu", category="drink", price=12_000)
    found = market.client.get("/app/market", params={"q": "lapiz", "lang": "en"})
    assert found.status_code == 200
    assert f"/app/market/products/{kue['id']}" in found.text
    assert "Es Kopi Susu" not in found.text
    assert "Rp 15.000" in found.text
    near = market.client.get("/app/market", params={**CIDENG, "lang": "id"})
    assert "Kue Lapis Legit" in near.text
    assert "Es Kopi Susu" in near.text
    assert "Dalam 3 km" in near.text
    elsewhere = market.client.get("/app/market", params={"kelurahan": "31.71.01.1001"})
    assert "Kue Lapis Legit" not in elsewhere.text  # Cideng's kitchen is not in Gambir
    page = market.client.get(f"/app/market/products/{kue['id']}?lang=id")
    assert page.status_code == 200
    assert "Rp 15.000" in page.text
    assert "07:00-15:00" in page.text
    assert f"NIB {NIB}" in page.text
    assert "Dikurasi dinas" in page.text
    assert "Gambir" in page.text  # delivered to
    assert f'data-lat="{kue["lat"]}"' in page.text
    shop_page = market.client.get(f"/app/market/sellers/{shop['id']}?lang=en")
    assert "An order holds the products of one shop only." in shop_page.text
    assert f'name="qty_{kue["id"]}"' in shop_page.text
    assert market.client.get("/app/market/products/999999").status_code == 404


def test_a_buyer_orders_pays_by_qris_and_cancels(market: Market) -> None:
    seller, shop = market.shop(qris=static_code())
    kue = market.product(seller, price=15_000, stock=3)
    nastar = market.product(seller, name="Nastar", price=40_000, stock=2)
    market.person("pembeli")
    csrf = sign_in_web(market, market.last_email)
    body = {"csrf": csrf, f"qty_{kue['id']}": "2", f"qty_{nastar['id']}": "1",
            "how": "pickup", "payment": "qris", "note": "Sore ya"}  # fmt: skip
    placed = market.client.post("/app/market/orders", data=body, follow_redirects=False)
    assert placed.status_code == 303, placed.text[:300]
    match = ORDER_ID.search(placed.headers["location"])
    assert match
    order_id = int(match.group(1))
    page = market.client.get(f"/app/market/orders/{order_id}?lang=en")
    assert "Rp 70.000" in page.text
    assert "Waiting for the seller" in page.text
    assert 'class="segno"' in page.text
    assert "QRIS" in page.text
    payload = re.search(r'id="qris-payload">([^<]+)<', page.text)
    assert payload
    text = payload.group(1).replace("&amp;", "&")
    assert dict(qris.parse(text))["54"] == "70000"  # the exact amount, made dynamic
    code = segno.make(text, error="m")  # the SVG drawn is this payload's QR code
    assert f'width="{(code.symbol_size(scale=5)[0])}"' in page.text
    assert market.stock(kue["id"]) == 1
    mine = market.client.get("/app/market/orders?lang=id")
    assert f"Pesanan #{order_id}" in mine.text
    assert "Menunggu penjual" in mine.text
    assert f"/app/market/orders/{order_id}/cancel" in page.text
    cancelled = market.client.post(f"/app/market/orders/{order_id}/cancel", data={"csrf": csrf},
                                   follow_redirects=False)  # fmt: skip
    assert cancelled.status_code == 303
    assert market.stock(kue["id"]) == 3
    again = market.client.get(f"/app/market/orders/{order_id}?lang=en")
    assert "Cancelled" in again.text
    assert 'class="segno"' not in again.text
    refused = market.client.post(f"/app/market/orders/{order_id}/cancel", data={"csrf": csrf},
                                 headers={"Accept": "text/html"})  # fmt: skip
    assert refused.status_code == 409
    too_many = market.client.post("/app/market/orders", headers={"Accept": "text/html"},
                                  data={"csrf": csrf, f"qty_{kue['id']}": "5"})  # fmt: skip
    assert too_many.status_code == 409
    assert market.stock(kue["id"]) == 3
    nothing = market.client.post("/app/market/orders", headers={"Accept": "text/html"},
                                 data={"csrf": csrf, f"qty_{kue['id']}": "0"})  # fmt: skip
    assert nothing.status_code == 422
    forged = market.client.post("/app/market/orders", data={"csrf": "x", f"qty_{kue['id']}": "1"})
    assert forged.status_code == 403
    assert market.stock(kue["id"]) == 3
    del shop


def test_the_same_order_form_sent_twice_orders_once(market: Market) -> None:
    """The product page's form carries its own order key: a second tap on "Pesan" (or the
    browser sending the form again) leads to the first order; a new page, a new order."""
    seller, _ = market.shop()
    kue = market.product(seller, stock=5)
    market.person("pembeli")
    csrf = sign_in_web(market, market.last_email)
    page = market.client.get(f"/app/market/products/{kue['id']}").text
    key = re.search(r'name="order_key" value="([^"]+)"', page)
    assert key
    body = {"csrf": csrf, "order_key": key.group(1), f"qty_{kue['id']}": "2", "how": "pickup",
            "payment": "cash"}  # fmt: skip
    first = market.client.post("/app/market/orders", data=body, follow_redirects=False)
    second = market.client.post("/app/market/orders", data=body, follow_redirects=False)
    assert first.headers["location"] == second.headers["location"]
    assert market.stock(kue["id"]) == 3
    again = market.client.get(f"/app/market/products/{kue['id']}").text
    assert key.group(1) not in again  # each page its own key
    other = market.client.post("/app/market/orders", data={**body, f"qty_{kue['id']}": "1"},
                               headers={"Accept": "text/html"})  # fmt: skip
    assert other.status_code == 409  # the same key for another basket
    assert market.stock(kue["id"]) == 3


def test_another_buyers_order_is_not_shown(market: Market) -> None:
    seller, _ = market.shop()
    kue = market.product(seller)
    buyer = market.person("pembeli")
    order = market.order(buyer, [(kue["id"], 1)]).json()
    market.person("tetangga")
    csrf = sign_in_web(market, market.last_email)
    assert market.client.get(f"/app/market/orders/{order['id']}").status_code == 403
    cancel = market.client.post(f"/app/market/orders/{order['id']}/cancel", data={"csrf": csrf})
    assert cancel.status_code == 403
    status = market.client.get(f"{M}/orders/{order['id']}", headers=buyer).json()["status"]
    assert status == "placed"


def test_signed_out_visitors_are_sent_to_sign_in(market: Market) -> None:
    for path in ("/app/market/orders", "/app/shop/register", "/app/shop/products/new"):
        answer = market.client.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert "/app/signin" in answer.headers["location"]


def test_a_seller_registers_with_errors_on_their_fields(market: Market) -> None:
    market.person("penjual")
    csrf = sign_in_web(market, market.last_email)
    assert "Register a shop" in market.client.get("/app/shop?lang=en").text
    bad = {"csrf": csrf, "name": "Kue Bu Sri", "nib": "12345", "lat": "-6.172", "lon": "106.81"}
    answer = market.client.post("/app/shop/register?lang=en", data=bad)
    assert answer.status_code == 422
    assert 'id="nib-error"' in answer.text
    assert "13 digits" in answer.text
    assert 'value="Kue Bu Sri"' in answer.text  # what was typed is kept
    empty = market.client.post("/app/shop/register?lang=id",
                               data={"csrf": csrf, "nib": NIB, "lat": "", "lon": "x"})  # fmt: skip
    assert empty.status_code == 422
    assert 'id="name-error"' in empty.text
    assert 'id="location-error"' in empty.text
    far = {**bad, "nib": NIB, "lat": "-7.5", "lon": "110.0"}
    outside = market.client.post("/app/shop/register?lang=en", data=far)
    assert outside.status_code == 422
    assert 'id="location-error"' in outside.text
    good = {**bad, "nib": NIB, "pirt": PIRT, "lat": str(CIDENG["lat"]),
            "lon": str(CIDENG["lon"]), "qris": static_code()}  # fmt: skip
    made = market.client.post("/app/shop/register", data=good, follow_redirects=False)
    assert made.status_code == 303, made.text[:400]
    shop = market.client.get("/app/shop?lang=en&done=register").text
    assert "Shop registered" in shop
    assert "waits for the office" in shop
    twice = market.client.post("/app/shop/register?lang=en", data=good)
    assert twice.status_code == 409
    assert 'id="name-error"' in twice.text


def test_a_seller_adds_and_edits_a_product(market: Market) -> None:
    seller, _ = market.shop()
    csrf = sign_in_web(market, market.last_email)
    form = market.client.get("/app/shop/products/new?lang=en")
    assert form.status_code == 200
    assert f'value="{CIDENG["lat"]}"' in form.text
    base = {"csrf": csrf, "name": "Keripik Pisang", "category": "food", "food_class": "pirt",
            "price": "15.000", "stock": "8", "opening_hours": "07:00-15:00",
            "delivery": "Gambir", "lat": str(CIDENG["lat"]), "lon": str(CIDENG["lon"]),
            "active": "on"}  # fmt: skip
    needs = market.client.post("/app/shop/products/new?lang=en", data=base)
    assert needs.status_code == 422
    assert 'id="food_class-error"' in needs.text
    unknown = market.client.post("/app/shop/products/new?lang=en",
                                 data={**base, "pirt": "206317101009930"})  # fmt: skip
    assert unknown.status_code == 422
    assert 'id="pirt-error"' in unknown.text
    hours = market.client.post("/app/shop/products/new?lang=en",
                               data={**base, "pirt": PIRT, "opening_hours": "pagi"})  # fmt: skip
    assert hours.status_code == 422
    assert 'id="opening_hours-error"' in hours.text
    price = market.client.post("/app/shop/products/new?lang=en",
                               data={**base, "pirt": PIRT, "price": "15,5"})  # fmt: skip
    assert price.status_code == 422
    assert 'id="price-error"' in price.text
    place = market.client.post("/app/shop/products/new?lang=en",
                               data={**base, "pirt": PIRT, "delivery": "Atlantis"})  # fmt: skip
    assert place.status_code == 422
    assert 'id="delivery-error"' in place.text
    assert market.client.get(f"{M}/seller/products", headers=seller).json()["items"] == []
    made = market.client.post("/app/shop/products/new", data={**base, "pirt": PIRT},
                              follow_redirects=False)  # fmt: skip
    assert made.status_code == 303, made.text[:400]
    (product,) = market.client.get(f"{M}/seller/products", headers=seller).json()["items"]
    assert product["price"] == 15_000
    assert product["stock"] == 8
    assert product["delivery"] == ["31.71.01.1001"]
    assert product["pirt"] == PIRT
    edit = market.client.get(f"/app/shop/products/{product['id']}/edit?lang=en")
    assert 'value="Gambir"' in edit.text
    assert 'value="15000"' in edit.text
    changed = market.client.post(f"/app/shop/products/{product['id']}/edit",
                                 data={**base, "pirt": PIRT, "price": "17500", "active": ""},
                                 follow_redirects=False)  # fmt: skip
    assert changed.status_code == 303
    after = market.client.get(f"{M}/seller/products", headers=seller).json()["items"][0]
    assert after["price"] == 17_500
    assert after["active"] is False
