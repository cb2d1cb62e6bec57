"""Simple routes from a CSV into the network, on both databases: `sigap transit-csv --import`,
the admin API (admins only, checked then imported and audited) and the console's page; then
the journey planner finds a journey on the routes imported. Nothing is written or stored when
the CSV has a problem, and the problem names its line and column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.officials.test_pages import hidden, sign_in
from tests.transit.test_csvfeed import HEADER
from tests.workflow.conftest import ADMIN, LURAH, WARGA

from sigap.cli import main
from sigap.db import Database
from sigap.transit import store

Login = Callable[[str], dict[str, str]]
URL = "/api/v1/admin/transit/csv"
# G1 runs east A -> B -> C and back; G2 north C -> D on weekdays; both all of 2026 and 2027.
YEARS = "2026-01-01,2027-12-31"
ROUTES = f"""{HEADER},from,until
G1,Uji Satu,Bus Uji,Timur,ya,06:00,21:00,15,setiap hari,Halte A,-5.2000,119.4400,,{YEARS}
G1,,,Timur,,,,,,Halte B,-5.2000,119.4500,,,
G1,,,Timur,,,,,,Halte C,-5.2000,119.4600,,,
G2,Uji Dua,Bus Uji,Utara,,07:00,19:00,30,sen-jum,Halte C,-5.2000,119.4600,0,{YEARS}
G2,,,Utara,,,,,,Halte D,-5.1900,119.4600,8,,
"""
BROKEN = ROUTES.replace("Halte B,-5.2000", "Halte B,-95.2")  # line 3, column K
A, C, D = (-5.2000, 119.4400), (-5.2000, 119.4600), (-5.1900, 119.4600)
TUESDAY = "2026-12-08"


@pytest.fixture
def database_url(isolated_database_url: str) -> str:
    return isolated_database_url


def stored(url: str) -> dict[str, int]:
    database = Database(url)
    try:
        with database.reading() as session:
            return {row.name: row.version for row in store.feeds(session)[1]}
    finally:
        database.dispose()


def plan(client: TestClient, start: tuple[float, float], end: tuple[float, float]) -> Any:
    query = {"from_lat": start[0], "from_lon": start[1], "to_lat": end[0], "to_lon": end[1]}
    answer = client.get(
        "/api/v1/transit/plan", params={**query, "depart": "08:00", "date": TUESDAY}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def rides(option: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (leg["route"]["id"], leg["headsign"]) for leg in option["legs"] if leg["kind"] == "ride"
    ]


def test_the_command_writes_and_imports_or_nothing(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, out = tmp_path / "rute.csv", tmp_path / "gowa.zip"
    source.write_text(BROKEN, encoding="utf-8")
    command = ["transit-csv", str(source), "--name", "gowa", "--out", str(out), "--import"]
    command += ["--database-url", database_url]

    assert main(command) == 1
    assert "rute.csv line 3, column K (lat): '-95.2' is not valid" in capsys.readouterr().err
    assert not out.exists()
    assert "gowa" not in stored(database_url)

    source.write_text(ROUTES, encoding="utf-8")
    assert main(command) == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    assert "G1 -> Timur: 3 stops" in printed
    assert "every 15 min" in printed
    assert "both ways" in printed
    assert "gowa: valid (4 stops, 3 trips)" in printed
    assert stored(database_url)["gowa"] == 1
    assert store.read("gowa", out.read_bytes()).routes.keys() == {"gowa:g1", "gowa:g2"}


def test_only_admins_may_send_routes(client: TestClient, login: Login) -> None:
    body = ROUTES.encode()
    assert client.post(URL, params={"name": "gowa"}, content=body).status_code == 401
    for who in (LURAH, WARGA):
        refused = client.post(URL, params={"name": "gowa", "import": "true"}, content=body,
                              headers=login(who))  # fmt: skip
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "admin_only"
    assert "gowa" not in stored(str(client.app.state.settings.database_url))  # type: ignore[attr-defined]


def test_an_admin_checks_then_imports_and_the_planner_rides_the_routes(
    client: TestClient, login: Login
) -> None:
    admin = {**login(ADMIN), "Content-Type": "text/csv"}
    url = str(client.app.state.settings.database_url)  # type: ignore[attr-defined]

    broken = client.post(URL, params={"name": "gowa", "lang": "en"}, content=BROKEN.encode(),
                         headers=admin)  # fmt: skip
    assert broken.status_code == 422
    error = broken.json()["error"]
    assert error["code"] == "transit_csv_bad_value"
    assert error["details"] == [{"line": 3, "column": "lat"}]
    assert "line 3, column K (lat)" in error["message"]

    checked = client.post(URL, params={"name": "gowa"}, content=ROUTES.encode(), headers=admin)
    assert checked.status_code == 200, checked.text
    preview = checked.json()
    assert (preview["imported"], preview["network_version"]) == (False, None)
    assert [r["short_name"] for r in preview["routes"]] == ["G1", "G2"]
    assert preview["routes"][0]["directions"][0]["stops"] == ["Halte A", "Halte B", "Halte C"]
    assert preview["routes"][1]["directions"][0]["headway_min"] == 30
    assert "gowa" not in stored(url)

    imported = client.post(URL, params={"name": "gowa", "import": "true"},
                           content=ROUTES.encode(), headers=admin)  # fmt: skip
    assert imported.status_code == 200, imported.text
    assert imported.json()["imported"]
    assert imported.json()["network_version"] == 1
    assert stored(url) == {"gowa": 1}
    events = client.get("/api/v1/admin/events", headers=login(ADMIN)).json()
    assert (events[0]["action"], events[0]["target_id"]) == ("transit.import", "gowa")

    east = plan(client, A, D)["options"]
    assert ("gowa:g1", "Timur") in rides(east[0])
    assert rides(east[0])[-1] == ("gowa:g2", "Utara")
    assert east[0]["estimated"]  # headways, not a timetable
    back = plan(client, C, A)["options"][0]
    assert rides(back) == [("gowa:g1", "Halte A")]  # the way back, from one flag


def test_the_console_page_previews_then_imports(client: TestClient) -> None:
    assert sign_in(client, ADMIN).status_code == 303
    page = client.get("/admin/transit")
    assert page.status_code == 200
    csrf = hidden(page.text, "csrf")
    url = str(client.app.state.settings.database_url)  # type: ignore[attr-defined]

    def check(text: str) -> Any:
        return client.post(
            "/admin/transit/check",
            data={"csrf": csrf, "name": "gowa"},
            files={"csv": ("rute.csv", text.encode(), "text/csv")},
        )

    refused = check(BROKEN)
    assert refused.status_code == 422
    assert "rute.csv baris 3, kolom K (lat)" in refused.text
    preview = check(ROUTES)
    assert preview.status_code == 200
    assert "Halte B" in preview.text
    assert "setiap 15 menit" in preview.text
    assert "juga arah sebaliknya" in preview.text
    assert "gowa" not in stored(url)

    done = client.post(
        "/admin/transit/import",
        data={"csrf": csrf, "name": "gowa", "file": "rute.csv", "csv": ROUTES},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert stored(url) == {"gowa": 1}
    listed = client.get("/admin/transit?lang=en")
    assert "Bus Uji" in listed.text
    assert "4 stops, 3 trips" in listed.text
    forged = client.post(
        "/admin/transit/import",
        data={"csrf": "x" * 20, "name": "gowa", "csv": ROUTES},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert stored(url) == {"gowa": 1}
