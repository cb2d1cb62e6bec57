"""Product search: typos forgiven, every word needed, by kelurahan, kecamatan or distance,
only listed products of curated shops (both databases)."""

from __future__ import annotations

from typing import Any

from tests.market.conftest import M, Market


def names(market: Market, **query: Any) -> list[str]:
    response = market.client.get(f"{M}/products", params=query)
    assert response.status_code == 200, response.text
    return [item["product"]["name"] for item in response.json()["items"]]


def test_typos_are_forgiven_and_every_word_counts(market: Market) -> None:
    seller, _ = market.shop()
    for name in ("Kue Lapis Legit", "Keripik Singkong Balado", "Es Kopi Susu Gula Aren"):
        market.product(seller, name=name)
    assert names(market, q="lapis legit") == ["Kue Lapis Legit"]
    assert names(market, q="lapiz") == ["Kue Lapis Legit"]  # a typo
    assert names(market, q="kripik singkong") == ["Keripik Singkong Balado"]
    assert names(market, q="kop") == ["Es Kopi Susu Gula Aren"]  # typing ahead
    assert names(market, q="keripik kopi") == []  # no product has both
    assert names(market, q="sate") == []
    assert sorted(names(market)) == [
        "Es Kopi Susu Gula Aren",
        "Keripik Singkong Balado",
        "Kue Lapis Legit",
    ]


def test_by_area_and_by_distance(market: Market) -> None:
    seller, _ = market.shop()  # in Cideng (31.71.01.1002)
    near = market.product(seller, name="Kue Cubit")
    far = market.product(seller, name="Kue Cubit Pandan", lat=-6.2615, lon=106.8106)  # Kebayoran
    assert names(market, q="kue cubit", kelurahan="31.71.01.1002") == ["Kue Cubit"]
    assert names(market, q="kue cubit", kecamatan="31.71.01") == ["Kue Cubit"]
    assert names(market, q="kue cubit", kecamatan="31.71.02") == []
    around = market.client.get(
        f"{M}/products", params={"q": "cubit", "lat": -6.1720, "lon": 106.8105, "radius_m": 2000}
    )
    items = around.json()["items"]
    assert [i["product"]["id"] for i in items] == [near["id"]]
    assert items[0]["distance_m"] < 100
    wide = market.client.get(
        f"{M}/products", params={"q": "cubit", "lat": -6.1720, "lon": 106.8105, "radius_m": 20000}
    )
    assert [i["product"]["id"] for i in wide.json()["items"]] == [near["id"], far["id"]]


def test_only_listed_products_of_curated_shops(market: Market) -> None:
    seller, shop = market.shop()
    market.product(seller, name="Bolu Pandan")
    market.product(seller, name="Bolu Ketan Hitam", active=False)
    pending = market.person("penjual")
    assert market.register(pending).status_code == 201
    assert names(market, q="bolu") == ["Bolu Pandan"]
    market.client.post(
        f"{M}/curator/sellers/{shop['id']}/suspend",
        json={"reason": "Pemeriksaan ulang."},
        headers=market.curator,
    )
    assert names(market, q="bolu") == []


def test_a_wide_circle_is_searched_near_first_without_losing_a_better_match(
    market: Market,
) -> None:
    """Within a circle a better match comes before a nearer one, and equal matches nearest
    first, whatever the limit (a shortcut searching near first must keep this)."""
    seller, _ = market.shop()
    exact = market.product(seller, name="Kue Cubit", lat=-6.1585, lon=106.8105)  # 1.5 km north
    nearest = market.product(seller, name="Kue Cubitan", lat=-6.1721, lon=106.8105)
    second = market.product(seller, name="Kue Cubitan Keju", lat=-6.1740, lon=106.8105)
    point = {"lat": -6.1720, "lon": 106.8105, "radius_m": 3000}

    def ids(q: str, limit: int) -> list[int]:
        response = market.client.get(f"{M}/products", params={"q": q, "limit": limit, **point})
        assert response.status_code == 200, response.text
        return [item["product"]["id"] for item in response.json()["items"]]

    # "cubit": the near ones only begin with it (0.9); the exact one 1.5 km away comes first.
    assert ids("cubit", 2) == [exact["id"], nearest["id"]]
    # "kue": all score 1.0, the inner circle holds two: nearest first, the far one left out.
    assert ids("kue", 2) == [nearest["id"], second["id"]]
    assert ids("kue", 3) == [nearest["id"], second["id"], exact["id"]]
