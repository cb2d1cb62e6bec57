"""The fast lane of Open311's most polled GETs (sigap.open311.fast) answers exactly as the
routes do: same bytes, headers, errors and languages; the rest still reaches the routes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from sigap.open311 import fast

BASE = "/open311/v2"


def _scope(path: str, query: bytes = b"", method: str = "GET") -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "query_string": query}


@pytest.mark.parametrize(
    ("scope", "taken"),
    [
        (_scope(f"{BASE}/requests/12.json"), True),
        (_scope(f"{BASE}/requests/12.xml", b"lang=en&jurisdiction_id=31"), True),
        (_scope(f"{BASE}/services.xml"), True),
        (_scope(f"{BASE}/requests/12.json", b"extensions=true"), False),
        (_scope(f"{BASE}/requests/12.json", b"exten%73ions=true"), False),
        (_scope(f"{BASE}/requests/12.csv"), False),
        (_scope(f"{BASE}/requests/12.json", method="HEAD"), False),
        (_scope(f"{BASE}/requests.json", b"status=open&service_code=sampah"), True),
        (_scope(f"{BASE}/requests.xml"), True),
        (_scope(f"{BASE}/requests.json", b"extensions=false"), False),
        (_scope(f"{BASE}/requests.json", method="POST"), False),
        (_scope(f"{BASE}/requests/.json"), False),
        (_scope(f"{BASE}/services/sampah.json"), False),
        (_scope("/api/v1/reports/12"), False),
        ({"type": "websocket", "path": f"{BASE}/services.json"}, False),
    ],
)
def test_the_fast_lane_takes_only_plain_gets_of_one_request_and_the_services(
    scope: dict[str, Any], taken: bool
) -> None:
    assert (fast.route_of(scope) is not None) is taken


def _same(fast_answer: Any, routed: Any) -> None:
    assert fast_answer.status_code == routed.status_code
    assert fast_answer.content == routed.content
    for header in ("content-type", "content-length", "access-control-allow-origin"):
        assert fast_answer.headers.get(header) == routed.headers.get(header), header


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_one_request_is_answered_as_the_route_answers_it(
    client: TestClient, report_form: dict[str, str], fmt: str, lang: str
) -> None:
    created = client.post(f"{BASE}/requests.json", data=report_form)
    assert created.status_code == 201, created.text
    report_id = created.json()[0]["service_request_id"]
    path = f"{BASE}/requests/{report_id}.{fmt}"
    answer = client.get(path, params={"lang": lang})
    # extensions=false means the same request, but only the route reads that parameter.
    routed = client.get(path, params={"lang": lang, "extensions": "false"})
    _same(answer, routed)
    assert answer.status_code == 200
    assert report_id.encode() in answer.content
    assert answer.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("raw_id", "params", "code"),
    [
        ("987654321", {}, "report_not_found"),
        ("abc", {}, "report_not_found"),
        ("0", {}, "report_not_found"),
        ("1", {"jurisdiction_id": "bandung.go.id"}, "unknown_jurisdiction"),
    ],
)
def test_errors_of_one_request_are_the_routes_errors(
    client: TestClient, fmt: str, raw_id: str, params: dict[str, str], code: str
) -> None:
    path = f"{BASE}/requests/{raw_id}.{fmt}"
    for lang in ("id", "en"):
        answer = client.get(path, params={**params, "lang": lang})
        routed = client.get(path, params={**params, "lang": lang, "extensions": "false"})
        _same(answer, routed)
        assert answer.status_code == 404
        assert code.encode() in answer.content
        assert answer.headers["content-language"] == lang


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_service_list_is_in_the_callers_language(client: TestClient, fmt: str) -> None:
    """The fast lane and the route share one rendering; the language still picks the names."""
    indonesian = client.get(f"{BASE}/services.{fmt}", headers={"Accept-Language": "id"})
    english = client.get(f"{BASE}/services.{fmt}", headers={"Accept-Language": "en-GB,en"})
    assert indonesian.status_code == english.status_code == 200
    assert indonesian.headers["access-control-allow-origin"] == "*"
    assert b"Sampah" in indonesian.content
    assert indonesian.content != english.content


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 200),
        ("status=open&service_code=sampah&page_size=2", 200),
        ("service_code=sampah&service_code=banjir&status=open,closed", 200),
        ("service_code=sampah,banjir&page=2&page_size=1&lang=en", 200),
        ("start_date=2020-01-01T00:00:00Z&end_date=&jurisdiction_id=31", 200),
        ("page_size=2&page_size=3", 200),  # the last value counts, as FastAPI reads it
        ("page_size=0", 400),
        ("page_size=x&page=0&lang=en", 400),
        ("start_date=yesterday", 400),
        ("status=pending", 400),
        ("jurisdiction_id=bandung.go.id", 404),
        ("lat=-6.1754&long=106.8272", 400),  # a circle needs its radius
    ],
)
def test_lists_are_answered_as_the_route_answers_them(
    client: TestClient, report_form: dict[str, str], fmt: str, query: str, status: int
) -> None:
    for code in ("sampah", "banjir", "sampah"):
        created = client.post(f"{BASE}/requests.json", data={**report_form, "service_code": code})
        assert created.status_code == 201, created.text
    answer = client.get(f"{BASE}/requests.{fmt}?{query}")
    routed = client.get(f"{BASE}/requests.{fmt}?{query}&extensions=false")
    _same(answer, routed)
    assert answer.status_code == status, answer.text
    if query.startswith("status=open&service_code=sampah"):
        assert answer.content.count(b"sampah") >= 2
    if query.startswith("page_size=2&page_size=3") and fmt == "json":
        assert len(answer.json()) == 3


def test_lists_of_the_same_shape_answer_with_their_own_values(
    client: TestClient, report_form: dict[str, str]
) -> None:
    """A page's statement is built once per shape of filters and run with each request's
    values: the second list of a shape must not answer with the first one's values."""
    made = {}
    for code in ("sampah", "banjir", "jalan_rusak"):
        created = client.post(f"{BASE}/requests.json", data={**report_form, "service_code": code})
        made[code] = created.json()[0]["service_request_id"]

    def listed(query: str) -> set[str]:
        answer = client.get(f"{BASE}/requests.json?{query}")
        assert answer.status_code == 200, answer.text
        return {item["service_code"] for item in answer.json()}

    assert listed("service_code=sampah") == {"sampah"}
    assert listed("service_code=banjir") == {"banjir"}
    assert listed("service_code=banjir,jalan_rusak") == {"banjir", "jalan_rusak"}
    assert listed("service_code=sampah,jalan_rusak") == {"sampah", "jalan_rusak"}
    assert listed("start_date=2000-01-01T00:00:00Z") == set(made)
    assert listed("start_date=2999-01-01T00:00:00Z") == set()
    assert listed(f"service_request_id={made['banjir']}") == {"banjir"}
    assert listed(f"service_request_id={made['sampah']},{made['jalan_rusak']}") == {
        "sampah",
        "jalan_rusak",
    }


