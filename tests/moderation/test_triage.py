"""Triage: with the region's switch on, a new report is in no public output until a moderator
publishes it, its unit has it at once, the reporter tracks it; the queue in the console (both
languages) publishes or takes down; every step audited and chained."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from tests.notify.conftest import Receiver, drain
from tests.officials.test_pages import hidden, sign_in

from sigap import cli
from sigap.notify import webhooks
from sigap.notify.worker import Worker

from .conftest import ADMIN, API, JAKARTA, Login, live_frames

LURAH = "lurah.gambir@demo.sigap.id"


def switch(client: TestClient, login: Login, enabled: bool) -> None:
    response = client.put(f"{API}/triage", json={"enabled": enabled}, headers=login(ADMIN))
    assert response.json() == {"triage": enabled}


def absent(public: TestClient, report_id: int) -> None:
    """The report is in no public output (its reporter's own view aside)."""
    assert public.get(f"/api/v1/reports/{report_id}").status_code == 404
    assert public.get(f"/reports/{report_id}").status_code == 404
    assert public.get(f"/open311/v2/requests/{report_id}.json").status_code == 404
    assert public.get(f"/open311/v2/requests/{report_id}.xml?extensions=true").status_code == 404
    assert public.get("/api/v1/reports").json()["items"] == []
    assert public.get("/open311/v2/requests.json").json() == []
    assert public.get(f"/open311/v2/requests.json?service_request_id={report_id}").json() == []
    for zoom in (11, 17):
        shown = public.get("/api/v1/map/clusters", params={"bbox": JAKARTA, "zoom": zoom}).json()
        assert (shown["clusters"], shown["points"]) == ([], [])
    assert public.get("/api/v1/export/reports.csv").text.count("\n") == 1
    assert live_frames(public) == []
    nearby = public.get("/api/v1/nearby?category=sampah&lat=-6.1754&lon=106.8272")
    assert nearby.json() == []


def test_a_held_report_waits_for_a_moderator(
    client: TestClient,
    public: TestClient,
    login: Login,
    submit: Callable[..., dict[str, Any]],
    database_url: str,
    database: Any,
    receiver: Receiver,
    make_worker: Callable[..., Worker],
) -> None:
    with database.transaction() as session:
        webhooks.create(session, url=receiver.url, events=["*"], secret="s" * 32)
    switch(client, login, True)
    created = submit(description="Tumpukan sampah di pinggir kali.")
    report_id, token = created["id"], created["tracking_token"]
    absent(public, report_id)
    drain(make_worker())
    assert receiver.events() == []  # third parties hear of it once it is published

    # The reporter tracks it, told it waits; the unit has it in its inbox already.
    tracked = public.get(f"/app/track/{token}?lang=en")
    assert "waits for a moderator" in tracked.text
    assert public.get(f"/api/v1/track/{token}").json()["description"].startswith("Tumpukan")
    inbox = client.get("/api/v1/officials/inbox", headers=login(LURAH)).json()
    assert report_id in [item["id"] for item in inbox["items"]]
    official = client.get(f"/api/v1/officials/reports/{report_id}", headers=login(LURAH))
    assert official.json()["visibility"] == "pending"

    # The queue, in the API and in the console in both languages.
    queue = client.get(f"{API}/moderation", headers=login(ADMIN)).json()
    assert (queue["triage"], [r["id"] for r in queue["items"]]) == (True, [report_id])
    console = TestClient(client.app)
    console.portal = client.portal
    sign_in(console, ADMIN)
    page = console.get("/admin/moderation?lang=en")
    assert "Waiting for review (1)" in page.text
    assert "Tumpukan sampah" in page.text
    assert "Menunggu tinjauan (1)" in console.get("/admin/moderation?lang=id").text

    # Published from the console: public now, with a public "publish" step.
    published = console.post(
        "/admin/moderation/publish",
        data={"csrf": hidden(page.text, "csrf"), "report_id": str(report_id)},
        follow_redirects=False,
    )
    assert published.status_code == 303
    shown = public.get(f"/api/v1/reports/{report_id}").json()
    assert [e["action"] for e in shown["timeline"]] == ["submit", "publish"]
    # A backlog from the start replays what is public now; live clients got only "publish".
    assert [f["action"] for f in live_frames(public)] == ["submit", "publish"]
    assert client.get(f"{API}/moderation", headers=login(ADMIN)).json()["items"] == []
    drain(make_worker())
    assert [e["type"] for e in receiver.events()] == ["report.published"]

    # Taken down again through the API: gone from the public, still the unit's.
    down = client.post(
        f"{API}/reports/{report_id}/withhold",
        json={"reason": "Laporan palsu"},
        headers=login(ADMIN),
    )
    assert down.json()["visibility"] == "withheld"
    absent(public, report_id)
    assert "took your report down" in public.get(f"/app/track/{token}?lang=en").text
    again = client.post(
        f"{API}/reports/{report_id}/withhold", json={"reason": "lagi"}, headers=login(ADMIN)
    )
    assert again.status_code == 409

    actions = [e["action"] for e in client.get(f"{API}/events", headers=login(ADMIN)).json()]
    assert actions == ["report.withhold", "report.publish", "region.triage"]
    assert cli.main(["audit", "verify", "--database-url", database_url]) == 0


def test_with_triage_off_reports_are_public_at_once_and_the_switch_is_audited(
    client: TestClient, public: TestClient, login: Login, submit: Callable[..., dict[str, Any]]
) -> None:
    switch(client, login, True)
    held = submit()["id"]
    switch(client, login, False)
    at_once = submit()["id"]

    assert public.get(f"/api/v1/reports/{held}").status_code == 404
    assert public.get(f"/api/v1/reports/{at_once}").status_code == 200
    trail = client.get(f"{API}/events", headers=login(ADMIN)).json()
    assert [(e["action"], e["after"]) for e in trail] == [
        ("region.triage", {"triage": False}),
        ("region.triage", {"triage": True}),
    ]
    refused = client.post(f"{API}/reports/{at_once}/publish", headers=login(ADMIN))
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "report_already_public")
