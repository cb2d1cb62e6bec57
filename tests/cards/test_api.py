"""The fare card's HTTP API: a holder's cards, top-ups and trips; validators posting taps;
the admins' validators, revenue and reconciliation (both databases)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.cards.conftest import CARD_A, CARD_B, minutes
from tests.conftest import TEST_ACCOUNTS
from tests.payments.test_qris import static_code
from tests.workflow.conftest import ADMIN, WARGA, Clock

from sigap import models
from sigap.accounts.service import create as create_account
from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD
from sigap.payments import qris

Headers = dict[str, str]


@pytest.fixture
def stranger(client: TestClient, database: Database) -> Headers:
    email = f"orang{TEST_ACCOUNTS}"
    with database.transaction() as session:
        create_account(session, email=email, name="Orang", password="p" * 12, role="citizen")
    response = client.post("/api/v1/auth/tokens", json={"email": email, "password": "p" * 12})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def validator_key(client: TestClient, login: Callable[[str], Headers]) -> str:
    body = {"name": "Halte Harmoni 1", "network": "transjakarta", "stop_id": "tj:HAR"}
    made = client.post("/api/v1/admin/validators", json=body, headers=login(ADMIN))
    assert made.status_code == 201, made.text
    assert made.json()["key"].startswith(made.json()["key_prefix"])
    key: str = made.json()["key"]
    return key


def card_of(client: TestClient, holder: Headers, number: str = CARD_A) -> dict[str, Any]:
    made = client.post(
        "/api/v1/cards", json={"number": number, "name": "Kartu kerja"}, headers=holder
    )
    assert made.status_code == 201, made.text
    card: dict[str, Any] = made.json()
    return card


def top_up(client: TestClient, holder: Headers, card: int, amount: int, key: str = "k1") -> Any:
    started = client.post(
        f"/api/v1/cards/{card}/topups",
        json={"amount": amount},
        headers={**holder, "Idempotency-Key": key},
    )
    assert started.status_code == 201, started.text
    assert started.json()["state"] == "pending"
    assert started.json()["payment"]
    paid = client.post(
        f"/api/v1/cards/{card}/topups/{started.json()['id']}/confirm", headers=holder
    )
    assert paid.status_code == 200, paid.text
    return paid.json()


def tap(tap_id: str, number: str, at_minutes: float, kind: str = "in") -> dict[str, str]:
    return {"tap_id": tap_id, "card": number, "kind": kind, "at": minutes(at_minutes).isoformat()}


def test_a_holder_registers_tops_up_rides_and_sees_the_saving(
    client: TestClient, login: Callable[[str], Headers], validator_key: str
) -> None:
    holder = login(WARGA)
    card = card_of(client, holder)
    assert (card["balance"], card["last4"], card["status"]) == (0, "0001", "active")
    assert "number" not in card
    paid = top_up(client, holder, card["id"], 50_000)
    assert (paid["state"], paid["payment"]) == ("paid", {})
    again = client.post(
        f"/api/v1/cards/{card['id']}/topups",
        json={"amount": 50_000},
        headers={**holder, "Idempotency-Key": "k1"},
    )  # the same key: the same top-up, paid once
    assert (again.json()["id"], again.json()["state"]) == (paid["id"], "paid")
    batch = {"taps": [tap("1", CARD_A, 0), tap("2", CARD_A, 40), tap("3", CARD_A, 300)]}
    posted = client.post(
        "/api/v1/cards/taps", json=batch, headers={"X-Validator-Key": validator_key}
    )
    assert posted.json() == {"stored": 3, "duplicates": 0, "unknown": 0}
    resent = client.post(
        "/api/v1/cards/taps", json=batch, headers={"X-Validator-Key": validator_key}
    )
    assert resent.json() == {"stored": 0, "duplicates": 3, "unknown": 0}
    assert client.get(f"/api/v1/cards/{card['id']}", headers=holder).json()["balance"] == 43_000
    journeys = client.get(f"/api/v1/cards/{card['id']}/trips", headers=holder).json()
    assert [(j["fare"], j["saved"], len(j["legs"])) for j in journeys] == [
        (3_500, 0, 1),
        (3_500, 3_500, 2),
    ]
    assert journeys[1]["legs"][0]["stop_id"] == "tj:HAR"  # the validator's stop


def test_a_holder_sees_only_their_own_cards(
    client: TestClient, login: Callable[[str], Headers], stranger: Headers
) -> None:
    card = card_of(client, login(WARGA))
    assert client.get("/api/v1/cards", headers=stranger).json() == []
    for method, path in (
        ("GET", f"/api/v1/cards/{card['id']}"),
        ("GET", f"/api/v1/cards/{card['id']}/trips"),
        ("POST", f"/api/v1/cards/{card['id']}/replace"),
        ("POST", f"/api/v1/cards/{card['id']}/topups"),
    ):
        body = {"number": CARD_B} if path.endswith("replace") else {"amount": 10_000}
        answer = client.request(
            method, path, headers={**stranger, "Idempotency-Key": "x"}, json=body
        )
        assert (answer.status_code, answer.json()["error"]["code"]) == (404, "card_not_found")
    assert client.get("/api/v1/cards").status_code == 401


def test_a_lost_card_is_replaced_with_its_balance(
    client: TestClient, login: Callable[[str], Headers]
) -> None:
    holder = login(WARGA)
    card = card_of(client, holder)
    top_up(client, holder, card["id"], 25_000)
    new = client.post(
        f"/api/v1/cards/{card['id']}/replace", json={"number": CARD_B}, headers=holder
    )
    assert new.status_code == 201, new.text
    assert (new.json()["balance"], new.json()["last4"]) == (25_000, "0002")
    cards = {c["id"]: c for c in client.get("/api/v1/cards", headers=holder).json()}
    lost = cards[card["id"]]
    assert (lost["status"], lost["balance"], lost["replaced_by"]) == (
        "blocked",
        0,
        new.json()["id"],
    )
    twice = client.post(
        f"/api/v1/cards/{card['id']}/replace", json={"number": "99999999"}, headers=holder
    )
    assert twice.json()["error"]["code"] == "card_blocked"


def test_validator_keys_only_post_taps_and_stop_when_revoked(
    client: TestClient, login: Callable[[str], Headers], validator_key: str
) -> None:
    batch = {"taps": [tap("u1", "1234567890", 0)]}
    headers = {"X-Validator-Key": validator_key}
    stored = client.post("/api/v1/cards/taps", json=batch, headers=headers)
    assert stored.json() == {"stored": 1, "duplicates": 0, "unknown": 1}
    as_bearer = client.get("/api/v1/cards", headers={"Authorization": f"Bearer {validator_key}"})
    assert as_bearer.status_code == 401
    assert client.post("/api/v1/cards/taps", json=batch).json()["error"]["code"] == (
        "missing_validator_key"
    )
    admin = login(ADMIN)
    (listed,) = client.get("/api/v1/admin/validators", headers=admin).json()
    assert "key" not in listed
    revoked = client.post(f"/api/v1/admin/validators/{listed['id']}/revoke", headers=admin)
    assert revoked.json()["revoked_at"] is not None
    refused = client.post("/api/v1/cards/taps", json=batch, headers=headers)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "invalid_validator_key")


@pytest.mark.parametrize(
    "taps",
    [
        [{"tap_id": "1", "card": "12345678", "kind": "in", "at": "2026-12-07T07:00:00"}],  # naive
        [{"tap_id": "1", "card": "12345678", "kind": "up", "at": "2026-12-07T07:00:00Z"}],
        [],
    ],
)
def test_a_wrong_batch_is_refused_whole(
    client: TestClient, validator_key: str, taps: list[dict[str, str]]
) -> None:
    answer = client.post(
        "/api/v1/cards/taps", json={"taps": taps}, headers={"X-Validator-Key": validator_key}
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (422, "invalid_input")


def test_the_auditor_sees_revenue_and_a_reconciliation_that_adds_up(
    client: TestClient, login: Callable[[str], Headers], validator_key: str, clock: Clock
) -> None:
    """Revenue counts by the day of the ride, in local days; the reconciliation by the day the
    ledger posted it (the books' day)."""
    clock.now = minutes(120)
    holder, admin = login(WARGA), login(ADMIN)
    card = card_of(client, holder)
    top_up(client, holder, card["id"], 10_000)
    headers = {"X-Validator-Key": validator_key}
    client.post("/api/v1/cards/taps", json={"taps": [tap("b", CARD_A, 60)]}, headers=headers)
    client.post(
        "/api/v1/cards/taps",
        json={"taps": [tap("a", CARD_A, 0), tap("x", "55555555", 5)]},
        headers=headers,
    )  # 'a' came late: 'b' is refunded
    day = {"start": "2026-12-07", "end": "2026-12-07"}
    revenue = client.get("/api/v1/admin/cards/revenue", params=day, headers=admin).json()
    assert revenue == [{"day": "2026-12-07", "network": "transjakarta", "fares": 3_500}]
    found = client.get("/api/v1/admin/cards/reconciliation", params=day, headers=admin).json()
    assert found["fares"] + found["adjustments"] == 3_500
    assert (found["fares"], found["adjustments"]) == (7_000, -3_500)
    assert (found["taps"], found["taps_unknown"], found["legs_priced"]) == (3, 1, 2)
    assert found["card_balances"] == 10_000 - 3_500
    assert found["clearing"] == {"demo": -10_000}
    assert found["ledger_balanced"] is True
    assert client.get("/api/v1/admin/cards/revenue", headers=holder).status_code == 403


def test_revenue_lands_on_the_rides_day_whenever_it_is_posted(
    client: TestClient,
    login: Callable[[str], Headers],
    validator_key: str,
    clock: Clock,
    database: Database,
) -> None:
    """Monday's rides posted on Tuesday (a late batch, 00:10 WIB: still Monday in UTC), and a
    late tap that reprices a Monday journey (a refund posted on Tuesday), are Monday's revenue;
    by posting day they are Tuesday's. Both views add up to what the revenue account got."""
    holder, admin = login(WARGA), login(ADMIN)
    clock.now = minutes(0)
    card = card_of(client, holder)
    top_up(client, holder, card["id"], 20_000)
    headers = {"X-Validator-Key": validator_key}

    def post(at: float, *taps: dict[str, str]) -> None:
        clock.now = minutes(at)
        sent = client.post("/api/v1/cards/taps", json={"taps": list(taps)}, headers=headers)
        assert sent.status_code == 200, sent.text
        assert sent.json()["stored"] == len(taps)

    monday_night, tuesday = 16 * 60 + 20, 24 * 60  # 23:50 and 07:30 WIB the next morning
    post(61, tap("b", CARD_A, 60))  # Monday 08:30, posted at once
    post(monday_night + 20, tap("a", CARD_A, 0), tap("c", CARD_A, monday_night))  # Tuesday 00:10
    post(tuesday + 30, tap("d", CARD_A, tuesday))
    span = {"start": "2026-12-06", "end": "2026-12-09"}
    url = "/api/v1/admin/cards/revenue"
    by_ride = client.get(url, params=span, headers=admin).json()
    by_posting = client.get(url, params={**span, "by": "posting"}, headers=admin).json()
    # 'a' (07:30) starts Monday's journey and 'b' becomes its free transfer: 'b' refunded
    assert by_ride == [
        {"day": "2026-12-07", "network": "transjakarta", "fares": 3_500 * 2},
        {"day": "2026-12-08", "network": "transjakarta", "fares": 3_500},
    ]
    assert by_posting == [
        {"day": "2026-12-07", "network": "transjakarta", "fares": 3_500},
        {"day": "2026-12-08", "network": "transjakarta", "fares": 3_500 * 2},
    ]
    with database.reading() as session:
        booked = session.scalar(
            select(models.LedgerAccount.balance).where(
                models.LedgerAccount.name == "revenue:transjakarta"
            )
        )
    assert sum(row["fares"] for row in by_ride) == sum(row["fares"] for row in by_posting)
    assert sum(row["fares"] for row in by_ride) == booked == 20_000 - balance_of(client, holder)
    wrong = client.get(url, params={**span, "by": "tap"}, headers=admin)
    assert wrong.status_code == 422


def balance_of(client: TestClient, holder: Headers) -> int:
    (card,) = client.get("/api/v1/cards", headers=holder).json()
    found: int = card["balance"]
    return found


def test_a_qris_top_up_shows_a_dynamic_code_for_the_amount_and_waits(
    settings: Settings,
) -> None:
    settings.card_qris_merchant = static_code()
    with TestClient(create_app(settings)) as client:
        token = client.post("/api/v1/auth/tokens", json={"email": WARGA, "password": DEMO_PASSWORD})
        holder = {"Authorization": f"Bearer {token.json()['token']}"}
        card = card_of(client, holder)
        started = client.post(
            f"/api/v1/cards/{card['id']}/topups",
            json={"amount": 75_000, "adapter": "qris"},
            headers={**holder, "Idempotency-Key": "q1"},
        )
        assert started.status_code == 201, started.text
        payload = started.json()["payment"]["qris"]
        assert qris.merchant(payload).amount == 75_000
        assert dict(qris.parse(payload))["01"] == "12"  # dynamic
        waiting = client.post(
            f"/api/v1/cards/{card['id']}/topups/{started.json()['id']}/confirm", headers=holder
        )
        assert waiting.json()["state"] == "pending"  # the acquirer has not said it is paid
        assert client.get(f"/api/v1/cards/{card['id']}", headers=holder).json()["balance"] == 0
