"""The gate at the start of the router (sigap.web.fast): the hot routes are the routes the walk
would choose, and answer as through the walk (the Open311 ones: tests/open311/test_hot_routes.py);
refusals and draining are answered by the app's handlers; middleware reaches the hot routes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from sigap.app import HOT_ROUTES, create_app
from sigap.config import Settings
from sigap.web.fast import Gate, hot_routes

REPORT = {"category": "sampah", "lat": -6.1754, "lon": 106.8272,
          "description": "Sampah menumpuk di trotoar dekat pasar."}  # fmt: skip
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def gate_of(client: TestClient) -> Gate:
    gate = client.app.router.middleware_stack  # type: ignore[attr-defined]
    assert isinstance(gate, Gate)
    return gate


def both(client: TestClient, method: str, url: str, **kwargs: Any) -> tuple[Any, Any]:
    """The answer with the hot routes, then the answer through the router's walk."""
    gate = gate_of(client)
    hot = client.request(method, url, **kwargs)
    taken, gate.hot = gate.hot, ()
    try:
        walked = client.request(method, url, **kwargs)
    finally:
        gate.hot = taken
    return hot, walked


def same(hot: Any, walked: Any) -> Any:
    """Both answers alike, byte for byte and header for header; the first is returned."""
    assert hot.status_code == walked.status_code, hot.text
    assert hot.content == walked.content
    assert hot.headers.multi_items() == walked.headers.multi_items()
    return hot


def _scope(method: str, path: str) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "query_string": b""}


@pytest.mark.parametrize(
    ("method", "path", "taken"),
    [
        ("POST", "/api/v1/reports", True),
        ("GET", "/open311/v2/services.json", True),
        ("HEAD", "/open311/v2/services.xml", False),  # FastAPI's routes take no HEAD
        ("GET", "/open311/v2/requests/12.xml", True),
        ("GET", "/open311/v2/requests/abc.csv", True),
        ("GET", "/open311/v2/requests.json", True),
        ("POST", "/open311/v2/requests.xml", True),
        ("PUT", "/open311/v2/requests.xml", False),
        ("GET", "/api/v1/reports", False),
        ("POST", "/api/v1/market/orders", True),
        ("GET", "/api/v1/market/orders", False),
    ],
)
def test_a_hot_route_is_the_route_the_walk_chooses(
    client: TestClient, method: str, path: str, taken: bool
) -> None:
    """The gate takes a request only to the route the walk would choose, else leaves it to
    the walk."""
    scope = _scope(method, path)
    walked = next(
        context.original_route
        for context in iter_route_contexts(client.app.routes)  # type: ignore[attr-defined]
        if context.matches(scope)[0] is Match.FULL
    )
    hot = [route.route for route in gate_of(client).hot if route.matches(scope)[0] is Match.FULL]
    assert hot == ([walked] if taken else [])


def test_every_hot_route_is_found_and_a_missing_one_is_an_error(client: TestClient) -> None:
    assert len(gate_of(client).hot) == len(HOT_ROUTES)
    with pytest.raises(LookupError, match="/api/v1/nothing"):
        hot_routes(client.app.routes, [("GET", "/api/v1/nothing")])  # type: ignore[attr-defined]


def test_the_hot_routes_come_first_in_the_walk(client: TestClient) -> None:
    """Finding them builds every route's context up to the last one, at each app's start (and
    each test's): 0.13 s an app when the market's order came after twenty routers."""
    walked = [
        (method, context.path)
        for context in iter_route_contexts(list(client.app.routes))  # type: ignore[attr-defined]
        for method in context.methods or ()
    ]
    last = max(walked.index(hot) for hot in HOT_ROUTES)
    assert last < 30, walked[: last + 1]


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"{", {"Content-Type": "application/json"}, 422),
        (b"{}", {"Content-Type": "application/json", "Accept-Language": "en"}, 422),
        (b'{"category": "sampah", "lat": 99, "lon": 0}', {}, 422),
        (b"{", BROWSER, 422),
        (b"[]", {"Content-Type": "application/json"}, 422),
    ],
)
def test_submit_errors_are_the_walk_s(
    client: TestClient, body: bytes, headers: dict[str, str], status: int
) -> None:
    answer = same(*both(client, "POST", "/api/v1/reports", content=body, headers=headers))
    assert answer.status_code == status


def test_a_submit_is_answered_as_through_the_walk(client: TestClient) -> None:
    hot, walked = both(client, "POST", "/api/v1/reports", json=REPORT)
    assert (hot.status_code, walked.status_code) == (201, 201)
    assert hot.headers.keys() == walked.headers.keys()
    first, second = hot.json(), walked.json()
    assert first.keys() == second.keys()
    assert first["category"] == second["category"]
    assert first["id"] != second["id"]
    first, replayed = both(
        client, "POST", "/api/v1/reports", json=REPORT, headers={"Idempotency-Key": "k1"}
    )
    assert (first.status_code, replayed.status_code) == (201, 200)
    assert first.headers["location"] == replayed.headers["location"]


@pytest.mark.parametrize(
    "url",
    ["/api/v1/reports?x=a%00b", "/api/v1/reports", "/portal", "/nothing/here"],
)
def test_refusals_and_draining_are_answered_by_the_app_s_handlers(
    client: TestClient, url: str
) -> None:
    if "%00" in url:
        refused = same(*both(client, "POST", url, json=REPORT))
        assert refused.status_code == 422
        assert refused.json()["error"]["code"] == "invalid_input"
        return
    client.app.drain()  # type: ignore[attr-defined]
    for headers in ({}, BROWSER):
        answer = same(*both(client, "POST" if "reports" in url else "GET", url, headers=headers))
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == "5"
        assert "shutting_down" in answer.text


class Counting:
    """A middleware as an app might add one."""

    def __init__(self, app: ASGIApp, seen: list[str]) -> None:
        self.app = app
        self.seen = seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.seen.append(f"{scope['method']} {scope['path']}")
        await self.app(scope, receive, send)


@pytest.fixture
def counted(settings: Settings) -> Iterator[tuple[TestClient, list[str]]]:
    seen: list[str] = []
    app = create_app(settings)
    app.add_middleware(Counting, seen=seen)
    with TestClient(app) as client:
        yield client, seen


def test_a_middleware_added_to_the_app_reaches_the_hot_routes(
    counted: tuple[TestClient, list[str]],
) -> None:
    client, seen = counted
    requests = [
        ("POST", "/api/v1/reports"),
        ("GET", "/open311/v2/services.json"),
        ("GET", "/open311/v2/requests/1.xml"),
        ("GET", "/open311/v2/requests.json"),
        ("POST", "/open311/v2/requests.json"),
        ("GET", "/api/v1/categories"),
    ]
    for method, path in requests:
        client.request(method, path)
    assert seen == [f"{method} {path}" for method, path in requests]
