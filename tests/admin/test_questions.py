"""A category's extra questions in the console, as JSON (/api/v1/admin) and as pages: each change
audited, asked of new reports at once (the API, Open311, the citizen app), and old answers kept
as they were stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.officials.test_pages import hidden, sign_in
from tests.workflow.conftest import ADMIN, LURAH

Login = Callable[[str], dict[str, str]]
Submit = Callable[..., dict[str, Any]]
API = "/api/v1/admin/categories"
SMELL = {
    "code": "bau",
    "datatype": "singlevaluelist",
    "required": True,
    "label_id": "Seberapa bau?",
    "label_en": "How bad is the smell?",
    "values": [
        {"key": "sedikit", "name_id": "Sedikit", "name_en": "Slight"},
        {"key": "menyengat", "name_id": "Menyengat", "name_en": "Strong"},
    ],
}


def definition(client: TestClient, code: str) -> list[str]:
    answer = client.get(f"/open311/v2/services/{code}.json").json()
    return [attribute["code"] for attribute in answer["attributes"]]


def test_questions_are_added_changed_and_retired_for_new_reports_only(
    client: TestClient, login: Login, submit: Submit
) -> None:
    admin = login(ADMIN)
    added = client.post(f"{API}/sampah/questions", json=SMELL, headers=admin)
    assert added.status_code == 201, added.text
    assert added.json()["order"] == 2  # after jenis_sampah
    assert definition(client, "sampah") == ["jenis_sampah", "bau"]
    refused = client.post("/api/v1/reports", json={"category": "sampah", "lat": -6.1754,
                          "lon": 106.8272, "description": "Bau sampah."})  # fmt: skip
    assert refused.json()["error"]["code"] == "attribute_required"
    old = submit(attributes={"bau": "sedikit"})
    assert [(a["code"], a["text"]) for a in old["answers"]] == [("bau", "Sedikit")]

    change = {
        "label_id": "Bau sampahnya?",
        "required": False,
        "values": [{"key": "menyengat", "name_id": "Sangat menyengat", "name_en": "Very strong"}],
    }
    changed = client.patch(f"{API}/sampah/questions/bau", json=change, headers=admin)
    assert changed.status_code == 200, changed.text
    assert submit()["answers"] == []  # no longer required
    refused = client.post(
        "/api/v1/reports",
        json={"category": "sampah", "lat": -6.1754, "lon": 106.8272,
              "description": "Bau sampah.", "attributes": {"bau": "sedikit"}},
    )  # fmt: skip
    assert refused.json()["error"]["code"] == "invalid_attribute_value"
    kept = client.get(f"/api/v1/reports/{old['id']}").json()["answers"]
    assert [(a["question"], a["value"], a["text"]) for a in kept] == [
        ("Bau sampahnya?", "sedikit", "sedikit")  # the option left: its key, as stored
    ]

    assert client.delete(f"{API}/sampah/questions/bau", headers=admin).status_code == 204
    assert definition(client, "sampah") == ["jenis_sampah"]
    gone = client.post(
        "/api/v1/reports",
        json={"category": "sampah", "lat": -6.1754, "lon": 106.8272,
              "description": "Bau sampah.", "attributes": {"bau": "menyengat"}},
    )  # fmt: skip
    assert gone.json()["error"]["code"] == "unknown_attribute"
    kept = client.get(f"/api/v1/reports/{old['id']}").json()["answers"]
    assert [(a["code"], a["value"]) for a in kept] == [("bau", "sedikit")]
    listed = client.get(f"{API}/sampah/questions", headers=admin).json()
    assert [(q["code"], q["active"]) for q in listed] == [("jenis_sampah", True), ("bau", False)]
    restored = client.patch(f"{API}/sampah/questions/bau", json={"active": True}, headers=admin)
    assert restored.json()["active"] is True
    assert definition(client, "sampah") == ["jenis_sampah", "bau"]

    events = client.get("/api/v1/admin/events", headers=admin).json()
    assert [(e["action"], e["target_kind"], e["target_id"]) for e in events] == [
        ("question.update", "question", "sampah/bau"),
        ("question.remove", "question", "sampah/bau"),
        ("question.update", "question", "sampah/bau"),
        ("question.add", "question", "sampah/bau"),
    ]
    assert events[3]["after"]["values"][1]["key"] == "menyengat"
    assert events[2]["before"]["label_id"] == "Seberapa bau?"
    assert events[2]["after"]["label_id"] == "Bau sampahnya?"
    assert events[1]["before"]["active"] is True


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("post", "/sampah/questions", {**SMELL, "code": "jenis_sampah"}, 409, "code_taken"),
        ("post", "/sampah/questions", {**SMELL, "values": []}, 422, "question_values_required"),
        ("post", "/sampah/questions", {**SMELL, "datatype": "number"}, 422,
         "question_values_not_allowed"),
        ("post", "/sampah/questions", {**SMELL, "datatype": "photo"}, 422, "invalid_input"),
        ("post", "/sampah/questions", {**SMELL, "code": "Bau!"}, 422, "invalid_input"),
        ("post", "/sampah/questions",
         {**SMELL, "values": [{"key": "a", "name_id": "A;B", "name_en": "A"}]}, 422,
         "invalid_input"),
        ("post", "/sampah/questions", {**SMELL, "values": [SMELL["values"][0]] * 2}, 422,
         "invalid_question_values"),
        ("post", "/ufo/questions", SMELL, 404, "category_not_found"),
        ("patch", "/banjir/questions/ketinggian_air", {"datatype": "string"}, 422,
         "question_datatype_fixed"),
        ("patch", "/banjir/questions/ketinggian_air",
         {"values": SMELL["values"]}, 422, "question_values_not_allowed"),
        ("patch", "/banjir/questions/warna", {"required": True}, 404, "question_not_found"),
        ("delete", "/banjir/questions/warna", None, 404, "question_not_found"),
    ],
)  # fmt: skip
def test_refusals_say_why_and_change_nothing(
    client: TestClient,
    login: Login,
    method: str,
    path: str,
    body: Any,
    status: int,
    code: str,
) -> None:
    kwargs = {"json": body} if body is not None else {}

    answer = client.request(method.upper(), API + path, headers=login(ADMIN), **kwargs)

    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["code"] == code
    assert client.get("/api/v1/admin/events", headers=login(ADMIN)).json() == []


def test_a_retired_code_is_not_reused(client: TestClient, login: Login) -> None:
    admin = login(ADMIN)
    client.delete(f"{API}/banjir/questions/ketinggian_air", headers=admin)

    again = client.post(
        f"{API}/banjir/questions",
        json={**SMELL, "code": "ketinggian_air", "datatype": "string", "values": []},
        headers=admin,
    )

    assert again.status_code == 409
    assert "banjir/ketinggian_air" in again.json()["error"]["message"]


def test_only_admins_see_or_change_questions(client: TestClient, login: Login) -> None:
    assert client.get(f"{API}/banjir/questions").status_code == 401
    assert client.get(f"{API}/banjir/questions", headers=login(LURAH)).status_code == 403
    refused = client.post(f"{API}/banjir/questions", json=SMELL, headers=login(LURAH))
    assert refused.status_code == 403


def test_the_console_page_lists_adds_changes_and_removes(client: TestClient, login: Login) -> None:
    sign_in(client, ADMIN)
    listing = client.get("/admin/categories")
    assert 'href="/admin/categories/banjir?lang=id">Pertanyaan tambahan (2)' in listing.text
    page = client.get("/admin/categories/banjir")
    assert page.status_code == 200
    assert "Pertanyaan tambahan: Banjir" in page.text
    assert 'value="Ketinggian air (cm)"' in page.text
    assert "Extra questions: Flood" in client.get("/admin/categories/banjir?lang=en").text
    client.cookies.delete("sigap_lang")  # the English chosen is remembered
    assert client.get("/admin/categories/ufo").status_code == 404
    csrf = hidden(page.text, "csrf")
    new = {
        "code": "arus", "datatype": "multivaluelist", "label_id": "Arus air",
        "label_en": "Current", "values": "tenang=Tenang|Calm\nderas=Deras|Strong",
        "required": "on",
    }  # fmt: skip

    forged = client.post("/admin/categories/banjir/questions/add", data={**new, "csrf": "x"})
    assert forged.status_code == 403
    added = client.post(
        "/admin/categories/banjir/questions/add",
        data={**new, "csrf": csrf},
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert added.headers["location"] == "/admin/categories/banjir?done=questions.add"
    shown = client.get(added.headers["location"]).text
    assert "tenang=Tenang|Calm\nderas=Deras|Strong</textarea>" in shown
    assert definition(client, "banjir") == ["ketinggian_air", "tergenang_sejak", "arus"]

    bad = client.post(
        "/admin/categories/banjir/questions/update",
        data={"csrf": csrf, "code": "arus", "label_id": "Arus", "label_en": "Current",
              "values": "tenang Tenang"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert 'role="alert"' in bad.text
    assert "key=Nama Indonesia|English name" in bad.text
    updated = client.post(
        "/admin/categories/banjir/questions/update",
        data={"csrf": csrf, "code": "arus", "label_id": "Arus air?", "label_en": "Current?",
              "values": "deras=Deras|Strong", "order": "1", "active": "on"},
        follow_redirects=False,
    )  # fmt: skip
    assert updated.status_code == 303
    assert definition(client, "banjir") == ["arus", "ketinggian_air", "tergenang_sejak"]
    removed = client.post(
        "/admin/categories/banjir/questions/remove",
        data={"csrf": csrf, "code": "arus"},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    assert "dipensiunkan" in client.get("/admin/categories/banjir").text
    assert definition(client, "banjir") == ["ketinggian_air", "tergenang_sejak"]
    events = client.get("/api/v1/admin/events", headers=login(ADMIN)).json()
    assert [e["action"] for e in events] == ["question.remove", "question.update", "question.add"]
