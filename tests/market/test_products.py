"""Products: licences by class, integer prices, stock, hours, pickup and delivery (both
databases)."""

from __future__ import annotations

from tests.market.conftest import BPOM, PIRT, M, Market


def test_a_product_names_the_numbers_its_class_needs(market: Market) -> None:
    seller, shop = market.shop(bpom=[BPOM])
    base = {"name": "Keripik Tempe", "category": "food", "price": 15_000, "stock": 5}
    add = f"{M}/seller/products"
    for body, code in (
        ({**base, "food_class": "pirt"}, "market_licence_needed"),
        ({**base, "food_class": "bpom"}, "market_licence_needed"),
        ({**base, "food_class": "pirt", "pirt": "206317101009930"}, "market_licence_unknown"),
        (
            {**base, "food_class": "pirt", "pirt": PIRT, "halal": "ID31110000999990121"},
            "market_licence_unknown",
        ),
        ({**base, "food_class": "fresh", "opening_hours": "25:00-26:00"}, "market_bad_hours"),
        ({**base, "food_class": "fresh", "delivery": ["31.71"]}, "unknown_area"),
    ):
        refused = market.client.post(add, json=body, headers=seller)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == code
    chips = market.client.post(
        add, json={**base, "food_class": "pirt", "pirt": PIRT}, headers=seller
    )
    assert chips.status_code == 201, chips.text
    assert chips.json()["pirt"] == PIRT
    milk = {
        **base,
        "name": "Susu Kedelai Pasteurisasi",
        "category": "drink",
        "food_class": "bpom",
        "bpom": "MD 235602169254",
    }
    assert market.client.post(add, json=milk, headers=seller).json()["bpom"] == BPOM
    # A craft needs no food number whatever class is sent.
    bag = {**base, "name": "Tas Anyaman", "category": "crafts", "food_class": "pirt"}
    made = market.client.post(add, json=bag, headers=seller)
    assert made.status_code == 201, made.text
    assert made.json()["food_class"] == "none"
    mine = market.client.get(f"{M}/seller/products", headers=seller).json()["items"]
    assert [p["name"] for p in mine] == [
        "Keripik Tempe",
        "Susu Kedelai Pasteurisasi",
        "Tas Anyaman",
    ]
    assert shop["status"] == "active"


def test_price_is_whole_rupiah_and_stock_never_negative(market: Market) -> None:
    seller, _ = market.shop()
    body = {"name": "Kue Putu", "category": "food", "food_class": "fresh", "stock": 3}
    add = f"{M}/seller/products"
    for price in (25000.5, 0, -1, "25.000"):
        response = market.client.post(add, json={**body, "price": price}, headers=seller)
        assert response.status_code == 422, price
    product = market.product(seller, stock=3)
    stock = f"{M}/seller/products/{product['id']}/stock"
    assert market.client.put(stock, json={"stock": -1}, headers=seller).status_code == 422
    assert market.client.put(stock, json={"stock": 7}, headers=seller).json()["stock"] == 7
    assert market.stock(product["id"]) == 7


def test_pickup_point_hours_and_delivery_are_kept(market: Market) -> None:
    seller, shop = market.shop()
    made = market.product(
        seller,
        opening_hours="07:00-15:00",
        delivery=["31.71.01.1001", "31.71.01.1002"],
        lat=-6.1754,
        lon=106.8272,
    )
    assert made["opening_hours"] == "07:00-15:00"
    assert made["delivery"] == ["31.71.01.1001", "31.71.01.1002"]
    assert made["kelurahan_code"] == "31.71.01.1001"  # Monas: Gambir, not the shop's Cideng
    assert shop["kelurahan_code"] == "31.71.01.1002"
    changed = market.client.put(
        f"{M}/seller/products/{made['id']}",
        json={
            "name": "Kue Lapis",
            "category": "food",
            "food_class": "fresh",
            "price": 30_000,
            "stock": 4,
        },
        headers=seller,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["price"], changed.json()["stock"]) == (30_000, 4)
    assert changed.json()["kelurahan_code"] == "31.71.01.1002"  # back to the shop's point
    # Another seller's product is not found; hidden products leave the public.
    other, _ = market.shop()
    put = market.client.put(
        f"{M}/seller/products/{made['id']}/stock", json={"stock": 1}, headers=other
    )
    assert put.status_code == 404
    hidden = market.client.put(
        f"{M}/seller/products/{made['id']}",
        json={
            "name": "Kue Lapis",
            "category": "food",
            "price": 30_000,
            "stock": 4,
            "active": False,
        },
        headers=seller,
    )
    assert hidden.status_code == 200
    assert market.client.get(f"{M}/products/{made['id']}").status_code == 404
