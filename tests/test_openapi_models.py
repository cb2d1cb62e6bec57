"""Every JSON answer of the API is declared in the OpenAPI document by a model (issue #25): no
2xx ``application/json`` answer whose schema is empty, an object of anything
(``additionalProperties: true``) or an object without properties, nor a list of those. A map
whose values are typed (``{code: bool}``) is declared; free JSON inside a typed answer (an
event's ``data``, an outbox message's ``payload``) is what it is and not looked at. Answers
that are not JSON say their own media type."""

from __future__ import annotations

from typing import Any

import pytest

from sigap.app import create_app
from sigap.config import Settings

Schema = dict[str, Any]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    spec: dict[str, Any] = create_app(Settings(database_url="sqlite:///:memory:")).openapi()
    return spec


def resolved(schema: Schema, components: dict[str, Schema]) -> Schema:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def untyped(schema: Schema, components: dict[str, Schema]) -> bool:
    """Whether ``schema`` (an answer's, or a list answer's items) says nothing of its keys."""
    schema = resolved(schema, components)
    if schema.get("type") == "array":
        return untyped(schema.get("items", {}), components)
    branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
    if branches:
        return any(untyped(branch, components) for branch in branches)
    values = schema.get("additionalProperties")
    if not schema or values is True:
        return True
    return schema.get("type") == "object" and "properties" not in schema and not values


def json_answers(document: dict[str, Any]) -> list[tuple[str, Schema]]:
    return [
        (f"{method.upper()} {path} {status}", content["application/json"]["schema"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status, answer in operation.get("responses", {}).items()
        if status.startswith("2")
        and "schema" in (content := answer.get("content", {})).get("application/json", {})
    ]


def test_every_json_answer_is_declared_by_a_model(document: dict[str, Any]) -> None:
    components = document["components"]["schemas"]
    answers = json_answers(document)
    untyped_answers = [name for name, schema in answers if untyped(schema, components)]

    assert len(answers) > 60  # a walk that found no answer would prove nothing
    assert untyped_answers == []


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({}, True),
        ({"type": "object", "additionalProperties": True}, True),
        ({"type": "object"}, True),
        ({"type": "array", "items": {"type": "object", "additionalProperties": True}}, True),
        ({"anyOf": [{"type": "object"}, {"type": "null"}]}, True),
        ({"$ref": "#/components/schemas/Loose"}, True),
        ({"type": "object", "additionalProperties": {"type": "boolean"}}, False),
        ({"type": "object", "properties": {"id": {"type": "integer"}}}, False),
        ({"type": "array", "items": {"$ref": "#/components/schemas/Tight"}}, False),
        ({"anyOf": [{"$ref": "#/components/schemas/Tight"}, {"type": "null"}]}, False),
    ],
)
def test_what_counts_as_untyped(schema: Schema, expected: bool) -> None:
    components = {
        "Loose": {"type": "object", "additionalProperties": True},
        "Tight": {"type": "object", "properties": {"id": {"type": "integer"}}},
    }

    assert untyped(schema, components) is expected


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/api/v1/map/boundaries/{level}.geojson", "application/geo+json"),
        ("/api/v1/map/areas/{code}.geojson", "application/geo+json"),
        ("/api/v1/export/reports.geojson", "application/geo+json"),
        ("/api/v1/export/reports.csv", "text/csv"),
        ("/api/v1/map/streets/{z}/{x}/{y}.png", "image/png"),
    ],
)
def test_answers_that_are_not_json_say_their_media_type(
    document: dict[str, Any], path: str, media_type: str
) -> None:
    answer = document["paths"][path]["get"]["responses"]["200"]

    assert list(answer["content"]) == [media_type]
