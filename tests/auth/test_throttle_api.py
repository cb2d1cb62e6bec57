"""Sign-in throttling on ``POST /api/v1/auth/tokens``: free failures, growing delays, a lock,
the reset on success, fading counts, and per-address limits against a spray."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import event
from tests.workflow.conftest import CAMAT, LURAH

from sigap.db import Database
from sigap.demo import DEMO_PASSWORD

from .conftest import Clock, token

WRONG = "bukan-kata-sandinya"


def code(response: object) -> str:
    body = response.json()  # type: ignore[attr-defined]
    return str(body["error"]["code"])


def fail_freely(client: TestClient, email: str, times: int = 5) -> None:
    for _ in range(times):
        response = token(client, email, WRONG)
        assert response.status_code == 401, response.text
        assert code(response) == "invalid_credentials"


def test_delays_grow_then_the_account_locks_and_success_resets(
    client: TestClient, clock: Clock
) -> None:
    fail_freely(client, LURAH)
    waits = []
    for _ in range(4):  # failures 6 to 9: delays that double, the password not checked meanwhile
        response = token(client, LURAH, WRONG)
        assert response.status_code == 429, response.text
        assert code(response) == "sign_in_throttled"
        wait = int(response.headers["retry-after"])
        waits.append(wait)
        assert response.json()["error"]["message"] == (
            f"Terlalu banyak percobaan masuk yang gagal. Tunggu {wait} detik, lalu coba lagi."
        )
        early = token(client, LURAH, DEMO_PASSWORD, "en")
        assert early.status_code == 429
        assert early.json()["error"]["message"] == (
            f"Too many failed sign-in attempts. Wait {wait} seconds, then try again."
        )
        clock.advance(seconds=wait)
    assert waits == [5, 10, 20, 40]

    locked = token(client, LURAH, WRONG)  # the 10th failure
    assert locked.status_code == 429
    assert code(locked) == "sign_in_locked"
    assert locked.headers["retry-after"] == "900"
    ends = (clock.now + timedelta(minutes=15)).astimezone(ZoneInfo("Asia/Jakarta"))
    assert locked.json()["error"]["message"] == (
        "Akun ini dikunci sementara karena terlalu banyak percobaan masuk yang gagal. "
        f"Coba lagi dalam 15 menit (pukul {ends:%H:%M} WIB)."
    )
    clock.advance(minutes=14, seconds=1)
    right = token(client, LURAH, DEMO_PASSWORD, "en")  # the right password, during the lock
    assert right.status_code == 429
    assert right.headers["retry-after"] == "59"
    assert right.json()["error"]["message"] == (
        "This account is locked for now after too many failed sign-in attempts. "
        f"Try again in 59 seconds (at {ends:%H:%M} WIB)."
    )
    assert token(client, CAMAT, DEMO_PASSWORD).status_code == 201  # other accounts sign in

    clock.advance(minutes=1)
    assert token(client, LURAH, DEMO_PASSWORD).status_code == 201
    fail_freely(client, LURAH)  # the count starts again from nothing
    assert token(client, LURAH, WRONG).status_code == 429


def test_failing_again_after_a_lock_locks_again(client: TestClient, clock: Clock) -> None:
    fail_freely(client, LURAH)
    for wait in (5, 10, 20, 40):
        assert token(client, LURAH, WRONG).status_code == 429
        clock.advance(seconds=wait)
    assert code(token(client, LURAH, WRONG)) == "sign_in_locked"
    clock.advance(minutes=15)
    again = token(client, LURAH, WRONG)  # one guess after the lock: locked again at once
    assert code(again) == "sign_in_locked"
    assert again.headers["retry-after"] == "900"


def test_an_unknown_email_is_answered_exactly_like_an_existing_one(
    client: TestClient, clock: Clock
) -> None:
    for _ in range(6):
        known = token(client, LURAH, WRONG)
        unknown = token(client, "tidak.ada@demo.sigap.id", WRONG)
        assert known.status_code == unknown.status_code
        assert known.json() == unknown.json()
        assert known.headers.get("retry-after") == unknown.headers.get("retry-after")
    assert known.status_code == 429  # the sixth failure of each


def test_failures_fade_one_every_fifteen_minutes(client: TestClient, clock: Clock) -> None:
    fail_freely(client, LURAH, times=5)
    clock.advance(minutes=15)
    fail_freely(client, LURAH, times=1)  # one of the five was forgotten: this is the fifth
    assert token(client, LURAH, WRONG).status_code == 429
    clock.advance(hours=2)
    fail_freely(client, LURAH, times=5)  # all forgotten


def test_the_email_is_counted_however_it_is_written(client: TestClient, clock: Clock) -> None:
    for spelling in ("Lurah.Gambir@demo.sigap.id", " LURAH.GAMBIR@DEMO.SIGAP.ID ", LURAH) * 2:
        token(client, spelling, WRONG)
    assert code(token(client, LURAH, DEMO_PASSWORD)) == "sign_in_throttled"


def test_a_spray_across_many_accounts_from_one_address_is_slowed(
    make_client: Callable[..., TestClient],
) -> None:
    clock = Clock()
    client = make_client("192.0.2.50", clock, sign_in_address_free_failures=8)
    for n in range(8):  # one guess at each of many accounts: free up to the address's limit
        response = token(client, f"pegawai{n}@demo.sigap.id", WRONG)
        assert response.status_code == 401, (n, response.text)
    sprayed = token(client, "pegawai8@demo.sigap.id", WRONG)
    assert sprayed.status_code == 429
    assert code(sprayed) == "sign_in_throttled"
    assert sprayed.headers["retry-after"] == "5"
    blocked = token(client, LURAH, DEMO_PASSWORD)  # this address waits, whoever signs in
    assert code(blocked) == "sign_in_throttled"
    elsewhere = make_client("203.0.113.20", clock)
    assert token(elsewhere, LURAH, DEMO_PASSWORD).status_code == 201

    clock.advance(seconds=5)
    assert token(client, "pegawai9@demo.sigap.id", WRONG).headers["retry-after"] == "10"
    clock.advance(seconds=10)
    assert token(client, LURAH, DEMO_PASSWORD).status_code == 201  # not a reset of the address
    assert token(client, "pegawai10@demo.sigap.id", WRONG).headers["retry-after"] == "20"


def test_an_office_failing_now_and_then_is_never_slowed(
    make_client: Callable[..., TestClient],
) -> None:
    clock = Clock()
    office = make_client("198.51.100.7", clock, sign_in_address_free_failures=3)
    for n in range(8):  # slower than the address's failures fade (one every 3 minutes)
        assert token(office, f"staf{n}@demo.sigap.id", WRONG).status_code == 401
        clock.advance(minutes=3)
    for n in range(3):  # a burst up to the free failures is still free
        assert token(office, f"lagi{n}@demo.sigap.id", WRONG).status_code == 401
    assert token(office, "satu.lagi@demo.sigap.id", WRONG).status_code == 429


def test_a_successful_sign_in_costs_one_read_of_the_counts(client: TestClient) -> None:
    database: Database = client.app.state.db  # type: ignore[attr-defined]
    seen: list[str] = []

    def record(*args: object) -> None:
        if "sign_in_throttle" in str(args[2]):
            seen.append(str(args[2]).split()[0].upper())

    event.listen(database.write_engine, "before_cursor_execute", record)
    try:
        assert token(client, LURAH, DEMO_PASSWORD).status_code == 201
        assert seen == ["SELECT"]
        seen.clear()
        token(client, LURAH, WRONG)
        assert token(client, LURAH, DEMO_PASSWORD).status_code == 201
        assert seen[-2:] == ["SELECT", "DELETE"]  # the reset, only after a failure
    finally:
        event.remove(database.write_engine, "before_cursor_execute", record)
