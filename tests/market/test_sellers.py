"""Sellers: registration with checked numbers, the office's verification and curation,
badges, suspension (both databases)."""

from __future__ import annotations

from tests.market.conftest import CIDENG, HALAL, NIB, PIRT, M, Market


def test_a_seller_registers_and_waits_for_the_office(market: Market) -> None:
    seller = market.person("penjual")
    made = market.register(seller, bpom=["MD 235602169254"])
    assert made.status_code == 201, made.text
    shop = made.json()
    assert shop["status"] == "pending"
    assert shop["kelurahan_code"] == "31.71.01.1002"  # Kelurahan Cideng, Gambir
    assert shop["kecamatan_code"] == "31.71.01"
    kinds = {(lic["kind"], lic["number"]) for lic in shop["licences"]}
    assert kinds == {("nib", NIB), ("pirt", PIRT), ("halal", HALAL), ("bpom", "MD235602169254")}
    assert shop["badges"] == []
    # Not listed yet: the public gets 404, as for a shop that does not exist.
    assert market.client.get(f"{M}/sellers/{shop['id']}").status_code == 404
    again = market.register(seller)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "market_seller_exists"


def test_bad_numbers_and_places_are_refused_and_change_nothing(market: Market) -> None:
    seller = market.person("penjual")
    for overrides, code in (
        ({"nib": "123"}, "market_bad_nib"),
        ({"pirt": ["206317101001210"]}, "market_bad_pirt"),  # expired in 2010
        ({"halal": ["XX1"]}, "market_bad_halal"),
        ({"bpom": ["MD1"]}, "market_bad_bpom"),
        ({"lat": -7.25, "lon": 112.75}, "outside_service_area"),  # Surabaya
    ):
        response = market.register(seller, **overrides)
        assert response.status_code in (422, 400), response.text
        assert response.json()["error"]["code"] == code
    assert market.client.get(f"{M}/seller", headers=seller).json()["error"]["code"] == (
        "market_not_a_seller"
    )


def test_the_office_verifies_numbers_curates_and_suspends(market: Market) -> None:
    seller = market.person("penjual")
    shop = market.register(seller).json()
    licences = {lic["kind"]: lic["id"] for lic in shop["licences"]}
    curate = f"{M}/curator/sellers/{shop['id']}/curate"
    # Curating needs the NIB verified first.
    early = market.client.post(curate, headers=market.curator)
    assert early.status_code == 422
    assert early.json()["error"]["code"] == "market_licence_needed"
    for kind in ("nib", "pirt"):
        verified = market.client.post(
            f"{M}/curator/sellers/{shop['id']}/verify",
            json={"licence_id": licences[kind]},
            headers=market.curator,
        )
        assert verified.status_code == 200, verified.text
    listed = market.client.post(curate, headers=market.curator).json()
    assert listed["status"] == "active"
    assert [b["kind"] for b in listed["badges"]] == ["nib", "pirt", "curated"]
    page = market.client.get(f"{M}/sellers/{shop['id']}").json()
    assert {b["kind"] for b in page["seller"]["badges"]} == {"nib", "pirt", "curated"}
    assert all(b["verified_at"] for b in page["seller"]["badges"])
    # Suspended with a reason: gone from the public, told to the seller.
    suspend = market.client.post(
        f"{M}/curator/sellers/{shop['id']}/suspend",
        json={"reason": "Izin P-IRT dicabut Dinkes."},
        headers=market.curator,
    )
    assert suspend.json()["status"] == "suspended"
    assert market.client.get(f"{M}/sellers/{shop['id']}").status_code == 404
    body = {"name": "Kue", "category": "food", "food_class": "fresh", "price": 1000, "stock": 1}
    refused = market.client.post(f"{M}/seller/products", json=body, headers=seller)
    assert refused.status_code == 403
    assert "P-IRT dicabut" in refused.json()["error"]["message"]
    back = market.client.post(f"{M}/curator/sellers/{shop['id']}/reinstate", headers=market.curator)
    assert back.json()["status"] == "active"
    assert market.client.get(f"{M}/sellers/{shop['id']}").status_code == 200


def test_only_the_curating_office_curates(market: Market) -> None:
    from tests.market.conftest import sign_in
    from tests.workflow.conftest import LURAH

    seller = market.person("penjual")
    shop = market.register(seller).json()
    listing = f"{M}/curator/sellers"
    lurah = sign_in(market.client, LURAH)  # an official, of a kelurahan
    refused = market.client.get(listing, headers=lurah)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "market_curator_only"
    assert market.client.get(listing, headers=seller).json()["error"]["code"] == "official_only"
    found = market.client.get(listing, params={"status": "pending"}, headers=market.curator)
    assert [s["id"] for s in found.json()["items"]] == [shop["id"]]
    assert CIDENG["lat"] == found.json()["items"][0]["lat"]
