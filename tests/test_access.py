"""The access matrix: who may call each route of the app (issue #25).

Every route of ``app.routes`` is listed in :data:`tests.access.MATRIX` with the rule that
guards it; a route the app has and the matrix lacks (or the reverse) fails the test, so a new
route is classified before it ships. For each guarded route the test sends, on one app:

- anonymous: 401 ``not_signed_in`` on the JSON API, the redirect to the sign-in form on pages;
- the wrong role: 403 (``official_only``, ``admin_only``, ``not_your_report``; the officials'
  pages send a citizen to their sign-in form instead);
- an official of another unit, on a report's routes: 404, as if the report did not exist;
- the allowed caller: anything but 401, 403, 404 (or the way to a sign-in form) and 5xx.

Write requests run for real; a route of its own gets the reports, officials, channels and rules
its allowed call changes, so no call takes away what a later one needs.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select, update
from starlette.routing import Mount
from tests.access import (
    ALLOWED,
    MARKET_PRODUCT,
    MARKET_SHOP,
    MATRIX,
    PAGES,
    SIGN_IN,
    WRONG,
    Probe,
    Rule,
)
from tests.citizen.conftest import jpeg
from tests.conftest import TEST_ACCOUNTS
from tests.payments.test_qris import static_code
from tests.workflow.conftest import ADMIN, BINAMARGA, LURAH, MONAS, WARGA

from sigap import models
from sigap.accounts.service import create as create_account
from sigap.app import create_app
from sigap.auth import service as auth
from sigap.auth.deps import COOKIE, bearer_admin, bearer_official, bearer_subject
from sigap.citizen.web import DEVICE
from sigap.config import Settings
from sigap.db import Database
from sigap.kit import sha256_hex, utcnow
from sigap.market import budgets
from sigap.notify import webhooks

GAMBIR = "31.71.01.1001"  # the kelurahan of MONAS
PROVIDER_SECRET = "access-matrix-acquirer-secret"


R = Rule


def app_routes(app: Any) -> set[tuple[str, str]]:
    found = set()
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, Mount):
            found.add(("MOUNT", str(context.path)))
            continue
        methods = set(context.methods or ()) - {"HEAD", "OPTIONS"}
        found |= {(method, str(context.path)) for method in methods}
    return found


def guards(route: APIRoute) -> set[Callable[..., Any]]:
    """The bearer dependencies a route declares, however deep."""
    found, todo = set(), [route.dependant]
    while todo:
        dependant = todo.pop()
        todo.extend(dependant.dependencies)
        if dependant.call in (bearer_subject, bearer_official, bearer_admin):
            found.add(dependant.call)
    return found


# ---- the callers and what the setup makes ------------------------------------------------


@dataclass
class Caller:
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""


@dataclass
class World:
    client: TestClient
    callers: dict[str, tuple[Caller, Caller]]  # name -> (JSON API caller, pages caller)
    values: dict[str, str]
    token: str  # the tracking code of the citizen's report
    channel_key: str
    validator_key: str


def issue(database: Database, email: str, kind: str) -> auth.Issued:
    with database.transaction() as session:
        account = session.scalars(select(models.Account).where(models.Account.email == email))
        return auth.issue(session, account.one(), kind=kind, lifetime=timedelta(hours=1))


def callers(database: Database, device: str) -> dict[str, tuple[Caller, Caller]]:
    stranger = f"tetangga{TEST_ACCOUNTS}"
    with database.transaction() as session:
        create_account(session, email=stranger, name="Tetangga", password="x" * 12, role="citizen")
    people = {"citizen": WARGA, "stranger": stranger, "official": LURAH, "admin": ADMIN}
    people |= {"other_unit": BINAMARGA, "citizen_spare": WARGA}
    made = {"anonymous": (Caller(), Caller(cookies={DEVICE: device}, csrf=device))}
    for name, email in people.items():
        api, web = issue(database, email, "api"), issue(database, email, "web")
        made[name] = (
            Caller(headers={"Authorization": f"Bearer {api.token}"}),
            Caller(cookies={COOKIE: web.token}, csrf=web.csrf_token or ""),
        )
    return made


def as_caller(client: TestClient, caller: Caller) -> None:
    client.cookies.clear()
    for name, value in caller.cookies.items():
        client.cookies.set(name, value)


@pytest.fixture
def database_url(isolated_database_url: str) -> str:
    return isolated_database_url  # allowed calls change reference data (rules, units)


@pytest.fixture
def world(settings: Settings, database: Database) -> Iterator[World]:
    settings.card_qris_notify_secret = PROVIDER_SECRET
    settings.card_qris_merchant = static_code()
    with TestClient(create_app(settings)) as client:
        yield setup(client, database)


def setup(client: TestClient, database: Database) -> World:
    device = client.get("/app/new").cookies[DEVICE]
    people = callers(database, device)
    citizen_web = people["citizen"][1]
    as_caller(client, citizen_web)
    report = {"category": "sampah", **MONAS, "description": "Sampah menumpuk di trotoar."}
    filed = client.post(
        "/app/submit",
        data={"report": json.dumps(report)},
        files=[("photo", ("p.jpg", jpeg(), "image/jpeg"))],
        headers={"X-CSRF-Token": citizen_web.csrf},
    )
    assert filed.status_code == 201, filed.text
    client.cookies.clear()
    report_id, token = filed.json()["id"], filed.json()["tracking_token"]
    citizen, admin = people["citizen"][0].headers, people["admin"][0].headers
    comment = client.post(
        f"/api/v1/reports/{report_id}/comments", json={"body": "Bau."}, headers=citizen
    )
    assert comment.status_code == 201, comment.text

    def made(path: str, body: dict[str, Any]) -> Any:
        response = client.post(f"/api/v1/admin{path}", json=body, headers=admin)
        assert response.status_code == 201, response.text
        return response.json()

    unit = "kel-31.71.01.1001"
    victim = {"name": "Korban", "role": "field_officer", "unit_code": unit}
    officials = [
        made("/officials", {**victim, "email": f"korban{n}{TEST_ACCOUNTS}"}) for n in (1, 2)
    ]
    question = {"code": "akses", "datatype": "string", "label_id": "Apa?", "label_en": "What?"}
    made("/categories/sampah/questions", question)
    channel = made("/channels", {"name": "LAPOR!"})
    channel_key = made("/channels", {"name": "Bot"})["api_key"]
    # A rule that routes no report of this test (floods): removing it changes nothing here.
    flood = {"category_code": "banjir", "area_code": GAMBIR, "unit_code": "prov-31"}
    rule = made("/routing", flood)
    validator = made(
        "/validators", {"name": "Gerbang 1", "network": "transjakarta", "stop_id": "tj:1"}
    )
    validator_key = made(
        "/validators", {"name": "Gerbang 2", "network": "transjakarta", "stop_id": "tj:2"}
    )
    console_validator = made("/validators", {"name": "Gerbang 4", "network": "mrt"})
    card = client.post("/api/v1/cards", json={"number": "12345678"}, headers=citizen)
    assert card.status_code == 201, card.text
    card_id = card.json()["id"]
    topup = client.post(
        f"/api/v1/cards/{card_id}/topups",
        json={"amount": 10_000},
        headers={**citizen, "Idempotency-Key": "access"},
    )
    assert topup.status_code == 201, topup.text
    with database.transaction() as session:
        endpoint = webhooks.create(
            session, url="https://hooks.example/x", events=["*"], secret=None
        )
        session.execute(update(models.OutboxMessage).values(state="dead"))
        dead = session.scalars(select(models.OutboxMessage.id).limit(1)).one()
        photo = session.scalars(
            select(models.Photo.id).where(models.Photo.report_id == report_id)
        ).first()
        bina_marga = session.scalars(select(models.Unit.id).where(models.Unit.code == "bina-marga"))
        unit_id = bina_marga.one()
        lurah_unit = session.scalars(select(models.Unit.id).where(models.Unit.code == unit)).one()
    spare = issue(database, WARGA, "api").token  # revoked by DELETE /auth/tokens/{token_id}
    market = market_world(client, citizen, admin, people["stranger"][0].headers, lurah_unit)
    values = {
        "report": str(report_id),
        "comment": str(comment.json()["id"]),
        "unit": str(unit_id),
        "official": str(officials[0]["id"]),
        "official2": str(officials[1]["id"]),
        "question": "akses",
        "channel": str(channel["id"]),
        "rule": str(rule["id"]),
        "photo": str(photo),
        "dead_message": str(dead),
        "webhook": str(endpoint["id"]),
        "spare_token_id": auth.token_id(sha256_hex(spare)),
        "validator": str(validator["id"]),
        "console_validator": str(console_validator["id"]),  # revoked by the console's form
        "card": str(card_id),
        "topup": str(topup.json()["id"]),
        **market,
    }
    return World(client, people, values, token, channel_key, validator_key["key"])


def market_world(
    client: TestClient,
    citizen: dict[str, str],
    admin: dict[str, str],
    other: dict[str, str],
    lurah_unit: int,
) -> dict[str, str]:
    """The citizen's curated shop with a product and two orders of its own, a third completed
    and reviewed; another account's pending shop, for the curating office's routes; a budget
    of the lurah's unit and an order for it (placed by the admin)."""
    m = "/api/v1/market"

    def made(path: str, body: dict[str, Any] | None, who: dict[str, str]) -> Any:
        response = client.post(f"{m}{path}", json=body, headers=who)
        assert response.status_code in (200, 201), response.text
        return response.json()

    shop = made("/sellers", MARKET_SHOP, citizen)
    nib = shop["licences"][0]["id"]
    made(f"/curator/sellers/{shop['id']}/verify", {"licence_id": nib}, admin)
    made(f"/curator/sellers/{shop['id']}/curate", None, admin)
    product = made("/seller/products", MARKET_PRODUCT, citizen)
    pictures = [("photo", (f"{n}.png", tiny_png(n), "image/png")) for n in range(3)]
    added = client.post(
        f"{m}/seller/products/{product['id']}/photos", files=pictures, headers=citizen
    )
    assert added.status_code == 201, added.text
    photos = [str(p["id"]) for p in added.json()["items"]]
    basket = {"items": [{"product_id": product["id"], "quantity": 1}], "payment": "cash"}
    orders = [made("/orders", basket, citizen)["id"] for _ in range(2)]
    pending = made("/sellers", MARKET_SHOP, other)
    done = made("/orders", basket, citizen)["id"]
    for action in ("accept", "ready", "pick_up"):
        made(f"/seller/orders/{done}/actions", {"action": action}, citizen)
    made(f"/orders/{done}/actions", {"action": "complete"}, citizen)
    review = made(f"/orders/{done}/review", {"stars": 5, "text": "Enak."}, citizen)
    zone = client.app.state.region.timezone  # type: ignore[attr-defined]
    today = budgets.period_of(utcnow(), zone)
    budget = {"unit_id": lurah_unit, "period": today, "amount": 1_000_000}
    assert client.put("/api/v1/admin/market/budgets", json=budget, headers=admin).is_success
    unit_order = made("/city/orders", {**basket, "unit_id": lurah_unit}, admin)
    return {
        "lurah_unit": str(lurah_unit),
        "market_unit_order": str(unit_order["id"]),
        "market_review": str(review["id"]),
        "market_seller": str(shop["id"]),
        "market_product": str(product["id"]),
        "market_photo": photos[0],
        "market_photo2": photos[1],
        "market_photo3": photos[2],
        "market_order": str(orders[0]),
        "market_order2": str(orders[1]),
        "market_pending": str(pending["id"]),
        "market_licence": str(pending["licences"][0]["id"]),
    }


