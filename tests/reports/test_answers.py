"""The one check of answers to a category's questions, without a database: what it stores for
each datatype and how each wrong answer is refused (the HTTP tests are test_attributes.py and
tests/open311/test_post.py)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sigap.errors import SigapError
from sigap.open311 import render
from sigap.regions.state import CategoryInfo, ChoiceInfo, QuestionInfo
from sigap.reports import answers

ZONE = ZoneInfo("Asia/Jakarta")
COLOURS = (ChoiceInfo("1", "Merah", "Red"), ChoiceInfo("2", "Hijau & biru", "Green & blue"))
HARM = (ChoiceInfo("jalan", "Menutup jalan", "Blocks the road"),
        ChoiceInfo("kabel", "Mengenai kabel", "Hits a cable"))  # fmt: skip
TREE = CategoryInfo(
    "pohon_tumbang", "Pohon tumbang", "Fallen tree", "tree", 24, 72, True, 1, True,
    questions=(
        QuestionInfo("jalan", "string", True, 1, "Di jalan apa?", "Which street?"),
        QuestionInfo("diameter", "number", False, 2, "Diameter batang", "Trunk diameter"),
        QuestionInfo("sejak", "datetime", False, 3, "Sejak kapan?", "Since when?"),
        QuestionInfo("catatan", "text", False, 4, "Catatan", "Notes"),
        QuestionInfo("warna", "singlevaluelist", True, 5, "Warna pita", "Ribbon colour",
                     choices=COLOURS),
        QuestionInfo("akibat", "multivaluelist", False, 6, "Akibatnya", "What it did",
                     choices=HARM),
    ),
    retired_questions=(QuestionInfo("lama", "string", False, 7, "Lama", "Old", active=False),),
)  # fmt: skip


def test_answers_are_stored_in_question_order_as_their_datatype() -> None:
    given = {
        "akibat": ["kabel", "jalan", "kabel"],
        "catatan": ["Baris satu\nbaris dua"],
        "warna": ["2"],
        "sejak": ["2026-11-27T08:00"],
        "diameter": ["45.5"],
        "jalan": ["Jl. Thamrin"],
    }

    stored = answers.check(TREE, given, ZONE)

    assert stored == {
        "jalan": "Jl. Thamrin",
        "diameter": 45.5,
        "sejak": "2026-11-27T08:00:00+07:00",  # no offset: the deployment's time
        "catatan": "Baris satu\nbaris dua",
        "warna": "2",
        "akibat": ["kabel", "jalan"],  # a repeated key counts once
    }
    assert list(stored) == ["jalan", "diameter", "sejak", "catatan", "warna", "akibat"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"diameter": 30}, 30),
        ({"diameter": 30.0}, 30),
        ({"diameter": "1e2"}, 100),
        ({"diameter": -2.5}, -2.5),
        ({"sejak": "2026-11-27"}, "2026-11-27T00:00:00+07:00"),
        ({"sejak": "2026-11-27T01:00:00Z"}, "2026-11-27T08:00:00+07:00"),
    ],
)
def test_json_values_are_read_like_form_values(raw: dict[str, Any], expected: Any) -> None:
    given = answers.as_lists({"jalan": "Jl. A", "warna": ["1"], **raw})

    stored = answers.check(TREE, given, ZONE)

    assert stored is not None
    assert stored[next(iter(raw))] == expected


def test_blank_answers_count_as_none() -> None:
    given = answers.as_lists({"jalan": " Jl. A ", "warna": "1", "diameter": "", "akibat": []})

    assert answers.check(TREE, given, ZONE) == {"jalan": "Jl. A", "warna": "1"}


def test_a_category_without_questions_stores_nothing() -> None:
    plain = CategoryInfo("sampah", "Sampah", "Garbage", "trash", 24, 72, True, 2, True)

    assert answers.check(plain, {}, ZONE) is None
    with pytest.raises(SigapError) as caught:
        answers.check(plain, {"jenis": ["plastik"]}, ZONE)
    assert caught.value.code == "unknown_attribute"
    assert "Kode pertanyaannya: -" in caught.value.message("id")


BASE = {"jalan": ["Jl. A"], "warna": ["1"]}


@pytest.mark.parametrize(
    ("change", "code", "indonesian", "english"),
    [
        ({"jalan": []}, "attribute_required", "'Di jalan apa?' wajib dijawab: kirim jawaban "
         "dengan kode 'jalan'", "The question 'Which street?' must be answered"),
        ({"warna": []}, "attribute_required", "'Warna pita' wajib", "'Ribbon colour'"),
        ({"warna": ["3"]}, "invalid_attribute_value", "salah satu key: 1, 2",
         "'3' is not an option of 'Ribbon colour' (warna)"),
        ({"warna": ["1", "2"]}, "attribute_one_value", "satu jawaban saja, bukan 2",
         "takes one answer only"),
        ({"diameter": ["1", "2"]}, "attribute_one_value", "'Diameter batang'", "not 2"),
        ({"akibat": ["jalan", "banjir"]}, "invalid_attribute_value",
         "'banjir' bukan pilihan untuk 'Akibatnya'", "keys: jalan, kabel"),
        ({"jalan": ["Jl. A\nB"]}, "invalid_attribute_type", "satu baris", "on one line"),
        ({"jalan": ["x" * 201]}, "attribute_too_long", "paling banyak 200", "at most 200"),
        ({"catatan": ["x" * 2001]}, "attribute_too_long", "2000 karakter", "2000 characters"),
        ({"diameter": ["besar"]}, "attribute_not_a_number", "'besar' bukan angka",
         "must be a number such as 30"),
        ({"diameter": ["nan"]}, "attribute_not_a_number", "harus berupa angka", "'nan'"),
        ({"diameter": ["1e999"]}, "attribute_not_a_number", "'1e999'", "not a number"),
        ({"diameter": ["1_000"]}, "attribute_not_a_number", "'1_000'", "not a number"),
        ({"diameter": ["12,5"]}, "attribute_not_a_number", "titik untuk desimal", "12.5"),
        ({"sejak": ["kemarin"]}, "attribute_not_a_datetime", "'kemarin' tidak sesuai",
         "ISO 8601 date and time"),
        ({"warna_pita": ["1"]}, "unknown_attribute", "tidak punya pertanyaan 'warna_pita'",
         "Its question codes: jalan, diameter, sejak, catatan, warna, akibat"),
        ({"lama": ["x"]}, "unknown_attribute", "'lama'", "no question 'lama'"),
    ],
)  # fmt: skip
def test_answers_that_do_not_fit_say_what_to_send(
    change: dict[str, list[str]], code: str, indonesian: str, english: str
) -> None:
    with pytest.raises(SigapError) as caught:
        answers.check(TREE, {**BASE, **change}, ZONE)

    assert caught.value.code == code
    assert indonesian in caught.value.message("id")
    assert english in caught.value.message("en")
    assert caught.value.status == 422
    assert render.status_of(caught.value) == 400


def test_free_text_is_private_and_answers_read_as_names() -> None:
    questions = {q.code: q for q in TREE.questions}

    assert not answers.is_public(questions["catatan"])
    assert not answers.is_public(None)  # an answer no question explains
    assert answers.is_public(questions["jalan"])
    assert answers.display(questions["akibat"], ["kabel", "gone"], "en") == "Hits a cable, gone"
    assert answers.display(questions["sejak"], "2026-11-27T08:00:00+07:00", "id") == (
        "27-11-2026 08:00"
    )
    assert TREE.question("lama") is not None  # retired, still explains old answers
