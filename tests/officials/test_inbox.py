"""The inbox with assignments and thumbnails, through the JSON API and the pages: the first
visible photo's thumbnail in one query for the page, a field officer's own reports first, the
"Tugas saya" tab, and the lurah's assign form."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import event, select
from tests.officials.test_pages import hidden, sign_in
from tests.workflow.conftest import LURAH, MONAS, PETUGAS, Clock
from tests.workflow.test_assign import account_id, assign, second_officer

from sigap import models
from sigap.db import Database
from sigap.photos import service as photos

Login = Callable[[str], dict[str, str]]
Submit = Callable[..., dict[str, Any]]


def jpeg(colour: tuple[int, int, int], size: tuple[int, int] = (640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def with_photos(client: TestClient, *colours: tuple[int, int, int]) -> dict[str, Any]:
    body = {"category": "sampah", **MONAS, "description": "Sampah dengan foto."}
    files = [("photo", (f"{n}.jpg", jpeg(c), "image/jpeg")) for n, c in enumerate(colours)]
    response = client.post("/api/v1/reports", data=body, files=files)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """Every SQL statement the app's read engine runs meanwhile."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(database.read_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(database.read_engine, "before_cursor_execute", record)


def inbox_ids(client: TestClient, headers: dict[str, str], query: str = "") -> list[int]:
    response = client.get(f"/api/v1/officials/inbox{query}", headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_rows_carry_the_first_visible_photos_thumbnail_in_one_query(
    client: TestClient, login: Login, submit: Submit, db: Database
) -> None:
    plain = submit()
    red, green = with_photos(client, (200, 30, 30)), with_photos(client, (30, 200, 30))
    two = with_photos(client, (10, 10, 10), (250, 250, 250))
    with db.transaction() as session:  # moderation hid the first photo of the last report
        photos.hide(session, two["photos"][0]["id"])
    headers = login(LURAH)

    with statements(client.app.state.db) as seen:  # type: ignore[attr-defined]
        response = client.get("/api/v1/officials/inbox", headers=headers)
    items = {item["id"]: item for item in response.json()["items"]}

    assert len(items) == 4
    assert len([s for s in seen if "photo" in s.lower()]) == 1  # one query, not one per row
    assert items[plain["id"]]["thumbnail"] is None
    for report in (red, green):
        thumbnail = items[report["id"]]["thumbnail"]
        assert thumbnail["url"] == report["photos"][0]["thumb_url"]
        assert (thumbnail["width"], thumbnail["height"]) == (320, 240)
        served = client.get(thumbnail["url"])
        assert served.status_code == 200
        assert Image.open(io.BytesIO(served.content)).size == (320, 240)
    assert items[two["id"]]["thumbnail"]["url"] == two["photos"][1]["thumb_url"]

    sign_in(client)
    page = client.get("/officials").text
    assert page.count('class="thumb"') == 3
    tag = f'<img class="thumb" src="{red["photos"][0]["thumb_url"]}" width="56" height="56"'
    assert f'{tag} loading="lazy" alt="">' in page
    assert two["photos"][0]["thumb_url"] not in page  # a hidden photo is never shown


def test_a_field_officers_own_reports_come_first_and_alone_under_mine(
    client: TestClient, login: Login, submit: Submit, db: Database, clock: Clock
) -> None:
    reports = []
    for _ in range(4):
        reports.append(submit()["id"])
        clock.advance(minutes=5)  # each later report is due later
    first, second, third, fourth = reports
    petugas = account_id(db, PETUGAS)
    for report_id in (fourth, third):
        assert assign(client, login(LURAH), report_id, officer=petugas).status_code == 200
    assign(client, login(LURAH), first, officer=second_officer(db))

    assert inbox_ids(client, login(LURAH)) == [first, second, third, fourth]  # urgency only
    mine_first = inbox_ids(client, login(PETUGAS))
    assert mine_first == [third, fourth, first, second]
    assert inbox_ids(client, login(PETUGAS), "?mine=true") == [third, fourth]
    assert inbox_ids(client, login(PETUGAS), "?sort=recent") == [fourth, third, second, first]
    items = client.get("/api/v1/officials/inbox", headers=login(PETUGAS)).json()["items"]
    assert [item["assigned_to_me"] for item in items] == [True, True, False, False]
    assert items[2]["assignee"]["name"] == "Petugas Kedua"
    assert items[3]["assignee"] is None

    for limit in (1, 3):  # the cursor carries the order across pages, in or out of "mine"
        walked, cursor = [], None
        while True:
            query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
            page = client.get(f"/api/v1/officials/inbox{query}", headers=login(PETUGAS)).json()
            walked += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert walked == mine_first, limit


def test_the_officers_inbox_page_has_a_mine_tab_and_the_lurahs_has_none(
    client: TestClient, login: Login, submit: Submit, db: Database
) -> None:
    other, mine = submit(), submit()
    assign(client, login(LURAH), mine["id"], officer=account_id(db, PETUGAS))

    sign_in(client)
    lurah = client.get("/officials").text
    assert "Tugas saya" not in lurah
    assert "Ditugaskan ke Petugas Kelurahan Gambir" in lurah

    client.cookies.clear()
    sign_in(client, email=PETUGAS)
    page = client.get("/officials").text
    assert 'id="tab-mine"' in page
    assert page.index(f'data-report="{mine["id"]}"') < page.index(f'data-report="{other["id"]}"')
    assert 'class=" is-mine"' in page
    only_mine = client.get("/officials?mine=1").text
    assert f'data-report="{mine["id"]}"' in only_mine
    assert f'data-report="{other["id"]}"' not in only_mine
    english = client.get("/officials?mine=1&lang=en").text
    assert "Assigned to me" in english


def test_a_lurah_assigns_with_the_form_and_a_stranger_is_refused(
    client: TestClient, submit: Submit, db: Database
) -> None:
    report = submit()
    petugas = account_id(db, PETUGAS)
    menteng = second_officer(db, unit="kel-31.71.06.1001")
    sign_in(client)
    page = client.get(f"/officials/reports/{report['id']}").text
    assert f'<option value="{petugas}" >Petugas Kelurahan Gambir</option>' in page
    assert f'value="{menteng}"' not in page  # only the unit's officers are offered

    refused = client.post(
        f"/officials/reports/{report['id']}/assign?lang=en",
        data={"csrf": hidden(page, "csrf"), "officer": str(menteng)},
    )
    assert refused.status_code == 422
    assert "is not an active field officer of this report&#39;s unit" in refused.text
    with db.reading() as session:
        assert session.get_one(models.Report, report["id"]).assignee_id is None

    done = client.post(
        f"/officials/reports/{report['id']}/assign",
        data={"csrf": hidden(page, "csrf"), "officer": str(petugas), "note": "Hari ini."},
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = client.get(done.headers["location"]).text  # in English: the language is remembered
    assert "The assignment was saved." in after
    assert '<dd id="assignee">Petugas Kelurahan Gambir</dd>' in after
    assert "Assigned to Petugas Kelurahan Gambir" in after  # on the timeline
    indonesian = client.get(f"/officials/reports/{report['id']}?lang=id").text
    assert "Ditugaskan ke Petugas Kelurahan Gambir" in indonesian
    cleared = client.post(
        f"/officials/reports/{report['id']}/assign",
        data={"csrf": hidden(page, "csrf"), "officer": ""},
    )
    assert "Penugasan dicabut" in cleared.text
    with db.reading() as session:
        actions = session.scalars(
            select(models.ReportEvent.action).where(models.ReportEvent.report_id == report["id"])
        ).all()
    assert actions == ["submit", "assign", "assign"]


def test_a_lurah_sees_and_filters_the_inbox_by_rw(
    client: TestClient, login: Login, submit: Submit
) -> None:
    rw01 = submit(lat=-6.17744, lon=106.833019)["id"]
    rw02 = submit(lat=-6.17738, lon=106.82717)["id"]
    headers = login(LURAH)

    only = client.get("/api/v1/officials/inbox?rw=31.71.01.1001.01", headers=headers).json()
    assert [item["id"] for item in only["items"]] == [rw01]
    assert only["items"][0]["rw"] == {"code": "31.71.01.1001.01", "name": "RW 01"}
    assert rw02 in inbox_ids(client, headers)

    assert sign_in(client, LURAH).status_code == 303
    page = client.get("/officials?rw=31.71.01.1001.02")
    assert page.status_code == 200
    assert '<select name="rw">' in page.text  # a lurah's one kelurahan: its RW offered at once
    assert '<option value="31.71.01.1001.02" selected>RW 02</option>' in page.text
    assert f'data-report="{rw02}"' in page.text
    assert f'data-report="{rw01}"' not in page.text
    assert "· RW 02" in page.text
    report = client.get(f"/officials/reports/{rw02}")
    assert "RW 02, Gambir" in report.text
