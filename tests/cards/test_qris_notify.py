"""The QRIS acquirer's signed payment notifications (``POST /api/v1/payments/qris/notifications``):
a pending QRIS top-up becomes paid once, whatever is sent again, forged or altered (both
databases)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.cards.test_api import Headers, card_of
from tests.payments.test_qris import static_code
from tests.workflow.conftest import WARGA

from sigap import models
from sigap.app import create_app
from sigap.cards import ledger
from sigap.config import Settings
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD
from sigap.notify import webhooks
from sigap.payments import qris

SECRET = "acquirer-secret-0123456789"
URL = "/api/v1/payments/qris/notifications"


@pytest.fixture
def qris_client(settings: Settings) -> Iterator[TestClient]:
    settings.card_qris_merchant = static_code()
    settings.card_qris_notify_secret = SECRET
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def holder(qris_client: TestClient) -> Headers:
    token = qris_client.post(
        "/api/v1/auth/tokens", json={"email": WARGA, "password": DEMO_PASSWORD}
    )
    return {"Authorization": f"Bearer {token.json()['token']}"}


def start(client: TestClient, holder: Headers, card: int, amount: int, key: str) -> Any:
    started = client.post(
        f"/api/v1/cards/{card}/topups",
        json={"amount": amount, "adapter": "qris"},
        headers={**holder, "Idempotency-Key": key},
    )
    assert started.status_code == 201, started.text
    return started.json()


def reference_of(topup: dict[str, Any]) -> str:
    """The reference the rider's payment app carries back: the QRIS code's tag 62/05."""
    additional = dict(qris.parse(topup["payment"]["qris"]))["62"]
    return dict(qris.objects(additional))["05"]


def notify(
    client: TestClient,
    body: dict[str, Any],
    *,
    secret: str = SECRET,
    at: int | None = None,
    tamper: bool = False,
) -> Any:
    raw = json.dumps(body).encode()
    header = webhooks.sign(secret, raw, int(time.time()) if at is None else at)
    if tamper:
        raw = raw.replace(b'"amount": ', b'"amount": 9')
    headers = {"Sigap-Signature": header, "Content-Type": "application/json"}
    return client.post(URL, content=raw, headers=headers)


def balance(client: TestClient, holder: Headers, card: int) -> int:
    found: int = client.get(f"/api/v1/cards/{card}", headers=holder).json()["balance"]
    return found


def test_a_signed_notification_pays_the_top_up_once(
    qris_client: TestClient, holder: Headers, database: Database
) -> None:
    card = card_of(qris_client, holder)["id"]
    topup = start(qris_client, holder, card, 50_000, "q1")
    body = {"reference": reference_of(topup), "amount": 50_000, "provider_reference": "ACQ-1"}

    first = notify(qris_client, body)
    assert first.status_code == 200, first.text
    assert (first.json()["state"], first.json()["payment"]) == ("paid", {})
    again = notify(qris_client, body)  # the acquirer retries: answered paid, nothing posted
    assert (again.status_code, again.json()["state"]) == (200, "paid")
    assert balance(qris_client, holder, card) == 50_000
    asked = qris_client.post(f"/api/v1/cards/{card}/topups/{topup['id']}/confirm", headers=holder)
    assert asked.json()["state"] == "paid"
    with database.reading() as session:
        postings = session.scalar(
            select(func.count())
            .select_from(models.LedgerTxn)
            .where(models.LedgerTxn.kind == "topup")
        )
        assert postings == 1
        assert ledger.verify(session).problems == []


@pytest.mark.parametrize(
    ("how", "status", "code"),
    [
        ("no signature", 401, "invalid_payment_signature"),
        ("another secret", 401, "invalid_payment_signature"),
        ("an hour old", 401, "invalid_payment_signature"),
        ("body altered after signing", 401, "invalid_payment_signature"),
        ("another amount", 409, "payment_amount_mismatch"),
        ("unknown reference", 404, "topup_not_found"),
        ("no amount", 422, "invalid_input"),
    ],
)
def test_a_notification_that_does_not_hold_changes_nothing(
    qris_client: TestClient, holder: Headers, how: str, status: int, code: str
) -> None:
    card = card_of(qris_client, holder)["id"]
    topup = start(qris_client, holder, card, 50_000, "q1")
    body: dict[str, Any] = {"reference": reference_of(topup), "amount": 50_000}
    if how == "no signature":
        answer = qris_client.post(URL, json=body)
    elif how == "another secret":
        answer = notify(qris_client, body, secret="not-the-acquirer-secret")
    elif how == "an hour old":
        answer = notify(qris_client, body, at=int(time.time()) - 3600)
    elif how == "body altered after signing":
        answer = notify(qris_client, body, tamper=True)
    elif how == "another amount":
        answer = notify(qris_client, {**body, "amount": 5_000})
    elif how == "unknown reference":
        answer = notify(qris_client, {**body, "reference": "0" * 24})
    else:
        answer = notify(qris_client, {"reference": body["reference"]})
    assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), answer.text
    assert balance(qris_client, holder, card) == 0
    still = qris_client.post(f"/api/v1/cards/{card}/topups/{topup['id']}/confirm", headers=holder)
    assert still.json()["state"] == "pending"


def test_without_a_secret_notifications_are_not_received(settings: Settings) -> None:
    settings.card_qris_merchant = static_code()
    with TestClient(create_app(settings)) as client:
        answer = notify(client, {"reference": "a" * 24, "amount": 10_000})
        assert (answer.status_code, answer.json()["error"]["code"]) == (
            404,
            "payment_notifications_off",
        )


def test_a_notification_for_a_card_reported_lost_meanwhile_reaches_its_replacement(
    qris_client: TestClient, holder: Headers
) -> None:
    lost = card_of(qris_client, holder)["id"]
    topup = start(qris_client, holder, lost, 30_000, "q1")
    replaced = qris_client.post(
        f"/api/v1/cards/{lost}/replace", json={"number": "6032 9844 0000 0009"}, headers=holder
    )
    assert replaced.status_code in (200, 201), replaced.text
    new = replaced.json()["id"]
    paid = notify(qris_client, {"reference": reference_of(topup), "amount": 30_000})
    assert paid.status_code == 200, paid.text
    assert (balance(qris_client, holder, lost), balance(qris_client, holder, new)) == (0, 30_000)


def test_racing_notifications_post_once(
    qris_client: TestClient, holder: Headers, database: Database
) -> None:
    card = card_of(qris_client, holder)["id"]
    topup = start(qris_client, holder, card, 20_000, "q1")
    body = {"reference": reference_of(topup), "amount": 20_000}
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: notify(qris_client, body), range(4)))
    assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
    assert balance(qris_client, holder, card) == 20_000
    with database.reading() as session:
        assert ledger.verify(session).problems == []
