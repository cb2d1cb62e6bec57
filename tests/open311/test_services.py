"""Discovery, the service list and service definitions, in XML and JSON; jurisdictions, unknown
addresses and formats."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

BASE = "/open311/v2"


def test_discovery_names_this_endpoint_and_its_formats(georeport: Any) -> None:
    discovery = georeport.get("discovery", "discovery.json")

    (endpoint,) = discovery["endpoints"]
    assert endpoint["url"] == "http://sigap.test/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["changeset"] == discovery["changeset"]
    assert discovery["changeset"].endswith("+07:00")  # the deployment's zone
    assert "http://sigap.test" in discovery["key_service"]


def test_services_are_the_active_categories(georeport: Any) -> None:
    services = georeport.get("services", "services.json")

    assert len(services) == 20
    banjir = next(s for s in services if s["service_code"] == "banjir")
    assert banjir == {
        "service_code": "banjir",
        "service_name": "Banjir",
        "description": "Target tanggapan 24 jam, target penyelesaian 72 jam.",
        "metadata": False,
        "type": "realtime",
        "keywords": "banjir, flood",
        "group": None,
    }


def test_services_speak_english_on_request(georeport: Any) -> None:
    services = georeport.get("services", "services.json", lang="en")

    banjir = next(s for s in services if s["service_code"] == "banjir")
    assert banjir["service_name"] == "Flood"
    assert banjir["description"] == "Response within 24 hours, resolution within 72 hours."


def test_a_service_definition_has_no_questions_yet(georeport: Any) -> None:
    definition = georeport.get("services/jalan_rusak", "service-definition.json")

    assert definition == {"service_code": "jalan_rusak", "attributes": []}


@pytest.mark.parametrize(
    ("path", "code", "status"),
    [
        ("services/ufo", "unknown_category", 404),
        ("requests/999999", "report_not_found", 404),
        ("requests/abc", "report_not_found", 404),
        ("requests/99999999999999999999", "report_not_found", 404),
        ("tokens/no-such-token", "not_found", 404),
        ("nowhere", "not_found", 404),
        ("services/banjir/more", "not_found", 404),
    ],
)
def test_what_does_not_exist_is_a_404_in_the_format_asked(
    georeport: Any, path: str, code: str, status: int
) -> None:
    errors = georeport.get(path, "errors.json", expect=status)

    assert [e["code"] for e in errors] == [code]


@pytest.mark.parametrize("jurisdiction", ["jakarta.go.id", "JAKARTA.go.id", "31", ""])
def test_the_deployment_answers_to_its_jurisdictions(georeport: Any, jurisdiction: str) -> None:
    georeport.get("services", "services.json", jurisdiction_id=jurisdiction)


@pytest.mark.parametrize("path", ["discovery", "services", "services/banjir", "requests"])
def test_another_jurisdiction_is_a_404(georeport: Any, path: str) -> None:
    errors = georeport.get(path, "errors.json", expect=404, jurisdiction_id="bandung.go.id")

    assert errors[0]["code"] == "unknown_jurisdiction"
    assert "'31' / 'jakarta.go.id'" in errors[0]["description"]


def test_errors_use_the_language_asked_for(georeport: Any) -> None:
    errors = georeport.get("services/ufo", "errors.json", expect=404, lang="en")

    assert errors == [
        {
            "code": "unknown_category",
            "description": "Unknown category 'ufo'. See the list at /api/v1/categories.",
        }
    ]


def test_an_unknown_format_is_explained_in_xml(client: TestClient, spec: Any) -> None:
    response = client.get(f"{BASE}/services.csv")

    assert response.status_code == 400
    root = spec.check_xml(response.content)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "unsupported_format"
    assert ".xml atau .json" in (root.findtext("error/description") or "")


def test_a_wrong_method_is_a_400(client: TestClient, spec: Any) -> None:
    response = client.post(f"{BASE}/services.json")

    assert response.status_code == 400
    spec.validate("errors.json", response.json())
    assert response.json()[0]["code"] == "method_not_allowed"
    assert "access-control-allow-origin" not in response.headers


def test_the_json_api_keeps_its_own_error_shape(client: TestClient) -> None:
    response = client.get("/api/v1/nowhere.json")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_openapi_documents_every_resource(client: TestClient) -> None:
    document = client.get("/openapi.json").json()

    paths = {path for path in document["paths"] if path.startswith(BASE)}
    assert paths == {
        f"{BASE}/discovery.{{fmt}}",
        f"{BASE}/services.{{fmt}}",
        f"{BASE}/services/{{service_code}}.{{fmt}}",
        f"{BASE}/requests.{{fmt}}",
        f"{BASE}/requests/{{service_request_id}}.{{fmt}}",
        f"{BASE}/tokens/{{token}}.{{fmt}}",
    }
    request = document["components"]["schemas"]["ServiceRequest"]
    assert "media_url" in request["required"]
    assert "extended_attributes" not in request["required"]
    post = document["paths"][f"{BASE}/requests.{{fmt}}"]["post"]
    form = post["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert {"api_key", "service_code", "lat", "long", "media_url"} <= set(form["properties"])
