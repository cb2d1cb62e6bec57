"""Errors as pages for browsers, the JSON error for everyone else (web/errors.py): same status,
same machine code, same headers, in the request's language."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.officials.test_pages import sign_in
from tests.workflow.conftest import LURAH

from sigap.errors import SigapError
from sigap.reports import router as reports_router

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
NOT_FOUND_JSON = b'{"error":{"code":"not_found","message":"Alamat ini tidak ada."}}'


def is_page(response: object) -> bool:
    return response.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]


def test_an_unknown_page_in_a_browser_is_a_page_in_both_languages(client: TestClient) -> None:
    page = client.get("/no-such-page", headers=BROWSER)
    assert page.status_code == 404
    assert is_page(page)
    assert "<title>Halaman tidak ditemukan" in page.text
    assert "Alamat ini tidak ada." in page.text
    assert "<code>not_found</code>" in page.text
    assert 'href="/?lang=id"' in page.text
    assert 'href="/app?lang=id"' in page.text
    english = client.get("/no-such-page?lang=en", headers=BROWSER)
    assert english.status_code == 404
    assert "<title>Page not found" in english.text
    assert "There is nothing at this address." in english.text
    assert english.headers["content-language"] == "en"


def test_api_clients_and_api_paths_keep_the_json_error(client: TestClient) -> None:
    assert client.get("/no-such-page").content == NOT_FOUND_JSON
    assert client.get("/no-such-page", headers={"Accept": "application/json"}).content == (
        NOT_FOUND_JSON
    )
    for path in ("/api/v1/nothing", "/static/nothing.css"):
        response = client.get(path, headers=BROWSER)
        assert response.status_code == 404, path
        assert response.content == NOT_FOUND_JSON, path
    english = client.get("/api/v1/reports/999999?lang=en", headers=BROWSER)
    assert english.json()["error"]["code"] == "report_not_found"
    assert english.headers["content-type"] == "application/json"
    assert not is_page(client.get("/open311/v2/nothing.json", headers=BROWSER))
    assert not is_page(client.get("/media/nothing.jpg", headers=BROWSER))
    assert client.post("/openapi.json", headers=BROWSER).json()["error"]["code"] == (
        "method_not_allowed"
    )


def test_an_official_in_the_admin_console_is_told_not_allowed(client: TestClient) -> None:
    sign_in(client, LURAH)
    page = client.get("/admin/units", headers=BROWSER)
    assert page.status_code == 403
    assert "<title>Anda tidak diizinkan" in page.text
    assert "Halaman tidak ditemukan" not in page.text
    english = client.get("/admin/units?lang=en", headers=BROWSER)
    assert "<title>You may not open this page" in english.text


def test_a_refused_form_is_a_403_page_with_its_code(client: TestClient) -> None:
    for lang, title in (("id", "Anda tidak diizinkan"), ("en", "You may not open this page")):
        page = client.post(f"/app/signout?lang={lang}", data={"csrf": "x"}, headers=BROWSER)
        assert page.status_code == 403
        assert f"<title>{title}" in page.text
        assert "<code>csrf_failed</code>" in page.text
    answer = client.post("/app/signout", data={"csrf": "x"})
    assert answer.json()["error"]["code"] == "csrf_failed"


def slow_down() -> None:
    raise SigapError("too_many_reports", limit=5, retry_after_s=60)


def test_too_many_requests_keeps_retry_after_as_page_and_json(client: TestClient) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    app.add_api_route("/app/slow", slow_down)
    app.add_api_route("/api/v1/slow", slow_down)
    for lang, title in (("id", "Terlalu banyak permintaan"), ("en", "Too many requests")):
        page = client.get(f"/app/slow?lang={lang}", headers=BROWSER)
        assert page.status_code == 429
        assert page.headers["retry-after"] == "60"
        assert f"<title>{title}" in page.text
        assert "<code>too_many_reports</code>" in page.text
    answer = client.get("/api/v1/slow", headers=BROWSER)
    assert answer.status_code == 429
    assert answer.headers["retry-after"] == "60"
    assert answer.json()["error"]["code"] == "too_many_reports"


def test_other_statuses_name_what_happened(client: TestClient) -> None:
    page = client.post("/areas", headers=BROWSER)
    assert page.status_code == 405
    assert "<code>method_not_allowed</code>" in page.text
    assert "<title>Permintaan tidak dapat diproses" in page.text
    assert client.post("/areas").json()["error"]["code"] == "method_not_allowed"


def boom() -> None:
    raise RuntimeError("a bug")


def test_a_bug_is_a_500_page_for_browsers_and_still_raised(client: TestClient) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    app.add_api_route("/app/boom", boom)
    app.add_api_route("/api/v1/boom", boom)
    quiet = TestClient(app, raise_server_exceptions=False)
    for lang, title in (("id", "Terjadi kesalahan di server"), ("en", "Something went wrong")):
        page = quiet.get(f"/app/boom?lang={lang}", headers=BROWSER)
        assert page.status_code == 500
        assert f"<title>{title}" in page.text
    api = quiet.get("/api/v1/boom", headers=BROWSER)
    assert (api.status_code, api.text) == (500, "Internal Server Error")
    with pytest.raises(RuntimeError):
        client.get("/app/boom", headers=BROWSER)


async def broken_submit(*_: object) -> None:
    raise RuntimeError("a bug in a hot route")


def test_a_hot_route_answers_through_the_same_handlers(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    invalid = client.post("/api/v1/reports", content=b"{", headers=BROWSER)
    assert invalid.status_code == 422
    assert invalid.json()["error"]["code"] == "invalid_input"
    monkeypatch.setattr(reports_router, "parse_json", broken_submit)
    quiet = TestClient(client.app, raise_server_exceptions=False)
    answer = quiet.post("/api/v1/reports", content=b"{}", headers=BROWSER)
    assert (answer.status_code, answer.text) == (500, "Internal Server Error")
    with pytest.raises(RuntimeError):
        client.post("/api/v1/reports", content=b"{}")
