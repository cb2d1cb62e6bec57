"""The seller's day in the citizen app (/app/shop), in both languages (both databases)."""

from __future__ import annotations

import re

from tests.market.conftest import M, Market

from sigap.demo import DEMO_PASSWORD

CSRF = re.compile(r'data-csrf="([^"]+)"')


def sign_in_web(market: Market, email: str) -> str:
    """Signs the test client in by cookie; the page's CSRF token."""
    page = market.client.get("/app/new")
    token = CSRF.search(page.text)
    assert token, page.text[:300]
    body = {"identifier": email, "password": DEMO_PASSWORD, "csrf": token.group(1)}
    signed = market.client.post("/app/signin", data=body, follow_redirects=False)
    assert signed.status_code == 303, signed.text[:300]
    found = CSRF.search(market.client.get("/app/new").text)  # the session's token now
    assert found
    return found.group(1)


def test_a_sellers_day_on_the_phone(market: Market) -> None:
    seller, _ = market.shop()
    email = market.last_email
    kue = market.product(seller, stock=5, price=25_000, delivery=["31.71.01.1001"])
    buyer = market.person("pembeli")
    order = market.order(buyer, [(kue["id"], 2)], delivery_kelurahan="31.71.01.1001").json()
    csrf = sign_in_web(market, email)
    page = market.client.get("/app/shop?lang=en")
    assert page.status_code == 200
    assert "Today&#39;s sales" in page.text or "Today's sales" in page.text
    assert "1 orders, Rp 50.000" in page.text
    assert f"/app/shop/orders/{order['id']}/accept" in page.text
    assert "Deliver to Gambir" in page.text
    assert 'value="3"' in page.text  # the stock left after the order
    indonesian = market.client.get("/app/shop?lang=id").text
    assert "Penjualan hari ini" in indonesian
    assert "Terima" in indonesian
    for action in ("accept", "ready", "deliver"):
        done = market.client.post(
            f"/app/shop/orders/{order['id']}/{action}", data={"csrf": csrf}, follow_redirects=False
        )
        assert done.status_code == 303, done.text[:300]
    status = market.client.get(f"{M}/orders/{order['id']}", headers=buyer).json()["status"]
    assert status == "delivered"
    # A refused step is an error page, and changes nothing.
    again = market.client.post(
        f"/app/shop/orders/{order['id']}/accept",
        data={"csrf": csrf},
        headers={"Accept": "text/html"},
    )
    assert again.status_code == 409
    stock = market.client.post(
        f"/app/shop/products/{kue['id']}/stock",
        data={"stock": "12", "csrf": csrf},
        follow_redirects=False,
    )
    assert stock.status_code == 303
    assert market.stock(kue["id"]) == 12
    bad = market.client.post(
        f"/app/shop/products/{kue['id']}/stock", data={"stock": "-1", "csrf": csrf}
    )
    assert bad.status_code == 422
    forged = market.client.post(
        f"/app/shop/products/{kue['id']}/stock", data={"stock": "1", "csrf": "nope"}
    )
    assert forged.status_code == 403
    assert market.stock(kue["id"]) == 12


def test_an_account_without_a_shop_is_told_how(market: Market) -> None:
    market.person("warga")
    sign_in_web(market, market.last_email)
    page = market.client.get("/app/shop?lang=en")
    assert "has no shop yet" in page.text
    market.client.cookies.clear()
    away = market.client.get("/app/shop", follow_redirects=False)
    assert away.status_code == 303
    assert away.headers["location"].startswith("/app/signin")
