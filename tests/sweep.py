"""The machinery of the bad-input sweep (tests/test_inputs.py): the hostile values, the walk of
``app.routes`` and of the OpenAPI document, the pages' forms as a browser finds them, and a raw
ASGI call for headers the test client would not send."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import anyio
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from PIL import Image
from pydantic import BaseModel

from sigap.demo import DEMO_PASSWORD
from sigap.kit import utcnow
from sigap.transit import store

BIG = "99999999999999999999"  # beyond 64 bits
DIGITS = "9" * 5000  # beyond Python's int() of text, 4,300 digits
EARLIEST = "0001-01-01T00:00:00"  # naive: the region's zone takes it before year 1 in UTC
LATEST = "9999-12-31T23:59:59-12:00"  # after the year 9999 in UTC
NUL = "a\x00b"
ESCAPES = "\x1b[2J\x07"
# By what a parameter is declared to be (text may be read as anything: all of them).
HOSTILE = {
    "integer": [BIG, "-" + BIG, DIGITS, "0", "1e20"],
    "number": [BIG, "1e999", "-inf", "nan", NUL],
    "other": [BIG, NUL],
    "string": [BIG, "-" + BIG, DIGITS, "0", "nan", NUL, ESCAPES, EARLIEST, LATEST],
}
# In a JSON body, numbers beyond what the columns hold too.
HOSTILE_JSON: dict[str, list[Any]] = {
    "integer": [10**20, -(10**20), 1e20, 2**63, 2**31, BIG, DIGITS],
    "number": [1e308, -1e308, "nan", "inf", BIG],
    "other": [10**20, NUL],
    "string": [10**20, BIG, DIGITS, NUL, ESCAPES, EARLIEST, LATEST],
}
HOSTILE_FORM = [BIG, DIGITS, "nan", NUL, "\x01", EARLIEST, LATEST]
MONAS = {"lat": -6.1754, "lon": 106.8272}
ADMIN = "admin@demo.sigap.id"
REPORT = {"category": "sampah", **MONAS, "description": "Sampah menumpuk di trotoar dekat pasar."}


@dataclass
class Sweep:
    """The requests sent and what was wrong with their answers."""

    client: TestClient
    known: dict[str, str] = field(default_factory=dict)  # a valid value per parameter name
    sent: int = 0
    failures: list[str] = field(default_factory=list)
    routes_hit: set[tuple[str, str]] = field(default_factory=set)
    forms_sent: set[str] = field(default_factory=set)  # the paths posted to

    def request(self, method: str, url: str, **kwargs: Any) -> None:
        self.sent += 1
        try:  # the test client raises what the server raised (the server would answer 500)
            response = self.client.request(method, url, follow_redirects=False, **kwargs)
        except Exception as exc:
            self.failures.append(f"{method} {url[:150]!r} {shown(kwargs)}: raised {exc!r:.300}")
            return
        problem = refusal_problem(url, response.status_code, response.headers, response.content)
        if problem:
            self.failures.append(f"{method} {url[:150]!r} {shown(kwargs)}: {problem}")


def shown(kwargs: dict[str, Any]) -> str:
    return repr({k: v for k, v in kwargs.items() if k != "headers"})[:200]


def refusal_problem(url: str, status: int, headers: Any, content: bytes) -> str | None:
    """What is wrong with an answer to a hostile request (None: nothing)."""
    if status >= 500:
        return f"{status}: {content[:300]!r}"
    if status < 400:
        return None
    kind = headers.get("content-type", "")
    path = urlsplit(url).path
    try:
        if kind.startswith("application/json") and path.startswith("/open311/"):
            errors = json.loads(content)
            assert errors
            assert all(e["code"] and e["description"] for e in errors)
        elif kind.startswith("application/json"):
            error = json.loads(content)["error"]
            assert isinstance(error["code"], str)
            assert error["code"]
            assert isinstance(error["message"], str)
            assert error["message"]
        elif kind.startswith("text/xml"):
            root = ET.fromstring(content)  # noqa: S314 - our own answer
            assert root.tag == "errors"
            assert root.findtext("error/code")
        elif kind.startswith("text/html"):
            assert b"<html" in content
            assert b"<title>" in content
        else:
            return f"{status} with {kind!r}: {content[:200]!r}"
    except (AssertionError, ValueError, KeyError, TypeError, ET.ParseError):
        return f"{status}: not the usual error body: {content[:300]!r}"
    return None


def api_routes(client: TestClient) -> Iterator[tuple[str, str, APIRoute]]:
    for context in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        route = context.original_route
        if isinstance(route, APIRoute):
            for method in sorted(context.methods or ()):
                if method not in ("HEAD", "OPTIONS"):
                    yield method, str(context.path), route


@dataclass(frozen=True)
class Param:
    name: str  # as sent
    required: bool
    kind: str  # a key of HOSTILE


def kind_of(annotation: Any) -> str:
    text = str(annotation)
    if "int" in text and "str" not in text:
        return "integer"
    if "float" in text and "str" not in text:
        return "number"
    if "str" in text or "datetime" in text:
        return "string"
    return "other"


def parameters(route: APIRoute, where: str) -> list[Param]:
    """The route's parameters in ``where`` (path, query, header), its dependencies' too."""
    found: list[Param] = []
    todo = [route.dependant]
    while todo:
        dependant = todo.pop()
        todo.extend(dependant.dependencies)
        for param in getattr(dependant, f"{where}_params"):
            model = param.field_info.annotation
            if isinstance(model, type) and issubclass(model, BaseModel):  # a query model
                found.extend(
                    Param(k, f.is_required(), kind_of(f.annotation))
                    for k, f in model.model_fields.items()
                )
            else:
                found.append(Param(param.alias, param.field_info.is_required(), kind_of(model)))
    return found


# ---- valid values, so that the one hostile parameter reaches as deep as it can -------------

ACTIONS = {
    "/officials/reports/{report_id}/{action}": "acknowledge",
    "/admin/{section}/{action}": "create",
    "/admin/categories/{code}/questions/{action}": "add",
    "/app/reports/{report_id}/{action}": "comment",
    "/app/track/{token}/{action}": "rate",
    "/api/v1/admin/photos/{photo_id}/{action}": "hide",
    "/api/v1/admin/comments/{comment_id}/{action}": "hide",
    "/admin/transit/{action}": "check",
    "/admin/fares/validators/{action}": "create",
    "/app/cards/{card_id}/{action}": "topup",
    "/app/shop/orders/{order_id}/{action}": "accept",
    "/app/market/orders/{order_id}/{action}": "cancel",
    "/app/shop/products/{product_id}/photos/{photo_id}/{action}": "later",
    "/officials/market/orders/{order_id}/{action}": "cancel",
    "/api/v1/admin/market/reviews/{review_id}/{action}": "hide",
}
QUERY = {
    "bbox": "106.7,-6.3,106.9,-6.1",
    "zoom": "12",
    "q": "gambir",
    "lat": str(MONAS["lat"]),
    "lon": str(MONAS["lon"]),
    "category": "sampah",
    # the small feed prepare imports (tests/transit/feeds.py): from Halte Alfa to Halte Charlie
    "from_lat": "-6.1754",
    "from_lon": "106.8201",
    "to_lat": "-6.1754",
    "to_lon": "106.8399",
    "name": "sapu",  # a feed's name (the admin's routes CSV)
}


def path_value(template: str, name: str, known: dict[str, str]) -> str:
    if name == "action":
        return ACTIONS[template]
    if name == "code" and "/categories/" in template:
        return "sampah"
    return known.get(name, "1")


def fill(template: str, known: dict[str, str], hostile: tuple[str, str] | None = None) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        if hostile is not None and hostile[0] == name:
            return quote(hostile[1], safe="")
        return quote(path_value(template, name, known), safe="")

    return re.sub(r"\{([^}]+)\}", one, template)


# ---- JSON bodies ---------------------------------------------------------------------------


def body_schema(spec: dict[str, Any], path: str, method: str) -> dict[str, Any] | None:
    operation = spec["paths"].get(path, {}).get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return resolve(spec, schema) if schema else None


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for choice in schema.get("anyOf", []):
        if choice.get("type") != "null":
            return resolve(spec, choice)
    return schema


def example(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A value the schema accepts, from its examples, default, enum or type."""
    schema = resolve(spec, schema)
    for key in ("examples", "enum"):
        if schema.get(key):
            return schema[key][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object":
        required = schema.get("required", [])
        return {
            k: example(spec, v) for k, v in schema.get("properties", {}).items() if k in required
        }
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    return "x" * max(3, schema.get("minLength", 3))


def hostile_bodies(spec: dict[str, Any], schema: dict[str, Any], base: Any) -> Iterator[Any]:
    """The base body with each field in turn (nested objects' fields too) made hostile."""
    properties = schema.get("properties", {})
    for name in sorted(set(properties) | set(base)):
        inner = resolve(spec, properties.get(name, {}))
        if isinstance(base.get(name), dict):
            for value in hostile_bodies(spec, inner, base[name]):
                yield {**base, name: value}
        kind = (
            inner.get("type") if inner.get("type") in ("integer", "number", "string") else "other"
        )
        for value in HOSTILE_JSON[kind if "format" not in inner else "string"]:
            yield {**base, name: value}


# ---- the pages' forms ----------------------------------------------------------------------


@dataclass
class PageForm:
    method: str
    action: str
    fields: dict[str, str]


class Forms(HTMLParser):
    """The forms of a page with the values a browser would send."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[PageForm] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("action"):
            self.forms.append(PageForm(a.get("method", "get").upper(), a["action"], {}))
        elif not self.forms or not a.get("name"):
            self._select = None if tag == "select" else self._select
        elif tag == "input" and a.get("type") not in ("file", "submit", "button"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.forms[-1].fields[a["name"]] = a.get("value", "")
        elif tag in ("textarea", "select"):
            self.forms[-1].fields[a["name"]] = "Catatan uji."
            self._select = a["name"] if tag == "select" else None
        elif tag == "option" and self._select is not None:
            fields = self.forms[-1].fields
            if fields[self._select] == "Catatan uji." or "selected" in a:
                fields[self._select] = a.get("value", "")


def forms_of(client: TestClient, page: str) -> list[PageForm]:
    parser = Forms()
    parser.feed(client.get(page, headers={"Accept": "text/html"}).text)
    return [form for form in parser.forms if form.action.startswith("/")]


def multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    """A multipart/form-data body of plain fields (the test client makes one only with files)."""
    boundary = "sigap-sweep"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return (
        "".join(parts) + f"--{boundary}--\r\n"
    ).encode(), f"multipart/form-data; boundary={boundary}"


def sweep_form(sweep: Sweep, form: PageForm, headers: dict[str, str] | None = None) -> None:
    """The form with each field in turn hostile (the CSRF token kept), and once as multipart
    with a NUL in a field of its own."""
    html = {"Accept": "text/html", **(headers or {})}
    names = [name for name in form.fields if name != "csrf"] or ["note"]
    for name in names:
        for value in HOSTILE_FORM:
            data = {**form.fields, name: value}
            if form.method == "GET":
                sweep.request("GET", form.action, params=data, headers=html)
            else:
                sweep.request("POST", form.action, data=data, headers=html)
    if form.method == "POST":
        body, kind = multipart({**form.fields, "extra": NUL})
        sweep.request("POST", form.action, content=body, headers={**html, "Content-Type": kind})
    sweep.forms_sent.add(urlsplit(form.action).path)


# ---- the sweep -----------------------------------------------------------------------------

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/reports"): {
        **REPORT,
        "address": "Jl. Pasar Baru",
        "reporter": {"name": "Warga", "email": "warga@example.id", "phone": "0812 3456 7890"},
        "attributes": {"jenis_sampah": ["plastik"]},
    },
    ("POST", "/api/v1/officials/reports/{report_id}/duplicate"): {"parent_id": 0, "note": "Sama."},
    ("POST", "/api/v1/officials/reports/{report_id}/forward"): {
        "unit": "bina-marga",
        "reason": "Bukan wewenang kami.",
    },
    ("POST", "/api/v1/officials/reports/{report_id}/reject"): {"reason": "spam", "note": "Uji."},
    ("POST", "/api/v1/officials/reports/{report_id}/assign"): {"officer": 0, "note": "Uji."},
    ("POST", "/api/v1/admin/units"): {
        "code": "uji-unit",
        "name_id": "Unit Uji",
        "name_en": "Test unit",
        "kind": "agency",
        "parent_code": "bina-marga",
        "area_code": "31.71",
    },
    ("POST", "/api/v1/admin/units/{unit_id}/deactivate"): {"to_unit": "bina-marga", "reason": "X"},
    ("POST", "/api/v1/admin/officials"): {
        "email": "uji@test.sigap.id",
        "name": "Petugas Uji",
        "role": "field_officer",
        "unit_code": "bina-marga",
    },
    ("POST", "/api/v1/admin/officials/{account_id}/assign"): {
        "role": "field_officer",
        "unit_code": "bina-marga",
    },
    ("POST", "/api/v1/admin/categories"): {
        "code": "uji",
        "name_id": "Uji",
        "name_en": "Test",
        "response_hours": 24,
        "resolution_hours": 72,
        "sort_order": 1,
    },
    ("PATCH", "/api/v1/admin/categories/{code}"): {
        "response_hours": 24,
        "resolution_hours": 72,
        "sort_order": 1,
    },
    ("POST", "/api/v1/admin/categories/{code}/questions"): {
        "code": "uji",
        "datatype": "singlevaluelist",
        "order": 1,
        "label_id": "Uji?",
        "label_en": "Test?",
        "values": [{"key": "a", "name_id": "A", "name_en": "A"}],
    },
    ("PATCH", "/api/v1/admin/categories/{code}/questions/{question}"): {
        "order": 1,
        "label_id": "Uji?",
    },
    ("POST", "/api/v1/admin/routing"): {
        "category_code": "sampah",
        "area_code": "31.71",
        "unit_code": "bina-marga",
    },
    ("POST", "/api/v1/admin/webhooks"): {
        "url": "https://hooks.example.org/sigap",
        "events": ["*"],
        "secret": "s" * 16,
    },
    ("POST", "/api/v1/track/{token}/rating"): {"stars": 4, "comment": "Terima kasih."},
}


def first(client: TestClient, url: str, headers: dict[str, str], key: str = "id") -> str:
    data = client.get(url, headers=headers).json()
    items = data["items"] if isinstance(data, dict) else data
    return str(items[0][key]) if items else "1"


def prepare(client: TestClient) -> tuple[dict[str, str], dict[str, str]]:
    """Reports, and the ids of things that exist, for the parameters that are not hostile."""
    login = {"email": ADMIN, "password": DEMO_PASSWORD}
    token = client.post("/api/v1/auth/tokens", json=login).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    report = client.post("/api/v1/reports", json=BODIES[("POST", "/api/v1/reports")]).json()
    parent = client.post("/api/v1/reports", json=REPORT).json()
    BODIES[("POST", "/api/v1/officials/reports/{report_id}/duplicate")]["parent_id"] = parent["id"]
    officials = client.get("/api/v1/admin/officials", headers=auth).json()
    officer = next(o for o in officials if o["email"] == "petugas.gambir@demo.sigap.id")
    BODIES[("POST", "/api/v1/officials/reports/{report_id}/assign")]["officer"] = officer["id"]
    channel = client.post("/api/v1/admin/channels", json={"name": "Kanal Uji"}, headers=auth)
    known = {
        "report_id": str(report["id"]),
        "service_request_id": str(report["id"]),
        "token": report["tracking_token"],
        "fmt": "json",
        "code": "31.71.01.1001",
        "level": "kelurahan",
        "service_code": "sampah",
        "question": "jenis_sampah",
        "section": "units",
        "day": "2026-01-01",
        "z": "12",
        "x": "3265",
        "y": "2126",
        "path": "services",
        "unit_id": first(client, "/api/v1/admin/units", auth),
        "account_id": str(officer["id"]),
        "rule_id": first(client, "/api/v1/admin/routing", auth),
        "channel_id": str(channel.json().get("id", 1)),
        "message_id": first(client, "/api/v1/admin/outbox", auth),
        "stop_id": "uji:A",
        "route_id": "uji:K1",
    }
    import_small_feed(client)
    return known, auth


def import_small_feed(client: TestClient) -> None:
    """The transit routes' hostile values reach a network (the small feed of the transit tests)."""
    import tempfile
    from pathlib import Path

    from tests.transit.feeds import import_feeds, write

    url = client.app.state.settings.database_url  # type: ignore[attr-defined]
    with tempfile.TemporaryDirectory() as folder:
        import_feeds(url, store.load(write(Path(folder) / "uji"), "uji"))


def sweep_routes(sweep: Sweep, auth: dict[str, str]) -> None:
    client, known = sweep.client, sweep.known
    spec = client.get("/openapi.json").json()
    for method, path, route in api_routes(client):
        if path == "/api/v1/live":
            continue  # a stream: test_the_live_stream_refuses_what_is_not_an_event_id
        query = {p.name: QUERY[p.name] for p in parameters(route, "query") if p.required}
        schema = body_schema(spec, path, method)
        base = BODIES.get((method, path)) or (example(spec, schema) if schema else None)
        common: dict[str, Any] = {"params": query, "headers": auth}
        if base is not None:
            common["json"] = base
        url = fill(path, known)
        for param in parameters(route, "path"):
            for value in HOSTILE[param.kind]:
                sweep.request(method, fill(path, known, (param.name, value)), **common)
        for param in parameters(route, "query"):
            for value in HOSTILE[param.kind]:
                sweep.request(method, url, **{**common, "params": {**query, param.name: value}})
        if schema is not None and base is not None:
            for body in hostile_bodies(spec, schema, base):
                sweep.request(method, url, **{**common, "json": body})
        sweep.routes_hit.add((method, path))


# ---- the pages' forms, as each kind of visitor sees them -----------------------------------

ADMIN_PAGES = (
    [f"/admin/{s}" for s in ("units", "officials", "categories", "routing")]
    + [f"/admin/{s}" for s in ("channels", "webhooks", "photos", "comments", "market", "events")]
    + ["/admin/transit", "/admin/fares/validators"]
)


def sign_in_official(client: TestClient, email: str) -> None:
    client.cookies.clear()
    form = forms_of(client, "/officials/login")[0]
    data = {**form.fields, "email": email, "password": DEMO_PASSWORD}
    response = client.post("/officials/login", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text


def sign_up_citizen(client: TestClient) -> str:
    client.cookies.clear()
    form = forms_of(client, "/app/signup")[0]
    data = {**form.fields, "email": "warga.sweep@test.sigap.id", "password": "rahasia-sekali"}
    response = client.post(form.action, data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    csrf = re.search(r'data-csrf="([^"]+)"', client.get("/app/new").text)
    assert csrf is not None
    return csrf.group(1)


def open_shop(client: TestClient, email: str, password: str) -> None:
    """The account's curated shop with a product and a placed order, so that /app/shop shows
    its forms (order actions, stock)."""

    def token(who: str, secret: str) -> dict[str, str]:
        body = {"email": who, "password": secret}
        issued = client.post("/api/v1/auth/tokens", json=body)
        assert issued.status_code == 201, issued.text
        return {"Authorization": f"Bearer {issued.json()['token']}"}

    seller, admin = token(email, password), token("admin@demo.sigap.id", DEMO_PASSWORD)
    m = "/api/v1/market"
    body = {"name": "Toko Sapu", "nib": "9120001234567", "lat": -6.172, "lon": 106.8105}
    shop = client.post(f"{m}/sellers", json=body, headers=seller).json()
    nib = {"licence_id": shop["licences"][0]["id"]}
    client.post(f"{m}/curator/sellers/{shop['id']}/verify", json=nib, headers=admin)
    client.post(f"{m}/curator/sellers/{shop['id']}/curate", headers=admin)
    item = {"name": "Sapu Lidi", "category": "crafts", "price": 15000, "stock": 9}
    product = client.post(f"{m}/seller/products", json=item, headers=seller).json()
    pictures = [("photo", (f"{n}.png", _png(n), "image/png")) for n in range(2)]
    added = client.post(
        f"{m}/seller/products/{product['id']}/photos", files=pictures, headers=seller
    )
    assert added.status_code == 201, added.text  # the edit page's photo forms
    basket = {"items": [{"product_id": product["id"], "quantity": 1}], "payment": "cash"}
    lurah = token("lurah.gambir@demo.sigap.id", DEMO_PASSWORD)
    state = client.app.state.region  # type: ignore[attr-defined]
    code = client.get("/api/v1/auth/me", headers=lurah).json()["unit"]
    unit = next(u.id for u in state.units.values() if u.code == code)
    zone = state.timezone
    budget = {"unit_id": unit, "period": utcnow().astimezone(zone).strftime("%Y-%m"),
              "amount": 1_000_000}  # fmt: skip
    assert client.put("/api/v1/admin/market/budgets", json=budget, headers=admin).is_success
    ordered = client.post(f"{m}/city/orders", json={**basket, "unit_id": unit}, headers=lurah)
    assert ordered.status_code == 201, ordered.text  # the officials' e-order pages' forms
    # the shop's own order last: the newest, whose forms /app/shop's sweep sends
    placed = client.post(f"{m}/orders", json=basket, headers=seller)
    assert placed.status_code == 201, placed.text


def _png(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 60 * shade, 20)).save(buffer, "PNG")
    return buffer.getvalue()


def city_pages(client: TestClient) -> list[str]:
    """The officials' e-order pages with forms, for the lurah signed in: the page with a
    shop's basket, a unit order's page."""
    found = ["/officials/market"]
    for page, link in (
        ("/officials/market", r"/officials/market\?unit=\d+&amp;seller=\d+"),
        ("/officials/market", r"/officials/market/orders/\d+"),
    ):
        links = re.findall(link, client.get(page).text)
        assert links, page
        found.append(links[0].replace("&amp;", "&"))
    return found


def sweep_pages(sweep: Sweep, pages: list[str], done: set[tuple[str, str]]) -> None:
    """Every form of the pages, once per kind (its path without ids, and its fields); the
    sign-out forms last, since they may well sign out."""
    found: list[PageForm] = []
    for page in pages:
        for form in forms_of(sweep.client, fill(page, sweep.known)):
            path = re.sub(r"/\d+", "/#", urlsplit(form.action).path)
            if (path, " ".join(sorted(form.fields))) not in done:
                done.add((path, " ".join(sorted(form.fields))))
                found.append(form)
    for form in sorted(found, key=lambda f: f.action.endswith(("/logout", "/signout"))):
        sweep_form(sweep, form)


# ---- headers, sent as raw bytes (the test client refuses control characters in them) -------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    content: bytes


def asgi(client: TestClient, method: str, url: str, headers: dict[str, str], body: bytes) -> Answer:
    """One request straight into the app on the test client's loop; a stream is left (the
    client disconnects) once its first bytes have come."""
    parts = urlsplit(url)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(parts.path),
        "raw_path": parts.path.encode(),
        "query_string": parts.query.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver")]
        + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def run() -> Answer:
        answer = Answer(0, {}, b"")
        started, asked = anyio.Event(), False

        async def receive() -> dict[str, Any]:
            nonlocal asked
            if not asked:
                asked = True
                return {"type": "http.request", "body": body, "more_body": False}
            await started.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                answer.status = message["status"]
                answer.headers = {k.decode(): v.decode() for k, v in message["headers"]}
            elif message["type"] == "http.response.body":
                answer.content += message.get("body", b"")
                started.set()

        with anyio.fail_after(10):
            await client.app(scope, receive, send)  # type: ignore[misc]
        return answer

    assert client.portal is not None
    return client.portal.call(run)


HOSTILE_HEADERS = [*HOSTILE["integer"], NUL, ESCAPES, "x\x7f\x01"]
