"""Open311 test helpers: an API key, JSON Schema checks, and the XML ↔ JSON comparison.

Every response a test reads goes through :meth:`GeoReport.get` or :meth:`GeoReport.post`, which
check what the spec asks of every answer: the content type, UTF-8, the XML declaration, a
well-formed XML document whose Spark conversion equals the JSON answer, and the JSON Schema of
the resource.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sigap.channels import service as channels
from sigap.config import Settings
from sigap.db import Database

DATA = Path(__file__).parent.parent / "data" / "open311"
BASE = "/open311/v2"
JURISDICTION = "jakarta.go.id"
# XML containers whose children form a JSON array (the Spark convention).
LISTS = {
    "services",
    "service_requests",
    "attributes",
    "values",
    "endpoints",
    "formats",
    "errors",
    "notes",
    "photos",
    "proof_notes",
}
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
MONAS = {"lat": "-6.1754", "long": "106.8272"}


def _registry() -> Registry[Any]:
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
        for folder in ("spec", "sigap")
        for path in (DATA / folder).glob("*.json")
    ]
    return Registry().with_resources(resources)  # type: ignore[no-any-return]


REGISTRY = _registry()


def validate(schema: str, data: Any) -> None:
    """Validate against one of the schemas (``requests.json``, ``errors.json``, ...)."""
    contents = REGISTRY.contents(schema)
    Draft202012Validator(contents, registry=REGISTRY, format_checker=FormatChecker()).validate(data)
    for value in _datetimes(data):
        assert W3C.match(value), f"not a W3C datetime with an offset: {value!r}"


def _datetimes(data: Any) -> list[str]:
    if isinstance(data, list):
        return [v for item in data for v in _datetimes(item)]
    if not isinstance(data, dict):
        return []
    found = [v for k, v in data.items() if k.endswith(("datetime", "changeset")) and v]
    return found + [v for item in data.values() for v in _datetimes(item)]


def spark(element: ET.Element) -> Any:
    """An XML element as the Spark convention turns it into JSON, all leaves as text."""
    if element.tag in LISTS:
        return [spark(child) for child in element]
    children = list(element)
    if children:
        return {child.tag: spark(child) for child in children}
    return element.text


def as_text(data: Any) -> Any:
    """A JSON value with every leaf written as the XML writes it."""
    if isinstance(data, list):
        return [as_text(item) for item in data]
    if isinstance(data, dict):
        return {key: as_text(value) for key, value in data.items()}
    if isinstance(data, bool):
        return "true" if data else "false"
    return None if data is None else str(data)


class GeoReport:
    """Open311 calls with the checks every answer must pass."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def get(self, path: str, schema: str, *, expect: int = 200, **params: Any) -> Any:
        """GET ``path`` in both formats; returns the JSON answer once both agree."""
        xml_response = self.client.get(f"{BASE}/{path}.xml", params=params)
        json_response = self.client.get(f"{BASE}/{path}.json", params=params)
        for response in (xml_response, json_response):
            assert response.status_code == expect, response.text
            assert response.headers["access-control-allow-origin"] == "*"
        root = read_xml(xml_response)
        data = read_json(json_response, schema)
        assert spark(root) == as_text(data), "the XML and JSON answers differ"
        return data

    def post(self, fmt: str, data: dict[str, Any], *, expect: int = 201, **kw: Any) -> Any:
        """POST requests in ``fmt``; returns the JSON answer or the XML root."""
        response = self.client.post(f"{BASE}/requests.{fmt}", data=data, **kw)
        assert response.status_code == expect, response.text
        assert "access-control-allow-origin" not in response.headers
        if fmt == "xml":
            return read_xml(response)
        return read_json(response, "created.json" if expect < 300 else "errors.json")


def read_json(response: httpx.Response, schema: str) -> Any:
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    data = response.json()
    validate(schema, data)
    return data


def read_xml(response: httpx.Response) -> ET.Element:
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    return check_xml(response.content)


def check_xml(content: bytes) -> ET.Element:
    """UTF-8, the declaration the spec asks for, and a well-formed document."""
    text = content.decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n'), text[:60]
    return ET.fromstring(content)  # noqa: S314 - our own answer, in a test


class Spec:
    """The checks above, for test modules (which cannot import a conftest)."""

    validate = staticmethod(validate)
    spark = staticmethod(spark)
    as_text = staticmethod(as_text)
    check_xml = staticmethod(check_xml)


@pytest.fixture
def spec() -> type[Spec]:
    return Spec


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        public_url="http://sigap.test",
        open311_jurisdiction=JURISDICTION,
    )


@pytest.fixture
def georeport(client: TestClient) -> GeoReport:
    return GeoReport(client)


@pytest.fixture
def api_key(database: Database) -> str:
    """A channel's key, made through the service function as an operator's command would."""
    with database.transaction() as session:
        _, key = channels.create(session, name="LAPOR!")
    return key


@pytest.fixture
def report_form(api_key: str) -> dict[str, str]:
    return {
        "api_key": api_key,
        "jurisdiction_id": JURISDICTION,
        "service_code": "sampah",
        **MONAS,
        "address_string": "Jl. Medan Merdeka Barat",
        "description": "Sampah menumpuk di trotoar dekat gerbang.",
    }