def tiny_png(shade: int) -> bytes:
    """A small PNG of one colour (the photo routes' pictures)."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40 * shade, 20)).save(buffer, "PNG")
    return buffer.getvalue()


def own_report(client: TestClient) -> str:
    """A new report in Gambir, for a route whose allowed call changes it."""
    body = {"category": "sampah", **MONAS, "description": "Sampah menumpuk di trotoar."}
    response = client.post("/api/v1/reports", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


# ---- the calls ----------------------------------------------------------------------------

DEFAULTS = {
    "code": "31.71.01.1001",
    "level": "kelurahan",
    "z": "14",
    "x": "13044",
    "y": "8474",
    "day": "2024-01-01",
    "fmt": "json",
    "service_code": "sampah",
    "key": "x.jpg",
    "service_request_id": "1",
    "path": "nothing",
}
PUBLIC_QUERY = {
    "/api/v1/locate": {"lat": "-6.1754", "lon": "106.8272"},
    "/api/v1/nearby": {"category": "sampah", "lat": "-6.1754", "lon": "106.8272"},
}


@dataclass
class Call:
    world: World
    method: str
    template: str
    probe: Probe
    path: str = ""

    def __post_init__(self) -> None:
        own = own_report(self.world.client) if "@own" in self.probe.values.values() else None

        def one(match: re.Match[str]) -> str:
            name = match.group(1).split(":")[0]
            value = self.probe.values.get(name, DEFAULTS.get(name, self.world.values["report"]))
            if name == "token":
                return self.world.token
            if value == "@own":
                return str(own)
            return self.world.values[value[1:]] if value.startswith("@") else value

        self.path = re.sub(r"\{([^}]+)\}", one, self.template)

    def send(
        self, who: str, *, path: str | None = None, headers: dict[str, str] | None = None
    ) -> Any:
        api, web = self.world.callers[who]
        page = self.probe.form is not None or self.probe.rule in PAGES
        caller = web if page else api
        client = self.world.client
        as_caller(client, caller)
        kwargs: dict[str, Any] = {"params": self.probe.query or PUBLIC_QUERY.get(self.template)}
        if self.probe.form is not None and self.method == "POST":
            form = resolve(self.probe.form, self.world.values)
            kwargs["data"] = {**{k: str(v) for k, v in form.items()}, "csrf": caller.csrf}
        elif self.probe.body is not None:
            kwargs["json"] = resolve(self.probe.body, self.world.values)
        try:
            return client.request(
                self.method,
                path or self.path,
                headers={**caller.headers, **(headers or {})},
                follow_redirects=False,
                **kwargs,
            )
        finally:
            client.cookies.clear()


def resolve(body: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    return {
        k: int(values[v[1:]]) if isinstance(v, str) and v.startswith("@") else v
        for k, v in body.items()
    }


def problem(response: Any, outcome: str, rule: Rule) -> str | None:
    """What is wrong with ``response`` for ``outcome`` (None: nothing)."""
    status, location = response.status_code, response.headers.get("location", "")
    code = ""
    if response.headers.get("content-type", "").startswith("application/json"):
        with contextlib.suppress(ValueError, KeyError, TypeError):
            code = response.json()["error"]["code"]
    to_sign_in = status == 303 and location.startswith(SIGN_IN.get(rule, "/nowhere"))
    ok = {
        "unsigned": to_sign_in if rule in PAGES else (status, code) == (401, "not_signed_in"),
        "to_login": to_sign_in,
        "forbidden": status == 403,
        "hidden": status == 404,
        "allowed": status not in (401, 403, 404)
        and status < 500
        and not location.startswith(("/app/signin", "/officials/login")),
    }.get(outcome, (status, code) == (403, outcome))
    return None if ok else f"{outcome}: got {status} {code} {location} {response.text[:150]!r}"


def check(call: Call) -> list[str]:
    """The probe's requests and what went wrong with their answers."""
    rule, failures = call.probe.rule, []

    def expect(who: str, outcome: str, **kwargs: Any) -> None:
        found = problem(call.send(who, **kwargs), outcome, rule)
        if found:
            failures.append(f"{call.method} {call.template} as {who}: {found}")

    if rule is R.PUBLIC:
        if call.method == "GET" and call.template != "/api/v1/live":
            response = call.send("anonymous")
            if response.status_code in (401, 403) or response.status_code >= 500:
                failures.append(f"GET {call.template} anonymous: {response.status_code}")
    elif rule is R.TOKEN:
        expect("anonymous", "hidden", path=call.path.replace(call.world.token, "x" * 32))
        expect("anonymous", "allowed")
    elif rule is R.CHANNEL:
        form = {"service_code": "sampah", "lat": "-6.1754", "long": "106.8272"}
        for key, outcome in ((None, 403), ("nope", 403), (call.world.channel_key, 201)):
            query = {"api_key": key} if key else {}
            response = call.world.client.post(call.path, data=form, params=query)
            if (response.status_code == 403) != (outcome == 403):
                failures.append(f"POST {call.template} key {key!r}: {response.status_code}")
    elif rule is R.VALIDATOR:
        taps = {
            "taps": [
                {"tap_id": "1", "card": "12345678", "kind": "in", "at": "2026-12-07T07:00:00+07:00"}
            ]
        }
        for key, status in ((None, 401), ("nope", 403), (call.world.validator_key, 200)):
            headers = {"X-Validator-Key": key} if key else {}
            response = call.world.client.post(call.path, json=taps, headers=headers)
            if response.status_code != status:
                failures.append(f"POST {call.template} key {key!r}: {response.status_code}")
    elif rule is R.PROVIDER:
        # No top-up has this reference: a valid signature gets as far as looking for it.
        raw = json.dumps({"reference": "f" * 24, "amount": 10_000}).encode()
        signed = webhooks.sign(PROVIDER_SECRET, raw, int(time.time()))
        forged = webhooks.sign("not-the-secret", raw, int(time.time()))
        for header, status in ((None, 401), (forged, 401), (signed, 404)):
            headers = {"Sigap-Signature": header} if header else {}
            response = call.world.client.post(call.path, content=raw, headers=headers)
            expected = "topup_not_found" if status == 404 else "invalid_payment_signature"
            if (response.status_code, response.json()["error"]["code"]) != (status, expected):
                failures.append(f"POST {call.template} signature {header!r}: {response.text}")
    else:
        expect("anonymous", "unsigned")
        for who, outcome in WRONG.get(rule, []):
            expect(who, outcome)
        if call.probe.scoped:
            expect("other_unit", "hidden")
        expect(call.probe.allowed or ALLOWED[rule], "allowed")
    return failures


