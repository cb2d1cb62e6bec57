"""The access matrix of tests/test_access.py: the rule that guards each route of the app, and
how each route is called (path values, query, body or form). ``@name`` values are made by the
test's setup; see there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Rule(Enum):
    PUBLIC = "anyone"
    TOKEN = "whoever holds the report's tracking code"
    CHANNEL = "an Open311 channel's API key"
    VALIDATOR = "a fare card validator's key (X-Validator-Key)"
    PROVIDER = "a payment provider's signature (Sigap-Signature)"
    ACCOUNT = "any signed-in account (bearer)"
    OFFICIAL = "an official (bearer)"
    ADMIN = "an admin (bearer)"
    ACCOUNT_PAGE = "any signed-in account (cookie)"
    REPORTER_PAGE = "the report's reporter (cookie or device)"
    OFFICIAL_PAGE = "an official (cookie)"
    ADMIN_PAGE = "an admin (cookie)"


@dataclass(frozen=True)
class Probe:
    """How a route is called: its rule, whether it is a report's (another unit gets 404), the
    path's values (``@name`` is a value made in the setup), the query, a JSON body or a form,
    and the allowed caller when it is not the usual one."""

    rule: Rule
    scoped: bool = False
    values: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    form: dict[str, str] | None = None
    allowed: str | None = None


P = Probe
R = Rule
REPORT = {"report_id": "@report"}  # the report the citizen filed in Gambir
OWN = {"report_id": "@own"}  # a report of the route's own (its allowed call changes it)
FORWARD = {"unit": "bina-marga", "reason": "Bukan wewenang kelurahan."}
QUESTION = {"code": "sampah", "question": "@question"}
CARD = {"card_id": "@card"}  # the citizen's card
MARKET_SHOP = {"name": "Kue Bu Sri", "nib": "9120001234567", "lat": -6.172, "lon": 106.8105}
MARKET_PRODUCT = {
    "name": "Kue Putu",
    "category": "food",
    "food_class": "fresh",
    "price": 2000,
    "stock": 5,
}
MARKET_PRODUCT_ID = {"product_id": "@market_product"}
MARKET_SHOP_FORM = {k: str(v) for k, v in MARKET_SHOP.items()}
MARKET_PRODUCT_FORM = {**{k: str(v) for k, v in MARKET_PRODUCT.items()}, "active": "on"}

MATRIX: dict[tuple[str, str], list[Probe]] = {
    # --- pages and data anyone may read -------------------------------------------------
    **{
        ("GET", path): [P(R.PUBLIC)]
        for path in (
            "/",
            "/map",
            "/areas",
            "/areas/{code}",
            "/ranking",
            "/ranking/{code}",
            "/open-data",
            "/reports/{report_id}",
            "/docs",
            "/openapi.json",
            "/healthz",
            "/media/{key:path}",
            "/app",
            "/app/new",
            "/app/signin",
            "/app/signup",
            "/app/track",
            "/app/reports/{report_id}",
            "/app/transit",
            "/app/transit/routes",
            "/app/transit/routes/{route_id}",
            "/app/transit/stops/{stop_id}",
            "/app/manifest.webmanifest",
            "/app/sw.js",
            "/officials/login",
            "/admin",  # /admin only redirects to /admin/units
            "/api/v1/areas/{code}",
            "/api/v1/areas/{code}/dashboard",
            "/api/v1/categories",
            "/api/v1/dashboard",
            "/api/v1/dashboard/market",
            "/api/v1/areas/{code}/dashboard/market",
            "/api/v1/export/reports.csv",
            "/api/v1/export/reports.geojson",
            "/api/v1/live",
            "/api/v1/locate",
            "/api/v1/map/areas/{code}.geojson",
            "/api/v1/map/boundaries/{level}.geojson",
            "/api/v1/map/clusters",
            "/api/v1/map/streets/{z}/{x}/{y}.png",
            "/api/v1/nearby",
            "/api/v1/open-data/chain-heads/{day}.json",
            "/api/v1/places",
            "/api/v1/ranking",
            "/api/v1/reports",
            "/api/v1/reports/{report_id}",
            "/api/v1/reports/{report_id}/comments",
            "/api/v1/transit/feeds",
            "/api/v1/transit/plan",
            "/api/v1/transit/routes",
            "/api/v1/transit/routes/{route_id}",
            "/api/v1/transit/stops",
            "/api/v1/transit/stops/{stop_id}",
            "/api/v1/transit/stops/{stop_id}/departures",
            "/open311/v2/discovery.{fmt}",
            "/open311/v2/requests.{fmt}",
            "/open311/v2/requests/{service_request_id}.{fmt}",
            "/open311/v2/services.{fmt}",
            "/open311/v2/services/{service_code}.{fmt}",
        )
    },
    **{
        (method, path): [P(R.PUBLIC)]
        for method, path in (
            ("POST", "/api/v1/reports"),
            ("POST", "/api/v1/auth/tokens"),
            ("POST", "/app/signin"),
            ("POST", "/app/signup"),
            ("POST", "/app/signout"),
            ("POST", "/app/submit"),
            ("POST", "/officials/login"),
            ("POST", "/officials/logout"),
        )
    },
    **{
        (method, "/open311/v2/{path:path}"): [P(R.PUBLIC)]  # the spec's 404 for anything else
        for method in ("DELETE", "GET", "PATCH", "POST", "PUT")
    },
    ("MOUNT", "/static"): [P(R.PUBLIC)],
    ("MOUNT", "/static/leaflet"): [P(R.PUBLIC)],
    ("MOUNT", "/static/markercluster"): [P(R.PUBLIC)],
    ("MOUNT", "/static/swagger"): [P(R.PUBLIC)],
    # --- the tracking code is the reporter's key ----------------------------------------
    ("GET", "/api/v1/track/{token}"): [P(R.TOKEN)],
    ("POST", "/api/v1/track/{token}/rating"): [P(R.TOKEN, body={"stars": 5})],
    ("POST", "/api/v1/track/{token}/appeal"): [P(R.TOKEN, body={"reason": "Belum beres."})],
    ("GET", "/app/track/{token}"): [P(R.TOKEN)],
    ("POST", "/app/track/{token}/{action}"): [
        P(R.TOKEN, values={"action": "rate"}, form={"stars": "5"})
    ],
    ("GET", "/open311/v2/tokens/{token}.{fmt}"): [P(R.TOKEN)],
    ("POST", "/open311/v2/requests.{fmt}"): [P(R.CHANNEL)],
    ("POST", "/api/v1/cards/taps"): [P(R.VALIDATOR)],
    ("POST", "/api/v1/payments/qris/notifications"): [P(R.PROVIDER)],
    # --- signed-in accounts (JSON) ------------------------------------------------------
    ("GET", "/api/v1/auth/me"): [P(R.ACCOUNT)],
    ("GET", "/api/v1/auth/tokens"): [P(R.ACCOUNT)],
    ("DELETE", "/api/v1/auth/tokens"): [P(R.ACCOUNT, allowed="citizen_spare")],
    ("DELETE", "/api/v1/auth/tokens/{token_id}"): [
        P(R.ACCOUNT, values={"token_id": "@spare_token_id"})
    ],
    ("POST", "/api/v1/reports/{report_id}/comments"): [
        P(R.ACCOUNT, values=REPORT, body={"body": "Saya juga melihatnya."})
    ],
    ("POST", "/api/v1/reports/{report_id}/support"): [P(R.ACCOUNT, values=REPORT)],
    ("PUT", "/api/v1/reports/{report_id}/follow"): [P(R.ACCOUNT, values=REPORT)],
    ("DELETE", "/api/v1/reports/{report_id}/follow"): [P(R.ACCOUNT, values=REPORT)],
    # a holder's cards: another account's card is the same 404 as a missing one (scoped)
    ("GET", "/api/v1/cards"): [P(R.ACCOUNT)],
    ("POST", "/api/v1/cards"): [P(R.ACCOUNT, body={"number": "1111 2222 3333 4444"})],
    ("GET", "/api/v1/cards/{card_id}"): [P(R.ACCOUNT, scoped=True, values=CARD)],
    ("GET", "/api/v1/cards/{card_id}/trips"): [P(R.ACCOUNT, scoped=True, values=CARD)],
    ("POST", "/api/v1/cards/{card_id}/topups"): [
        P(R.ACCOUNT, scoped=True, values=CARD, body={"amount": 10_000})
    ],
    ("POST", "/api/v1/cards/{card_id}/topups/{topup_id}/confirm"): [
        P(R.ACCOUNT, scoped=True, values={**CARD, "topup_id": "@topup"})
    ],
    ("POST", "/api/v1/cards/{card_id}/replace"): [
        P(R.ACCOUNT, scoped=True, values=CARD, body={"number": "9999 8888 7777 6666"})
    ],
    # --- officials (JSON) -----------------------------------------------------------------
    ("GET", "/api/v1/officials/inbox"): [P(R.OFFICIAL)],
    ("GET", "/api/v1/officials/units"): [P(R.OFFICIAL)],
    ("GET", "/api/v1/officials/reports/{report_id}"): [P(R.OFFICIAL, scoped=True, values=REPORT)],
    **{
        ("POST", f"/api/v1/officials/reports/{{report_id}}/{action}"): [
            P(R.OFFICIAL, scoped=True, values=OWN, body=body)
        ]
        for action, body in (
            ("acknowledge", {}),
            ("resolve", None),
            ("forward", FORWARD),
            ("reject", {"reason": "spam"}),
            ("duplicate", {"parent_id": "@report"}),
            ("reopen", {"reason": "Belum beres."}),
            ("assign", {"officer": None}),
            ("notes", {"note": "Dicek besok."}),
        )
    },
    ("POST", "/api/v1/officials/reports/{report_id}/comments/{comment_id}/hide"): [
        P(R.OFFICIAL, scoped=True, values={**REPORT, "comment_id": "@comment"})
    ],
    # --- admins (JSON): every route under /api/v1/admin --------------------------------
    **{
        (method, f"/api/v1/admin{path}"): [P(R.ADMIN, values=values, query=query)]
        for method, path, values, query in (
            ("GET", "/units", {}, {}),
            ("POST", "/units", {}, {}),
            ("POST", "/units/{unit_id}/rename", {"unit_id": "@unit"}, {}),
            ("POST", "/units/{unit_id}/move", {"unit_id": "@unit"}, {}),
            ("POST", "/units/{unit_id}/deactivate", {"unit_id": "@unit"}, {}),
            ("GET", "/officials", {}, {}),
            ("POST", "/officials", {}, {}),
            ("POST", "/officials/{account_id}/assign", {"account_id": "@official"}, {}),
            ("POST", "/officials/{account_id}/deactivate", {"account_id": "@official"}, {}),
            ("POST", "/officials/{account_id}/password", {"account_id": "@official2"}, {}),
            ("GET", "/categories", {}, {}),
            ("POST", "/categories", {}, {}),
            ("PATCH", "/categories/{code}", {"code": "sampah"}, {}),
            ("GET", "/categories/{code}/questions", {"code": "sampah"}, {}),
            ("POST", "/categories/{code}/questions", {"code": "sampah"}, {}),
            ("PATCH", "/categories/{code}/questions/{question}", QUESTION, {}),
            ("DELETE", "/categories/{code}/questions/{question}", QUESTION, {}),
            ("GET", "/routing", {}, {}),
            ("POST", "/routing", {}, {}),
            (
                "GET",
                "/routing/test",
                {},
                {"category": "sampah", "lat": "-6.1754", "lon": "106.8272"},
            ),
            ("DELETE", "/routing/{rule_id}", {"rule_id": "@rule"}, {}),
            ("GET", "/channels", {}, {}),
            ("POST", "/channels", {}, {}),
            ("PUT", "/channels/{channel_id}/quota", {"channel_id": "@channel"}, {}),
            ("POST", "/channels/{channel_id}/revoke", {"channel_id": "@channel"}, {}),
            ("GET", "/photos", {}, {}),
            (
                "POST",
                "/photos/{photo_id}/{action}",
                {"photo_id": "@photo", "action": "restore"},
                {},
            ),
            ("GET", "/comments", {}, {}),
            (
                "POST",
                "/comments/{comment_id}/{action}",
                {"comment_id": "@comment", "action": "restore"},
                {},
            ),
            ("GET", "/events", {}, {}),
            ("GET", "/moderation", {}, {}),
            ("GET", "/reports/{report_id}/moderation", REPORT, {}),
            ("POST", "/reports/{report_id}/hide", REPORT, {}),
            ("POST", "/reports/{report_id}/unhide", REPORT, {}),
            ("POST", "/reports/{report_id}/withhold", REPORT, {}),
            ("POST", "/reports/{report_id}/publish", REPORT, {}),
            ("PUT", "/triage", {}, {}),
            ("GET", "/outbox", {}, {}),
            ("POST", "/outbox/{message_id}/retry", {"message_id": "@dead_message"}, {}),
            ("GET", "/webhooks", {}, {}),
            ("POST", "/webhooks", {}, {}),
            ("DELETE", "/webhooks/{endpoint_id}", {"endpoint_id": "@webhook"}, {}),
            ("POST", "/transit/csv", {}, {"name": "uji"}),  # no body: an empty CSV, a 422
            ("GET", "/validators", {}, {}),
            ("POST", "/validators", {}, {}),
            ("POST", "/validators/{validator_id}/revoke", {"validator_id": "@validator"}, {}),
            ("GET", "/cards/revenue", {}, {}),
            ("GET", "/cards/reconciliation", {}, {}),
            ("GET", "/fares", {}, {"day": "2026-12-07"}),
        )
    },
    # --- the citizen app (cookie) ---------------------------------------------------------
    ("GET", "/app/my"): [P(R.ACCOUNT_PAGE)],
    ("GET", "/app/shop"): [P(R.ACCOUNT_PAGE)],
    ("POST", "/app/shop/orders/{order_id}/{action}"): [
        P(R.ACCOUNT_PAGE, values={"order_id": "@market_order2", "action": "ready"}, form={})
    ],
    ("POST", "/app/shop/products/{product_id}/stock"): [
        P(R.ACCOUNT_PAGE, values=MARKET_PRODUCT_ID, form={"stock": "7"})
    ],
    ("GET", "/app/shop/register"): [P(R.ACCOUNT_PAGE)],
    ("POST", "/app/shop/register"): [P(R.ACCOUNT_PAGE, form=MARKET_SHOP_FORM)],  # has one: 409
    ("GET", "/app/shop/products/new"): [P(R.ACCOUNT_PAGE)],
    ("POST", "/app/shop/products/new"): [P(R.ACCOUNT_PAGE, form=MARKET_PRODUCT_FORM)],
    ("GET", "/app/shop/products/{product_id}/edit"): [P(R.ACCOUNT_PAGE, values=MARKET_PRODUCT_ID)],
    # a product's photos: an upload without a file is refused (a 422 page)
    ("POST", "/app/shop/products/{product_id}/photos"): [
        P(R.ACCOUNT_PAGE, values=MARKET_PRODUCT_ID, form={})
    ],
    ("POST", "/app/shop/products/{product_id}/photos/{photo_id}/remove"): [
        P(R.ACCOUNT_PAGE, values={**MARKET_PRODUCT_ID, "photo_id": "@market_photo2"}, form={})
    ],
    ("POST", "/app/shop/products/{product_id}/photos/{photo_id}/{action}"): [
        P(
            R.ACCOUNT_PAGE,
            values={**MARKET_PRODUCT_ID, "photo_id": "@market_photo3", "action": "earlier"},
            form={},
        )
    ],
    ("POST", "/app/shop/products/{product_id}/edit"): [
        P(R.ACCOUNT_PAGE, values=MARKET_PRODUCT_ID, form=MARKET_PRODUCT_FORM)
    ],
    # the market's buyer pages: the citizen buys from its own shop (tests/test_access.py)
    ("GET", "/app/market"): [P(R.PUBLIC)],
    ("GET", "/app/market/products/{product_id}"): [P(R.PUBLIC, values=MARKET_PRODUCT_ID)],
    ("GET", "/app/market/sellers/{seller_id}"): [
        P(R.PUBLIC, values={"seller_id": "@market_seller"})
    ],
    ("POST", "/app/market/orders"): [P(R.ACCOUNT_PAGE, form={})],  # an empty basket: 422
    ("GET", "/app/market/orders"): [P(R.ACCOUNT_PAGE)],
    ("GET", "/app/market/orders/{order_id}"): [
        P(R.ACCOUNT_PAGE, values={"order_id": "@market_order"})
    ],
    ("POST", "/app/market/orders/{order_id}/{action}"): [
        P(R.ACCOUNT_PAGE, values={"order_id": "@market_order", "action": "cancel"}, form={})
    ],
    ("POST", "/app/reports/{report_id}/{action}"): [
        P(R.REPORTER_PAGE, values={**REPORT, "action": "rate"}, form={"stars": "5"}),
        P(R.REPORTER_PAGE, values={**REPORT, "action": "appeal"}, form={"reason": "Kenapa?"}),
        P(R.ACCOUNT_PAGE, values={**REPORT, "action": "comment"}, form={"body": "Setuju."}),
        P(R.ACCOUNT_PAGE, values={**REPORT, "action": "follow"}, form={}),
    ],
    ("GET", "/app/cards"): [P(R.ACCOUNT_PAGE)],
    ("POST", "/app/cards"): [P(R.ACCOUNT_PAGE, form={"number": "5555 6666 7777 8888"})],
    ("GET", "/app/cards/{card_id}"): [P(R.ACCOUNT_PAGE, scoped=True, values=CARD)],
    ("POST", "/app/cards/{card_id}/{action}"): [
        P(
            R.ACCOUNT_PAGE,
            scoped=True,
            values={**CARD, "action": "topup"},
            form={"amount": "10000", "key": "page", "method": "demo"},
        )
    ],
    # --- the officials' pages (cookie) ----------------------------------------------------
    ("GET", "/officials"): [P(R.OFFICIAL_PAGE)],
    ("GET", "/officials/map"): [P(R.OFFICIAL_PAGE)],
    # city buying (e-order): the lurah's unit's order; another unit's official gets 404
    ("GET", "/officials/market"): [P(R.OFFICIAL_PAGE)],
    ("POST", "/officials/market/orders"): [P(R.OFFICIAL_PAGE, form={})],  # no unit: 422 page
    ("GET", "/officials/market/orders/{order_id}"): [
        P(R.OFFICIAL_PAGE, scoped=True, values={"order_id": "@market_unit_order"})
    ],
    ("POST", "/officials/market/orders/{order_id}/{action}"): [
        P(
            R.OFFICIAL_PAGE,
            scoped=True,
            values={"order_id": "@market_unit_order", "action": "complete"},
            form={},
        )
    ],
    ("GET", "/officials/reports/{report_id}"): [P(R.OFFICIAL_PAGE, scoped=True, values=REPORT)],
    ("POST", "/officials/reports/{report_id}/{action}"): [
        P(R.OFFICIAL_PAGE, scoped=True, values={**OWN, "action": "acknowledge"}, form={})
    ],
    ("POST", "/officials/reports/{report_id}/comments/{comment_id}/hide"): [
        P(R.OFFICIAL_PAGE, scoped=True, values={**REPORT, "comment_id": "@comment"}, form={})
    ],
    # --- the admin console (cookie) -------------------------------------------------------
    ("GET", "/admin/{section}"): [P(R.ADMIN_PAGE, values={"section": "units"})],
    ("POST", "/admin/{section}/{action}"): [
        P(R.ADMIN_PAGE, values={"section": "units", "action": "create"}, form={})
    ],
    ("POST", "/admin/transit/{action}"): [
        P(R.ADMIN_PAGE, values={"action": "check"}, form={})  # no file: refused, a 422 page
    ],
    ("GET", "/admin/categories/{code}"): [P(R.ADMIN_PAGE, values={"code": "sampah"})],
    # the fare pages (sigap.admin.fares): the rules, revenue (and its CSV), the
    # reconciliation, the validators and their forms
    **{
        ("GET", path): [P(R.ADMIN_PAGE, query=query)]
        for path, query in (
            ("/admin/fares", {"day": "2026-12-07"}),
            ("/admin/fares/revenue", {"start": "2026-12-01", "end": "2026-12-07"}),
            ("/admin/fares/revenue.csv", {"start": "2026-12-01", "end": "2026-12-07"}),
            ("/admin/fares/reconciliation", {"start": "2026-12-01", "end": "2026-12-07"}),
            ("/admin/fares/validators", {}),
        )
    },
    ("POST", "/admin/fares/validators/{action}"): [
        P(R.ADMIN_PAGE, values={"action": "create"}, form={"name": "Gerbang 3", "network": "tj"}),
        P(R.ADMIN_PAGE, values={"action": "revoke"}, form={"validator_id": "@console_validator"}),
    ],
    ("GET", "/admin/market/report.csv"): [P(R.ADMIN_PAGE)],
    ("POST", "/admin/categories/{code}/questions/{action}"): [
        P(R.ADMIN_PAGE, values={"code": "sampah", "action": "add"}, form={})
    ],
    # --- the marketplace (JSON): the citizen's curated shop, its orders; a pending shop ----
    **{
        ("GET", f"/api/v1/market{path}"): [P(R.PUBLIC, values=values)]
        for path, values in (
            ("/products", {}),
            ("/products/{product_id}", {"product_id": "@market_product"}),
            ("/sellers/{seller_id}", {"seller_id": "@market_seller"}),
        )
    },
    **{
        (method, f"/api/v1/market{path}"): [P(R.ACCOUNT, values=values, body=body)]
        for method, path, values, body in (
            ("POST", "/sellers", {}, MARKET_SHOP),  # the citizen has a shop: 409
            ("GET", "/seller", {}, None),
            ("GET", "/seller/products", {}, None),
            ("POST", "/seller/products", {}, MARKET_PRODUCT),
            ("PUT", "/seller/products/{product_id}", MARKET_PRODUCT_ID, MARKET_PRODUCT),
            ("PUT", "/seller/products/{product_id}/stock", MARKET_PRODUCT_ID, {"stock": 9}),
            ("POST", "/seller/products/{product_id}/photos", MARKET_PRODUCT_ID, None),  # 400
            (
                "DELETE",
                "/seller/products/{product_id}/photos/{photo_id}",
                {**MARKET_PRODUCT_ID, "photo_id": "@market_photo"},
                None,
            ),
            # the order must name each photo once: 422
            ("PUT", "/seller/products/{product_id}/photos", MARKET_PRODUCT_ID, {"photo_ids": []}),
            ("GET", "/seller/orders", {}, None),
            ("GET", "/seller/orders/{order_id}", {"order_id": "@market_order"}, None),
            (
                "POST",
                "/seller/orders/{order_id}/actions",
                {"order_id": "@market_order2"},
                {"action": "accept"},
            ),
            ("GET", "/seller/sales", {}, None),
            ("POST", "/orders", {}, {"items": [], "payment": "cash"}),  # empty: 422
            ("GET", "/orders", {}, None),
            ("GET", "/orders/{order_id}", {"order_id": "@market_order"}, None),
            (
                "POST",
                "/orders/{order_id}/actions",
                {"order_id": "@market_order"},
                {"action": "cancel"},
            ),
        )
    },
    # Reviews: the citizen's placed order is not completed yet (409).
    ("POST", "/api/v1/market/orders/{order_id}/review"): [
        P(R.ACCOUNT, values={"order_id": "@market_order"}, body={"stars": 5})
    ],
    # The city's buying: the lurah's unit has a budget and an order (the admin placed it);
    # another unit's official does not find it.
    **{
        (method, f"/api/v1/market/city{path}"): [
            P(R.OFFICIAL, scoped="order_id" in path, values=values, body=body)
        ]
        for method, path, values, body in (
            ("POST", "/orders", {}, {"unit_id": 1, "items": [], "payment": "cash"}),  # 422
            ("GET", "/orders", {}, None),
            ("GET", "/orders/{order_id}", {"order_id": "@market_unit_order"}, None),
            (
                "POST",
                "/orders/{order_id}/actions",
                {"order_id": "@market_unit_order"},
                {"action": "cancel"},
            ),
            ("GET", "/budgets", {}, None),
            ("GET", "/report", {}, None),
            ("GET", "/report.csv", {}, None),
        )
    },
    **{
        (method, f"/api/v1/admin/market{path}"): [P(R.ADMIN, values=values, body=body)]
        for method, path, values, body in (
            ("GET", "/budgets", {}, None),
            (
                "PUT",
                "/budgets",
                {},
                {"unit_id": "@lurah_unit", "period": "2030-01", "amount": 500_000},
            ),
            ("GET", "/reviews", {}, None),
            (
                "POST",
                "/reviews/{review_id}/{action}",
                {"review_id": "@market_review", "action": "hide"},
                None,
            ),
        )
    },
    # The curating office's routes: an official of the office (the admin here); the lurah,
    # an official of another unit, gets 403 market_curator_only (tests/market/test_sellers).
    **{
        (method, f"/api/v1/market/curator{path}"): [
            P(R.OFFICIAL, values={"seller_id": "@market_pending"}, body=body, allowed="admin")
        ]
        for method, path, body in (
            ("GET", "/sellers", None),
            ("POST", "/sellers/{seller_id}/verify", {"licence_id": "@market_licence"}),
            ("POST", "/sellers/{seller_id}/curate", None),
            ("POST", "/sellers/{seller_id}/suspend", {"reason": "Pemeriksaan ulang."}),
            ("POST", "/sellers/{seller_id}/reinstate", None),
        )
    },
}


# Who is refused what, per rule: (caller, the answer) after the anonymous caller's.
WRONG: dict[Rule, list[tuple[str, str]]] = {
    R.OFFICIAL: [("citizen", "official_only")],
    R.ADMIN: [("citizen", "admin_only"), ("official", "admin_only")],
    R.REPORTER_PAGE: [("stranger", "forbidden")],
    R.OFFICIAL_PAGE: [("citizen", "to_login")],
    R.ADMIN_PAGE: [("citizen", "forbidden"), ("official", "forbidden")],
}
ALLOWED = {
    R.ACCOUNT: "citizen",
    R.OFFICIAL: "official",
    R.ADMIN: "admin",
    R.ACCOUNT_PAGE: "citizen",
    R.REPORTER_PAGE: "citizen",
    R.OFFICIAL_PAGE: "official",
    R.ADMIN_PAGE: "admin",
}
PAGES = {R.ACCOUNT_PAGE, R.REPORTER_PAGE, R.OFFICIAL_PAGE, R.ADMIN_PAGE}
SIGN_IN = {
    R.ACCOUNT_PAGE: "/app/signin",
    R.REPORTER_PAGE: "/app/signin",
    R.OFFICIAL_PAGE: "/officials/login",
    R.ADMIN_PAGE: "/officials/login",
}
