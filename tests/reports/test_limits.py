"""One submission use case on every channel: the same limits (per device, address, account and
channel key), the same idempotency rule and error codes, whether a report comes through the
JSON API, Open311 or the citizen app; and limits on +1 and follow."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sigap import models
from sigap.accounts.service import create
from sigap.app import create_app
from sigap.channels import service as channels
from sigap.config import Settings
from sigap.db import Database

POINTS = [(-6.1700 - 0.002 * i, 106.8200 + 0.002 * i) for i in range(20)]
CSRF = re.compile(r'name="csrf" value="([^"]+)"|data-csrf="([^"]+)"')


@pytest.fixture
def strict(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        database_url=database_url,
        public_url="http://sigap.test",
        media_dir=str(tmp_path / "media"),
        reports_per_hour=4,
        address_reports_per_hour=6,
        channel_reports_per_hour=8,
        supports_per_hour=3,
        follows_per_hour=2,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def api_report(i: int, **reporter: str) -> dict[str, Any]:
    lat, lon = POINTS[i]
    body: dict[str, Any] = {"category": "sampah", "lat": lat, "lon": lon}
    body["description"] = f"Sampah menumpuk nomor {i}."
    if reporter:
        body["reporter"] = reporter
    return body


def open311_form(key: str, i: int, **extra: str) -> dict[str, Any]:
    lat, lon = POINTS[i]
    form = {"api_key": key, "service_code": "sampah", "lat": lat, "long": lon}
    return {**form, "description": f"Sampah menumpuk nomor {i}.", **extra}


def bearer(client: TestClient, database: Database, email: str, role: str) -> dict[str, str]:
    unit = "prov-31" if role == "admin" else None
    with database.transaction() as session:
        create(
            session, email=email, name="Test", password="rahasia-sekali", role=role,
            unit_code=unit,
        )  # fmt: skip
    signed_in = client.post(
        "/api/v1/auth/tokens", json={"email": email, "password": "rahasia-sekali"}
    )
    return {"Authorization": f"Bearer {signed_in.json()['token']}"}


def refused(response: Any, code: str = "too_many_reports") -> None:
    assert response.status_code == 429, response.text
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    if response.headers["content-type"].startswith("application/json"):
        error = response.json()
        error = error["error"] if "error" in error else error[0]
        assert error["code"] == code


def test_json_api_limits_one_device_id(strict: TestClient) -> None:
    for i in range(4):
        answer = strict.post("/api/v1/reports", json=api_report(i, device_id="android-1"))
        assert answer.status_code == 201
    over = strict.post("/api/v1/reports", json=api_report(4, device_id="android-1"))
    refused(over)
    assert "4" in over.json()["error"]["message"]
    # Another device from the same address is still welcome, up to the address's limit.
    assert (
        strict.post("/api/v1/reports", json=api_report(5, device_id="android-2")).status_code == 201
    )


def test_json_api_limits_one_address_whatever_the_device(strict: TestClient) -> None:
    for i in range(6):
        body = api_report(i, device_id=f"fresh-{i}")
        assert strict.post("/api/v1/reports", json=body).status_code == 201
    refused(strict.post("/api/v1/reports", json=api_report(6, device_id="fresh-6")))
    refused(strict.post("/api/v1/reports", json=api_report(7)))  # no device id at all


def test_open311_limits_one_device_and_the_channel_quota(
    strict: TestClient, database: Database
) -> None:
    with database.transaction() as session:
        _, key = channels.create(session, name="LAPOR!")
    for i in range(4):
        answer = strict.post("/open311/v2/requests.json", data=open311_form(key, i, device_id="d1"))
        assert answer.status_code == 201, answer.text
    refused(strict.post("/open311/v2/requests.json", data=open311_form(key, 4, device_id="d1")))
    # A channel speaks for many citizens from one server: no limit per address, its quota.
    for i in range(4, 8):
        form = open311_form(key, i, device_id=f"citizen-{i}")
        assert strict.post("/open311/v2/requests.json", data=form).status_code == 201
    over = strict.post("/open311/v2/requests.xml", data=open311_form(key, 8))
    refused(over)
    assert b"<code>too_many_reports</code>" in over.content


def test_one_idempotency_rule_and_code_on_every_channel(
    strict: TestClient, database: Database
) -> None:
    with database.transaction() as session:
        _, key = channels.create(session, name="LAPOR!")
    bad = {"Idempotency-Key": "x" * 201}
    api = strict.post("/api/v1/reports", json=api_report(0), headers=bad)
    geo = strict.post("/open311/v2/requests.json", data=open311_form(key, 1), headers=bad)
    page = strict.get("/app/new")
    token = CSRF.search(page.text)
    assert token
    app = strict.post(
        "/app/submit",
        data={"report": '{"category": "sampah", "lat": -6.175, "lon": 106.827, '
              '"description": "Sampah menumpuk."}'},
        headers={**bad, "X-CSRF-Token": (token.group(1) or token.group(2))},
    )  # fmt: skip
    # GeoReport answers what a client can fix with the spec's 400, under the same code.
    assert (api.status_code, geo.status_code, app.status_code) == (422, 400, 422)
    assert api.json()["error"]["code"] == "invalid_idempotency_key"
    assert geo.json()[0]["code"] == "invalid_idempotency_key"
    assert app.json()["error"]["code"] == "invalid_idempotency_key"


def test_fresh_device_cookies_do_not_inflate_support(
    strict: TestClient, database: Database
) -> None:
    report_id = strict.post("/api/v1/reports", json=api_report(0)).json()["id"]
    counts = []
    for _ in range(5):
        strict.cookies.clear()  # a new "phone" each time: a signed device id, same address
        page = strict.get(f"/reports/{report_id}")
        token = CSRF.search(page.text)
        assert token, page.text[:300]
        answer = strict.post(
            f"/app/reports/{report_id}/support",
            data={"csrf": (token.group(1) or token.group(2))},
            follow_redirects=False,
        )
        counts.append(answer.status_code)
    assert counts == [303, 303, 303, 429, 429]
    # A made-up device cookie is no device: the form's token does not match it.
    strict.cookies.clear()
    strict.cookies.set("sigap_device", "made-up-device-id-0123456789")
    forged = strict.post(
        f"/app/reports/{report_id}/support",
        data={"csrf": "made-up-device-id-0123456789"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    with database.reading() as session:
        report = session.get(models.Report, report_id)
        assert report is not None
        assert report.support_count == 3


def test_follows_are_limited_per_account(strict: TestClient, database: Database) -> None:
    ids = [strict.post("/api/v1/reports", json=api_report(i)).json()["id"] for i in range(3)]
    auth = bearer(strict, database, "f@test.sigap.id", "citizen")
    assert strict.put(f"/api/v1/reports/{ids[0]}/follow", headers=auth).status_code == 204
    assert strict.put(f"/api/v1/reports/{ids[1]}/follow", headers=auth).status_code == 204
    assert strict.put(f"/api/v1/reports/{ids[0]}/follow", headers=auth).status_code == 204  # again
    refused(strict.put(f"/api/v1/reports/{ids[2]}/follow", headers=auth), "too_many_follows")


def test_compiled_limits_are_shared_by_one_driver_only() -> None:
    """The sync and the async engine (both psycopg) share a compiled statement; another driver
    on the same dialect gets its own (asyncpg's parameters are $1, not psycopg's)."""
    from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg, PGDialectAsync_psycopg

    from sigap.reports.limits import _Compiled, recent

    sync = _Compiled.of(recent, ("account",), PGDialect_psycopg())
    assert _Compiled.of(recent, ("account",), PGDialectAsync_psycopg()) is sync
    other = _Compiled.of(recent, ("account",), PGDialect_asyncpg())
    assert other is not sync
    assert "$1" in other.sql
    assert "%(account)s" in sync.sql


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_channel_quota_reads_its_hour_by_its_own_index(database_url: str) -> None:
    """The batch's channel part never walks the primary key: planned for any channel, with
    most reports under one channel, PostgreSQL took the primary key backwards through every
    report (300 ms a submission at 1M reports). With sequential scans off, the index it picks
    for the part shows what it would use on a large table."""
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

    from sigap.kit import utcnow
    from sigap.reports.limits import HOUR, _Compiled, batched, minute_of

    compiled = _Compiled.of(batched, ("channel",), PGDialect_psycopg())
    database = Database(database_url)
    try:
        with database.write_engine.connect() as connection:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            values = {
                "channel": ["probe"],
                "n_channel": [16],
                "skip_channel": [984],
                "hour_ago": [utcnow() - HOUR],
                "channel_since": [minute_of(utcnow() - HOUR)],
                "channel_quota": [1000],
                "channel_batch": [16],
            }
            plan = "\n".join(
                row[0] for row in connection.exec_driver_sql("EXPLAIN " + compiled.sql, values)
            )
            # Far below its quota by the minutes' counts: the hour is not read at all.
            analyze = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + compiled.sql
            ran = "\n".join(row[0] for row in connection.exec_driver_sql(analyze, values))
    finally:
        database.dispose()
    assert "ix_report_channel_created_at" in plan, plan
    assert "pk_report" not in plan, plan
    scan = next(line for line in ran.splitlines() if "ix_report_channel_created_at" in line)
    assert "never executed" in scan, ran
