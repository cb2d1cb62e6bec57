"""The demo's shops: fictional, marked demo, curated by the pack's demo curator, made once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from tests.market.conftest import M

from sigap.db import Database
from sigap.demo import DEMO_PASSWORD
from sigap.kit import utcnow
from sigap.market.demo import SHOPS, seed_market
from sigap.models import Account, MarketLicence, MarketProduct, MarketSeller, MarketWord
from sigap.regions.state import RegionState


@pytest.fixture
def database(database: Database) -> Iterator[Database]:
    """The demo's seller accounts go after the test (PostgreSQL keeps the template's)."""
    yield database
    with database.transaction() as session:
        session.execute(delete(MarketWord))  # the shops first; the tables are emptied anyway
        session.execute(delete(MarketProduct))
        session.execute(delete(MarketLicence))
        session.execute(delete(MarketSeller))
        session.execute(delete(Account).where(Account.email.in_([s[0] for s in SHOPS])))


def test_the_demo_shops_are_marked_and_listed(client: TestClient, database: Database) -> None:
    state: RegionState = client.app.state.region  # type: ignore[attr-defined]
    with database.transaction() as session:
        assert seed_market(session, state, DEMO_PASSWORD, now=utcnow()) == 2
    with database.transaction() as session:
        assert seed_market(session, state, DEMO_PASSWORD, now=utcnow()) == 0  # once
        shops = session.scalars(select(MarketSeller).order_by(MarketSeller.id)).all()
        assert [(s.demo, s.status, s.kelurahan_code) for s in shops] == [
            (True, "active", "31.71.01.1002"),
            (True, "active", "31.71.01.1001"),
        ]
        assert all("(demo)" in s.name for s in shops)
    found = client.get(f"{M}/products", params={"q": "klepon"}).json()["items"]
    assert [i["product"]["name"] for i in found] == ["Klepon Pandan"]
    page = client.get(f"{M}/sellers/{shops[0].id}").json()
    assert {b["kind"] for b in page["seller"]["badges"]} == {"nib", "pirt", "curated"}
