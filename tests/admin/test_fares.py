"""The console's fare pages (issue #27, item 6): the rules in force, revenue per network and
day with its CSV, the reconciliation (a non-zero difference flagged) and the validators, each
the same answer as its JSON, in both languages, admins only (both databases)."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from tests.cards.conftest import CARD_A, minutes
from tests.cards.test_api import card_of, tap, top_up
from tests.officials.test_pages import hidden, sign_in
from tests.workflow.conftest import ADMIN, LURAH, WARGA, Clock

from sigap import models
from sigap.db import Database

Headers = dict[str, str]
DAY = {"start": "2026-12-07", "end": "2026-12-07"}


def text(page: str) -> str:
    """A page's words, tags dropped and spaces folded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_the_fare_rules_in_force_read_as_the_json_says(
    client: TestClient, login: Callable[[str], Headers]
) -> None:
    sign_in(client, ADMIN)
    answer = client.get("/api/v1/admin/fares", params={"day": "2026-12-07"}, headers=login(ADMIN))
    assert answer.status_code == 200, answer.text
    rules = answer.json()
    assert rules["in_force"] == "jaklingko-2022"
    page = client.get("/admin/fares", params={"day": "2026-12-07"})
    assert page.status_code == 200
    words = text(page.text)
    assert "Berlaku pada 07-12-2026: Tarif integrasi JakLingko (Kepgub DKI 733/2022)" in words
    assert "sejak 11-08-2022, tanpa tanggal akhir" in words
    assert "Transjakarta Rp 3.500 setiap saat" in words
    assert "Transjakarta 05.00-07.00 Rp 2.000 tap-in 05:00-07:00, setiap hari" in words
    assert "Mikrotrans JakLingko Gratis Rp 0" in words
    assert "membayar Rp 2.500 + Rp 250 per km, paling banyak Rp 10.000, dalam 180 menit" in words
    assert "156 pasangan stasiun, Rp 3.000 sampai Rp 14.000" in words
    assert "transfer tanpa batas jumlah, dalam 180 menit" in words
    assert "KRL Commuter Line" in words  # no fare in these rules
    current = next(s for s in rules["sets"] if s["in_force"])
    assert current["source"]
    assert current["source"] in words
    for network in current["networks"]:
        for fare in network["fares"]:
            amount = f"{fare['amount']:,}".replace(",", ".")
            assert f"{fare['name']} Rp {amount}" in words
    # the alternative, OK-Otrip, is listed as not in force today, and is in force in 2018
    assert "Aturan lain (tidak berlaku pada tanggal ini)" in words
    assert "OK-Otrip (Rp 5.000 per perjalanan)" in words
    otrip = text(client.get("/admin/fares", params={"day": "2018-06-01", "lang": "en"}).text)
    assert "In force on 01-06-2018: OK-Otrip (Rp 5.000 per perjalanan)" in otrip
    assert "ride 2: Rp 1.500" in otrip
    assert "every later ride: Rp 0" in otrip
    none = text(client.get("/admin/fares", params={"day": "2016-01-01", "lang": "en"}).text)
    assert "No fare rules are in force on 01-01-2016" in none
    refused = client.get("/admin/fares", params={"day": "2026-13-01"})
    assert refused.status_code == 422
    assert 'class="error"' in refused.text


@pytest.fixture
def rides(client: TestClient, login: Callable[[str], Headers], clock: Clock) -> tuple[Headers, int]:
    """A holder topped up 10,000 and rode twice; one tap came late (a refund); an unknown card
    tapped too. Revenue on 7 December: 3,500 on transjakarta (as tests/cards/test_api.py)."""
    clock.now = minutes(120)
    holder, admin = login(WARGA), login(ADMIN)
    made = client.post(
        "/api/v1/admin/validators",
        json={"name": "Halte Harmoni 1", "network": "transjakarta", "stop_id": "tj:HAR"},
        headers=admin,
    )
    key = {"X-Validator-Key": made.json()["key"]}
    card = card_of(client, holder)
    top_up(client, holder, card["id"], 10_000)
    client.post("/api/v1/cards/taps", json={"taps": [tap("b", CARD_A, 60)]}, headers=key)
    late = {"taps": [tap("a", CARD_A, 0), tap("x", "55555555", 5)]}
    assert client.post("/api/v1/cards/taps", json=late, headers=key).status_code == 200
    return holder, card["id"]


