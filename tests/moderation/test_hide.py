"""A moderator hides or redacts a report's text: it is in no public output (JSON, pages in
both languages, Open311 JSON and XML, lists, map, exports, nearby, live events, webhooks),
officials still read it, the change is audited and chained, and it can be undone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from tests.notify.conftest import Receiver, drain

from sigap import cli
from sigap.db import Database
from sigap.notify import webhooks
from sigap.notify.worker import Worker

from .conftest import (
    ADMIN,
    API,
    WARGA,
    Login,
    live_frames,
    public_outputs,
)

PHONE = "0812-3456-7890"
DESCRIPTION = f"Pak Budi (HP {PHONE}) minta uang setiap kali sampah diangkut."
ADDRESS = "Rumah Pak Budi, Jl. Kebon Sirih 12"
NOTE = f"Sudah kami hubungi Pak Budi di {PHONE}."
COMMENT = f"Betul, Budi {PHONE} juga minta ke saya."
LURAH = "lurah.gambir@demo.sigap.id"
PLACEHOLDERS = {"id": "[disembunyikan oleh moderator]", "en": "[hidden by a moderator]"}


def file_abusive(client: TestClient, login: Login, submit: Callable[..., dict[str, Any]]) -> int:
    """A report naming a person and his phone, answered with a note, commented on."""
    report_id = int(submit(description=DESCRIPTION, address=ADDRESS)["id"])
    acknowledged = client.post(
        f"/api/v1/officials/reports/{report_id}/acknowledge",
        json={"note": NOTE},
        headers=login(LURAH),
    )
    assert acknowledged.status_code == 200, acknowledged.text
    commented = client.post(
        f"/api/v1/reports/{report_id}/comments", json={"body": COMMENT}, headers=login(WARGA)
    )
    assert commented.status_code == 201, commented.text
    return report_id


def test_hidden_text_is_in_no_public_output_and_officials_still_read_it(
    client: TestClient,
    public: TestClient,
    login: Login,
    submit: Callable[..., dict[str, Any]],
    database_url: str,
) -> None:
    report_id = file_abusive(client, login, submit)
    before = public_outputs(public, report_id, "id")
    assert PHONE in before[f"/api/v1/reports/{report_id}"]  # the walk sees the text...
    assert PHONE in before[f"/reports/{report_id}"]
    assert PHONE in before[f"/open311/v2/requests/{report_id}.xml?extensions=true"]
    assert PHONE in before[f"/api/v1/reports/{report_id}/comments"]

    hidden = client.post(
        f"{API}/reports/{report_id}/hide",
        json={"reason": "Menyebut nama dan nomor telepon seseorang"},
        headers=login(ADMIN),
    )
    assert hidden.status_code == 200, hidden.text
    assert hidden.json()["hidden_parts"] == ["address", "answers", "comments", "description",
                                             "notes"]  # fmt: skip

    for lang in ("id", "en"):  # ...and after the hide, in no output
        for url, text in public_outputs(public, report_id, lang).items():
            assert PHONE not in text, url
            assert "Budi" not in text, url
        page = public.get(f"/reports/{report_id}", params={"lang": lang}).text
        assert PLACEHOLDERS[lang] in page
        request = public.get(f"/open311/v2/requests/{report_id}.json", params={"lang": lang})
        assert request.json()[0]["description"] == PLACEHOLDERS[lang]
        assert request.json()[0]["address"] == PLACEHOLDERS[lang]
        assert request.json()[0]["status_notes"] == PLACEHOLDERS[lang]
    shown = public.get(f"/api/v1/reports/{report_id}").json()
    assert (shown["description"], shown["address"], shown["moderated"]) == (None, None, True)
    acknowledge = next(e for e in shown["timeline"] if e["action"] == "acknowledge")
    assert (acknowledge["note"], acknowledge["note_hidden"]) == (None, True)
    assert [e["action"] for e in shown["timeline"]] == ["submit", "acknowledge"]  # hide: internal
    listed = public.get("/api/v1/reports").json()["items"]
    assert [(i["id"], i["summary"], i["moderated"]) for i in listed] == [(report_id, None, True)]
    assert PHONE not in str(live_frames(public))

    # The officials' API and page still show the original, and say what the public misses.
    official = client.get(f"/api/v1/officials/reports/{report_id}", headers=login(LURAH)).json()
    assert (official["description"], official["address"]) == (DESCRIPTION, ADDRESS)
    assert official["public_hidden"] == ["address", "answers", "comments", "description", "notes"]
    assert NOTE in [e["note"] for e in official["events"]]
    hide_event = official["events"][-1]
    assert (hide_event["action"], hide_event["internal"]) == ("hide", True)
    assert hide_event["note"] == "Menyebut nama dan nomor telepon seseorang"

    state = client.get(f"{API}/reports/{report_id}/moderation", headers=login(ADMIN)).json()
    assert (state["visibility"], state["description"]) == ("public", DESCRIPTION)
    listed_hidden = client.get(f"{API}/moderation?queue=hidden", headers=login(ADMIN)).json()
    assert [r["id"] for r in listed_hidden["items"]] == [report_id]

    # Audited in the console's trail, chained in the report's history.
    events = client.get(f"{API}/events", headers=login(ADMIN)).json()
    assert events[0]["action"] == "report.hide"
    assert events[0]["target_id"] == str(report_id)
    assert events[0]["after"]["reason"] == "Menyebut nama dan nomor telepon seseorang"
    assert cli.main(["audit", "verify", "--database-url", database_url]) == 0

    # Comments are closed while hidden.
    refused = client.post(
        f"/api/v1/reports/{report_id}/comments", json={"body": "lagi"}, headers=login(WARGA)
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "comments_closed")

    # Undone: the public reads the report again; also audited.
    undone = client.post(
        f"{API}/reports/{report_id}/unhide", json={"reason": "Keliru"}, headers=login(ADMIN)
    )
    assert undone.status_code == 200, undone.text
    assert public.get(f"/api/v1/reports/{report_id}").json()["description"] == DESCRIPTION
    assert PHONE in public.get(f"/api/v1/reports/{report_id}/comments").text
    assert client.get(f"{API}/events", headers=login(ADMIN)).json()[0]["action"] == "report.unhide"
    assert cli.main(["audit", "verify", "--database-url", database_url]) == 0


def test_a_redaction_is_what_the_public_reads(
    client: TestClient,
    public: TestClient,
    login: Login,
    submit: Callable[..., dict[str, Any]],
) -> None:
    report_id = int(submit(description=DESCRIPTION, address=ADDRESS)["id"])
    redacted = "Petugas [disunting] minta uang setiap kali sampah diangkut."
    response = client.post(
        f"{API}/reports/{report_id}/hide",
        json={"reason": "Nomor telepon", "parts": ["description"], "description": redacted},
        headers=login(ADMIN),
    )
    assert response.status_code == 200, response.text

    shown = public.get(f"/api/v1/reports/{report_id}").json()
    assert (shown["description"], shown["address"]) == (redacted, ADDRESS)
    assert shown["hidden"] == ["description"]
    (request,) = public.get(f"/open311/v2/requests/{report_id}.json").json()
    assert request["description"] == redacted
    assert redacted in public.get(f"/reports/{report_id}").text
    assert PHONE not in public.get(f"/reports/{report_id}?lang=en").text

    refused = [
        client.post(f"{API}/reports/{report_id}/hide", json=body, headers=login(ADMIN))
        for body in (
            {"reason": "x"},  # too short
            {"reason": "Nomor telepon", "parts": []},
            {"reason": "Nomor telepon", "parts": ["address"], "description": "lain"},
        )
    ]
    assert [r.status_code for r in refused] == [422, 422, 422]
    missing = client.post(
        f"{API}/reports/999999/hide", json={"reason": "abc"}, headers=login(ADMIN)
    )
    assert missing.status_code == 404
    official = client.post(
        f"{API}/reports/{report_id}/hide", json={"reason": "abc"}, headers=login(LURAH)
    )
    assert official.status_code == 403  # moderation is for admins


def test_webhooks_get_no_hidden_note_and_hear_of_the_moderation(
    client: TestClient,
    login: Login,
    submit: Callable[..., dict[str, Any]],
    database: Database,
    receiver: Receiver,
    make_worker: Callable[..., Worker],
) -> None:
    with database.transaction() as session:
        webhooks.create(session, url=receiver.url, events=["*"], secret="s" * 32)
    report_id = int(submit(description=DESCRIPTION)["id"])
    client.post(
        f"{API}/reports/{report_id}/hide",
        json={"reason": "Nomor telepon", "parts": ["notes"]},
        headers=login(ADMIN),
    )
    client.post(
        f"/api/v1/officials/reports/{report_id}/acknowledge",
        json={"note": NOTE},
        headers=login(LURAH),
    )
    drain(make_worker())

    received = {event["type"]: event["data"] for event in receiver.events()}
    assert set(received) == {"report.created", "report.moderated", "report.status_changed"}
    assert received["report.moderated"]["action"] == "hide"
    assert received["report.status_changed"]["to_status"] == "in_progress"
    assert "note" not in received["report.status_changed"]  # the notes are hidden
    assert PHONE not in str(receiver.events())


def test_the_console_hides_and_redacts_with_a_form(
    client: TestClient, public: TestClient, submit: Callable[..., dict[str, Any]]
) -> None:
    from tests.officials.test_pages import hidden, sign_in

    report_id = int(submit(description=DESCRIPTION, address=ADDRESS)["id"])
    console = TestClient(client.app)
    console.portal = client.portal
    sign_in(console, ADMIN)
    page = console.get(f"/admin/moderation?report={report_id}&lang=en")
    assert f"Report #{report_id}" in page.text
    assert DESCRIPTION in page.text  # the moderator reads the original
    assert "Hide from the public" in page.text
    assert (
        "Sembunyikan dari publik"
        in console.get(f"/admin/moderation?report={report_id}&lang=id").text
    )
    missing = console.get("/admin/moderation?report=99999&lang=en").text
    assert "There is no such report" in missing

    form = {
        "csrf": hidden(page.text, "csrf"),
        "report_id": str(report_id),
        "part_description": "on",
        "part_address": "on",
        "public_description": "Petugas [disunting] minta uang.",
        "public_address": "",
        "reason": "Nama dan nomor telepon",
    }
    forged = console.post("/admin/moderation/hide", data={**form, "csrf": "wrong"})
    assert forged.status_code == 403
    done = console.post("/admin/moderation/hide", data=form, follow_redirects=False)
    assert done.status_code == 303

    shown = public.get(f"/api/v1/reports/{report_id}").json()
    assert (shown["description"], shown["address"]) == ("Petugas [disunting] minta uang.", None)
    assert shown["hidden"] == ["address", "description"]
    page_en = public.get(f"/reports/{report_id}?lang=en").text
    assert "[hidden by a moderator]" in page_en  # where the address was
    assert "Kebon Sirih" not in page_en
    no_reason = console.post("/admin/moderation/unhide", data={**form, "reason": ""})
    assert no_reason.status_code == 422
    assert "Write a reason" in no_reason.text or "Tuliskan alasan" in no_reason.text


def test_a_follower_lists_what_the_public_sees_and_the_reporter_their_own(
    client: TestClient, login: Login
) -> None:
    from tests.citizen.conftest import App

    def browser() -> App:
        made = TestClient(client.app)
        made.portal = client.portal
        return App(made)

    reporter, follower = browser(), browser()
    assert reporter.sign_up(email="pelapor@test.sigap.id").status_code == 303
    report_id = reporter.file(description=DESCRIPTION).json()["id"]
    assert follower.sign_up(email="tetangga@test.sigap.id").status_code == 303
    assert follower.act(f"/app/reports/{report_id}/follow").status_code == 303
    assert PHONE in follower.client.get("/app/my").text

    hidden = client.post(
        f"{API}/reports/{report_id}/hide",
        json={"reason": "Nomor telepon", "parts": ["description"]},
        headers=login(ADMIN),
    )
    assert hidden.status_code == 200
    listed = follower.client.get("/app/my?lang=en").text
    assert PHONE not in listed
    assert "[hidden by a moderator]" in listed
    assert PHONE in reporter.client.get("/app/my").text  # their own report, as they wrote it
    own_page = reporter.client.get(f"/reports/{report_id}?lang=en").text
    assert PHONE in own_page
    assert "A moderator hid from the public: description." in own_page
