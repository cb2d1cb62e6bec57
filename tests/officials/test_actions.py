"""The officials' actions take one typed path from the JSON API and from the pages' forms: a
note too long is refused by both (never cut), a form's checkbox is a typed flag."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.officials.test_pages import hidden, sign_in
from tests.workflow.conftest import BINAMARGA, LURAH

Submit = Callable[..., dict[str, Any]]
Login = Callable[[str], dict[str, str]]
TOO_LONG = "a" * 4001


def events(client: TestClient, headers: dict[str, str], report_id: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get(
        f"/api/v1/officials/reports/{report_id}", headers=headers
    ).json()["events"]
    return found


def post_form(client: TestClient, report_id: int, action: str, **data: str) -> Any:
    page = client.get(f"/officials/reports/{report_id}").text
    return client.post(
        f"/officials/reports/{report_id}/{action}",
        data={"csrf": hidden(page, "csrf"), **data},
        follow_redirects=False,
    )


def test_the_api_refuses_a_note_over_4000_characters_and_keeps_one_of_4000(
    client: TestClient, login: Login, submit: Submit
) -> None:
    report = submit()
    headers = login(LURAH)
    url = f"/api/v1/officials/reports/{report['id']}/notes"

    refused = client.post(url, json={"note": TOO_LONG}, headers=headers)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "invalid_input"
    assert [(d["field"], d["code"]) for d in error["details"]] == [("body.note", "string_too_long")]
    assert [e["action"] for e in events(client, headers, report["id"])] == ["submit"]

    kept = client.post(url, json={"note": "b" * 4000}, headers=headers)
    assert kept.status_code == 200, kept.text
    assert events(client, headers, report["id"])[-1]["note"] == "b" * 4000


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("notes", {"note": TOO_LONG}),
        ("forward", {"unit": "bina-marga", "reason": TOO_LONG}),
        ("reject", {"reason": "spam", "note": TOO_LONG}),
    ],
)
def test_a_form_refuses_a_note_over_4000_characters_and_changes_nothing(
    client: TestClient, login: Login, submit: Submit, action: str, data: dict[str, str]
) -> None:
    report = submit()
    sign_in(client)

    refused = post_form(client, report["id"], action, **data)

    assert refused.status_code == 422  # the page again, not a redirect to a changed report
    assert "Ada isian yang perlu diperbaiki" in refused.text
    field = "note" if "note" in data else "reason"
    assert refused.text.count("Terlalu panjang: paling banyak 4000 karakter.") == 1, field
    assert [e["action"] for e in events(client, login(LURAH), report["id"])] == ["submit"]
    assert TOO_LONG[:4000] not in client.get(f"/api/v1/reports/{report['id']}").text


def test_the_note_forms_checkbox_is_a_typed_flag(
    client: TestClient, login: Login, submit: Submit
) -> None:
    report = submit()
    sign_in(client)

    assert post_form(client, report["id"], "notes", note="Dicek besok.").status_code == 303
    public = post_form(client, report["id"], "notes", note="Dijadwalkan Senin.", public="on")
    assert public.status_code == 303
    notes = [(e["note"], e["internal"]) for e in events(client, login(LURAH), report["id"])[1:]]
    assert notes == [("Dicek besok.", True), ("Dijadwalkan Senin.", False)]
    shown = client.get(f"/api/v1/reports/{report['id']}").text
    assert ("Dijadwalkan Senin." in shown, "Dicek besok." in shown) == (True, False)

    # A value no checkbox sends is refused, not read as "unchecked".
    refused = post_form(client, report["id"], "notes", note="Rahasia.", public="mungkin")
    assert refused.status_code == 422
    assert len(events(client, login(LURAH), report["id"])) == 3


def test_the_forward_forms_checkbox_reaches_the_use_case(
    client: TestClient, login: Login, submit: Submit
) -> None:
    report = submit(category="jalan_rusak")
    sign_in(client)

    done = post_form(
        client, report["id"], "forward",
        unit="bina-marga", reason="Jalan provinsi.", out_of_authority="on",
    )  # fmt: skip

    assert done.status_code == 303
    forward = events(client, login(BINAMARGA), report["id"])[-1]
    assert forward["data"]["out_of_authority"] is True


def test_a_form_names_the_parent_as_the_pages_show_it(
    client: TestClient, login: Login, submit: Submit
) -> None:
    parent, child = submit(), submit()
    sign_in(client)

    done = post_form(client, child["id"], "duplicate", parent_id=f" #{parent['id']} ", note="")

    assert done.status_code == 303
    merged = client.get(f"/api/v1/officials/reports/{child['id']}", headers=login(LURAH)).json()
    assert merged["status"] == "duplicate"
    assert merged["events"][-1]["note"] is None  # an empty note is no note
