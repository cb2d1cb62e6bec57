"""The pages of city buying (both databases, both languages): the officials' e-order page
(the unit's budget left, an order from a curated shop for a meeting, the unit's orders and
their actions), the admin console's spending report (its CSV the API's) and the review queue
in the console's moderation."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.market.conftest import M, Market, sign_in
from tests.market.test_city import period, set_budget, unit_of, unit_order
from tests.workflow.conftest import ADMIN, CAMAT, LURAH

from sigap.demo import DEMO_PASSWORD
from sigap.models import AdminEvent


def web_sign_in(client: TestClient, email: str) -> str:
    """Signs the client in to the officials' app; the session's CSRF token."""
    client.cookies.clear()
    form = client.get("/officials/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token is not None
    done = client.post(
        "/officials/login",
        data={"email": email, "password": DEMO_PASSWORD, "csrf": token.group(1)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text[:300]
    page = client.get("/officials/market")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None, page.text[:500]
    return found.group(1)


def order_form(csrf: str, unit: int, seller: int, items: dict[int, int], key: str) -> Any:
    form = {"csrf": csrf, "unit_id": str(unit), "seller_id": str(seller), "order_key": key,
            "how": "pickup", "payment": "cash", "note": "Rapat RW"}  # fmt: skip
    return form | {f"qty_{p}": str(n) for p, n in items.items()}


def test_a_units_buyer_orders_for_a_meeting_within_the_budget(market: Market) -> None:
    seller, shop = market.shop(name="Kue Bu Sri")
    kue = market.product(seller, name="Kue Lapis Legit", price=25_000, stock=20)
    unit = unit_of(market.database, LURAH)
    assert set_budget(market, unit, 100_000).status_code == 200
    client = market.client
    csrf = web_sign_in(client, LURAH)
    page = client.get("/officials/market?lang=id")
    assert page.status_code == 200
    assert "Rp 100.000" in page.text
    assert "Kue Bu Sri" in page.text
    english = client.get(f"/officials/market?lang=en&seller={shop['id']}")
    assert "Meeting orders" in english.text
    assert f'name="qty_{kue["id"]}"' in english.text
    placed = client.post(
        "/officials/market/orders",
        data=order_form(csrf, unit, shop["id"], {kue["id"]: 2}, "kunci-1"),
        follow_redirects=False,
    )
    assert placed.status_code == 303, placed.text[:500]
    order_id = int(placed.headers["location"].split("/")[-1].split("?")[0])
    # The same form sent again is the same order: nothing more reserved.
    again = client.post(
        "/officials/market/orders",
        data=order_form(csrf, unit, shop["id"], {kue["id"]: 2}, "kunci-1"),
        follow_redirects=False,
    )
    assert again.headers["location"] == placed.headers["location"]
    assert market.stock(kue["id"]) == 18
    after = client.get("/officials/market?lang=id").text
    assert "Rp 50.000" in after  # left of the budget
    assert f"/officials/market/orders/{order_id}" in after
    # Over the budget: the page again with the registry's message, nothing reserved.
    over = client.post(
        "/officials/market/orders",
        data=order_form(csrf, unit, shop["id"], {kue["id"]: 3}, "kunci-2"),
        headers={"Accept": "text/html"},
    )
    assert over.status_code == 409
    assert 'id="page-error"' in over.text
    assert market.stock(kue["id"]) == 18
    shown = client.get(f"/officials/market/orders/{order_id}?lang=en")
    assert "Rp 50.000" in shown.text
    assert "Cancel the order" in shown.text
    cancelled = client.post(
        f"/officials/market/orders/{order_id}/cancel", data={"csrf": csrf}, follow_redirects=False
    )
    assert cancelled.status_code == 303
    assert market.stock(kue["id"]) == 20
    assert "Rp 100.000" in client.get("/officials/market").text.split('id="budget-left"')[1][:40]
    forged = client.post(
        "/officials/market/orders",
        data=order_form("forged", unit, shop["id"], {kue["id"]: 1}, "kunci-3"),
    )
    assert forged.status_code == 403
    # Another unit's official does not find the order.
    web_sign_in(client, CAMAT)
    hidden = client.get(f"/officials/market/orders/{order_id}", headers={"Accept": "text/html"})
    assert hidden.status_code == 404


def test_the_admin_sees_spending_per_unit_and_seller_and_its_csv(market: Market) -> None:
    seller, _shop = market.shop(name="=Kue Bu Sri")
    kue = market.product(seller, price=30_000)
    unit = unit_of(market.database, LURAH)
    set_budget(market, unit, 500_000)
    made = unit_order(market, sign_in(market.client, LURAH), unit, [(kue["id"], 2)])
    assert made.status_code == 201, made.text
    client = market.client
    web_sign_in(client, ADMIN)
    page = client.get("/admin/market?lang=en")
    assert page.status_code == 200
    assert "City buying" in page.text
    assert "Rp 60.000" in page.text
    assert "Belanja kota" in client.get("/admin/market?lang=id").text
    csv_page = client.get(f"/admin/market/report.csv?period={period(market)}")
    assert csv_page.status_code == 200
    api = client.get(
        f"{M}/city/report.csv",
        params={"period": period(market)},
        headers=sign_in(client, ADMIN),
    )
    assert csv_page.text == api.text
    assert "'=Kue Bu Sri" in csv_page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    budget = {"csrf": csrf.group(1), "unit_id": str(unit), "period": "2031-01", "amount": "750000"}
    saved = client.post("/admin/market/budget", data=budget, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:300]
    listed = client.get(
        "/api/v1/admin/market/budgets?period=2031-01", headers=sign_in(client, ADMIN)
    )
    assert [b["amount"] for b in listed.json()["items"]] == [750_000]
    web_sign_in(client, LURAH)
    assert client.get("/admin/market", follow_redirects=False).status_code == 403


def test_reviews_are_moderated_in_the_console(market: Market) -> None:
    seller, shop = market.shop()
    kue = market.product(seller)
    buyer = market.person("pembeli")
    order = market.order(buyer, [(kue["id"], 1)]).json()
    for action in ("accept", "ready", "pick_up"):
        market.seller_does(seller, order["id"], action)
    market.buyer_does(buyer, order["id"], "complete")
    review = market.client.post(
        f"{M}/orders/{order['id']}/review", json={"stars": 1, "text": "Basi, kecewa!"},
        headers=buyer,
    ).json()  # fmt: skip
    client = market.client
    csrf = web_sign_in(client, ADMIN)
    page = client.get("/admin/moderation?lang=en")
    assert "Marketplace reviews" in page.text
    assert "Basi, kecewa!" in page.text
    hidden = client.post(
        "/admin/moderation/review_hide",
        data={"csrf": csrf, "review_id": str(review["id"])},
        follow_redirects=False,
    )
    assert hidden.status_code == 303, hidden.text[:300]
    public = client.get(f"{M}/sellers/{shop['id']}").json()["reviews"]
    assert public["items"][0]["moderated"] is True
    assert public["count"] == 0
    restored = client.post(
        "/admin/moderation/review_restore",
        data={"csrf": csrf, "review_id": str(review["id"])},
        follow_redirects=False,
    )
    assert restored.status_code == 303
    assert client.get(f"{M}/sellers/{shop['id']}").json()["reviews"]["count"] == 1
    forged = client.post(
        "/admin/moderation/review_hide", data={"csrf": "nope", "review_id": str(review["id"])}
    )
    assert forged.status_code == 403
    with market.database.reading() as session:
        actions = session.scalars(
            select(AdminEvent.action)
            .where(AdminEvent.action.like("market.review.%"))
            .order_by(AdminEvent.id)
        ).all()
    assert actions == ["market.review.hide", "market.review.restore"]
