"""A report's one page (/reports/{id}): what everyone sees, what only its reporter sees, the
app's former address redirecting to it, and a fixed number of statements per page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from sigap.db import Database

from .conftest import App
from .test_citizen_following import reject, resolve, status


@contextmanager
def statements(app: App) -> Iterator[list[str]]:
    """The SQL statements the app's database runs meanwhile (reads and writes)."""
    database: Database = app.client.app.state.db  # type: ignore[attr-defined]
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    engines = {database.read_engine, database.write_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


def test_the_apps_address_redirects_to_the_one_page_keeping_the_query(app: App) -> None:
    report_id = app.file().json()["id"]
    moved = app.client.get(f"/app/reports/{report_id}?lang=en&done=support", follow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["location"] == f"/reports/{report_id}?lang=en&done=support"
    bare = app.client.get(f"/app/reports/{report_id}", follow_redirects=False)
    assert bare.headers["location"] == f"/reports/{report_id}"
    assert app.client.get(f"/app/reports/{report_id}").url.path == f"/reports/{report_id}"


def test_one_page_shows_deadlines_photos_support_follow_and_comments(app: App, other: App) -> None:
    report_id = app.file(description="Sampah <b>menumpuk</b> di trotoar.").json()["id"]
    page = other.client.get(f"/reports/{report_id}").text
    assert "Sampah &lt;b&gt;menumpuk&lt;/b&gt; di trotoar." in page
    assert f'action="/app/reports/{report_id}/support"' in page  # support (+1)
    assert "Tenggat" in page  # both deadlines
    assert "Masih berjalan" in page  # still running
    assert "<figcaption>Sebelum</figcaption>" in page  # the reporter's photo
    assert "Belum ada komentar." in page
    assert f'href="/app/signin?lang=id&amp;next=/reports/{report_id}"' in page  # to comment
    assert 'class="cta" href="/app/new?lang=id">Laporkan<' in page  # report a problem
    assert 'id="on-map" href="/?lang=id&amp;at=-6.175400,106.827200"' in page
    assert 'id="rate-form"' not in page
    other.sign_up(email="k@test.sigap.id")
    assert other.act(f"/app/reports/{report_id}/comment", body="Masih ada.").status_code == 303
    english = other.client.get(f"/reports/{report_id}?lang=en").text
    for text in ("Deadlines", "Support (+1)", "Follow", "Comments", "Masih ada.",
                 'class="cta" href="/app/new?lang=en">Report a problem<', "Timeline"):  # fmt: skip
        assert text in english, text


def test_the_rating_shows_once_the_reporter_rated(app: App, db: Database) -> None:
    created = app.file().json()
    resolve(app.client, db, created["id"])
    token = created["tracking_token"]
    assert app.act(f"/app/track/{token}/rate", stars="4").status_code == 303
    page = app.client.get(f"/reports/{created['id']}?lang=en").text
    assert 'id="rating"><span aria-label="4/5">★★★★☆</span>' in page
    assert "Reporter&#39;s rating" in page


def test_only_the_reporter_sees_and_uses_the_rating_form(
    app: App, other: App, db: Database
) -> None:
    created = app.file().json()  # filed without an account: the device is the reporter
    report_id, token = created["id"], created["tracking_token"]
    resolve(app.client, db, report_id)
    mine = app.client.get(f"/reports/{report_id}").text
    assert 'id="rate-form"' in mine
    assert f'action="/app/reports/{report_id}/rate"' in mine
    assert 'id="support"' not in mine  # one's own report is not supported
    tracked = other.client.get(f"/app/track/{token}").text  # the code is the reporter's key
    assert f'action="/app/track/{token}/rate"' in tracked
    assert 'id="rate-form"' not in other.client.get(f"/reports/{report_id}").text
    stranger = other.act(f"/app/reports/{report_id}/rate", stars="5")
    assert stranger.status_code == 303
    assert stranger.headers["location"] == f"/app/signin?next=/reports/{report_id}"
    other.sign_up(email="l@test.sigap.id")
    assert other.act(f"/app/reports/{report_id}/rate", stars="5").status_code == 403
    assert status(app, report_id) == "resolved"
    rated = app.act(f"/app/reports/{report_id}/rate", stars="5")
    assert (rated.status_code, rated.headers["location"]) == (
        303,
        f"/reports/{report_id}?done=rate",
    )
    assert status(app, report_id) == "closed"


def test_the_appeal_form_is_the_reporters_on_the_one_page(
    app: App, other: App, db: Database
) -> None:
    report_id = app.file().json()["id"]
    reject(app.client, db, report_id)
    assert 'id="appeal-form"' in app.client.get(f"/reports/{report_id}").text
    assert 'id="appeal-form"' not in other.client.get(f"/reports/{report_id}").text


def test_the_page_reads_the_same_statements_however_much_it_holds(app: App, other: App) -> None:
    quiet = app.file().json()["id"]
    busy = app.file(description="Banyak komentar di sini.").json()["id"]
    other.sign_up(email="m@test.sigap.id")
    for n in range(4):
        assert other.act(f"/app/reports/{busy}/comment", body=f"Komentar {n}").status_code == 303
    assert other.act(f"/app/reports/{busy}/support").status_code == 303
    other.client.get(f"/reports/{quiet}")  # warm: the first request may load settings

    with statements(other) as on_quiet:
        assert other.client.get(f"/reports/{quiet}").status_code == 200
    with statements(other) as on_busy:
        page = other.client.get(f"/reports/{busy}").text
    assert "Komentar 3" in page
    assert len(on_busy) == len(on_quiet) <= 10, on_busy


def test_the_page_names_the_reports_rw(app: App) -> None:
    in_rw = app.file(lat="-6.17744", lon="106.833019").json()["id"]
    page = app.client.get(f"/reports/{in_rw}").text
    assert '<span id="rw">RW 01</span>,' in page
    island = app.file(lat="-5.7006354", lon="106.5386599").json()["id"]
    assert 'id="rw"' not in app.client.get(f"/reports/{island}").text  # no RW outlines there
