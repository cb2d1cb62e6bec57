"""What reaches every request, checked on every route of the app (walked with plausible path
values over a real server, the live stream and the gate's hot routes included), static
files, photos, 404s and 500s: the security headers (sigap.web.security; pages under a policy
without inline script, everything else under one that allows nothing), the language choice
remembered on pages (sigap.web.language), and a middleware added with ``add_middleware``."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from PIL import Image
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tests.browser.conftest import serving
from tests.workflow.conftest import ADMIN, MONAS

from sigap.app import create_app
from sigap.config import Settings
from sigap.demo import DEMO_PASSWORD
from sigap.reports import router as reports_router
from sigap.web.negotiate import is_page_path
from sigap.web.security import page_policy, source_of

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
NOTHING_ALLOWED = "default-src 'none'; frame-ancestors 'none'"
# A plausible value of each path parameter of the app's routes, by name. A route with a
# parameter missing here fails the walk: add its value, and it is checked too.
VALUES = {
    "fmt": "json",
    "service_code": "sampah",
    "path": "nothing.json",
    "code": "31.71",  # an area's; a category's and a unit's below (CODES)
    "level": "kelurahan",
    "z": "12",
    "x": "3265",
    "y": "2119",
    "day": "2026-01-01",
    "section": "units",
    "action": "support",
    "question": "q1",
    "stop_id": "mrt:SBHI",
    "route_id": "mrt:MRTJ_NS",
    **dict.fromkeys(
        (
            "rule_id",
            "account_id",
            "comment_id",
            "photo_id",
            "endpoint_id",
            "message_id",
            "unit_id",
            "token_id",
            "channel_id",
            "product_id",
            "seller_id",
            "order_id",
            "card_id",
            "topup_id",
            "validator_id",
            "review_id",
        ),
        "1",
    ),
}
CODES = {"/categories/": "sampah", "/ranking/": "bina-marga"}
STATIC_FILES = {
    "/static/swagger": "/static/swagger/swagger-ui.css",
    "/static/leaflet": "/static/leaflet/leaflet.js",
    "/static/markercluster": "/static/markercluster/MarkerCluster.css",
    "/static": "/static/sigap.css",
}


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 90, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


class Marking:
    """A middleware as an app might add one: it marks every answer it passes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message["headers"], (b"x-marked", b"1")]}
            await send(message)

        await self.app(scope, receive, marked if scope["type"] == "http" else send)


def check(response: httpx.Response, page_csp: str) -> None:
    """The headers every answer carries, each once; the policy of its kind of path. The
    added middleware's mark on all but a bug's 500, which the outermost layer answers."""
    what = f"{response.request.method} {response.request.url.path} -> {response.status_code}"
    headers = response.headers
    assert headers.get_list("x-marked") == ([] if response.status_code == 500 else ["1"]), what
    for name, value in (
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
    ):
        assert headers.get_list(name) == [value], what
    expected = page_csp if is_page_path(response.request.url.path) else NOTHING_ALLOWED
    assert headers.get_list("content-security-policy") == [expected], what


def fill(path: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).partition(":")[0]
        assert name in values, f"no plausible value for {{{name}}} in {path}: add it to VALUES"
        if name == "code":
            return next((code for part, code in CODES.items() if part in path), values[name])
        return values[name]

    return re.sub(r"{([^}]+)}", value, path)


@pytest.fixture
def own_settings(settings: Settings, isolated_database_url: str) -> Settings:
    """A database of the test's own: the walk's admin requests may change units or rules."""
    return settings.model_copy(update={"database_url": isolated_database_url})


