"""Rendering and form parsing without a database: a hand-made service definition with every
datatype and the XML/JSON pair it becomes (answers are checked in tests/reports/test_answers.py)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest

from sigap.errors import SigapError
from sigap.open311 import render
from sigap.open311.form import parse
from sigap.open311.schemas import Attribute, AttributeValue, Error, ServiceDefinition

COLOURS = [AttributeValue(key="1", name="Merah"), AttributeValue(key="2", name="Hijau & biru")]
DEFINITION = ServiceDefinition(
    service_code="pohon_tumbang",
    attributes=[
        Attribute(variable=True, code="JALAN", datatype="string", required=True,
                  datatype_description="Nama jalan", order=1, description="Di jalan apa?"),
        Attribute(variable=True, code="DIAMETER", datatype="number", required=False,
                  datatype_description="Sentimeter", order=2, description="Diameter batang"),
        Attribute(variable=True, code="SEJAK", datatype="datetime", required=False, order=3,
                  description="Sejak kapan?"),
        Attribute(variable=True, code="CATATAN", datatype="text", required=False, order=4),
        Attribute(variable=True, code="WARNA", datatype="singlevaluelist", required=True,
                  order=5, description="Warna <pita>", values=COLOURS),
        Attribute(variable=True, code="AKIBAT", datatype="multivaluelist", required=False,
                  order=6, values=[AttributeValue(key="jalan", name="Menutup jalan"),
                                   AttributeValue(key="kabel", name="Mengenai kabel")]),
        Attribute(variable=False, code="INFO", datatype="text", required=False, order=7,
                  description="Jangan mendekati pohon yang tumbang."),
    ],
)  # fmt: skip
ATTRIBUTE_ELEMENTS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]


def test_a_definition_renders_every_datatype_in_both_formats(spec: Any) -> None:
    data = render.tree(DEFINITION)
    root = spec.check_xml(render.xml_bytes("service_definition", data))

    spec.validate("service-definition.json", json.loads(render.json_bytes(data)))
    assert spec.spark(root) == spec.as_text(data)
    attributes = root.findall("attributes/attribute")
    assert [a.findtext("datatype") for a in attributes] == [
        "string", "number", "datetime", "text", "singlevaluelist", "multivaluelist", "text"
    ]  # fmt: skip
    assert all([child.tag for child in a] == ATTRIBUTE_ELEMENTS for a in attributes)
    warna = attributes[4]
    assert (warna.findtext("variable"), warna.findtext("required")) == ("true", "true")
    assert warna.findtext("order") == "5"
    assert warna.findtext("description") == "Warna <pita>"  # escaped, not markup
    assert [(v.findtext("key"), v.findtext("name")) for v in warna.iter("value")] == [
        ("1", "Merah"),
        ("2", "Hijau & biru"),
    ]
    assert attributes[3].find("datatype_description").text is None  # type: ignore[union-attr]
    assert data["attributes"][3]["values"] == []
    assert data["attributes"][6]["variable"] is False


def test_text_that_xml_cannot_carry_is_replaced_not_broken(spec: Any) -> None:
    error = Error(code="x", description="bell \x07, form feed \x0c, emoji 🌊, tab\tok")

    root = spec.check_xml(render.xml_bytes("errors", render.tree([error])))

    assert root.findtext("error/description") == "bell \ufffd, form feed \ufffd, emoji 🌊, tab\tok"
    assert ET.tostring(root, encoding="unicode").count("<error>") == 1


def test_an_unnamed_list_is_a_bug_not_a_silent_guess() -> None:
    with pytest.raises(KeyError):
        render.xml_bytes("things", [{"a": 1}])


def test_the_form_reads_single_and_repeated_attributes() -> None:
    body = (
        b"service_code=pohon_tumbang&lat=-6.2&long=106.8&description=Pohon+tumbang"
        b"&attribute[JALAN]=Jl.+Sudirman&attribute[AKIBAT][]=jalan&attribute[AKIBAT][]=kabel"
        b"&attribute[KOSONG]=&email=&first_name=%E2%9C%93"
    )

    submission = parse(body, "application/x-www-form-urlencoded; charset=utf-8")

    assert submission.attributes == {"JALAN": ["Jl. Sudirman"], "AKIBAT": ["jalan", "kabel"]}
    assert submission.form.service_code == "pohon_tumbang"
    assert submission.form.email is None  # empty means not sent
    assert submission.form.first_name == "✓"


@pytest.mark.parametrize(
    ("body", "content_type", "code"),
    [
        (b'{"service_code": "banjir"}', "application/json", "unsupported_content_type"),
        (b"description=%FF%FE", "application/x-www-form-urlencoded", "unsupported_content_type"),
        (b"a=1&" * 300, "application/x-www-form-urlencoded", "request_too_large"),
        (b"description=" + b"x" * 70_000, "application/x-www-form-urlencoded",
         "request_too_large"),
    ],
)  # fmt: skip
def test_bodies_the_spec_does_not_send_are_refused(
    body: bytes, content_type: str, code: str
) -> None:
    with pytest.raises(SigapError) as caught:
        parse(body, content_type)

    assert caught.value.code == code


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("report_not_found", 404),
        ("category_not_found", 404),
        ("unknown_category", 404),  # 422 in the JSON API: a service_code sent that is unknown
        ("invalid_api_key", 403),
        ("too_many_reports", 429),
        ("outside_service_area", 400),
        ("idempotency_key_reused", 400),
        ("request_too_large", 400),
        ("invalid_input", 400),
        ("region_not_loaded", 503),
    ],
)
def test_open311_statuses(code: str, expected: int) -> None:
    params: dict[str, Any] = {
        "report_id": 1,
        "category": "x",
        "lat": 0,
        "lon": 0,
        "region": "r",
        "limit": 1,
    }
    error = SigapError(code, **params)

    assert render.status_of(error) == expected


def test_remembered_values_last_as_long_as_their_snapshot_and_the_oldest_go_first() -> None:
    from sigap.open311.render import Remembered

    made: list[str] = []

    def maker(value: str) -> Callable[[], str]:
        def make() -> str:
            made.append(value)
            return value

        return make

    remembered = Remembered[str](size=2)
    first, second = object(), object()
    for key in ("a", "b", "a", "c", "a"):  # "c" pushes out "a", the oldest
        remembered.get(first, key, maker(key))
    remembered.get(second, "b", maker("b"))  # a new snapshot forgets everything

    assert made == ["a", "b", "c", "a", "b"]
