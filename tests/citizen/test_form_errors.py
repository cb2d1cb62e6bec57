"""Forms that help: each refusal next to its field, in plain words, in the visitor's language;
the browser checks the same rules first; the JSON API's error shape stays as it was."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from sigap.db import Database

from .conftest import MONAS, App, jpeg
from .test_citizen_following import resolve


def submit(app: App, lang: str, photos: int = 1, **fields: Any) -> Response:
    report = {"category": "sampah", **MONAS, "description": "Sampah menumpuk.", **fields}
    report = {k: v for k, v in report.items() if v is not None}
    files = [("photo", (f"p{i}.jpg", jpeg(), "image/jpeg")) for i in range(photos)]
    return app.client.post(
        f"/app/submit?lang={lang}",
        data={"report": json.dumps(report)},
        files=files or None,
        headers={"X-CSRF-Token": app.csrf()},
    )


@pytest.mark.parametrize(
    ("lang", "summary", "required"),
    [
        ("id", "Ada isian yang perlu diperbaiki", "Wajib diisi."),
        ("en", "Some fields need fixing", "This is required."),
    ],
)
def test_a_missing_description_is_said_next_to_it(
    app: App, lang: str, summary: str, required: str
) -> None:
    for description in (None, "", "   "):
        refused = submit(app, lang, description=description)
        assert refused.status_code == 422
        error = refused.json()["error"]
        assert error["fields"] == {"description": required}
        assert error["summary"].startswith(summary)
        assert error["code"] == "invalid_input"  # the API's own parts are still there
        assert error["details"][0]["field"] == "body.description"


def test_too_short_a_bad_email_and_the_place_in_plain_words(app: App) -> None:
    error = submit(app, "id", description="ab", reporter={"email": "budi@"}).json()["error"]
    assert error["fields"] == {
        "description": "Terlalu pendek: tulis paling sedikit 3 karakter.",
        "email": "Tulis alamat e-mail lengkap, misalnya nama@contoh.id.",
    }
    outside = submit(app, "en", lat=-7.25, lon=112.75).json()["error"]
    assert outside["fields"] == {
        "location": "This point is outside the DKI Jakarta service area. Choose a point inside it."
    }


def test_the_photo_rule_names_the_category(app: App) -> None:
    indonesian = submit(app, "id", photos=0).json()["error"]
    assert indonesian["fields"] == {"photo": "Kategori Sampah perlu minimal satu foto."}
    english = submit(app, "en", photos=0).json()["error"]
    assert english["fields"] == {"photo": "The category Garbage needs at least one photo."}
    assert english["code"] == "photo_required"
    assert english["message"] == "The category Garbage needs at least one photo."


def test_a_question_left_unanswered_is_marked_on_the_question(app: App) -> None:
    error = submit(app, "id", category="layanan_rumah_sakit").json()["error"]
    assert error["fields"] == {"attributes.nama_rumah_sakit": "Wajib dijawab."}


def test_the_json_api_keeps_its_error_shape(client: TestClient) -> None:
    body = {"category": "sampah", **MONAS}
    refused = client.post("/api/v1/reports?lang=en", json=body)
    assert refused.status_code == 422
    assert refused.json() == {
        "error": {
            "code": "invalid_input",
            "message": "The data sent is not valid. See 'details'.",
            "details": [
                {"field": "body.description", "code": "missing", "message": "Field required"}
            ],
        }
    }


def test_the_form_carries_the_servers_rules_for_the_browser(app: App) -> None:
    page = app.client.get("/app/new").text
    assert 'id="description" name="description" required minlength="3" maxlength="4000"' in page
    assert 'id="address" name="address" maxlength="300"' in page
    assert 'type="email" autocomplete="email" maxlength="254"' in page
    assert 'value="sampah" required data-photo="Kategori Sampah perlu minimal satu foto."' in page
    assert 'accept="image/jpeg,image/png,image/webp,image/heic' in page
    assert 'data-msg-short="Terlalu pendek: tulis paling sedikit {min_length} karakter."' in page
    english = app.client.get("/app/new?lang=en").text
    assert 'data-msg-missing="This is required."' in english


@pytest.mark.parametrize(("lang", "words"), [("id", "Wajib diisi."), ("en", "This is required.")])
def test_an_empty_comment_is_said_under_the_box(app: App, lang: str, words: str) -> None:
    report_id = app.file().json()["id"]
    app.sign_up(email=f"n-{lang}@test.sigap.id")
    app.client.get(f"/reports/{report_id}?lang={lang}")  # the language is remembered
    refused = app.act(f"/app/reports/{report_id}/comment", body="   ")
    assert refused.status_code == 422
    assert 'name="body" required maxlength="2000" aria-invalid="true"' in refused.text
    assert f'<p class="field-error" id="comment-body-error">{words}</p>' in refused.text


def test_a_low_rating_without_a_reason_is_said_under_the_reason_box(app: App, db: Database) -> None:
    created = app.file().json()
    resolve(app.client, db, created["id"])
    token = created["tracking_token"]
    refused = app.act(f"/app/track/{token}/rate", stars="2", comment="")
    assert refused.status_code == 422
    assert 'id="rate-comment-error">1 atau 2 bintang membuka kembali laporan' in refused.text
    assert 'value="2" required checked' in refused.text  # what was chosen is kept
    long = app.act(f"/app/track/{token}/rate", stars="4", comment="x" * 2001)
    assert "Terlalu panjang: paling banyak 2000 karakter." in long.text
