"""A bounded property-based fuzz of the OpenAPI document: no server error, whatever is sent.

Schemathesis turns each operation of ``/openapi.json`` into a Hypothesis strategy of requests
that fit the document (positive) and that break it (negative: wrong types, values out of range,
missing fields), which are sent through the test client as an admin (so the admin and officials'
routes get past their sign-in). Every answer must be below 500 and, when refused, carry the
usual error body (tests/sweep.py). Derandomized, a few examples per operation and mode: CI
meets the same cases every run, in well under a minute; ``SIGAP_FUZZ_EXAMPLES`` asks for more
(and new ones: a random seed) when hunting locally.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any

import httpx2 as httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode
from tests.sweep import asgi, prepare, refusal_problem

pytestmark = pytest.mark.slow  # a bounded fuzz of every operation

EXAMPLES = int(os.environ.get("SIGAP_FUZZ_EXAMPLES", "8"))
BOUNDS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize="SIGAP_FUZZ_EXAMPLES" not in os.environ,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def database_url(isolated_database_url: str) -> str:
    """The fuzz changes reference data (units, categories) through the admin API."""
    return isolated_database_url


def breakable(operation: Any) -> bool:
    """Whether negative data can be made for it: a body, or a parameter that is not just any
    text (Hypothesis gives up on the others after hundreds of tries)."""
    definition = operation.definition.raw
    if "requestBody" in definition:
        return True
    for parameter in definition.get("parameters", []):
        schema = parameter.get("schema", {})
        if set(schema) - {"type", "title", "description"} or schema.get("type") != "string":
            return True
    return False


def streams(operation: Any) -> bool:
    responses = operation.definition.raw.get("responses", {})
    return any("text/event-stream" in r.get("content", {}) for r in responses.values())


def text_part(filename: str | None, value: Any, *rest: Any) -> tuple[Any, ...]:
    return (filename, value if isinstance(value, bytes | str) else json.dumps(value), *rest)


def send(client: TestClient, auth: dict[str, str], case: Any) -> str | None:
    """The case through the test client (a stream straight into the app, left once it has
    started); what was wrong with the answer, or None."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    kwargs.pop("cookies", None)  # none declared; httpx warns of cookies per request
    kwargs["headers"] = {**kwargs.get("headers", {}), **auth}
    if isinstance(kwargs.get("data"), bytes | str):  # requests' raw body is httpx's content
        kwargs["content"] = kwargs.pop("data")
    if kwargs.get("files"):  # multipart fields: httpx sends text or bytes only
        kwargs["files"] = [(name, text_part(*part)) for name, part in kwargs["files"]]
    kwargs = {key: value for key, value in kwargs.items() if value is not None}
    try:
        if streams(case.operation):
            url = httpx.URL(kwargs["url"], params=kwargs.get("params"))
            answer = asgi(client, kwargs["method"], str(url), kwargs["headers"], b"")
            status, headers, content = answer.status, answer.headers, answer.content
        else:
            response = client.request(**kwargs, follow_redirects=False)
            status, headers, content = response.status_code, response.headers, response.content
    except Exception as exc:
        return f"raised {exc!r:.300} for {kwargs!r:.600}"
    problem = refusal_problem(kwargs["url"], status, headers, content)
    return f"{problem} for {kwargs!r:.600}" if problem else None


def fuzz(client: TestClient, auth: dict[str, str], operation: Any, mode: Any) -> list[str | None]:
    """What was wrong with the answer to each of the operation's cases of ``mode`` (None:
    nothing)."""
    found: list[str | None] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @BOUNDS
    def run(case: Any) -> None:
        problem = send(client, auth, case)
        found.append(f"{operation.label} ({mode}): {problem}" if problem else None)

    with contextlib.suppress(Unsatisfiable):  # no request of this mode fits: nothing to send
        run()
    return found


def test_no_request_the_openapi_document_describes_reaches_a_server_error(
    client: TestClient,
) -> None:
    _, auth = prepare(client)
    schema = schemathesis.openapi.from_dict(client.get("/openapi.json").json())
    operations = [result.ok() for result in schema.get_all_operations()]
    answers = [
        answer
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if mode == GenerationMode.POSITIVE or breakable(operation)
        for answer in fuzz(client, auth, operation, mode)
    ]

    assert len(operations) > 80
    assert len(answers) > 3 * len(operations)
    failures = [answer for answer in answers if answer]
    assert not failures, "\n".join(failures)
