"""A retried submit (flaky network) returns the first report and never makes a duplicate,
with the writer in a thread and in a process of its own (the default of a server)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sigap import models
from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.regions.state import load_state
from sigap.reports import service
from sigap.reports.schemas import ReportCreate

BODY = {"category": "banjir", "lat": -6.2186, "lon": 106.8019, "description": "Banjir 30 cm."}


@pytest.fixture(params=["writer-thread", "writer-process"])
def client(request: pytest.FixtureRequest, settings: Settings) -> Iterator[TestClient]:
    writer = settings.model_copy(update={"writer_process": request.param == "writer-process"})
    with TestClient(create_app(writer)) as test_client:
        yield test_client


def reports_in(database: Database) -> int:
    with database.reading() as session:
        return session.scalar(select(func.count()).select_from(models.Report)) or 0


def test_retry_with_the_same_key_returns_the_first_report(
    client: TestClient, database: Database
) -> None:
    headers = {"Idempotency-Key": "4a4f7c1e-retry"}
    first = client.post("/api/v1/reports", json=BODY, headers=headers)
    second = client.post("/api/v1/reports", json=BODY, headers=headers)

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json()["id"] == first.json()["id"]
    # A client that lost the first response still gets its tracking token.
    assert second.json()["tracking_token"] == first.json()["tracking_token"]
    assert reports_in(database) == 1


def test_same_key_with_a_different_body_is_a_conflict(
    client: TestClient, database: Database
) -> None:
    headers = {"Idempotency-Key": "key-1"}
    client.post("/api/v1/reports", json=BODY, headers=headers)
    other = client.post("/api/v1/reports", json={**BODY, "description": "Lain."}, headers=headers)

    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert reports_in(database) == 1


def test_without_a_key_each_submit_is_a_new_report(client: TestClient, database: Database) -> None:
    client.post("/api/v1/reports", json=BODY)
    client.post("/api/v1/reports", json=BODY)

    assert reports_in(database) == 2


def test_concurrent_retries_make_one_report(database: Database) -> None:
    """Eight simultaneous submits with one key, each in its own transaction and connection."""
    with database.reading() as session:
        state = load_state(session)
    data = ReportCreate.model_validate(BODY)
    barrier = threading.Barrier(8)
    ids: list[int] = []

    def submit() -> None:
        barrier.wait()
        with database.transaction() as session:
            result = service.submit(
                session, state, data=data, channel="api", idempotency_key="race"
            )
            ids.append(result.report["id"])

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(ids) == 8
    assert len(set(ids)) == 1
    assert reports_in(database) == 1


def test_an_overlong_key_is_refused(client: TestClient, database: Database) -> None:
    response = client.post("/api/v1/reports", json=BODY, headers={"Idempotency-Key": "k" * 201})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_idempotency_key"
    assert reports_in(database) == 0
