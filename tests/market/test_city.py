"""The city's buying (e-order): budgets set by the admin (audited), a unit's orders reserve
against the unit's budget with their stock and give it back when they end without a sale,
never over budget under concurrent orders, and the auditor's spending report (JSON, CSV).
Both databases."""

from __future__ import annotations

import csv
import io
import threading
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.market.conftest import M, Market, sign_in
from tests.workflow.conftest import ADMIN, CAMAT, LURAH, PETUGAS, WALIKOTA, Clock

from sigap.auth.service import Subject
from sigap.db import Database
from sigap.errors import SigapError
from sigap.jobs import build_worker
from sigap.kit import utcnow
from sigap.market import budgets, city, orders
from sigap.models import Account, AdminEvent, MarketBudget, MarketOrder, MarketProduct
from sigap.regions.state import RegionState

C = f"{M}/city"
BUDGETS = "/api/v1/admin/market/budgets"


def unit_of(database: Database, email: str) -> int:
    with database.reading() as session:
        unit = session.scalar(select(Account.unit_id).where(Account.email == email))
    assert unit is not None
    return unit


def period(market: Market) -> str:
    state: RegionState = market.client.app.state.region  # type: ignore[attr-defined]
    clock = getattr(market.client.app.state, "clock", utcnow)  # type: ignore[attr-defined]
    return budgets.period_of(clock(), state.timezone)


def set_budget(market: Market, unit: int, amount: int, when: str | None = None) -> Any:
    body = {"unit_id": unit, "period": when or period(market), "amount": amount}
    return market.client.put(BUDGETS, json=body, headers=sign_in(market.client, ADMIN))


def unit_order(market: Market, who: dict[str, str], unit: int, items: list[tuple[int, int]]) -> Any:
    body = {
        "unit_id": unit,
        "items": [{"product_id": p, "quantity": n} for p, n in items],
        "payment": "cash",
        "note": "Rapat koordinasi",
    }
    return market.client.post(f"{C}/orders", json=body, headers=who)


def committed(market: Market, who: dict[str, str], unit: int) -> int:
    found = market.client.get(f"{C}/budgets", params={"period": period(market)}, headers=who)
    assert found.status_code == 200, found.text
    rows = [b for b in found.json()["items"] if b["unit_id"] == unit]
    assert len(rows) == 1, found.json()
    value: int = rows[0]["committed"]
    assert rows[0]["left"] == rows[0]["amount"] - value
    return value


def test_the_admin_sets_budgets_audited(market: Market) -> None:
    unit = unit_of(market.database, LURAH)
    with market.database.reading() as session:
        last = session.scalar(select(func.max(AdminEvent.id))) or 0
    made = set_budget(market, unit, 1_000_000)
    assert made.status_code == 200, made.text
    assert made.json()["amount"] == 1_000_000
    assert made.json()["committed"] == 0
    changed = set_budget(market, unit, 1_500_000)
    assert changed.json()["amount"] == 1_500_000
    assert changed.json()["unit_id"] == unit
    with market.database.reading() as session:
        events = session.scalars(
            select(AdminEvent)
            .where(AdminEvent.action == "market.budget.set", AdminEvent.id > last)
            .order_by(AdminEvent.id)
        ).all()
        assert [e.before for e in events] == [None, {"amount": 1_000_000}]
        assert events[-1].after == {"unit_id": unit, "period": period(market), "amount": 1_500_000}
        assert session.scalar(select(MarketBudget.amount)) == 1_500_000
    lurah = sign_in(market.client, LURAH)
    body = {"unit_id": unit, "period": period(market), "amount": 5}
    refused = market.client.put(BUDGETS, json=body, headers=lurah)
    assert refused.status_code == 403
    unknown = set_budget(market, 999_999, 10)
    assert unknown.json()["error"]["code"] == "unknown_unit"
    for bad in ({"amount": -1}, {"amount": 1.5}, {"period": "2026-13"}, {"period": "12-2026"}):
        wrong = market.client.put(
            BUDGETS,
            json={"unit_id": unit, "period": period(market), "amount": 9, **bad},
            headers=sign_in(market.client, ADMIN),
        )
        assert wrong.status_code == 422, bad
    listed = market.client.get(BUDGETS, headers=sign_in(market.client, ADMIN)).json()["items"]
    assert [(b["unit_id"], b["amount"]) for b in listed] == [(unit, 1_500_000)]


