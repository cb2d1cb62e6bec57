"""Answers to a category's questions through the JSON API: the questions in /categories, answers
of every kind stored and shown, each kind of wrong answer refused with nothing stored, and the
group-commit writer storing answered and unanswered reports in one statement."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sigap import models
from sigap.db import Database
from sigap.regions.state import load_state
from sigap.reports import service
from sigap.reports.schemas import ReportCreate

MONAS = {"lat": -6.1754, "lon": 106.8272}


def body(category: str, attributes: Any = None) -> dict[str, Any]:
    sent: dict[str, Any] = {"category": category, **MONAS, "description": "Mohon dicek segera."}
    if attributes is not None:
        sent["attributes"] = attributes
    return sent


def reports_in(database: Database) -> int:
    with database.reading() as session:
        return session.scalar(select(func.count()).select_from(models.Report)) or 0


def test_categories_list_their_questions(client: TestClient) -> None:
    categories = {c["code"]: c for c in client.get("/api/v1/categories?lang=en").json()}

    assert categories["kemacetan"]["questions"] == []
    assert categories["jalan_rusak"]["questions"] == [
        {
            "code": "ukuran_kerusakan",
            "datatype": "singlevaluelist",
            "required": False,
            "label": "How big is the damage?",
            "description": "The rough width of the largest hole or crack.",
            "choices": [
                {"key": "kecil", "name": "Small (under 50 cm)"},
                {"key": "sedang", "name": "Medium (50 cm to 2 m)"},
                {"key": "besar", "name": "Large (over 2 m)"},
            ],
            "public": True,
        }
    ]
    assert [q["public"] for q in categories["tindak_kriminal"]["questions"]] == [False]
    assert categories["layanan_rumah_sakit"]["questions"][0]["required"] is True


@pytest.mark.parametrize(
    ("category", "attributes", "stored"),
    [
        ("banjir", {"ketinggian_air": 40, "tergenang_sejak": "2026-11-27T06:30:00+07:00"},
         [("ketinggian_air", 40, "40"),
          ("tergenang_sejak", "2026-11-27T06:30:00+07:00", "27-11-2026 06:30")]),
        ("banjir", {"ketinggian_air": "12.5", "tergenang_sejak": None},
         [("ketinggian_air", 12.5, "12.5")]),
        ("sampah", {"jenis_sampah": ["plastik", "daun"]},
         [("jenis_sampah", ["plastik", "daun"], "Plastik, Daun dan ranting")]),
        ("sampah", {"jenis_sampah": "b3"}, [("jenis_sampah", ["b3"], "Limbah berbahaya (B3)")]),
        ("jalan_rusak", {"ukuran_kerusakan": "besar"},
         [("ukuran_kerusakan", "besar", "Besar (lebih dari 2 m)")]),
        ("jalan_rusak", {"ukuran_kerusakan": ["sedang"]},
         [("ukuran_kerusakan", "sedang", "Sedang (50 cm sampai 2 m)")]),
        ("layanan_rumah_sakit", {"nama_rumah_sakit": " RSUD Tarakan "},
         [("nama_rumah_sakit", "RSUD Tarakan", "RSUD Tarakan")]),
        ("sampah", {}, []),
        ("kemacetan", None, []),
    ],
)  # fmt: skip
def test_answers_of_every_kind_are_stored_and_shown(
    client: TestClient,
    database: Database,
    category: str,
    attributes: dict[str, Any] | None,
    stored: list[tuple[str, Any, str]],
) -> None:
    created = client.post("/api/v1/reports", json=body(category, attributes))

    assert created.status_code == 201, created.text
    report = client.get(f"/api/v1/reports/{created.json()['id']}").json()
    assert [(a["code"], a["value"], a["text"]) for a in report["answers"]] == stored
    assert created.json()["answers"] == report["answers"]
    with database.reading() as session:
        row = session.get_one(models.Report, created.json()["id"])
    assert row.attributes == ({code: value for code, value, _ in stored} or None)


def test_free_text_is_stored_but_not_shown_publicly(client: TestClient, database: Database) -> None:
    attributes = {"ciri_pelaku": "Dua orang, motor matik hitam tanpa pelat."}

    created = client.post("/api/v1/reports", json=body("tindak_kriminal", attributes))

    assert created.status_code == 201, created.text
    assert created.json()["answers"] == []
    assert client.get(f"/api/v1/reports/{created.json()['id']}").json()["answers"] == []
    with database.reading() as session:
        assert session.get_one(models.Report, created.json()["id"]).attributes == attributes


@pytest.mark.parametrize(
    ("category", "attributes", "code", "says"),
    [
        ("banjir", {"kedalaman": 40}, "unknown_attribute",
         "Kategori 'banjir' tidak punya pertanyaan 'kedalaman'. Kode pertanyaannya: "
         "ketinggian_air, tergenang_sejak."),
        ("kemacetan", {"ketinggian_air": 40}, "unknown_attribute", "pertanyaan 'ketinggian_air'"),
        ("layanan_rumah_sakit", {}, "attribute_required",
         "Pertanyaan 'Nama rumah sakit' wajib dijawab"),
        ("layanan_rumah_sakit", {"nama_rumah_sakit": ""}, "attribute_required", "wajib"),
        ("banjir", {"ketinggian_air": "selutut"}, "attribute_not_a_number",
         "'selutut' bukan angka"),
        ("banjir", {"ketinggian_air": [10, 20]}, "attribute_one_value", "bukan 2"),
        ("banjir", {"tergenang_sejak": "27/11/2026 06:30"}, "attribute_not_a_datetime",
         "'27/11/2026 06:30' tidak sesuai"),
        ("sampah", {"jenis_sampah": ["plastik", "kaca"]}, "invalid_attribute_value",
         "'kaca' bukan pilihan untuk 'Jenis sampah'"),
        ("jalan_rusak", {"ukuran_kerusakan": "raksasa"}, "invalid_attribute_value",
         "kirim salah satu key: kecil, sedang, besar"),
        ("jalan_rusak", {"ukuran_kerusakan": ["kecil", "besar"]}, "attribute_one_value",
         "'Seberapa besar kerusakannya?' (ukuran_kerusakan) menerima satu jawaban saja"),
        ("layanan_rumah_sakit", {"nama_rumah_sakit": "RS\nTarakan"}, "invalid_attribute_type",
         "satu baris"),
    ],
)  # fmt: skip
def test_wrong_answers_are_refused_and_nothing_is_stored(
    client: TestClient,
    database: Database,
    category: str,
    attributes: dict[str, Any],
    code: str,
    says: str,
) -> None:
    refused = client.post("/api/v1/reports", json=body(category, attributes))

    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == code
    assert says in refused.json()["error"]["message"]
    assert reports_in(database) == 0


def test_refusals_speak_english_on_request(client: TestClient) -> None:
    refused = client.post(
        "/api/v1/reports",
        json=body("banjir", {"ketinggian_air": "knee-deep"}),
        headers={"Accept-Language": "en"},
    )

    assert refused.json()["error"]["message"] == (
        "The answer to 'Water depth (cm)' (ketinggian_air) must be a number such as 30 or "
        "12.5; 'knee-deep' is not a number."
    )


@pytest.mark.parametrize("attributes", [{"ketinggian_air": True}, {"ketinggian_air": {"cm": 4}},
                                        ["ketinggian_air"], {"x" * 41: 1}])  # fmt: skip
def test_answers_that_are_not_json_answers_are_invalid_input(
    client: TestClient, database: Database, attributes: Any
) -> None:
    refused = client.post("/api/v1/reports", json=body("banjir", attributes))

    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "invalid_input"
    assert reports_in(database) == 0


def test_a_retry_with_other_answers_is_another_request(client: TestClient) -> None:
    headers = {"Idempotency-Key": "answers-1"}
    first = client.post(
        "/api/v1/reports", json=body("banjir", {"ketinggian_air": 40}), headers=headers
    )
    other = client.post(
        "/api/v1/reports", json=body("banjir", {"ketinggian_air": 80}), headers=headers
    )

    assert first.status_code == 201
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_one_batch_stores_answered_and_unanswered_reports(database: Database) -> None:
    """The writer's multi-row insert (one statement per table) with and without answers."""
    with database.reading() as session:
        state = load_state(session)
    sent = [
        ReportCreate.model_validate(body("kemacetan")),
        ReportCreate.model_validate(body("banjir", {"ketinggian_air": 25})),
        ReportCreate.model_validate(body("sampah", {"jenis_sampah": ["plastik"]})),
    ]
    prepared = [service.prepare(state, data=data, channel="api") for data in sent]

    with database.transaction() as session:
        results = service.store_batch(session, [(p, None) for p in prepared])

    with database.reading() as session:
        stored = [session.get_one(models.Report, r.report["id"]).attributes for r in results]
    assert stored == [None, {"ketinggian_air": 25}, {"jenis_sampah": ["plastik"]}]
