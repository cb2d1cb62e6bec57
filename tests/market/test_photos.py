"""Product photos through the one photo pipeline (both databases): upload, order, remove,
what buyers see in lists and on the product's page, refusals that store nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PIL import Image
from sqlalchemy import func, select
from tests.market.conftest import M, Market
from tests.photos.conftest import jpeg, metadata_left, png_with_text

from sigap.config import Settings
from sigap.models import MarketProductPhoto

Files = list[tuple[str, tuple[str, bytes, str]]]


def upload(market: Market, who: dict[str, str], product_id: int, files: Files) -> Any:
    return market.client.post(f"{M}/seller/products/{product_id}/photos", files=files, headers=who)


def stored(settings: Settings) -> list[Path]:
    media = Path(settings.media_dir)
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def rows(market: Market) -> int:
    with market.database.reading() as session:
        return session.scalar(select(func.count()).select_from(MarketProductPhoto)) or 0


def test_a_sellers_photos_are_cleaned_ordered_and_shown_to_buyers(
    market: Market, settings: Settings
) -> None:
    seller, shop = market.shop()
    product = market.product(seller, name="Kue Lapis Legit")
    files: Files = [
        ("photo", ("lapis.jpg", jpeg(orientation=6), "image/jpeg")),
        ("photo", ("lapis2.png", png_with_text(), "image/png")),
    ]
    added = upload(market, seller, product["id"], files)
    assert added.status_code == 201, added.text
    photos = added.json()["items"]
    assert len(photos) == 2
    assert (photos[0]["width"], photos[0]["height"]) == (300, 400)  # turned by its EXIF
    assert photos[0]["thumb_url"] != photos[0]["url"]
    for photo in photos:
        for url in (photo["url"], photo["thumb_url"]):
            served = market.client.get(urlsplit(url).path)
            assert served.status_code == 200, url
            assert not any(metadata_left(served.content).values())
    # The seller puts the second first: lists show its small size.
    ids = [p["id"] for p in photos]
    ordered = market.client.put(
        f"{M}/seller/products/{product['id']}/photos",
        json={"photo_ids": ids[::-1]},
        headers=seller,
    )
    assert ordered.status_code == 200, ordered.text
    assert [p["id"] for p in ordered.json()["items"]] == ids[::-1]
    page = market.client.get(f"{M}/products/{product['id']}").json()
    assert [p["id"] for p in page["photos"]] == ids[::-1]
    assert page["thumbnail"]["url"] == photos[1]["thumb_url"]
    found = market.client.get(f"{M}/products", params={"q": "lapis"}).json()["items"]
    assert found[0]["product"]["thumbnail"]["url"] == photos[1]["thumb_url"]
    small = Image.open(_bytes(market, photos[1]["thumb_url"]))
    assert max(small.size) <= 320
    shop_page = market.client.get(f"{M}/sellers/{shop['id']}").json()
    assert shop_page["products"][0]["thumbnail"]["url"] == photos[1]["thumb_url"]
    mine = market.client.get(f"{M}/seller/products", headers=seller).json()["items"]
    assert [p["id"] for p in mine[0]["photos"]] == ids[::-1]
    # Removing one: its files are no longer served, the other stays first.
    gone = market.client.delete(
        f"{M}/seller/products/{product['id']}/photos/{ids[1]}", headers=seller
    )
    assert gone.status_code == 200, gone.text
    assert [p["id"] for p in gone.json()["items"]] == [ids[0]]
    assert market.client.get(urlsplit(photos[1]["url"]).path).status_code == 404
    after = market.client.get(f"{M}/products/{product['id']}").json()
    assert after["thumbnail"]["url"] == photos[0]["thumb_url"]
    # A product without photos has none.
    bare = market.product(seller, name="Nastar")
    assert market.client.get(f"{M}/products/{bare['id']}").json()["thumbnail"] is None


def _bytes(market: Market, url: str) -> Any:
    return io.BytesIO(market.client.get(urlsplit(url).path).content)


def test_a_bad_file_is_refused_and_nothing_is_stored(market: Market, settings: Settings) -> None:
    seller, _ = market.shop()
    product = market.product(seller)
    files: Files = [
        ("photo", ("good.jpg", jpeg(), "image/jpeg")),
        ("photo", ("bad.jpg", b"GIF89a not a photo at all", "image/jpeg")),
    ]
    refused = upload(market, seller, product["id"], files)
    assert refused.status_code == 415, refused.text
    assert refused.json()["error"]["code"] == "photo_type_not_allowed"
    assert stored(settings) == []
    assert rows(market) == 0
    empty = upload(market, seller, product["id"], [])
    assert empty.status_code in (400, 422), empty.text
    # A form without a photo field reaches the use case, which names what is missing.
    other = upload(market, seller, product["id"], [("note", ("n.txt", b"kue", "text/plain"))])
    assert (other.status_code, other.json()["error"]["code"]) == (422, "market_photo_missing")
    assert rows(market) == 0


def test_the_limit_counts_the_photos_a_product_has(market: Market, settings: Settings) -> None:
    seller, _ = market.shop()
    product = market.product(seller)
    limit = settings.market_photo_max_count
    many: Files = [("photo", (f"{i}.jpg", jpeg(size=(40 + i, 30)), "image/jpeg")) for i in
                   range(limit + 1)]  # fmt: skip
    refused = upload(market, seller, product["id"], many)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "market_too_many_photos"
    assert str(limit) in refused.json()["error"]["message"]
    assert upload(market, seller, product["id"], many[: limit - 1]).status_code == 201
    files_before = stored(settings)
    two = upload(market, seller, product["id"], many[limit - 1 :])
    assert two.json()["error"]["code"] == "market_too_many_photos"
    assert stored(settings) == files_before  # refused before anything was stored
    assert rows(market) == limit - 1


def test_another_sellers_product_is_refused(market: Market, settings: Settings) -> None:
    seller, _ = market.shop()
    product = market.product(seller)
    other, _ = market.shop(name="Toko Lain")
    files: Files = [("photo", ("x.jpg", jpeg(), "image/jpeg"))]
    refused = upload(market, other, product["id"], files)
    assert refused.status_code == 404, refused.text
    assert refused.json()["error"]["code"] == "market_product_not_found"
    assert stored(settings) == []
    mine = upload(market, seller, product["id"], files)
    assert mine.status_code == 201
    photo_id = mine.json()["items"][0]["id"]
    path = f"{M}/seller/products/{product['id']}/photos"
    assert market.client.delete(f"{path}/{photo_id}", headers=other).status_code == 404
    order = market.client.put(path, json={"photo_ids": [photo_id]}, headers=other)
    assert order.status_code == 404
    wrong = market.client.put(path, json={"photo_ids": [photo_id, photo_id]}, headers=seller)
    assert wrong.json()["error"]["code"] == "market_photo_order"
    assert rows(market) == 1
    buyer = market.person("pembeli")
    assert upload(market, buyer, product["id"], files).status_code == 403  # not a seller
