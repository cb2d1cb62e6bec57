"""Sign-in throttling on the pages: the officials' (and admins') sign-in and the citizen app's,
told in words in both languages, with Retry-After."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx2 import Response
from tests.workflow.conftest import LURAH

from sigap.demo import DEMO_PASSWORD

from .conftest import App, Clock

WRONG = "bukan-kata-sandinya"
WRONG_ID = "E-mail atau kata sandi salah."


def official(client: TestClient, password: str, lang: str = "id") -> Response:
    form = client.get("/officials/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    return client.post(
        f"/officials/login?lang={lang}",
        data={"email": LURAH, "password": password, "csrf": csrf.group(1)},
        follow_redirects=False,
    )


def citizen(app: App, identifier: str, password: str, lang: str = "id") -> Response:
    body = {"identifier": identifier, "password": password, "csrf": app.csrf()}
    return app.client.post(f"/app/signin?lang={lang}", data=body, follow_redirects=False)


def test_the_officials_page_says_how_long_to_wait_then_that_the_account_is_locked(
    client: TestClient, clock: Clock
) -> None:
    for _ in range(5):
        wrong = official(client, WRONG)
        assert wrong.status_code == 401
        assert WRONG_ID in wrong.text
    slowed = official(client, WRONG)
    assert slowed.status_code == 429
    assert slowed.headers["retry-after"] == "5"
    assert "Terlalu banyak percobaan masuk yang gagal. Tunggu 5 detik, lalu coba lagi." in (
        slowed.text
    )
    early = official(client, DEMO_PASSWORD, "en")
    assert early.status_code == 429
    assert "Too many failed sign-in attempts. Wait 5 seconds, then try again." in early.text
    for wait in (5, 10, 20, 40):
        clock.advance(seconds=wait)
        official(client, WRONG)

    locked = official(client, DEMO_PASSWORD, "en")  # the right password, during the lock
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == "900"
    assert "This account is locked for now after too many failed sign-in attempts." in (locked.text)
    assert "Try again in 15 minutes (at " in locked.text
    clock.advance(minutes=10)
    said = official(client, DEMO_PASSWORD)
    assert "Akun ini dikunci sementara" in said.text
    assert "Coba lagi dalam 5 menit (pukul " in said.text
    assert "sigap_session" not in client.cookies

    clock.advance(minutes=5)
    signed_in = official(client, DEMO_PASSWORD)
    assert signed_in.status_code == 303
    assert "sigap_session" in client.cookies


def test_the_citizen_app_counts_a_phone_however_it_is_written(
    app: App, other: App, clock: Clock
) -> None:
    assert other.sign_up(phone="0812-3456 7890").status_code == 303
    spellings = ("+62 812 3456 7890", "081234567890", "0812-3456-7890", "6281234567890")
    for spelling in (*spellings, spellings[0]):
        wrong = citizen(app, spelling, WRONG)
        assert wrong.status_code == 401
        assert WRONG_ID in wrong.text
    assert "Tunggu 5 detik" in citizen(app, spellings[1], WRONG).text
    slowed = citizen(app, "0812 3456 7890", "rahasia-sekali", "en")  # right, but too soon
    assert slowed.status_code == 429
    assert slowed.headers["retry-after"] == "5"
    assert "Too many failed sign-in attempts. Wait 5 seconds, then try again." in slowed.text
    for wait in (5, 10, 20, 40):
        clock.advance(seconds=wait)
        assert citizen(app, "081234567890", WRONG).status_code == 429

    locked = citizen(app, "081234567890", "rahasia-sekali")
    assert locked.status_code == 429
    assert "Akun ini dikunci sementara" in locked.text
    assert "Coba lagi dalam 15 menit" in locked.text
    clock.advance(minutes=15)
    assert citizen(app, "+6281234567890", "rahasia-sekali").status_code == 303
    assert app.client.get("/app/my").status_code == 200
