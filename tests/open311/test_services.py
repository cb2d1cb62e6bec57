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

    assert len(services) == 21
    banjir = next(s for s in services if s["service_code"] == "banjir")
    assert banjir == {
        "service_code": "banjir",
        "service_name": "Banjir",
        "description": "Target tanggapan 24 jam, target penyelesaian 72 jam.",
        "metadata": True,  # it asks questions: fetch services/banjir
        "type": "realtime",
        "keywords": "banjir, flood",
        "group": None,
    }


def test_services_speak_english_on_request(georeport: Any) -> None:
    services = georeport.get("services", "services.json", lang="en")

    banjir = next(s for s in services if s["service_code"] == "banjir")
    assert banjir["service_name"] == "Flood"
    assert banjir["description"] == "Response within 24 hours, resolution within 72 hours."


def test_each_language_and_format_keeps_its_own_rendered_service_list(
    georeport: Any, client: Any
) -> None:
    """The service list is rendered once per region snapshot, language and format."""
    names = {}
    for language in ("id", "en", "id"):
        services = georeport.get("services", "services.json", lang=language)
        names.setdefault(language, []).append(
            next(s["service_name"] for s in services if s["service_code"] == "banjir")
        )
    xml = client.get(f"{BASE}/services.xml", params={"lang": "en"})

    assert names == {"id": ["Banjir", "Banjir"], "en": ["Flood"]}
    assert xml.headers["content-type"].startswith("text/xml")
    assert b"<service_name>Flood</service_name>" in xml.content


def test_only_services_with_questions_have_metadata(georeport: Any) -> None:
    services = georeport.get("services", "services.json")

    with_questions = {s["service_code"] for s in services if s["metadata"]}
    assert with_questions == {
        "banjir", "sampah", "jalan_rusak", "layanan_rumah_sakit", "tindak_kriminal",
        "angkutan_umum",
    }  # fmt: skip


def test_a_service_definition_lists_its_questions(georeport: Any) -> None:
    definition = georeport.get("services/banjir", "service-definition.json")

    assert definition == {
        "service_code": "banjir",
        "attributes": [
            {
                "variable": True,
                "code": "ketinggian_air",
                "datatype": "number",
                "required": False,
                "datatype_description": "Perkiraan ketinggian air di jalan dalam sentimeter; "
                "sebatas mata kaki kira-kira 10 cm dan sebatas lutut 50 cm.",
                "order": 1,
                "description": "Ketinggian air (cm)",
                "values": [],
            },
            {
                "variable": True,
                "code": "tergenang_sejak",
                "datatype": "datetime",
                "required": False,
                "datatype_description": "Tanggal dan jam air mulai menggenang.",
                "order": 2,
                "description": "Tergenang sejak kapan?",
                "values": [],
            },
        ],
    }


@pytest.mark.parametrize(
    ("code", "datatype", "required", "values"),
    [
        ("banjir", "number", False, []),
        ("sampah", "multivaluelist", False,
         [("rumah_tangga", "Household waste"), ("plastik", "Plastic"),
          ("puing", "Construction debris"), ("daun", "Leaves and branches"),
          ("b3", "Hazardous waste")]),
        ("jalan_rusak", "singlevaluelist", False,
         [("kecil", "Small (under 50 cm)"), ("sedang", "Medium (50 cm to 2 m)"),
          ("besar", "Large (over 2 m)")]),
        ("layanan_rumah_sakit", "string", True, []),
        ("tindak_kriminal", "text", False, []),
    ],
)  # fmt: skip
def test_every_datatype_in_both_formats_and_the_language_asked(
    client: TestClient,
    georeport: Any,
    spec: Any,
    code: str,
    datatype: str,
    required: bool,
    values: list[tuple[str, str]],
) -> None:
    definition = georeport.get(f"services/{code}", "service-definition.json", lang="en")
    root = spec.check_xml(
        client.get(f"{BASE}/services/{code}.xml", headers={"Accept-Language": "en"}).content
    )

    first = definition["attributes"][0]
    assert (first["datatype"], first["required"], first["variable"]) == (datatype, required, True)
    assert [(v["key"], v["name"]) for v in first["values"]] == values
    assert first["description"]
    assert first["datatype_description"]
    assert root.tag == "service_definition"
    assert [child.tag for child in root] == ["service_code", "attributes"]
    element = root.find("attributes/attribute")
    assert element is not None
    assert [child.tag for child in element] == [
        "variable", "code", "datatype", "required", "datatype_description", "order",
        "description", "values",
    ]  # fmt: skip
    assert element.findtext("description") == first["description"]  # English in both
    assert [v.findtext("name") for v in element.iter("value")] == [name for _, name in values]


def test_a_service_without_questions_has_an_empty_definition(georeport: Any) -> None:
    definition = georeport.get("services/kemacetan", "service-definition.json")

    assert definition == {"service_code": "kemacetan", "attributes": []}


@pytest.mark.parametrize(
    ("path", "code", "status"),
    [
        ("services/ufo", "category_not_found", 404),
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
            "code": "category_not_found",
            "description": "The category 'ufo' was not found. See the list at /api/v1/categories.",
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