def test_a_unit_orders_within_its_budget(market: Market) -> None:
    seller, shop = market.shop()
    kue = market.product(seller, price=20_000, stock=50)
    unit = unit_of(market.database, LURAH)
    lurah = sign_in(market.client, LURAH)
    missing = unit_order(market, lurah, unit, [(kue["id"], 1)])
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "market_no_budget"
    assert market.stock(kue["id"]) == 50
    set_budget(market, unit, 100_000)
    placed = unit_order(market, lurah, unit, [(kue["id"], 3)])
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert (order["buyer_unit_id"], order["total"], order["seller_id"]) == (
        unit,
        60_000,
        shop["id"],
    )
    assert committed(market, lurah, unit) == 60_000
    over = unit_order(market, lurah, unit, [(kue["id"], 3)])  # 60,000 > 40,000 left
    assert over.status_code == 409
    assert over.json()["error"]["code"] == "market_over_budget"
    assert "40000" in over.json()["error"]["message"]
    assert market.stock(kue["id"]) == 47  # the refused order's stock came back with it
    assert committed(market, lurah, unit) == 60_000
    exact = unit_order(market, lurah, unit, [(kue["id"], 2)])
    assert exact.status_code == 201, exact.text
    assert committed(market, lurah, unit) == 100_000
    below = set_budget(market, unit, 99_999)
    assert below.json()["error"]["code"] == "market_budget_below_committed"
    # The seller sees a unit's order as any other.
    inbox = market.client.get(f"{M}/seller/orders", headers=seller).json()["items"]
    assert {o["buyer_unit_id"] for o in inbox} == {unit}


def test_who_may_order_for_a_unit(market: Market) -> None:
    seller, _ = market.shop()
    kue = market.product(seller, price=10_000)
    lurah_unit, camat_unit = unit_of(market.database, LURAH), unit_of(market.database, CAMAT)
    set_budget(market, lurah_unit, 100_000)
    set_budget(market, camat_unit, 100_000)
    lurah, camat = sign_in(market.client, LURAH), sign_in(market.client, CAMAT)
    walikota = sign_in(market.client, WALIKOTA)  # a supervisor: every unit below the city
    not_mine = unit_order(market, lurah, camat_unit, [(kue["id"], 1)])
    assert not_mine.status_code == 403
    assert not_mine.json()["error"]["code"] == "market_not_your_unit"
    citizen = unit_order(market, market.person(), lurah_unit, [(kue["id"], 1)])
    assert citizen.status_code == 403
    assert citizen.json()["error"]["code"] == "official_only"
    assert unit_order(market, walikota, lurah_unit, [(kue["id"], 1)]).status_code == 201
    assert unit_order(market, camat, camat_unit, [(kue["id"], 1)]).status_code == 201
    unknown = unit_order(market, walikota, 999_999, [(kue["id"], 1)])
    assert unknown.json()["error"]["code"] == "unknown_unit"
    # The officials of a unit see its orders; another unit's are not found.
    petugas = sign_in(market.client, PETUGAS)
    seen = market.client.get(f"{C}/orders", headers=petugas).json()["items"]
    assert [o["buyer_unit_id"] for o in seen] == [lurah_unit]
    assert len(market.client.get(f"{C}/orders", headers=walikota).json()["items"]) == 2
    camat_order = market.client.get(f"{C}/orders", headers=camat).json()["items"][0]
    hidden = market.client.get(f"{C}/orders/{camat_order['id']}", headers=lurah)
    assert hidden.status_code == 404
    acted = market.client.post(
        f"{C}/orders/{camat_order['id']}/actions", json={"action": "cancel"}, headers=lurah
    )
    assert acted.status_code == 404
    # A unit's order is not the official's own order on the citizen's routes.
    mine = market.client.get(f"{M}/orders/{seen[0]['id']}", headers=petugas)
    assert mine.status_code == 403