def test_revenue_per_network_and_day_its_totals_and_its_csv(
    client: TestClient, login: Callable[[str], Headers], rides: Any
) -> None:
    rows = client.get("/api/v1/admin/cards/revenue", params=DAY, headers=login(ADMIN)).json()
    assert rows == [{"day": "2026-12-07", "network": "transjakarta", "fares": 3_500}]
    sign_in(client, ADMIN)
    page = client.get("/admin/fares/revenue", params=DAY)
    assert page.status_code == 200
    words = text(page.text)
    named = "Transjakarta (BRT dan bus pengumpan) transjakarta"  # the pack's name, then the id
    assert f"07-12-2026 {named} Rp 3.500" in words
    assert "Jumlah per jaringan" in words
    assert f"{named} Rp 3.500 Jumlah Rp 3.500" in words
    download = client.get("/admin/fares/revenue.csv", params=DAY)
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    assert list(csv.DictReader(io.StringIO(download.text))) == [
        {key: str(value) for key, value in row.items()} for row in rows
    ]
    # The posting day's view, on the page and in its CSV, is the JSON's ?by=posting.
    api = client.get(
        "/api/v1/admin/cards/revenue", params={**DAY, "by": "posting"}, headers=login(ADMIN)
    ).json()
    posted = client.get("/admin/fares/revenue.csv", params={**DAY, "by": "posting"})
    assert list(csv.DictReader(io.StringIO(posted.text))) == [
        {key: str(value) for key, value in row.items()} for row in api
    ]
    assert "by=posting" in client.get("/admin/fares/revenue", params={**DAY, "by": "posting"}).text
    assert "hari pembukuan" in text(page.text)  # the choice of the two views
    wrong = client.get("/admin/fares/revenue", params={**DAY, "by": "tap"})
    assert wrong.status_code == 422
    empty = text(client.get("/admin/fares/revenue?start=2026-12-01&end=2026-12-02&lang=en").text)
    assert "No revenue on these days." in empty
    assert client.get("/admin/fares/revenue.csv?start=nope").status_code == 422


def test_the_reconciliation_matches_and_flags_a_difference(
    client: TestClient,
    login: Callable[[str], Headers],
    rides: tuple[Headers, int],
    database: Database,
) -> None:
    admin = login(ADMIN)
    found = client.get("/api/v1/admin/cards/reconciliation", params=DAY, headers=admin).json()
    assert [c["difference"] for c in found["checks"]] == [0, 0, 0]
    sign_in(client, ADMIN)
    page = client.get("/admin/fares/reconciliation", params=DAY)
    words = text(page.text)
    assert 'class="diff"' not in page.text.split('id="checks"')[1].split("</table>")[0]
    assert "Selisih!" not in words
    assert "Buku besar seimbang" in words
    assert "Tarif ditagih (pertama kali) Rp 7.000" in words
    assert "Penyesuaian (tap terlambat; pengembalian negatif) -Rp 3.500" in words
    assert "Bersih Rp 3.500" in words
    assert "Semua kartu Rp 6.500" in words
    assert "Kliring demo -Rp 10.000" in words
    assert re.search(r'class="diff"><th scope="row">— dari kartu tak terdaftar', page.text)

    # A top-up marked paid with nothing posted for it: the top-ups don't match the clearing.
    holder, card = rides
    started = client.post(
        f"/api/v1/cards/{card}/topups",
        json={"amount": 25_000},
        headers={**holder, "Idempotency-Key": "lost"},
    )
    with database.transaction() as session:
        session.execute(
            update(models.CardTopup)
            .where(models.CardTopup.id == started.json()["id"])
            .values(state="paid")
        )
    found = client.get("/api/v1/admin/cards/reconciliation", params=DAY, headers=admin).json()
    topups = next(c for c in found["checks"] if c["name"] == "topups")
    assert (topups["expected"], topups["found"], topups["difference"]) == (35_000, 10_000, -25_000)
    english = client.get("/admin/fares/reconciliation", params={**DAY, "lang": "en"})
    words = text(english.text)
    assert 'role="alert"' in english.text
    row = re.search(r'<tr class="diff" data-check="(\w+)">(.*?)</tr>', english.text, re.S)
    assert row is not None
    assert row.group(1) == "topups"
    assert "-Rp 25.000 Difference!" in text(row.group(2))
    assert "Paid top-ups = what the payment adapters' clearing gave Rp 35.000 Rp 10.000" in words
    assert words.count("Difference!") == 2  # top-ups, and the cards' balances behind them


