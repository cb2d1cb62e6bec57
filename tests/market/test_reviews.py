"""Reviews: one per completed order by its buyer, 1-5 stars and a text; shown on the product's
and the shop's pages with the shop's average; hidden by a moderator (audited), then a
placeholder that leaves the average. Both databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from tests.market.conftest import M, Market, sign_in
from tests.workflow.conftest import ADMIN, LURAH

from sigap.models import AdminEvent

REVIEWS = "/api/v1/admin/market/reviews"


def completed(market: Market, seller: dict[str, str], buyer: dict[str, str], product: int) -> int:
    order = market.order(buyer, [(product, 1)])
    assert order.status_code == 201, order.text
    order_id: int = order.json()["id"]
    for action in ("accept", "ready", "pick_up"):
        assert market.seller_does(seller, order_id, action).status_code == 200
    assert market.buyer_does(buyer, order_id, "complete").json()["status"] == "completed"
    return order_id


def review(market: Market, who: dict[str, str], order_id: int, **body: Any) -> Any:
    return market.client.post(f"{M}/orders/{order_id}/review", json=body, headers=who)


def test_the_buyer_reviews_a_completed_order_once(market: Market) -> None:
    seller, shop = market.shop()
    kue = market.product(seller, stock=20)
    buyer = market.person("pembeli")
    waiting = market.order(buyer, [(kue["id"], 1)]).json()
    early = review(market, buyer, waiting["id"], stars=5, text="Enak")
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "market_review_not_allowed"
    order_id = completed(market, seller, buyer, kue["id"])
    stranger = review(market, market.person(), order_id, stars=1, text="Tidak beli")
    assert stranger.status_code == 403
    assert review(market, seller, order_id, stars=5).status_code == 403  # not the seller either
    for bad in ({"stars": 0}, {"stars": 6}, {"stars": 4.5}, {"stars": "5"}, {"text": "ok"}):
        assert review(market, buyer, order_id, **bad).status_code == 422, bad
    nul = review(market, buyer, order_id, stars=4, text="Enak\x00sekali")
    assert nul.status_code == 422
    made = review(market, buyer, order_id, stars=4, text="  Lapisnya lembut, manisnya pas.  ")
    assert made.status_code == 201, made.text
    assert (made.json()["stars"], made.json()["text"]) == (4, "Lapisnya lembut, manisnya pas.")
    again = review(market, buyer, order_id, stars=1, text="Berubah pikiran")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "market_review_exists"
    page = market.client.get(f"{M}/sellers/{shop['id']}").json()["reviews"]
    assert (page["count"], page["average"]) == (1, 4.0)
    assert page["items"][0]["text"] == "Lapisnya lembut, manisnya pas."
    assert "account_id" not in page["items"][0]
    product_page = market.client.get(f"{M}/products/{kue['id']}").json()["reviews"]
    assert product_page == page


def test_average_and_product_pages(market: Market) -> None:
    seller, shop = market.shop()
    kue, nastar = market.product(seller, stock=20), market.product(seller, name="Nastar", stock=20)
    for stars, product in ((5, kue), (2, kue), (4, nastar)):
        buyer = market.person("pembeli")
        made = review(market, buyer, completed(market, seller, buyer, product["id"]), stars=stars)
        assert made.status_code == 201, made.text
    seller_page = market.client.get(f"{M}/sellers/{shop['id']}").json()["reviews"]
    assert (seller_page["count"], seller_page["average"]) == (3, 3.67)
    kue_page = market.client.get(f"{M}/products/{kue['id']}").json()["reviews"]
    assert (kue_page["count"], kue_page["average"]) == (2, 3.5)
    assert sorted(r["stars"] for r in kue_page["items"]) == [2, 5]
    _, other = market.shop(name="Toko Lain")
    empty = market.client.get(f"{M}/sellers/{other['id']}").json()["reviews"]
    assert empty == {"count": 0, "average": None, "items": []}


def test_a_moderator_hides_a_review(market: Market) -> None:
    seller, shop = market.shop()
    kue = market.product(seller, stock=20)
    first, second = market.person("pembeli"), market.person("pembeli")
    kept = review(market, first, completed(market, seller, first, kue["id"]), stars=5, text="Top")
    rude = review(
        market, second, completed(market, seller, second, kue["id"]), stars=1, text="Hubungi 0812"
    ).json()
    admin = sign_in(market.client, ADMIN)
    with market.database.reading() as session:
        last = session.scalar(select(func.max(AdminEvent.id))) or 0
    lurah = sign_in(market.client, LURAH)
    assert market.client.post(f"{REVIEWS}/{rude['id']}/hide", headers=lurah).status_code == 403
    hidden = market.client.post(f"{REVIEWS}/{rude['id']}/hide", headers=admin)
    assert hidden.status_code == 200, hidden.text
    assert hidden.json()["hidden"] is True
    page = market.client.get(f"{M}/sellers/{shop['id']}").json()["reviews"]
    assert (page["count"], page["average"]) == (1, 5.0)
    placeholder = next(r for r in page["items"] if r["id"] == rude["id"])
    assert placeholder == {**placeholder, "stars": None, "text": None, "moderated": True}
    assert "0812" not in market.client.get(f"{M}/products/{kue['id']}").text
    listed = market.client.get(REVIEWS, headers=admin).json()
    assert {r["id"]: r["hidden"] for r in listed} == {kept.json()["id"]: False, rude["id"]: True}
    restored = market.client.post(f"{REVIEWS}/{rude['id']}/restore", headers=admin)
    assert restored.json()["hidden"] is False
    page = market.client.get(f"{M}/sellers/{shop['id']}").json()["reviews"]
    assert (page["count"], page["average"]) == (2, 3.0)
    assert market.client.post(f"{REVIEWS}/999999/hide", headers=admin).status_code == 404
    assert market.client.post(f"{REVIEWS}/{rude['id']}/delete", headers=admin).status_code == 422
    with market.database.reading() as session:
        actions = session.scalars(
            select(AdminEvent.action).where(AdminEvent.id > last).order_by(AdminEvent.id)
        ).all()
    assert actions == ["market.review.hide", "market.review.restore"]