def test_ending_without_a_sale_gives_the_budget_back(market: Market, clock: Clock) -> None:
    seller, _ = market.shop()
    kue = market.product(seller, price=10_000, stock=100)
    unit = unit_of(market.database, LURAH)
    set_budget(market, unit, 200_000)
    lurah, petugas = sign_in(market.client, LURAH), sign_in(market.client, PETUGAS)
    ids = [unit_order(market, lurah, unit, [(kue["id"], 2)]).json()["id"] for _ in range(5)]
    assert committed(market, lurah, unit) == 100_000
    assert market.seller_does(seller, ids[0], "decline").status_code == 200
    assert committed(market, lurah, unit) == 80_000
    # Another official of the same unit cancels the lurah's order for the unit.
    cancelled = market.client.post(
        f"{C}/orders/{ids[1]}/actions", json={"action": "cancel"}, headers=petugas
    )
    assert cancelled.json()["status"] == "cancelled"
    assert committed(market, lurah, unit) == 60_000
    for action in ("accept", "ready", "pick_up"):
        assert market.seller_does(seller, ids[2], action).status_code == 200
    done = market.client.post(
        f"{C}/orders/{ids[2]}/actions", json={"action": "complete"}, headers=lurah
    )
    assert done.json()["status"] == "completed"
    assert committed(market, lurah, unit) == 60_000  # completed: spent, not given back
    assert market.seller_does(seller, ids[3], "accept").status_code == 200
    app = market.client.app
    worker = build_worker(app.state.db, app.state.settings)  # type: ignore[attr-defined]
    worker._periodic["market-timeouts"].fn(app.state.db, clock.advance(minutes=61))
    statuses = {
        o["id"]: o["status"]
        for o in market.client.get(f"{C}/orders", headers=lurah).json()["items"]
    }
    assert (statuses[ids[3]], statuses[ids[4]]) == ("accepted", "expired")
    assert committed(market, lurah, unit) == 40_000  # ids[2] completed, ids[3] accepted
    assert market.stock(kue["id"]) == 96


