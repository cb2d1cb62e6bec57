"""Open311's hot routes (sigap.app.HOT_ROUTES), run by the gate before the router's walk
(sigap.web.fast), answer exactly as through the walk: same status, bytes and headers, errors
and languages included."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.test_fast import both, same

BASE = "/open311/v2"


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_one_request_is_answered_as_the_route_answers_it(
    client: TestClient, report_form: dict[str, str], fmt: str, lang: str
) -> None:
    created = client.post(f"{BASE}/requests.json", data=report_form)
    assert created.status_code == 201, created.text
    report_id = created.json()[0]["service_request_id"]
    path = f"{BASE}/requests/{report_id}.{fmt}"
    answer = same(*both(client, "GET", path, params={"lang": lang}))
    assert answer.status_code == 200
    with_extensions = same(*both(client, "GET", path, params={"extensions": "true"}))
    assert b"extended_attributes" in with_extensions.content
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
        ("1", {"extensions": "maybe"}, "invalid_input"),
    ],
)
def test_errors_of_one_request_are_the_routes_errors(
    client: TestClient, fmt: str, raw_id: str, params: dict[str, str], code: str
) -> None:
    path = f"{BASE}/requests/{raw_id}.{fmt}"
    for lang in ("id", "en"):
        answer = same(*both(client, "GET", path, params={**params, "lang": lang}))
        assert answer.status_code == (400 if code == "invalid_input" else 404)
        assert code.encode() in answer.content
        assert answer.headers["content-language"] == lang


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_service_list_is_in_the_callers_language(client: TestClient, fmt: str) -> None:
    path = f"{BASE}/services.{fmt}"
    indonesian = same(*both(client, "GET", path, headers={"Accept-Language": "id"}))
    english = same(*both(client, "GET", path, headers={"Accept-Language": "en-GB,en"}))
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
        ("page_size=2&page_size=3", 200),  # the last value counts
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
    answer = same(*both(client, "GET", f"{BASE}/requests.{fmt}?{query}"))
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
def test_a_post_is_answered_as_through_the_walk(
    client: TestClient,
    report_form: dict[str, str],
    fmt: str,
    changes: dict[str, str | None],
    headers: dict[str, str],
    status: int,
) -> None:
    form = {k: v for k, v in {**report_form, **changes}.items() if v is not None}
    path = f"{BASE}/requests.{fmt}"
    for lang in ("id", "en"):
        sent = {**headers, "Accept-Language": lang}
        hot, walked = both(client, "POST", path, data=form, headers=sent)
        if hot.status_code >= 400:
            same(hot, walked)
        elif "Idempotency-Key" in headers:  # the first created it, every later one replays it
            assert walked.status_code == 200
            assert walked.headers["idempotent-replayed"] == "true"
            assert walked.headers["location"] == hot.headers["location"]
        elif hot.status_code == 201:  # two reports: the same answer but for their ids
            assert walked.status_code == 201
            assert hot.headers.keys() == walked.headers.keys()
            assert hot.headers["content-type"] == walked.headers["content-type"]
        if lang == "id":
            assert hot.status_code == status, hot.text


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
def test_refusals_and_unknown_formats_are_open311_errors_both_ways(
    client: TestClient, fmt: str
) -> None:
    for method, path in (
        ("GET", f"{BASE}/services.{fmt}?q=a%00b"),  # refused by the gate, in Open311's form
        ("GET", f"{BASE}/requests/1.{fmt}?lang=en"),
        ("POST", f"{BASE}/requests.{fmt}"),
    ):
        answer = same(*both(client, method, path))
        assert answer.status_code in (400, 403, 404), answer.text
        if method == "GET" and (fmt == "csv" or "%00" in path):
            assert answer.status_code == 400
        open311_form = answer.content.startswith(b"[") if fmt == "json" else b"<errors>"
        assert open311_form is True or open311_form in answer.content