def test_validators_are_registered_with_a_key_shown_once_and_revoked(
    client: TestClient, login: Callable[[str], Headers]
) -> None:
    sign_in(client, ADMIN)
    page = client.get("/admin/fares/validators")
    assert "Belum ada validator." in page.text
    csrf = hidden(page.text, "csrf")
    form = {"name": "Gerbang Bundaran HI", "network": "mrt", "stop_id": "mrt:SBHI"}
    assert client.post("/admin/fares/validators/create", data=form).status_code == 403
    made = client.post("/admin/fares/validators/create", data={**form, "csrf": csrf})
    assert made.status_code == 200
    shown = re.search(r'<code id="secret">Gerbang Bundaran HI: (sgv_[^<]+)</code>', made.text)
    assert shown is not None
    key = shown.group(1)
    listed = client.get("/admin/fares/validators").text
    assert "Gerbang Bundaran HI" in listed
    assert key not in listed
    assert key[:12] in listed
    taps = {"taps": [tap("1", CARD_A, 0)]}
    headers = {"X-Validator-Key": key}
    assert client.post("/api/v1/cards/taps", json=taps, headers=headers).status_code == 200
    bad = client.post(
        "/admin/fares/validators/create", data={**form, "network": "MRT!", "csrf": csrf}
    )
    assert bad.status_code == 422
    assert 'class="error"' in bad.text
    assert "Gerbang Bundaran HI" in bad.text  # the list is still shown
    validators = client.get("/api/v1/admin/validators", headers=login(ADMIN)).json()
    revoke = {"validator_id": str(validators[0]["id"]), "csrf": csrf}
    done = client.post("/admin/fares/validators/revoke", data=revoke, follow_redirects=False)
    assert done.status_code == 303
    assert client.post("/api/v1/cards/taps", json=taps, headers=headers).status_code == 403
    assert "dicabut" in client.get("/admin/fares/validators").text
    again = client.post("/admin/fares/validators/revoke", data=revoke)
    assert again.status_code == 404
    events = client.get("/admin/events").text
    assert "validator.create" in events
    assert "validator.revoke" in events


def test_fare_pages_are_for_admins_only(client: TestClient) -> None:
    paths = ["/admin/fares", "/admin/fares/revenue", "/admin/fares/revenue.csv",
             "/admin/fares/reconciliation", "/admin/fares/validators"]  # fmt: skip
    for path in paths:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/officials/login?next=")
    sign_in(client, LURAH)
    for path in paths:
        assert client.get(path).status_code == 403
    assert client.post("/admin/fares/validators/create", data={}).status_code == 403
    client.cookies.clear()
    sign_in(client, ADMIN)
    for path in paths:
        assert client.get(path).status_code == 200, path
        assert client.get(path, params={"lang": "en"}).status_code == 200, path
    nav = client.get("/admin/units?lang=en").text
    assert '<a href="/admin/fares?lang=en">Fares &amp; cards</a>' in nav
    assert client.post("/admin/fares/validators/nothing", data={}).status_code == 404
