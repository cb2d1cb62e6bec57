"""A product's photos on the seller's pages and the buyer's (both languages, both databases):
the upload form, a refusal shown next to it with nothing stored, ordering, removing, the
small size in lists and the display size on the product's page."""

from __future__ import annotations

import re

from tests.market.conftest import M, Market
from tests.market.test_pages import sign_in_web
from tests.market.test_photos import rows, stored
from tests.photos.conftest import jpeg

from sigap.config import Settings

THUMBS = re.compile(r'<img class="thumb" src="([^"]+)"')


def test_a_seller_adds_orders_and_removes_photos_on_the_page(
    market: Market, settings: Settings
) -> None:
    seller, shop = market.shop()
    product = market.product(seller, name="Klepon Pandan")
    csrf = sign_in_web(market, market.last_email)
    edit = f"/app/shop/products/{product['id']}/edit"
    page = market.client.get(f"{edit}?lang=en")
    assert "Product photos" in page.text
    assert "No photo yet." in page.text
    assert "Foto produk" in market.client.get(f"{edit}?lang=id").text
    add = f"/app/shop/products/{product['id']}/photos"
    files = [("photo", ("a.jpg", jpeg(size=(400, 300)), "image/jpeg")),
             ("photo", ("b.jpg", jpeg(size=(300, 400)), "image/jpeg"))]  # fmt: skip
    done = market.client.post(add, data={"csrf": csrf}, files=files, follow_redirects=False)
    assert done.status_code == 303, done.text[:500]
    assert done.headers["location"].endswith("#photos")
    photos = market.client.get(f"{M}/seller/products", headers=seller).json()["items"][0]
    first, second = (p["id"] for p in photos["photos"])
    # Move the second earlier: it becomes the product's picture in lists.
    moved = market.client.post(
        f"{add}/{second}/earlier", data={"csrf": csrf}, follow_redirects=False
    )
    assert moved.status_code == 303
    listed = market.client.get("/app/market?q=klepon&lang=en").text
    small = market.client.get(f"{M}/products/{product['id']}").json()["photos"]
    assert [p["id"] for p in small] == [second, first]
    assert THUMBS.findall(listed) == [small[0]["thumb_url"]]
    shop_page = market.client.get(f"/app/market/sellers/{shop['id']}?lang=en").text
    assert THUMBS.findall(shop_page) == [small[0]["thumb_url"]]
    product_page = market.client.get(f"/app/market/products/{product['id']}?lang=id").text
    assert product_page.index(small[0]["url"]) < product_page.index(small[1]["url"])
    assert "Foto Klepon Pandan" in product_page
    assert "2 photos" in market.client.get("/app/shop?lang=en").text
    # A bad file: the page again with the registry's message, nothing stored.
    before = stored(settings)
    bad = market.client.post(
        add, data={"csrf": csrf}, files=[("photo", ("x.jpg", b"not a photo", "image/jpeg"))],
        headers={"Accept": "text/html"},
    )  # fmt: skip
    assert bad.status_code == 415
    assert 'id="photo-error"' in bad.text
    assert stored(settings) == before
    # A forged form stores nothing either.
    forged = market.client.post(add, data={"csrf": "nope"}, files=files[:1])
    assert forged.status_code == 403
    assert rows(market) == 2
    removed = market.client.post(
        f"{add}/{first}/remove", data={"csrf": csrf}, follow_redirects=False
    )
    assert removed.status_code == 303
    assert rows(market) == 1
    # Another seller's product: not found, nothing changed.
    other, _ = market.shop(name="Toko Lain")
    csrf_other = sign_in_web(market, market.last_email)
    refused = market.client.post(
        f"{add}/{second}/remove", data={"csrf": csrf_other}, headers={"Accept": "text/html"}
    )
    assert refused.status_code == 404
    upload = market.client.post(
        add, data={"csrf": csrf_other}, files=files[:1], headers={"Accept": "text/html"}
    )
    assert upload.status_code == 404
    assert rows(market) == 1
    assert other
