"""The marketplace's public numbers on the portal: shops, completed orders and sales per
kelurahan and month (JSON and the dashboard's section); only completed orders of real shops
count, a kelurahan-month with too few shops selling is not published. Both databases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update
from tests.market.conftest import CIDENG, MONAS, Market
from tests.workflow.conftest import Clock

from sigap.kit import utcnow
from sigap.market.numbers_public import MIN_SHOPS
from sigap.models import MarketSeller
from sigap.regions.state import RegionState

NUMBERS = "/api/v1/dashboard/market"


def sell(market: Market, seller: dict[str, str], product: int, quantity: int) -> int:
    buyer = market.person("pembeli")
    order = market.order(buyer, [(product, quantity)])
    assert order.status_code == 201, order.text
    order_id: int = order.json()["id"]
    for action in ("accept", "ready", "pick_up"):
        assert market.seller_does(seller, order_id, action).status_code == 200
    assert market.buyer_does(buyer, order_id, "complete").json()["status"] == "completed"
    return order_id


def month_of(market: Market, clock: Clock) -> str:
    state: RegionState = market.client.app.state.region  # type: ignore[attr-defined]
    return clock.now.astimezone(state.timezone).strftime("%Y-%m")


def kelurahan(body: dict[str, Any], code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(k for k in body["kelurahan"] if k["code"] == code)
    return found


def test_completed_orders_per_kelurahan_and_month(market: Market, clock: Clock) -> None:
    clock.now = utcnow()
    this_month = month_of(market, clock)
    shops = [market.shop(name=f"Kue Cideng {i}", **CIDENG) for i in range(MIN_SHOPS)]
    cideng = shops[0][1]["kelurahan_code"]
    products = [market.product(seller, price=10_000, stock=50)["id"] for seller, _ in shops]
    for (seller, _), product in zip(shops, products, strict=True):
        sell(market, seller, product, 2)  # 20,000 each
    lone_seller, lone = market.shop(name="Wedang Monas", **MONAS)
    gambir = lone["kelurahan_code"]
    assert gambir != cideng
    jahe = market.product(lone_seller, price=7_000, stock=50)["id"]
    sell(market, lone_seller, jahe, 1)
    # Orders that sold nothing, or not yet, do not count.
    buyer = market.person("pembeli")
    declined = market.order(buyer, [(products[0], 5)]).json()
    market.seller_does(shops[0][0], declined["id"], "decline")
    market.order(buyer, [(products[1], 5)])  # placed, still under way
    # A demo shop's sales are not counted, nor the shop.
    demo_seller, demo = market.shop(name="Demo", **CIDENG)
    sell(market, demo_seller, market.product(demo_seller, price=99_000)["id"], 1)
    with market.database.transaction() as session:
        session.execute(update(MarketSeller).where(MarketSeller.id == demo["id"]).values(demo=True))
    # Last month: one shop's completed order.
    clock.now = utcnow() - timedelta(days=35)
    last_month = month_of(market, clock)
    sell(market, shops[0][0], products[0], 1)
    body = market.client.get(NUMBERS, params={"months": 3}).json()
    assert body["months"][-1] == this_month
    assert last_month in body["months"]
    assert (body["sellers"], body["orders"], body["sales"]) == (4, 5, 77_000)
    by_month = {m["month"]: (m["orders"], m["sales"]) for m in body["by_month"]}
    assert by_month[this_month] == (4, 67_000)
    assert by_month[last_month] == (1, 10_000)
    rows = {m["month"]: m for m in kelurahan(body, cideng)["months"]}
    assert (rows[this_month]["orders"], rows[this_month]["sales"]) == (3, 60_000)
    assert (rows[last_month]["orders"], rows[last_month]["sales"]) == (None, None)  # one shop
    assert kelurahan(body, cideng)["sellers"] == MIN_SHOPS
    assert kelurahan(body, cideng)["name"]
    lone_rows = {m["month"]: m for m in kelurahan(body, gambir)["months"]}
    assert lone_rows[this_month]["sales"] is None  # a single household's income stays private
    assert "Wedang" not in str(body)  # shops are never named
    # An area's numbers: only its kelurahan.
    area = market.client.get(f"/api/v1/areas/{cideng}/dashboard/market").json()
    assert [k["code"] for k in area["kelurahan"]] == [cideng]
    assert (area["area"], area["orders"], area["sales"]) == (cideng, 4, 70_000)
    one = market.client.get(NUMBERS, params={"months": 1})  # this month alone: no CASE
    assert one.status_code == 200, one.text
    assert (one.json()["months"], one.json()["orders"]) == ([this_month], 4)
    for bad in ({"months": 0}, {"months": 25}, {"months": "x"}):
        assert market.client.get(NUMBERS, params=bad).status_code == 422
    assert market.client.get("/api/v1/areas/nowhere/dashboard/market").status_code == 404


def test_the_dashboard_page_shows_the_marketplace(market: Market) -> None:
    seller, _ = market.shop()
    sell(market, seller, market.product(seller, price=1_250_000, stock=2)["id"], 1)
    english = market.client.get("/areas", params={"lang": "en"}).text
    assert "The UMKM marketplace" in english
    assert "Rp1.250.000" in english
    assert 'href="/api/v1/dashboard/market?lang=en"' in english
    indonesian = market.client.get("/areas", params={"lang": "id"}).text
    assert "Pasar UMKM" in indonesian
