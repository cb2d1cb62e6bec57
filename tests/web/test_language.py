"""The language chosen with ?lang= is remembered (cookie sigap_lang) across the portal, the
citizen app, the officials' app and the admin console; ?lang= still wins, then the cookie, then
Accept-Language."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.officials.test_pages import sign_in
from tests.workflow.conftest import ADMIN

from sigap.i18n import from_header

ENGLISH = {"Accept-Language": "en"}


def test_a_chosen_language_is_remembered_across_the_apps(client: TestClient) -> None:
    chosen = client.get("/?lang=en")
    cookie = chosen.headers["set-cookie"]
    assert cookie.startswith("sigap_lang=en;")
    assert "Path=/" in cookie
    assert "SameSite=Lax" in cookie
    assert "Max-Age=31536000" in cookie
    assert '<html lang="en">' in client.get("/app").text
    assert '<html lang="en">' in client.get("/officials/login").text
    assert '<html lang="en">' in client.get("/areas").text
    back = client.get("/app?lang=id")
    assert back.headers["set-cookie"].startswith("sigap_lang=id;")
    assert '<html lang="id">' in client.get("/", headers=ENGLISH).text


def test_the_language_switch_keeps_working_with_a_remembered_choice(client: TestClient) -> None:
    client.get("/app?lang=en")
    page = client.get("/app/signin")
    assert '<html lang="en">' in page.text
    assert 'href="/app/signin?lang=id"' in page.text
    assert '<html lang="id">' in client.get("/app/signin?lang=id").text
    assert '<html lang="id">' in client.get("/app/signin").text


def test_query_wins_then_cookie_then_accept_language(client: TestClient) -> None:
    client.cookies.set("sigap_lang", "id")
    assert '<html lang="id">' in client.get("/areas", headers=ENGLISH).text
    remembered = client.get("/areas?lang=en", headers=ENGLISH)
    assert '<html lang="en">' in remembered.text
    client.cookies.set("sigap_lang", "xx")
    assert '<html lang="en">' in client.get("/areas", headers=ENGLISH).text
    client.cookies.set("sigap_lang", "en")
    assert client.get("/api/v1/reports/999999").json() == {
        "error": {"code": "report_not_found", "message": "Report 999999 was not found."}
    }


def test_the_choice_sticks_through_a_redirect(client: TestClient) -> None:
    sign_in(client, ADMIN)
    redirect = client.get("/admin?lang=en", follow_redirects=False)
    assert redirect.status_code == 303
    assert redirect.headers["set-cookie"].startswith("sigap_lang=en;")
    assert "Admin console" in client.get("/admin?lang=en").text


def test_no_cookie_for_api_paths_or_an_unchanged_choice(client: TestClient) -> None:
    assert "set-cookie" not in client.get("/api/v1/categories?lang=en").headers
    assert "set-cookie" not in client.get("/open311/v2/services.json?lang=en").headers
    assert "set-cookie" not in client.get("/areas?lang=xx").headers
    client.cookies.set("sigap_lang", "en")
    assert "set-cookie" not in client.get("/areas?lang=en").headers


def test_the_cookie_header_is_read_only_for_its_own_name() -> None:
    assert from_header("a=1; sigap_lang=en; b=2") == "en"
    assert from_header("xsigap_lang=en") is None
    assert from_header("sigap_lang=fr") is None
    assert from_header("other=1") is None
