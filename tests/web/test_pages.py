"""The shared page layer: texts in both languages, escaping, time zone, static files."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from sigap.config import Settings
from sigap.web import pages
from sigap.web.texts import TEXTS


def _app() -> FastAPI:
    """A bare app with one page, so the layer is tested without a database."""
    app = FastAPI()
    app.state.settings = Settings()
    app.state.region = None

    @app.get("/hello")
    def hello(request: Request) -> HTMLResponse:
        return pages.render(request, "base.html")

    pages.mount_static(app)
    return app


def test_every_text_has_both_languages() -> None:
    for key, (indonesian, english) in TEXTS.items():
        assert indonesian.strip(), key
        assert english.strip(), key


def test_a_text_key_is_defined_in_one_app_module_only() -> None:
    from sigap.web import texts

    assert texts.DUPLICATES == 0


def test_page_is_indonesian_by_default_and_english_on_request() -> None:
    client = TestClient(_app())
    page = client.get("/hello")
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="id">' in page.text
    assert "Langsung ke isi" in page.text
    english = client.get("/hello", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in english.text
    assert "Skip to content" in english.text
    assert client.get("/hello?lang=en").headers["content-language"] == "en"


def test_language_switch_keeps_the_other_parameters() -> None:
    page = TestClient(_app()).get("/hello?status=open&lang=en")
    assert 'href="/hello?status=open&amp;lang=id"' in page.text


def test_templates_escape_what_they_are_given() -> None:
    html = pages.environment().from_string("{{ x }}").render(x="<script>alert(1)</script>")
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_times_are_shown_in_the_region_zone() -> None:
    moment = datetime(2026, 1, 1, 17, 30, tzinfo=UTC)
    assert pages.local_time(moment, ZoneInfo("Asia/Jakarta")) == "02-01-2026 00:30"
    assert pages.local_time(None, ZoneInfo("Asia/Jakarta")) == ""


def test_status_colours() -> None:
    assert pages.status_class("open") == "st-open"
    assert pages.status_class("in_progress") == "st-progress"
    assert pages.status_class("resolved") == "st-resolved"
    assert {pages.status_class(s) for s in ("closed", "rejected", "duplicate")} == {"st-closed"}


def test_static_files_and_leaflet_are_served_locally() -> None:
    client = TestClient(_app())
    assert "--open" in client.get("/static/sigap.css").text
    assert client.get("/static/leaflet/leaflet.js").status_code == 200
    assert client.get("/static/leaflet/leaflet.css").status_code == 200
    assert client.get("/static/markercluster/leaflet.markercluster.js").status_code == 200


def test_every_page_names_the_region_and_the_portal_invites_a_report(client: TestClient) -> None:
    for path in ("/", "/areas", "/ranking", "/app"):
        page = client.get(path)
        assert '<span class="region">DKI Jakarta</span>' in page.text, path
    portal = client.get("/")
    assert '<a class="cta" href="/app/new?lang=id">Laporkan</a>' in portal.text
    assert '<a href="/?lang=en">Map</a>' in client.get("/app?lang=en").text
