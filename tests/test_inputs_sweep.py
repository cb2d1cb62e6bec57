"""Bad input never reaches a 500 (sigap.inputs): hostile values in every parameter of every route.

The sweep walks ``app.routes`` (path, query and header parameters, the JSON bodies of the
OpenAPI document) and the forms of the pages (found in the pages themselves, as a browser finds
them), and sends each parameter in turn an id beyond 64 bits, a 5,000-digit number, NUL and
other control characters and dates at the ends of the calendar, the other parameters kept
valid so that the hostile one reaches as deep as it can. Every answer must be below 500 and,
when refused, carry the usual error body: ``{"error": {"code", "message"}}`` from the JSON API,
the spec's errors document from Open311 (JSON or XML), a page from the pages.
"""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from tests.sweep import (
    ADMIN,
    ADMIN_PAGES,
    BODIES,
    ESCAPES,
    HOSTILE_HEADERS,
    NUL,
    PageForm,
    Sweep,
    api_routes,
    asgi,
    city_pages,
    fill,
    open_shop,
    prepare,
    refusal_problem,
    sign_in_official,
    sign_up_citizen,
    sweep_form,
    sweep_pages,
    sweep_routes,
)

pytestmark = pytest.mark.slow  # a sweep of every parameter of every route


@pytest.fixture
def database_url(isolated_database_url: str) -> str:
    """The sweep changes reference data (units, categories) through the console."""
    return isolated_database_url


def test_no_parameter_of_any_route_reaches_a_server_error(client: TestClient) -> None:
    known, auth = prepare(client)
    sweep = Sweep(client, known)

    sweep_routes(sweep, auth)

    assert sweep.sent > 1000
    assert not sweep.failures, "\n".join(sweep.failures) + f"\n({len(sweep.failures)})"


def market_pages(client: TestClient) -> list[str]:
    """The market's pages with forms, for the account open_shop made (a seller who ordered
    from its own shop): its forms, a product's, its orders'."""
    found = ["/app/shop/register", "/app/shop/products/new", "/app/market"]
    for page, link in (
        ("/app/shop", r"/app/shop/products/\d+/edit"),
        ("/app/market", r"/app/market/products/\d+"),
        ("/app/market/orders", r"/app/market/orders/\d+"),
    ):
        links = re.findall(link, client.get(page).text)
        assert links, page
        found.append(links[0])
    return found


def test_no_field_of_any_form_reaches_a_server_error(client: TestClient) -> None:
    known, _ = prepare(client)
    sweep, done = Sweep(client, known), set[tuple[str, str]]()
    public = ["/app/signin", "/app/signup", "/officials/login", "/app/track", "/officials"]
    sweep_pages(sweep, public, done)
    csrf = sign_up_citizen(client)
    card = client.post(
        "/app/cards", data={"number": "5555 6666 7777 8888", "csrf": csrf}, follow_redirects=False
    )
    assert card.status_code == 303, card.text
    sweep.known["card_id"] = card.headers["location"].rsplit("/", 1)[1]
    open_shop(client, "warga.sweep@test.sigap.id", "rahasia-sekali")
    pages = ["/app/reports/{report_id}", "/app/track/{token}", "/app/my", "/app/shop"]
    sweep_pages(sweep, [*pages, "/app/cards", "/app/cards/{card_id}", *market_pages(client)], done)
    report = {"category": "sampah", "lat": "-6.1754", "lon": "106.8272", "description": "Sampah."}
    sweep_form(sweep, PageForm("POST", "/app/submit", report), {"X-CSRF-Token": csrf})
    rating = {"stars": "4", "comment": "Bagus.", "reason": "Belum.", "csrf": csrf}
    for action in ("rate", "appeal"):
        sweep_form(sweep, PageForm("POST", fill(f"/app/track/{{token}}/{action}", known), rating))
    sign_in_official(client, "lurah.gambir@demo.sigap.id")
    officials = ["/officials", "/officials/reports/{report_id}", *city_pages(client)]
    sweep_pages(sweep, officials, done)
    sign_in_official(client, ADMIN)
    sweep_pages(sweep, [*ADMIN_PAGES, "/admin/categories/sampah", "/admin/routing"], done)

    pages = [
        (method, route)
        for method, _, route in api_routes(client)
        if method != "GET"
        and not route.include_in_schema
        and route.path != "/open311/v2/{path:path}"
    ]
    missed = [r.path for _, r in pages if not any(r.path_regex.match(p) for p in sweep.forms_sent)]
    assert not missed, f"no form of these routes was swept: {missed}"
    assert not sweep.failures, "\n".join(sweep.failures) + f"\n({len(sweep.failures)})"


def test_no_header_reaches_a_server_error(client: TestClient) -> None:
    known, auth = prepare(client)
    spec = client.get("/openapi.json").json()
    failures, sent = [], 0
    for method, path, _ in api_routes(client):
        operation = spec["paths"].get(path, {}).get(method.lower(), {})
        named = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        body = BODIES.get((method, path))
        content = json.dumps(body).encode() if body else b""
        for name, value in [(n, v) for n in named for v in HOSTILE_HEADERS] + [
            ("X-Anything", NUL),
            ("Cookie", f"sigap_device={ESCAPES}"),
        ]:
            headers = {**auth, "Content-Type": "application/json", name: value}
            url = fill(path, known)
            try:
                answer = asgi(client, method, url, headers, content)
            except Exception as exc:
                failures.append(f"{method} {url} {name}={value[:40]!r}: raised {exc!r:.200}")
                continue
            sent += 1
            problem = refusal_problem(url, answer.status, answer.headers, answer.content)
            # Any Idempotency-Key is a string; Last-Event-ID 0 asks for the whole backlog.
            accepted = name == "Idempotency-Key" or (name == "last-event-id" and value == "0")
            if problem or (not accepted and answer.status < 400):
                failures.append(f"{method} {url} {name}={value[:40]!r}: {problem or answer.status}")

    assert sent > 200
    assert not failures, "\n".join(failures)
