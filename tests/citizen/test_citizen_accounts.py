"""Sign up and sign in with an e-mail address or a phone number (argon2), sessions by cookie."""

from __future__ import annotations

from sqlalchemy import select

from sigap.db import Database
from sigap.models import Account

from .conftest import App


def test_sign_up_with_email_signs_in_and_hashes_the_password(app: App, db: Database) -> None:
    response = app.sign_up(email="Siti@Test.Sigap.id")
    assert response.status_code == 303
    assert response.headers["location"] == "/app/my"
    assert "sigap_session" in response.cookies
    assert app.client.get("/app/my").status_code == 200
    with db.reading() as session:
        account = session.scalar(select(Account).where(Account.email == "siti@test.sigap.id"))
        assert account is not None
        assert account.role == "citizen"
        assert account.password_hash.startswith("$argon2")
        assert account.phone is None


def test_sign_up_with_phone_only_and_sign_in_with_another_spelling(
    app: App, other: App, db: Database
) -> None:
    assert app.sign_up(phone="0812-3456 7890").status_code == 303
    with db.reading() as session:
        account = session.scalar(select(Account).where(Account.phone == "+6281234567890"))
        assert account is not None
        assert account.email.endswith("@phone.invalid")
    response = other.sign_in("+62 812 3456 7890")
    assert response.status_code == 303, response.text
    assert other.client.get("/app/my").status_code == 200


def test_second_account_with_the_same_phone_or_email_is_refused(app: App, other: App) -> None:
    assert app.sign_up(email="a@test.sigap.id", phone="081299990000").status_code == 303
    taken = other.sign_up(phone="+6281299990000", email="b@test.sigap.id")
    assert taken.status_code == 409
    assert "Sudah ada akun" in taken.text
    taken = other.sign_up(email="A@test.sigap.id")
    assert taken.status_code == 409


def test_bad_input_is_explained_in_both_languages(app: App) -> None:
    short = app.sign_up(email="c@test.sigap.id", password="pendek")
    assert short.status_code == 422
    assert "paling sedikit 8" in short.text
    nothing = app.client.post(
        "/app/signup?lang=en", data={"password": "rahasia-sekali", "csrf": app.csrf()}
    )
    assert nothing.status_code == 422
    assert "Enter an e-mail address or a phone number" in nothing.text
    phone = app.sign_up(phone="12ab")
    assert phone.status_code == 422


def test_wrong_password_and_unknown_phone_get_the_same_answer(app: App, other: App) -> None:
    app.sign_up(email="d@test.sigap.id")
    wrong = other.sign_in("d@test.sigap.id", "salah-sandi")
    unknown = other.sign_in("081200000001")
    assert wrong.status_code == unknown.status_code == 401
    assert "sigap_session" not in wrong.cookies


def test_forms_without_the_csrf_token_are_refused(app: App) -> None:
    app.csrf()  # the device cookie exists, but the form does not carry it
    response = app.client.post(
        "/app/signin", data={"identifier": "x@test.sigap.id", "password": "x"}
    )
    assert response.status_code == 403


def test_sign_out_revokes_the_session(app: App) -> None:
    app.sign_up(email="e@test.sigap.id")
    response = app.act("/app/signout")
    assert response.status_code == 303
    assert app.client.get("/app/my", follow_redirects=False).status_code == 303


def test_my_reports_needs_an_account(app: App) -> None:
    response = app.client.get("/app/my", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/app/signin")