# (form changes, headers, the status the first POST gets)
POSTS = [
    ({}, {}, 201),
    ({"api_key": None}, {}, 403),  # missing_api_key
    ({"api_key": "sgp_not-a-key"}, {}, 403),  # invalid_api_key
    ({"service_code": "no_such_service"}, {}, 404),
    ({"lat": None, "long": None}, {}, 400),  # no location
    ({"lat": "north"}, {}, 400),
    ({"description": "x" * 4001}, {}, 400),
    ({"jurisdiction_id": "bandung.go.id"}, {}, 404),
    ({}, {"Idempotency-Key": "k" * 201}, 400),
    ({}, {"Idempotency-Key": "same-key"}, 201),  # created, then replayed
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("changes", "headers", "status"), POSTS)
def test_a_post_is_answered_as_the_route_answers_it(
    client: TestClient,
    report_form: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
    changes: dict[str, str | None],
    headers: dict[str, str],
    status: int,
) -> None:
    """POST requests runs in the fast lane (sigap.web.fast) with the route's dependencies run
    by hand; with the fast route taken out, the route itself must answer the same."""
    from sigap import app as app_module

    form = {k: v for k, v in {**report_form, **changes}.items() if v is not None}
    path = f"{BASE}/requests.{fmt}"
    answers = []
    for fast_lane in (True, False):
        if not fast_lane:
            monkeypatch.delitem(app_module.FAST_ROUTES, ("POST", path))
        for lang in ("id", "en"):
            answers.append(
                client.post(path, data=form, headers={**headers, "Accept-Language": lang})
            )
    fast_id, fast_en, routed_id, routed_en = answers
    for fast_answer, routed in ((fast_id, routed_id), (fast_en, routed_en)):
        if fast_answer.status_code >= 400:
            assert fast_answer.status_code == routed.status_code, fast_answer.text
            assert fast_answer.content == routed.content
        elif "Idempotency-Key" in headers:  # the first created it, every later one replays it
            assert routed.status_code == 200
            assert routed.headers["idempotent-replayed"] == "true"
            assert routed.headers["location"] == fast_id.headers["location"]
        else:
            assert (fast_answer.status_code, routed.status_code) == (201, 201)
            assert fast_answer.headers["content-type"] == routed.headers["content-type"]
    assert fast_id.status_code == status, fast_id.text
