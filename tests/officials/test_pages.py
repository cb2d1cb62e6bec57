"""The officials' web app through its pages: sign-in with CSRF, inbox, report, form actions."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from tests.workflow.conftest import CAMAT, LURAH, WARGA, Clock

from sigap.accounts.service import create as create_account
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD
from sigap.workflow.sweep import sweep

Submit = Callable[..., dict[str, Any]]


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert found is not None, f"no hidden {name} in the page"
    return found.group(1)


def sign_in(client: TestClient, email: str = LURAH, password: str = DEMO_PASSWORD) -> Any:
    form = client.get("/officials/login")
    return client.post(
        "/officials/login",
        data={"email": email, "password": password, "csrf": hidden(form.text, "csrf")},
        follow_redirects=False,
    )


def test_pages_send_strangers_to_the_sign_in_form(client: TestClient) -> None:
    response = client.get("/officials/reports/1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/officials/login?next=%2Fofficials%2Freports")


def test_sign_in_sets_a_safe_cookie_and_shows_the_inbox(client: TestClient, submit: Submit) -> None:
    report = submit(description="Sampah <script>alert(1)</script> di trotoar.")
    response = sign_in(client)

    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "sigap_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    inbox = client.get("/officials")
    assert inbox.status_code == 200
    assert f"/officials/reports/{report['id']}" in inbox.text
    assert "<script>alert(1)</script>" not in inbox.text
    assert "&lt;script&gt;" in inbox.text
    assert "Laporan untuk ditindaklanjuti" in inbox.text  # Indonesian by default
    assert "Reports to act on" in client.get("/officials?lang=en").text


def test_wrong_password_and_citizens_are_refused(client: TestClient) -> None:
    wrong = sign_in(client, password="salah")
    assert wrong.status_code == 401
    assert "E-mail atau kata sandi salah." in wrong.text
    citizen = sign_in(client, email=WARGA)
    assert citizen.status_code == 403
    assert "sigap_session" not in client.cookies


def test_sign_in_without_the_form_token_is_refused(client: TestClient) -> None:
    client.get("/officials/login")
    forged = client.post(
        "/officials/login",
        data={"email": LURAH, "password": DEMO_PASSWORD, "csrf": "forged"},
        follow_redirects=False,
    )
    assert forged.status_code == 403


def test_acknowledge_through_the_form(client: TestClient, submit: Submit) -> None:
    report = submit()
    sign_in(client)
    page = client.get(f"/officials/reports/{report['id']}")
    assert "Tanggapi: mulai proses" in page.text

    done = client.post(
        f"/officials/reports/{report['id']}/acknowledge",
        data={"csrf": hidden(page.text, "csrf")},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get(f"/api/v1/reports/{report['id']}").json()["status"] == "in_progress"
    after = client.get(done.headers["location"])
    assert "Laporan sedang diproses." in after.text
    assert "Tanggapi: mulai proses" not in after.text  # only the allowed actions are offered


def test_a_form_without_the_csrf_token_changes_nothing(client: TestClient, submit: Submit) -> None:
    report = submit()
    sign_in(client)
    forged = client.post(f"/officials/reports/{report['id']}/acknowledge", data={"csrf": "x"})
    assert forged.status_code == 403
    assert client.get(f"/api/v1/reports/{report['id']}").json()["status"] == "open"


def test_a_refused_action_is_explained_on_the_page(client: TestClient, submit: Submit) -> None:
    report = submit()
    sign_in(client)
    page = client.get(f"/officials/reports/{report['id']}")
    response = client.post(
        f"/officials/reports/{report['id']}/forward",
        data={"csrf": hidden(page.text, "csrf"), "unit": "tidak-ada", "reason": "x"},
    )
    assert response.status_code == 422
    assert "Unit &#39;tidak-ada&#39; tidak dikenal." in response.text
    assert 'maxlength="40"' in response.text  # the browser checks the server's rules first
    unit_note = '<span class="field-error" role="alert">Unit &#39;tidak-ada&#39; tidak dikenal.'
    assert unit_note in response.text  # under the unit field, in the forward form


def test_a_bad_parent_id_is_said_under_its_field(client: TestClient, submit: Submit) -> None:
    report = submit()
    sign_in(client)
    page = client.get(f"/officials/reports/{report['id']}?lang=en")
    response = client.post(
        f"/officials/reports/{report['id']}/duplicate",
        data={"csrf": hidden(page.text, "csrf"), "parent_id": "kemarin"},
    )
    assert response.status_code == 422
    assert "Some fields need fixing" in response.text
    note = '<span class="field-error" role="alert">Write a number, such as 30 or 12.5.</span>'
    assert note in response.text


def test_another_kelurahan_cannot_open_the_report(
    client: TestClient, submit: Submit, db: Database
) -> None:
    report = submit()
    with db.transaction() as session:
        create_account(
            session,
            email="lurah.menteng@test.sigap.id",
            name="Lurah Menteng",
            password=DEMO_PASSWORD,
            role="unit_head",
            unit_code="kel-31.71.06.1001",
        )
    sign_in(client, email="lurah.menteng@test.sigap.id")
    page = client.get(f"/officials/reports/{report['id']}")
    assert page.status_code == 404
    assert report["description"] not in page.text


def test_sign_out_ends_the_session(client: TestClient) -> None:
    sign_in(client)
    page = client.get("/officials")
    client.post("/officials/logout", data={"csrf": hidden(page.text, "csrf")})
    assert client.get("/officials", follow_redirects=False).status_code == 303


def test_unit_map_page_carries_the_units_reports(client: TestClient, submit: Submit) -> None:
    report = submit()
    sign_in(client)
    page = client.get("/officials/map")
    assert page.status_code == 200
    assert f'"id": {report["id"]}' in page.text
    assert "/static/leaflet/leaflet.js" in page.text


def test_an_official_hides_an_abusive_comment_from_the_page(
    client: TestClient, submit: Submit, login: Callable[[str], dict[str, str]]
) -> None:
    report = submit()
    warga = login(WARGA)
    posted = client.post(
        f"/api/v1/reports/{report['id']}/comments", json={"body": "Lurahnya bodoh!"}, headers=warga
    )
    assert posted.status_code == 201, posted.text
    sign_in(client)
    page = client.get(f"/officials/reports/{report['id']}")
    assert "Lurahnya bodoh!" in page.text
    comment_id = posted.json()["id"]

    done = client.post(
        f"/officials/reports/{report['id']}/comments/{comment_id}/hide",
        data={"csrf": hidden(page.text, "csrf")},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get(f"/api/v1/reports/{report['id']}/comments").json() == []
    assert "Lurahnya bodoh!" not in client.get(done.headers["location"]).text


def test_an_escalated_report_shows_the_receiving_levels_deadline(
    client: TestClient, submit: Submit, db: Database, clock: Clock
) -> None:
    report = submit()
    late = clock.advance(days=10)
    sweep(db, client.app.state.region, late)  # type: ignore[attr-defined]
    assert sign_in(client, CAMAT).status_code == 303

    page = client.get(f"/officials/reports/{report['id']}?lang=en")
    assert page.status_code == 200
    escalation = re.search(r'<dd id="escalation">([^<]+)</dd>', page.text)
    assert escalation is not None
    due = (late + timedelta(hours=24)).astimezone(ZoneInfo("Asia/Jakarta"))
    assert escalation.group(1) == (
        "Gambir district office (kecamatan) (Escalated, level 1): "
        f"respond by {due:%d-%m-%Y %H:%M} (1d 0h 0m left)"
    )
