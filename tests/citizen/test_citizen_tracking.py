"""The "track a report" box: a tracking code or a whole pasted link leads to the report; an
unknown code is a friendly page in the visitor's language, never a JSON error."""

from __future__ import annotations

import pytest

from .conftest import App

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def tracked(app: App, pasted: str, **params: str) -> str:
    response = app.client.get(
        "/app/track", params={"token": pasted, **params}, follow_redirects=False
    )
    assert response.status_code == 303, response.text[:300]
    location: str = response.headers["location"]
    return location


def test_the_home_page_box_goes_to_the_server(app: App) -> None:
    home = app.client.get("/app").text
    assert 'action="/app/track"' in home
    assert "onsubmit" not in home
    assert "Tempel kode pelacakan atau tautan pelacakan" in home
    assert "Paste your tracking code or tracking link" in app.client.get("/app?lang=en").text


@pytest.mark.parametrize(
    "pasted",
    [
        "{token}",
        "  {token}  ",
        "http://sigap.test/app/track/{token}",
        "https://example.org/app/track/{token}/",
        "sigap.test/app/track/{token}",
        "http://sigap.test/reports/301?token={token}",
    ],
)
def test_a_code_or_a_pasted_link_leads_to_the_report(app: App, pasted: str) -> None:
    token = app.file().json()["tracking_token"]
    location = tracked(app, pasted.format(token=token))
    assert location == f"/app/track/{token}"  # the language is remembered, not in the URL
    page = app.client.get(location)
    assert page.status_code == 200
    assert token in page.text


def test_a_pasted_report_link_leads_to_the_report(app: App) -> None:
    report_id = app.file().json()["id"]
    assert tracked(app, f"http://sigap.test/reports/{report_id}?lang=en&x=1") == (
        f"/reports/{report_id}"
    )
    assert tracked(app, f"/app/reports/{report_id}", lang="en") == (f"/reports/{report_id}?lang=en")


def test_an_empty_box_goes_home(app: App) -> None:
    assert tracked(app, "  ") == "/app"


@pytest.mark.parametrize("path", ["/app/track?token=nope", "/app/track/unknowntoken12345"])
def test_an_unknown_code_is_a_friendly_page_in_both_languages(app: App, path: str) -> None:
    page = app.client.get(path, headers=BROWSER)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Kode pelacakan ini tidak kami kenal" in page.text
    assert 'action="/app/track"' in page.text
    english = app.client.get(f"{path}{'&' if '?' in path else '?'}lang=en")
    assert english.status_code == 404
    assert english.headers["content-type"].startswith("text/html")
    assert "We do not know this tracking code" in english.text


def test_the_box_answers_in_the_remembered_language(app: App) -> None:
    app.client.get("/app?lang=en")
    page = app.client.get("/app/track", params={"token": "https://sigap.test/app/track/x"})
    assert page.status_code == 404
    assert "We do not know this tracking code" in page.text
