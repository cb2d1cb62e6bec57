"""POST requests with ``attribute[code]`` and ``attribute[code][]``: the JSON API's own check of
the answers, stored on the report, shown with extensions=true (free text never), and every
refusal a 400 in the path's format that says what to fix, with nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sigap import models
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD

BASE = "/open311/v2"


def reports_in(database: Database) -> int:
    with database.reading() as session:
        return session.scalar(select(func.count()).select_from(models.Report)) or 0


def test_repeated_attributes_are_stored_and_shown_in_the_language_asked(
    georeport: Any, client: TestClient, report_form: dict[str, str]
) -> None:
    form = {**report_form, "attribute[jenis_sampah][]": ["plastik", "puing"]}

    (created,) = georeport.post("json", form)
    report_id = created["service_request_id"]
    (request,) = georeport.get(f"requests/{report_id}", "requests.json", extensions="true")
    listed = georeport.get("requests", "requests.json", extensions="true", lang="en")
    report = client.get(f"/api/v1/reports/{report_id}", params={"lang": "en"}).json()

    assert request["extended_attributes"]["attributes"] == [
        {
            "code": "jenis_sampah",
            "datatype": "multivaluelist",
            "description": "Jenis sampah",
            "values": [
                {"key": "plastik", "name": "Plastik"},
                {"key": "puing", "name": "Puing bangunan"},
            ],
        }
    ]
    assert listed[0]["extended_attributes"]["attributes"][0]["values"][1] == {
        "key": "puing",
        "name": "Construction debris",
    }
    assert report["answers"] == [
        {
            "code": "jenis_sampah",
            "question": "Kind of garbage",
            "datatype": "multivaluelist",
            "value": ["plastik", "puing"],
            "text": "Plastic, Construction debris",
        }
    ]


def test_single_attributes_of_each_kind_in_xml(
    georeport: Any, client: TestClient, report_form: dict[str, str], spec: Any
) -> None:
    form = {
        **report_form,
        "service_code": "banjir",
        "attribute[ketinggian_air]": "40",
        "attribute[tergenang_sejak]": "2026-11-27T06:30",
    }

    root = georeport.post("xml", form)
    report_id = root.findtext("request/service_request_id")
    xml = spec.check_xml(
        client.get(f"{BASE}/requests/{report_id}.xml", params={"extensions": "true"}).content
    )
    report = client.get(f"/api/v1/reports/{report_id}").json()

    answers = xml.findall("request/extended_attributes/attributes/attribute")
    assert [(a.findtext("code"), a.findtext("datatype")) for a in answers] == [
        ("ketinggian_air", "number"),
        ("tergenang_sejak", "datetime"),
    ]
    assert answers[1].findtext("values/value/key") == "2026-11-27T06:30:00+07:00"
    assert answers[1].findtext("values/value/name") == "27-11-2026 06:30"
    assert [(a["code"], a["value"]) for a in report["answers"]] == [
        ("ketinggian_air", 40),
        ("tergenang_sejak", "2026-11-27T06:30:00+07:00"),
    ]


def test_free_text_answers_reach_officials_only(
    georeport: Any, client: TestClient, report_form: dict[str, str]
) -> None:
    secret = "Pria berjaket merah, motor B 1234 XYZ"
    form = {**report_form, "service_code": "tindak_kriminal", "attribute[ciri_pelaku]": secret}

    (created,) = georeport.post("json", form)
    report_id = created["service_request_id"]
    token = client.post(
        "/api/v1/auth/tokens", json={"email": "admin@demo.sigap.id", "password": DEMO_PASSWORD}
    ).json()["token"]
    official = client.get(
        f"/api/v1/officials/reports/{report_id}", headers={"Authorization": f"Bearer {token}"}
    ).json()

    public = [
        str(georeport.get(f"requests/{report_id}", "requests.json", extensions="true")),
        client.get(f"{BASE}/requests.xml", params={"extensions": "true"}).text,
        client.get(f"/api/v1/reports/{report_id}").text,
        client.get(f"/reports/{report_id}").text,
    ]
    assert all("B 1234 XYZ" not in answer for answer in public)
    assert official["answers"] == [
        {
            "code": "ciri_pelaku",
            "question": "Ciri-ciri pelaku atau kendaraannya",
            "datatype": "text",
            "value": secret,
            "text": secret,
        }
    ]


@pytest.mark.parametrize(
    ("change", "code", "says"),
    [
        ({"attribute[jenis_sampah][]": "kaca"}, "invalid_attribute_value",
         "'kaca' bukan pilihan untuk 'Jenis sampah' (jenis_sampah); kirim salah satu key: "
         "rumah_tangga, plastik, puing, daun, b3."),
        ({"service_code": "layanan_rumah_sakit"}, "attribute_required",
         "Pertanyaan 'Nama rumah sakit' wajib dijawab: kirim jawaban dengan kode "
         "'nama_rumah_sakit'."),
        ({"service_code": "layanan_rumah_sakit", "attribute[nama_rumah_sakit]": "  "},
         "attribute_required", "'Nama rumah sakit' wajib dijawab"),
        ({"service_code": "banjir", "attribute[ketinggian_air]": "selutut"},
         "attribute_not_a_number", "'selutut' bukan angka"),
        ({"service_code": "banjir", "attribute[tergenang_sejak]": "kemarin sore"},
         "attribute_not_a_datetime", "tanggal dan jam ISO 8601"),
        ({"service_code": "jalan_rusak", "attribute[ukuran_kerusakan][]": ["kecil", "besar"]},
         "attribute_one_value", "menerima satu jawaban saja, bukan 2"),
        ({"attribute[warna]": "merah"}, "unknown_attribute",
         "Kategori 'sampah' tidak punya pertanyaan 'warna'. Kode pertanyaannya: jenis_sampah."),
    ],
)  # fmt: skip
def test_wrong_answers_are_400s_that_say_what_to_fix(
    georeport: Any,
    database: Database,
    report_form: dict[str, str],
    change: dict[str, Any],
    code: str,
    says: str,
) -> None:
    form = {**report_form, **change}

    errors = georeport.post("json", form, expect=400)
    root = georeport.post("xml", form, expect=400)

    assert [error["code"] for error in errors] == [code]
    assert says in errors[0]["description"]
    assert root.tag == "errors"
    assert root.findtext("error/code") == code
    assert says in (root.findtext("error/description") or "")
    assert reports_in(database) == 0


def test_the_description_speaks_the_language_asked(
    georeport: Any, report_form: dict[str, str]
) -> None:
    form = {**report_form, "service_code": "layanan_rumah_sakit"}

    errors = georeport.post("json", form, expect=400, headers={"Accept-Language": "en"})

    assert errors == [
        {
            "code": "attribute_required",
            "description": "The question 'Name of the hospital' must be answered: send an "
            "answer with the code 'nama_rumah_sakit'.",
        }
    ]