def bare_app() -> Any:
    """The app's routes are made by create_app; nothing connects before the lifespan."""
    return create_app(Settings(database_url="sqlite://", public_url="http://sigap.test"))


def test_every_route_of_the_app_is_in_the_matrix() -> None:
    routes = app_routes(bare_app())
    assert sorted(routes - set(MATRIX)) == [], "classify the new routes in MATRIX"
    assert sorted(set(MATRIX) - routes) == [], "routes that are gone"


def test_the_json_api_declares_the_guard_its_rule_says() -> None:
    expected = {
        R.ACCOUNT: {bearer_subject},
        R.OFFICIAL: {bearer_official},
        R.ADMIN: {bearer_admin},
    }
    wrong = []
    for context in iter_route_contexts(bare_app().routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        for method in set(context.methods or ()) - {"HEAD", "OPTIONS"}:
            rule = MATRIX[(method, str(context.path))][0].rule
            if context.path.startswith("/api/v1/admin") and rule is not R.ADMIN:
                wrong.append(f"{method} {context.path}: under /api/v1/admin but {rule}")
            if guards(route) != expected.get(rule, set()):
                wrong.append(f"{method} {context.path}: {rule} but {guards(route)}")
    assert wrong == []


def test_each_guarded_route_refuses_the_wrong_callers_and_serves_the_right_one(
    world: World,
) -> None:
    failures = []
    for (method, template), probes in MATRIX.items():
        if method == "MOUNT":
            continue
        for probe in probes:
            failures += check(Call(world, method, template, probe))
    assert failures == []