def test_spending_report_per_unit_and_seller(market: Market) -> None:
    seller_a, shop_a = market.shop(name="=Kue Bu Sri")
    seller_b, shop_b = market.shop(name="Wedang Pak Min")
    kue = market.product(seller_a, price=15_000, stock=100)
    jahe = market.product(seller_b, price=7_000, stock=100)
    lurah_unit, camat_unit = unit_of(market.database, LURAH), unit_of(market.database, CAMAT)
    set_budget(market, lurah_unit, 1_000_000)
    set_budget(market, camat_unit, 1_000_000)
    lurah, camat = sign_in(market.client, LURAH), sign_in(market.client, CAMAT)
    first = unit_order(market, lurah, lurah_unit, [(kue["id"], 2)]).json()  # 30,000
    unit_order(market, lurah, lurah_unit, [(jahe["id"], 10)])  # 70,000
    declined = unit_order(market, lurah, lurah_unit, [(jahe["id"], 1)]).json()
    market.seller_does(seller_b, declined["id"], "decline")
    unit_order(market, camat, camat_unit, [(kue["id"], 4)])  # 60,000
    for action in ("accept", "ready", "pick_up"):
        market.seller_does(seller_a, first["id"], action)
    market.client.post(
        f"{C}/orders/{first['id']}/actions", json={"action": "complete"}, headers=lurah
    )
    market.order(market.person(), [(kue["id"], 1)])  # a citizen's order is not the city's
    auditor = sign_in(market.client, WALIKOTA)
    report = market.client.get(f"{C}/report", params={"period": period(market)}, headers=auditor)
    assert report.status_code == 200, report.text
    body = report.json()
    rows = {(r["unit_id"], r["seller_id"]): r for r in body["rows"]}
    assert set(rows) == {
        (lurah_unit, shop_a["id"]),
        (lurah_unit, shop_b["id"]),
        (camat_unit, shop_a["id"]),
    }
    assert rows[lurah_unit, shop_a["id"]]["total"] == 30_000
    assert rows[lurah_unit, shop_a["id"]]["completed_total"] == 30_000
    assert rows[lurah_unit, shop_b["id"]]["total"] == 70_000
    assert rows[lurah_unit, shop_b["id"]]["completed_orders"] == 0
    units = {u["id"]: u["total"] for u in body["by_unit"]}
    assert units == {lurah_unit: 100_000, camat_unit: 60_000}
    by_seller = {s["id"]: (s["orders"], s["total"]) for s in body["by_seller"]}
    assert by_seller == {shop_a["id"]: (2, 90_000), shop_b["id"]: (1, 70_000)}
    held = {b["unit_id"]: b["committed"] for b in body["budgets"]}
    assert held == units  # the budgets hold exactly what the report counts
    # The lurah sees only the lurah's unit.
    own = market.client.get(f"{C}/report", headers=lurah).json()
    assert {r["unit_id"] for r in own["rows"]} == {lurah_unit}
    # The CSV: the same rows; a name that looks like a formula is quoted.
    got = market.client.get(f"{C}/report.csv", params={"period": period(market)}, headers=auditor)
    assert got.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(got.text)))
    assert len(lines) == 3
    assert {line["seller_name"] for line in lines} == {"'=Kue Bu Sri", "Wedang Pak Min"}
    assert sum(int(line["total"]) for line in lines) == 160_000
    other = market.client.get(f"{C}/report", params={"period": "2020-01"}, headers=auditor)
    assert other.json()["rows"] == []
    bad = market.client.get(f"{C}/report", params={"period": "2020-1"}, headers=auditor)
    assert bad.status_code == 422


def test_concurrent_unit_orders_never_overspend(client: TestClient, database: Database) -> None:
    market = Market(client, database, sign_in(client, "umkm@demo.sigap.id"))
    seller, _ = market.shop()
    # Each thread orders its own product: nothing but the budget's row makes them wait.
    kue = [market.product(seller, name=f"Kue {n}", price=10_000, stock=5)["id"] for n in range(8)]
    unit = unit_of(database, LURAH)
    set_budget(market, unit, 30_000)  # room for exactly three orders of one
    state: RegionState = client.app.state.region  # type: ignore[attr-defined]
    with database.reading() as session:
        lurah_id = session.scalar(select(Account.id).where(Account.email == LURAH))
    assert lurah_id is not None
    subject = city_subject(state, lurah_id, unit)
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def order(product: int) -> None:
        start.wait()
        try:
            with database.transaction() as session:
                city.place(
                    session,
                    state,
                    subject,
                    unit,
                    orders.Basket([(product, 1)], "cash"),
                    now=utcnow(),
                    timeouts=orders.Timeouts.of(client.app.state.settings),  # type: ignore[attr-defined]
                )
            outcomes.append("placed")
        except SigapError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=order, args=(product,)) for product in kue]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["market_over_budget"] * 5 + ["placed"] * 3
    with database.reading() as session:
        assert session.scalar(select(MarketBudget.committed)) == 30_000
        stock = select(func.sum(MarketProduct.stock)).where(MarketProduct.id.in_(kue))
        assert session.scalar(stock) == 8 * 5 - 3
        assert len(session.scalars(select(MarketOrder.id)).all()) == 3


def city_subject(state: RegionState, account_id: int, unit: int) -> Subject:
    return Subject(
        account_id=account_id,
        name="Lurah",
        email=LURAH,
        role="unit_head",
        unit_id=unit,
        language="id",
        scope=frozenset({unit}),
        session_hash="",
    )
