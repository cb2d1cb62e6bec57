"""The hottest requests cost a fixed number of SQL statements, however many rows they touch
or return: submitting a report (JSON API), listing reports (JSON API), Open311's request list,
placing a market order.
An N+1 (a statement per report, per photo) breaks the equality; a new statement on the path
breaks the bound, which is then raised on purpose."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from sigap.config import Settings
from sigap.db import Database
from sigap.errors import SigapError
from sigap.kit import utcnow
from sigap.market import orders

from .market import test_machine as machine
from .market.conftest import CURATOR, Market, sign_in
from .statements import statements

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
REPORT = {"category": "sampah", "lat": -6.1754, "lon": 106.8272, "description": "Mohon dicek."}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The region check runs by the clock, not for a request: off. The writer in a thread of
    the app, whose connections the trace sees (a writer process's are its own)."""
    return settings.model_copy(update={"region_check_seconds": 0, "writer_process": False})


def db(client: TestClient) -> Database:
    database: Database = client.app.state.db  # type: ignore[attr-defined]
    return database


def jpeg(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (shade, 90, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def submit(client: TestClient, photos: int = 0) -> list[str]:
    files = [("photo", (f"{n}.jpg", jpeg(40 * n), "image/jpeg")) for n in range(photos)]
    with statements(db(client)) as seen:
        response = (
            client.post("/api/v1/reports", data=REPORT, files=files)
            if files
            else client.post("/api/v1/reports", json=REPORT)
        )
    assert response.status_code == 201, response.text
    return seen


def read(client: TestClient, path: str, **params: Any) -> list[str]:
    with statements(db(client)) as seen:
        response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return seen


def test_a_submission_costs_a_fixed_number_of_statements(client: TestClient) -> None:
    submit(client)  # the first request of an app warms its caches (region, categories)
    plain, one, three = submit(client), submit(client, photos=1), submit(client, photos=3)

    # BEGIN, the abuse limits' one check, the report, its reporter, its event, the outbox, COMMIT
    assert 5 <= len(plain) <= 7, plain
    # with photos: the limits' check before the photos are processed, the photo rows
    assert len(one) <= len(plain) + 2, one
    # SQLite inserts photo rows one by one (RETURNING in the rows' order), PostgreSQL at once
    assert len(three) <= len(one) + 2, three


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/reports", {"limit": 100}),
        ("/open311/v2/requests.json", {}),
    ],
)
def test_a_list_costs_the_same_statements_for_one_report_or_many(
    client: TestClient, path: str, params: dict[str, Any]
) -> None:
    submit(client, photos=1)
    read(client, path, **params)  # warm
    one = read(client, path, **params)
    for n in range(5):
        submit(client, photos=n % 2)
    many = read(client, path, **params)

    assert len(one) == len(many), (one, many)
    assert 1 <= len(many) <= 2, many  # at least one: the trace sees the reads


@pytest.mark.parametrize(
    ("path", "most"),
    [
        ("/open311/v2/requests/{id}.json", 1),  # the row with its photos, in one read
        ("/api/v1/reports/{id}", 3),  # the report, its timeline, its photos
        ("/open311/v2/services.json", 0),  # the document is kept per region snapshot
    ],
)
def test_one_report_and_the_services_cost_a_fixed_number_of_statements(
    client: TestClient, path: str, most: int
) -> None:
    report_id = client.post("/api/v1/reports", json=REPORT).json()["id"]
    url = path.format(id=report_id)
    read(client, url)  # warm
    seen = read(client, url)
    assert len(seen) <= most, seen
    assert bool(seen) == bool(most), "the trace sees the reads"


def test_placing_an_order_costs_a_statement_per_step(client: TestClient) -> None:
    """Issue #28: the token's read, then one transaction of the order writer: the products
    with their shop (locked), one stock UPDATE for every product, the
    order, its items, the event, the outbox message. Nothing is read back for the answer, and
    no savepoint is taken without an Idempotency-Key."""
    market = Market(client, db(client), sign_in(client, CURATOR))
    seller, _shop = market.shop()
    kue = [market.product(seller, name=name)["id"] for name in ("Kue Lumpur", "Kue Putu")]
    buyer = market.person("pembeli")

    def place(items: list[tuple[int, int]], headers: dict[str, str]) -> list[str]:
        with statements(db(client)) as seen:
            response = market.order(headers, items)
        assert response.status_code == 201, response.text
        assert len(response.json()["items"]) == len(items)
        return seen

    one = place([(kue[0], 1)], buyer)
    two = place([(kue[0], 1), (kue[1], 2)], buyer)
    keyed = place([(kue[1], 1)], {**buyer, "Idempotency-Key": "order-1"})
    assert [s.split()[0] for s in one] == [
        "SELECT",  # the token's subject
        "BEGIN",
        "SELECT",  # the products and their shop
        "UPDATE",  # the stock
        "INSERT",  # the order
        "INSERT",  # its items
        "INSERT",  # the event
        "INSERT",  # the outbox message
        "COMMIT",
    ], one
    assert "market_order_item" not in " ".join(s for s in one if s.startswith("SELECT"))
    assert len(two) == len(one), two  # one more product: the same statements
    # with a key: the look for the first order under it, and the savepoint around the insert
    assert len(keyed) == len(one) + 3, keyed
    assert sum(s.startswith("SAVEPOINT") for s in keyed) == 1, keyed


def test_a_batch_of_orders_costs_the_statements_of_one(client: TestClient) -> None:
    """The order writer's batch: however many orders, one statement per step for them all."""
    state = client.app.state.region  # type: ignore[attr-defined]
    database = db(client)
    seller = machine.shop(database, state)[1]
    kue = [machine.product(database, state, seller, 100) for _ in range(3)]
    buyers = [machine.buyer(database) for _ in range(4)]
    now = utcnow()

    def place(baskets: list[list[tuple[int, int]]]) -> list[str]:
        placings = [
            orders.Placing(b, orders.Basket(items, "cash"), now, machine.TIMEOUTS)
            for b, items in zip(buyers, baskets, strict=False)
        ]
        with statements(database) as seen, database.transaction() as session:
            placed = orders.place_all(session, placings)
        assert not [p for p in placed if isinstance(p, SigapError)], placed
        return seen

    one = place([[(kue[0], 1)]])
    many = place([[(kue[0], 1)], [(kue[1], 2), (kue[2], 1)], [(kue[2], 3)], [(kue[0], 1)]])
    assert len(many) == len(one), many
