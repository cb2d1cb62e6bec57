"""Questions in region packs (questions.csv): every problem with its file, row and reason;
imports all-or-nothing; re-imports update by code, retire what left the pack, and never change
a question's datatype under answers already stored."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sigap import models
from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.regions import pack as packs
from sigap.regions.service import import_pack
from sigap.regions.state import load_state

HEADER = (
    "category_code,code,datatype,required,order,label_id,label_en,description_id,"
    "description_en,values\n"
)
GOOD = "banjir,ketinggian_air,number,false,1,Ketinggian air (cm),Water depth (cm),,,\n"


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(packs.resolve("jakarta"), target)
    return target


def write_questions(pack: Path, rows: str) -> None:
    (pack / "questions.csv").write_text(HEADER + rows, encoding="utf-8")


def test_the_bundled_packs_ask_a_few_questions_of_every_kind() -> None:
    for slug in ("jakarta", "gowa"):
        pack = packs.read(packs.resolve(slug))
        kinds = {row["datatype"] for row in pack.questions}
        assert 4 <= len(pack.questions) <= 8
        assert {"number", "datetime", "singlevaluelist", "multivaluelist"} <= kinds
        assert any(row["required"] == "true" for row in pack.questions)
    jakarta = packs.read(packs.resolve("jakarta")).questions
    assert {row["datatype"] for row in jakarta} == {
        "string", "number", "datetime", "text", "singlevaluelist", "multivaluelist",
        "transit_route", "transit_stop",
    }  # fmt: skip


def test_a_pack_without_questions_is_still_valid(pack_copy: Path) -> None:
    (pack_copy / "questions.csv").unlink()

    assert packs.read(pack_copy).questions == []


def test_every_question_problem_has_its_file_row_and_reason(pack_copy: Path) -> None:
    write_questions(
        pack_copy,
        GOOD
        + "ufo,warna,string,false,,Warna,Colour,,,\n"  # 2
        + "banjir,ketinggian_air,number,false,,Lagi,Again,,,\n"  # 3
        + "banjir,Tinggi Air,number,false,,Tinggi,Depth,,,\n"  # 4
        + "banjir,foto,image,false,,Foto,Photo,,,\n"  # 5
        + "sampah,jenis,singlevaluelist,false,,Jenis,Kind,,,\n"  # 6
        + "sampah,berat,number,false,,Berat,Weight,,,kg=Kilogram|Kilogram\n"  # 7
        + "sampah,bau,multivaluelist,maybe,first,,Smell,,,a=A|A;a=B|B\n"  # 8
        + "sampah,asal,singlevaluelist,false,0,Asal,Source,,,rumah=Rumah\n"  # 9
        + "jalan_rusak,lebar,singlevaluelist,false,2,Lebar,Width,,,Kecil=Kecil|Small\n",  # 10
    )

    with pytest.raises(packs.PackError) as caught:
        packs.read(pack_copy)

    problems = [(p.file, p.row, p.reason) for p in caught.value.problems]
    assert all(file == "questions.csv" for file, _, _ in problems)
    expected = {
        2: "unknown category 'ufo'",
        3: "repeats question 'ketinggian_air' of category 'banjir'",
        4: "code 'Tinggi Air': use 1-40 lower-case letters, digits or _",
        5: "unknown datatype 'image' (one of string, number, datetime, text, singlevaluelist, "
        "multivaluelist, transit_route, transit_stop)",
        6: "a singlevaluelist question needs values (key=Nama|Name;...)",
        7: "values are for singlevaluelist and multivaluelist, not number",
        9: "order must be a positive whole number",
        10: "values: option key 'Kecil': use lower-case letters, digits, _ or -",
    }
    for row, reason in expected.items():
        assert ("questions.csv", row, reason) in problems, problems
    row_8 = {reason for _, row, reason in problems if row == 8}
    assert row_8 == {
        "required must be true or false",
        "order must be a positive whole number",
        "label_id and label_en are required",
        "values: option key 'a' repeats",
    }
    assert ("questions.csv", 9, "values: 'rumah=Rumah' is not key=Nama Indonesia|English name") in (
        problems
    )
    assert not any(row == 1 for _, row, _ in problems)
    assert str(caught.value.problems[0]).startswith("questions.csv:2: ")


def test_import_is_all_or_nothing_and_keeps_datatypes(
    isolated_database_url: str, pack_copy: Path
) -> None:
    database = Database(isolated_database_url)
    try:
        write_questions(
            pack_copy,
            "banjir,ketinggian_air,string,false,1,Tinggi,Depth,,,\n"  # was a number
            "kemacetan,penyebab,text,false,1,Penyebab,Cause,,,\n",
        )
        categories = pack_copy / "categories.csv"
        categories.write_text(categories.read_text().replace("Kemacetan,", "Macet total,", 1))

        with pytest.raises(packs.PackError) as caught, database.transaction() as session:
            import_pack(session, packs.read(pack_copy))

        assert [(p.file, p.row) for p in caught.value.problems] == [("questions.csv", 1)]
        assert "is a number question in this database" in caught.value.problems[0].reason
        with database.reading() as session:
            state = load_state(session)
        assert state.categories["kemacetan"].name_id == "Kemacetan"  # nothing was imported
        assert state.categories["kemacetan"].questions == ()
        assert state.categories["banjir"].questions[0].datatype == "number"
    finally:
        database.dispose()


def test_reimport_updates_by_code_and_retires_what_left_the_pack(
    isolated_database_url: str, pack_copy: Path
) -> None:
    body = {
        "category": "banjir", "lat": -6.1754, "lon": 106.8272, "description": "Banjir.",
        "attributes": {"ketinggian_air": 30, "tergenang_sejak": "2026-11-27T06:00"},
    }  # fmt: skip
    with TestClient(create_app(Settings(database_url=isolated_database_url))) as client:
        old = client.post("/api/v1/reports", json=body).json()
    write_questions(pack_copy, GOOD.replace("Ketinggian air (cm)", "Tinggi genangan (cm)"))
    database = Database(isolated_database_url)
    try:
        with database.transaction() as session:
            result = import_pack(session, packs.read(pack_copy))
        with database.reading() as session:
            state = load_state(session)
            retired = session.scalars(
                select(models.CategoryQuestion.code).where(~models.CategoryQuestion.active)
            ).all()
            stored = session.get_one(models.Report, old["id"]).attributes
    finally:
        database.dispose()

    assert result.questions == 1
    banjir = state.categories["banjir"]
    assert [(q.code, q.label_id) for q in banjir.questions] == [
        ("ketinggian_air", "Tinggi genangan (cm)")
    ]
    assert [q.code for q in banjir.retired_questions] == ["tergenang_sejak"]
    assert {"tergenang_sejak", "jenis_sampah"} <= set(retired)
    assert stored == {"ketinggian_air": 30, "tergenang_sejak": "2026-11-27T06:00:00+07:00"}


def test_a_question_csv_round_trips_through_the_csv_module(pack_copy: Path) -> None:
    """Names with commas and quotes survive, as any spreadsheet writes them."""
    with (pack_copy / "questions.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER.strip().split(","))
        writer.writerow(["jalan_rusak", "ukuran", "singlevaluelist", "true", "1",
                         'Ukuran "lubang", kira-kira', "Size", "", "",
                         "kecil=Kecil, dangkal|Small, shallow;besar=Besar|Large"])  # fmt: skip

    (row,) = packs.read(pack_copy).questions

    assert row["label_id"] == 'Ukuran "lubang", kira-kira'
    assert row["values"] == "kecil=Kecil, dangkal|Small, shallow;besar=Besar|Large"