@pytest.fixture
def served(own_settings: Settings) -> Iterator[tuple[FastAPI, httpx.Client]]:
    """The app on a real server, and a client signed in as the admin (page cookie and API
    token)."""
    app = create_app(own_settings)
    app.add_middleware(Marking)
    with serving(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        form = http.get("/officials/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)
        assert csrf is not None
        login = {"email": ADMIN, "password": DEMO_PASSWORD, "csrf": csrf.group(1)}
        assert http.post("/officials/login", data=login).status_code == 303
        token = http.post("/api/v1/auth/tokens", json={"email": ADMIN, "password": DEMO_PASSWORD})
        http.headers["Authorization"] = f"Bearer {token.json()['token']}"
        yield app, http


def submitted(http: httpx.Client, page_csp: str) -> dict[str, Any]:
    body = {"category": "sampah", **MONAS, "description": "Sampah menumpuk di trotoar."}
    photo = [("photo", ("before.jpg", jpeg(), "image/jpeg"))]
    response = http.post("/api/v1/reports", data=body, files=photo)  # the fast lane
    assert response.status_code == 201, response.text
    check(response, page_csp)
    report: dict[str, Any] = response.json()
    return report


def walk(app: FastAPI, values: dict[str, str]) -> list[tuple[str, str]]:
    """(method, path) of every route, a file of every static mount; deletions last, and the
    one that revokes the walker's own token at the very end."""
    requests = []
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):
            requests.append(("GET", STATIC_FILES[route.path]))
        else:
            path = fill(route.path, values)
            requests.extend((method, path) for method in sorted(route.methods or ()))
    return sorted(
        requests, key=lambda r: (r[0] == "DELETE", r == ("DELETE", "/api/v1/auth/tokens"))
    )


def test_every_route_answers_with_the_security_headers(
    served: tuple[FastAPI, httpx.Client], own_settings: Settings
) -> None:
    app, http = served
    page_csp = page_policy(own_settings)
    report = submitted(http, page_csp)
    values = {
        **VALUES,
        "report_id": str(report["id"]),
        "service_request_id": str(report["id"]),
        "token": report["tracking_token"],
        "key": report["photos"][0]["url"].rpartition("/media/")[2],
    }
    requests = walk(app, values)
    pages = 0
    for number, (method, path) in enumerate(requests):
        language = ("id", "en")[number % 2]
        http.cookies.set("sigap_lang", ("en", "id")[number % 2])  # the other choice
        # Streamed: the live stream never ends; its headers are all this needs.
        with http.stream(method, path, params={"lang": language}, headers=BROWSER) as response:
            check(response, page_csp)
            cookie = f"sigap_lang={language}; Max-Age=31536000; Path=/; SameSite=Lax"
            remembered = [cookie] if is_page_path(path) else []
            set_cookies = response.headers.get_list("set-cookie")
            chosen = [c for c in set_cookies if c.startswith("sigap_lang=")]
            assert chosen == remembered, (method, path)
            if response.headers.get("content-type", "").startswith("text/html"):
                assert_nothing_inline(response.read().decode(), path)
                pages += 1
    assert len(requests) > 130
    assert pages > 30


INLINE = re.compile(
    r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>"  # a script that would run
    r"|\sstyle=|\son[a-z]+=|javascript:",  # a style attribute, an event handler
    re.IGNORECASE,
)


def assert_nothing_inline(html: str, path: str) -> None:
    """Nothing the page policy would block: scripts are files, data is JSON, no style
    attributes nor event handlers."""
    found = INLINE.search(html)
    assert found is None, f"{path}: {html[max(found.start() - 80, 0) : found.end() + 80]}"


def boom() -> None:
    raise RuntimeError("a bug")


async def broken(*_: object) -> None:
    raise RuntimeError("a bug in a hot route")


def test_errors_and_both_lanes_carry_them(
    served: tuple[FastAPI, httpx.Client], own_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, http = served
    page_csp = page_policy(own_settings)
    app.add_api_route("/app/boom", boom)
    app.add_api_route("/api/v1/boom", boom)
    answers = [
        http.get("/no-such-page", headers=BROWSER),  # a 404 page
        http.get("/no-such-page"),  # the same 404 as JSON
        http.get("/static/no-such-file.js"),
        # A bug's 500 is sent, then the error raised again: the server drops the connection.
        http.get("/app/boom", headers={**BROWSER, "Connection": "close"}),  # a 500 page
        http.get("/api/v1/boom", headers={"Connection": "close"}),
        http.post("/open311/v2/requests.xml", data={"service_code": "sampah"}),  # no key
        http.get("/open311/v2/services.xml"),  # hot routes
        http.get("/open311/v2/requests.xml"),
        http.get("/docs"),
    ]
    monkeypatch.setattr(reports_router, "parse_json", broken)
    answers.append(http.post("/api/v1/reports", json={}, headers={"Connection": "close"}))
    statuses = [answer.status_code for answer in answers]
    assert statuses == [404, 404, 404, 500, 500, 403, 200, 200, 200, 500]
    for answer in answers:
        check(answer, page_csp)
    assert_nothing_inline(answers[-2].text, "/docs")
    assert "/static/api-docs.js" in answers[-2].text


def test_pages_may_load_tiles_and_photos_from_the_deployment_s_hosts(settings: Settings) -> None:
    elsewhere = settings.model_copy(
        update={
            "public_url": "https://lapor.jakarta.go.id",
            "map_tile_url": "https://{s}.tiles.jakarta.go.id/{z}/{x}/{y}.png",
            "media_url": "https://foto.jakarta.go.id:8443/media",
        }
    )
    with TestClient(create_app(elsewhere)) as client:
        page = client.get("/", headers=BROWSER)
        api = client.get("/api/v1/categories")
    policy = page.headers["content-security-policy"]
    hosts = "https://*.tiles.jakarta.go.id https://foto.jakarta.go.id:8443"
    assert f"img-src 'self' data: blob: {hosts};" in policy
    assert f"connect-src 'self' {hosts};" in policy
    assert "script-src 'self';" in policy
    assert "'unsafe-inline'" not in policy
    assert api.headers["content-security-policy"] == NOTHING_ALLOWED
    for answer in (page, api):  # https: browsers are told to stay on https
        assert answer.headers["strict-transport-security"] == "max-age=31536000"


def test_plain_http_deployments_send_no_hsts(client: TestClient) -> None:
    page = client.get("/", headers=BROWSER)
    assert page.status_code == 200
    assert "strict-transport-security" not in page.headers
    # The whole policy of a page, photos at the public URL (http://sigap.test/media).
    assert page.headers["content-security-policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        "img-src 'self' data: blob: http://sigap.test; connect-src 'self' http://sigap.test; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
        ("https://tiles.example.org:8080/{z}/{x}/{y}.png?key=k", "https://tiles.example.org:8080"),
        ("https://tiles-{s}.example.org/{z}/{x}/{y}.png", "https:"),  # no wildcard fits
        ("https://a.{s}.example.org/{z}/{x}/{y}.png", "https:"),
        ("/media", None),  # the same host: 'self'
        (None, None),
        ("ftp://example.org/x", None),
    ],
)
def test_a_host_template_becomes_the_narrowest_source_that_holds_it(
    url: str | None, source: str | None
) -> None:
    assert source_of(url) == source
