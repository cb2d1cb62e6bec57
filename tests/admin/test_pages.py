"""The console's pages: admins only (the officials' sign-in), CSRF on every form, each section
renders in both languages, and form actions change the configuration like the API does."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from tests.officials.test_pages import hidden, sign_in
from tests.workflow.conftest import ADMIN, LURAH, MONAS

from sigap.admin.pages import SECTIONS

Submit = Callable[..., dict[str, Any]]


def test_strangers_go_to_sign_in_and_officials_are_refused(client: TestClient) -> None:
    response = client.get("/admin/routing", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/officials/login?next=%2Fadmin%2Frouting"
    sign_in(client, LURAH)
    refused = client.get("/admin/units")
    assert refused.status_code == 403
    assert "Hanya admin" in refused.text


def test_sign_in_returns_to_the_console(client: TestClient) -> None:
    form = client.get("/officials/login?next=/admin/units")
    assert 'value="/admin/units"' in form.text
    response = client.post(
        "/officials/login",
        data={"email": ADMIN, "password": "sigap-demo", "csrf": hidden(form.text, "csrf"),
              "next": "/admin/units"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/units"


def test_every_section_renders_in_both_languages(client: TestClient) -> None:
    assert sign_in(client, ADMIN).status_code == 303
    for section in SECTIONS:
        page = client.get(f"/admin/{section}")
        assert page.status_code == 200, section
        assert "Konsol admin" in page.text
        assert "Admin console" in client.get(f"/admin/{section}?lang=en").text
        client.cookies.delete("sigap_lang")  # the English chosen is remembered
    assert client.get("/admin/nothing").status_code == 404


def test_forms_change_the_configuration_with_csrf(client: TestClient, submit: Submit) -> None:
    sign_in(client, ADMIN)
    page = client.get("/admin/units").text
    csrf = hidden(page, "csrf")
    unit = {"code": "upt-taman", "name_id": "UPT Taman", "name_en": "Parks unit", "kind": "agency",
            "parent_code": "prov-31", "area_code": ""}  # fmt: skip
    forged = client.post("/admin/units/create", data={**unit, "csrf": "wrong"})
    assert forged.status_code == 403
    created = client.post(
        "/admin/units/create", data={**unit, "csrf": csrf}, follow_redirects=False
    )
    assert created.status_code == 303
    assert "upt-taman" in client.get("/admin/units").text

    official = client.post(
        "/admin/officials/create",
        data={"csrf": csrf, "email": "taman@test.sigap.id", "name": "Kepala Taman",
              "role": "unit_head", "unit_code": "upt-taman", "language": "id"},
    )  # fmt: skip
    assert official.status_code == 200
    shown = re.search(r'<code id="secret">taman@test.sigap.id: ([^<]+)</code>', official.text)
    assert shown is not None
    assert "taman@test.sigap.id" in client.get("/admin/officials").text
    assert shown.group(1) not in client.get("/admin/officials").text  # shown once only

    rule = {"csrf": csrf, "category_code": "pohon_tumbang", "area_code": "31.71",
            "unit_code": "upt-taman"}  # fmt: skip
    assert client.post("/admin/routing/add", data=rule, follow_redirects=False).status_code == 303
    tested = client.get("/admin/routing", params={"category": "pohon_tumbang", **MONAS})
    assert 'id="tester-result"' in tested.text
    assert "(upt-taman)" in tested.text
    assert submit(category="pohon_tumbang")["unit"]["code"] == "upt-taman"
    twice = client.post("/admin/routing/add", data=rule)
    assert twice.status_code == 409
    assert 'role="alert"' in twice.text

    outside = client.get(
        "/admin/routing", params={"category": "sampah", "lat": -5.2, "lon": 119.45}
    )
    assert 'class="error"' in outside.text
    events = client.get("/admin/events").text
    for action in ("unit.create", "official.create", "rule.add"):
        assert action in events


def test_webhooks_and_dead_letters_from_the_console(client: TestClient, database: Any) -> None:
    from sqlalchemy import insert, select

    from sigap import models
    from sigap.notify.outbox import new_row

    sign_in(client, ADMIN)
    csrf = hidden(client.get("/admin/webhooks").text, "csrf")
    made = client.post(
        "/admin/webhooks/create",
        data={"csrf": csrf, "url": "https://bot.example.id/sigap", "events": "report.created"},
    )
    assert made.status_code == 200
    secret = re.search(r'<code id="secret">([^<]+)</code>', made.text)
    assert secret is not None
    listed = client.get("/admin/webhooks").text
    assert "https://bot.example.id/sigap" in listed
    assert secret.group(1) not in listed  # the signing secret is shown once
    refused = client.post(
        "/admin/webhooks/create", data={"csrf": csrf, "url": "ftp://x", "events": "*"}
    )
    assert refused.status_code == 422

    with database.transaction() as session:
        dead = {**new_row("mail.send", {"to": "x@example.id"}), "state": "dead", "attempts": 8}
        message_id = session.execute(
            insert(models.OutboxMessage).values(dead).returning(models.OutboxMessage.id)
        ).scalar_one()
    assert f"<td>{message_id}</td>" in client.get("/admin/webhooks").text
    retried = client.post(
        "/admin/webhooks/retry",
        data={"csrf": csrf, "message_id": str(message_id)},
        follow_redirects=False,
    )
    assert retried.status_code == 303
    with database.reading() as session:
        state = session.scalar(
            select(models.OutboxMessage.state).where(models.OutboxMessage.id == message_id)
        )
        actions = session.scalars(select(models.AdminEvent.action)).all()
    assert state == "pending"
    assert {"webhook.create", "outbox.retry"} <= set(actions)
