"""The console's webhook form refuses internal targets like the API (issue #24), in the page's
language, and stores nothing for them."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.officials.test_pages import hidden, sign_in
from tests.workflow.conftest import ADMIN

from sigap import models
from sigap.db import Database

REFUSED = [
    ("http://169.254.169.254/latest/meta-data/", "id", "Webhook tidak boleh dikirim ke 169.254"),
    ("http://2130706433:6379/", "en", "Webhooks may not be sent to 2130706433: 127.0.0.1 is"),
    ("http://0x7f.1/", "id", "Webhook tidak boleh dikirim ke 0x7f.1: 127.0.0.1 adalah"),
    ("http://localhost:6379/", "en", "Webhooks may not be sent to localhost:"),
    ("http://[::1]/hook", "en", "Webhooks may not be sent to ::1: ::1 is an internal"),
    ("http://192.168.1.1/", "id", "192.168.1.1 adalah alamat internal atau khusus"),
]


def test_the_console_refuses_internal_webhook_targets(
    client: TestClient, database: Database
) -> None:
    sign_in(client, ADMIN)
    csrf = hidden(client.get("/admin/webhooks").text, "csrf")

    found = []
    for url, lang, words in REFUSED:
        form = {"csrf": csrf, "url": url, "events": "*"}
        refused = client.post(f"/admin/webhooks/create?lang={lang}", data=form)
        found.append((url, refused.status_code, words in html.unescape(refused.text)))
    made = client.post(
        "/admin/webhooks/create",
        data={"csrf": csrf, "url": "https://93.184.216.34/sigap", "events": "*"},
    )

    assert found == [(url, 422, True) for url, _, _ in REFUSED]
    assert made.status_code == 200
    with database.reading() as session:
        urls = session.scalars(select(models.WebhookEndpoint.url)).all()
        actions = session.scalars(select(models.AdminEvent.action)).all()
    assert urls == ["https://93.184.216.34/sigap"]
    assert actions.count("webhook.create") == 1
