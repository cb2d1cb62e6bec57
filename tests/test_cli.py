"""The ``sigap`` command as an operator uses it."""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sigap.cli import demo_photos
from sigap.config import Settings
from sigap.db import Database
from sigap.demo import busy_kelurahan, seed_accounts, seed_assignments, seed_reports
from sigap.migrations import upgrade
from sigap.regions import pack as packs
from sigap.regions.service import import_pack
from sigap.regions.state import load_state

pytestmark = pytest.mark.slow  # each test runs the sigap command in a process of its own

DATA = Path(__file__).parent / "data"


def sigap(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "sigap.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_help_explains_every_command() -> None:
    result = sigap("--help")

    assert result.returncode == 0
    for command in ("demo", "serve", "db", "import-region", "channel", "import-gtfs"):
        assert command in result.stdout
    assert "--workers" in sigap("serve", "--help").stdout
    assert "--database-url" in sigap("demo", "--help").stdout


def test_upgrade_then_import_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/new/sigap.db"

    upgraded = sigap("db", "upgrade", "--database-url", url)
    imported = sigap("import-region", "jakarta", "--database-url", url)
    again = sigap("import-region", "jakarta", "--database-url", url)

    assert upgraded.returncode == 0, upgraded.stderr
    assert imported.returncode == 0, imported.stderr
    assert "318 areas" in imported.stdout
    assert "(new)" in imported.stdout
    assert "(unchanged)" in again.stdout
    with sqlite3.connect(tmp_path / "new" / "sigap.db") as connection:
        (kelurahan,) = connection.execute(
            "SELECT count(*) FROM area WHERE level = 'kelurahan'"
        ).fetchone()
    assert kelurahan == 267


def test_a_broken_pack_is_refused_with_reasons(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(packs.resolve("jakarta"), pack)
    (pack / "routing.csv").write_text("category_code,area_code,unit_code\nbanjir,31,nobody\n")
    url = f"sqlite:///{tmp_path}/sigap.db"
    sigap("db", "upgrade", "--database-url", url)

    result = sigap("import-region", str(pack), "--database-url", url)

    assert result.returncode == 1
    assert "nothing changed" in result.stdout
    assert "routing.csv:1: unknown unit 'nobody'" in result.stdout
    with sqlite3.connect(tmp_path / "sigap.db") as connection:
        assert connection.execute("SELECT count(*) FROM area").fetchone() == (0,)


def test_channel_keys_are_created_listed_and_revoked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/sigap.db"
    sigap("db", "upgrade", "--database-url", url)

    created = sigap("channel", "create", "LAPOR!", "--database-url", url)
    sigap("channel", "create", "WhatsApp bot", "--database-url", url)
    key = created.stdout.split("keep it secret): ")[1].strip()
    revoked = sigap("channel", "revoke", key[:12], "--database-url", url)
    again = sigap("channel", "revoke", key[:12], "--database-url", url)
    listing = sigap("channel", "list", "--database-url", url)

    assert created.returncode == 0, created.stderr
    assert "channel lapor (LAPOR!)" in created.stdout
    assert key.startswith("sgp_")
    assert len(key) > 40
    assert revoked.returncode == 0, revoked.stderr
    assert f"revoked key 1 ({key[:12]}) of channel lapor" in revoked.stdout
    assert again.returncode == 1
    assert "No active channel key" in again.stderr
    lapor, bot = (line.split() for line in listing.stdout.splitlines()[1:])
    assert lapor[:3] == ["1", "lapor", key[:12]]
    assert lapor[5] != "-"  # revoked: the revocation time
    assert (bot[1], bot[5], bot[-2:]) == ("whatsapp-bot", "-", ["WhatsApp", "bot"])
    assert key not in listing.stdout
    with sqlite3.connect(tmp_path / "sigap.db") as connection:
        hashes = [row[0] for row in connection.execute("SELECT key_hash FROM channel")]
    assert key not in hashes
    assert all(len(h) == 64 for h in hashes)


def test_demo_serves_reports_and_prints_logins(tmp_path: Path, free_port: int) -> None:
    port = free_port
    demo = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "sigap.cli", "demo", "--port", str(port), "--reports", "30",
         "--database-url", f"sqlite:///{tmp_path}/demo.db"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        reports = get_json(f"{base}/api/v1/reports?limit=100", demo)
        statuses = {item["status"] for item in reports["items"]}
        categories = get_json(f"{base}/api/v1/categories", demo)
        routes = get_json(f"{base}/api/v1/transit/routes", demo)
        journey = get_json(
            f"{base}/api/v1/transit/plan?from_lat=-6.2895&from_lon=106.7745&to_lat=-6.1930"
            "&to_lon=106.8230&depart=08:00&date=2026-12-08",
            demo,
        )
    finally:
        demo.terminate()
        output, _ = demo.communicate(timeout=30)

    assert len(reports["items"]) == 30
    assert len(statuses) >= 3
    assert len(categories) == 21
    assert "lurah.gambir@demo.sigap.id" in output
    assert f"{base}/docs" in output
    assert f"{base}/api/v1/transit/routes (krl, mrt imported)" in output
    assert {r["agency"]["name"] for r in routes} == {"PT MRT Jakarta", "KAI Commuter"}
    assert journey["options"][0]["legs"][1]["route"]["id"] == "mrt:MRTJ_NS"
    assert {c["feed"] for c in journey["credits"] if c["credit"]} == {"mrt", "krl"}
    with sqlite3.connect(tmp_path / "demo.db") as connection:
        roles = dict(connection.execute("SELECT email, role FROM account").fetchall())
        hashes = [row[0] for row in connection.execute("SELECT password_hash FROM account")]
    assert roles["walikota.pusat@demo.sigap.id"] == "supervisor"
    assert all(h.startswith("$argon2id$") for h in hashes)
    # the fare card's demo: a card with a top-up and yesterday's rides, priced by the engine
    assert f"{base}/app/cards (the first citizen's card ending 0001)" in output
    with sqlite3.connect(tmp_path / "demo.db") as connection:
        fares = connection.execute("SELECT rule, fare FROM card_leg ORDER BY tap_id").fetchall()
        balance = connection.execute("SELECT balance FROM ledger_account WHERE kind = 'card'")
        assert balance.fetchone()[0] == 50_000 - sum(fare for _, fare in fares)
    assert [rule for rule, _ in fares] == ["tj_reguler", "mrt_4000"]


def get_json(url: str, process: subprocess.Popen[str]) -> Any:
    for _ in range(600):
        assert process.poll() is None, "the demo exited early"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                return json.load(response)
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"no answer from {url}")


def test_demo_data_has_no_event_in_the_future(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    upgrade(url)
    database = Database(url)
    with database.transaction() as session:
        import_pack(session, packs.read(packs.resolve("jakarta")))
    settings = Settings(database_url=url, media_dir=str(tmp_path / "media"))
    with database.transaction() as session:
        pack = packs.read(packs.resolve("jakarta"))
        accounts = seed_accounts(session, pack.meta["demo_accounts"])
        state = load_state(session)
        added = seed_reports(
            session,
            state,
            count=120,
            after_photos=demo_photos(settings),
            before_photos=demo_photos(settings, before=True),
            busy=busy_kelurahan(state, accounts),
        )
        assigned = seed_assignments(session, state, accounts)
    database.dispose()
    assert added == 120
    assert assigned >= 2  # at least the Gambir officer has work to see under "Tugas saya"

    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    with sqlite3.connect(tmp_path / "demo.db") as connection:
        latest = connection.execute("SELECT max(created_at) FROM report_event").fetchone()[0]
        states = dict(connection.execute("SELECT status, count(*) FROM report GROUP BY status"))
        replayed = connection.execute(
            "SELECT count(*) FROM report WHERE status <> (SELECT to_status FROM report_event"
            " WHERE report_id = report.id ORDER BY id DESC LIMIT 1)"
        ).fetchone()[0]
        after_photos = connection.execute(
            "SELECT count(*) FROM photo WHERE kind = 'after'"
        ).fetchone()[0]
        before_photos = connection.execute(
            "SELECT count(*) FROM photo WHERE kind = 'before'"
        ).fetchone()[0]
        gambir = connection.execute(
            "SELECT count(*) FROM report JOIN account ON account.id = report.assignee_id"
            " WHERE account.email = 'petugas.gambir@demo.sigap.id'"
            " AND report.status IN ('open', 'in_progress')"
        ).fetchone()[0]
    assert latest <= now
    assert {"open", "in_progress", "resolved", "closed"} <= set(states)
    assert replayed == 0  # every state came from a timeline event (the real workflow)
    assert after_photos == states["resolved"] + states["closed"]
    assert before_photos == 60  # every other report
    assert gambir == 2


def test_account_create_then_sign_in_and_sweep(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/sigap.db"
    sigap("db", "upgrade", "--database-url", url)
    sigap("import-region", "jakarta", "--database-url", url)

    def create(*extra: str, password: str = "rahasia-panjang") -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own command
            [sys.executable, "-m", "sigap.cli", "account", "create", *extra, "--database-url", url],
            input=password + "\n", capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    made = create("lurah@test.sigap.id", "--name", "Lurah", "--role", "unit_head",
                  "--unit", "kel-31.71.01.1001")  # fmt: skip
    twice = create("lurah@test.sigap.id", "--name", "Lurah", "--role", "unit_head",
                   "--unit", "kel-31.71.01.1001")  # fmt: skip
    short = create("x@test.sigap.id", "--name", "X", "--role", "admin", password="pendek")
    no_unit = create("y@test.sigap.id", "--name", "Y", "--role", "field_officer")
    swept = sigap("sweep", "--database-url", url)

    assert made.returncode == 0, made.stdout + made.stderr
    assert "created: lurah@test.sigap.id (unit_head)" in made.stdout
    assert (twice.returncode, "already exists" in twice.stdout) == (2, True)
    assert (short.returncode, no_unit.returncode) == (2, 2)
    assert swept.returncode == 0, swept.stderr
    assert "warned 0, escalated 0, closed 0" in swept.stdout
    with sqlite3.connect(tmp_path / "sigap.db") as connection:
        stored = connection.execute("SELECT password_hash FROM account").fetchall()
    assert len(stored) == 1
    assert stored[0][0].startswith("$argon2id$")


def test_build_streets_makes_a_pack_s_street_layer_from_an_extract(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(packs.resolve("gowa"), pack)  # Gowa has no street layer yet
    extract = tmp_path / "gowa-roads.geojson"
    road = {"type": "LineString", "coordinates": [[119.45, -5.20], [119.46, -5.21]]}
    extract.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"highway": "primary", "name": "Jalan Poros Malino"},
         "geometry": road},
        {"type": "Feature", "properties": {"building": "yes"}, "geometry": road},
    ]}))  # fmt: skip

    result = sigap("build-streets", str(extract), str(pack))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 streets, 1 named" in result.stdout
    written = json.loads((pack / "streets.geojson").read_text())
    assert [f["properties"] for f in written["features"]] == [
        {"name": "Jalan Poros Malino", "kind": "major"}
    ]
    assert "streets" in packs.read(pack).layers  # import-region takes it

    refused = sigap("build-streets", str(tmp_path / "roads.kml"), str(pack))
    assert refused.returncode == 1
    assert "expected a .osm.pbf, .osm, .geojson, .json or .shp file" in refused.stdout


def test_build_rw_gives_each_rw_to_the_kelurahan_it_lies_in(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(packs.resolve("gowa"), pack)
    with (DATA / "gowa_kelurahan_interior_points.csv").open() as fh:
        first = next(csv.DictReader(fh))
    lon, lat = float(first["lon"]), float(first["lat"])

    def square(x: float, y: float) -> dict[str, object]:
        ring = [[x - 1e-4, y - 1e-4], [x + 1e-4, y - 1e-4], [x + 1e-4, y + 1e-4], [x, y + 2e-4]]
        return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}

    extract = tmp_path / "rw.geojson"
    extract.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"RW": "RW 3"}, "geometry": square(lon, lat)},
        {"type": "Feature", "properties": {"RW": "RW 4"}, "geometry": square(0.0, 0.0)},
        {"type": "Feature", "properties": {"RW": "-"}, "geometry": square(lon, lat)},
    ]}))  # fmt: skip

    result = sigap("build-rw", str(extract), str(pack))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 RW in 1 kelurahan" in result.stdout
    written = json.loads((pack / "rw.geojson").read_text())
    assert [f["properties"] for f in written["features"]] == [
        {"code": f"{first['kode_kel']}.03", "rw": "03"}
    ]
    assert "rw" in packs.read(pack).layers

    (pack / "rw.geojson").write_text(
        (pack / "rw.geojson").read_text().replace(first["kode_kel"], "73.06.99.9999")
    )
    with pytest.raises(packs.PackError, match=r"73\.06\.99\.9999\.03: no such kelurahan"):
        packs.read(pack)


def test_build_landmarks_keeps_the_stations_inside_the_region(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(packs.resolve("gowa"), pack)
    with (DATA / "gowa_kelurahan_interior_points.csv").open() as fh:
        first = next(csv.DictReader(fh))
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "stops.txt").write_text(
        "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
        f"S1,Halte Bontonompo,{first['lat']},{first['lon']},1,\n"
        f"P1,Halte Bontonompo,{first['lat']},{first['lon']},0,S1\n"  # its platform
        "S2,Terminal Makassar,-5.13,119.41,0,\n"  # in Makassar, not Gowa
    )
    points = tmp_path / "places.geojson"
    points.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Pasar Bontonompo", "amenity": "marketplace"},
         "geometry": {"type": "Point", "coordinates": [float(first["lon"]), float(first["lat"])]}},
    ]}))  # fmt: skip

    result = sigap("build-landmarks", str(feed), str(points), str(pack))

    assert result.returncode == 0, result.stdout + result.stderr
    written = json.loads((pack / "landmarks.geojson").read_text())
    assert [f["properties"] for f in written["features"]] == [
        {"name": "Halte Bontonompo", "kind": "station"},
        {"name": "Pasar Bontonompo", "kind": "place"},
    ]
    assert "landmarks" in packs.read(pack).layers
    refused = sigap("build-landmarks", str(tmp_path / "stops.csv"), str(pack))
    assert refused.returncode == 1
    assert "expected a GTFS feed" in refused.stdout


def write_osm(path: Path, ways: list[tuple[list[tuple[float, float]], dict[str, str]]]) -> None:
    """An OpenStreetMap file (.osm.pbf or .osm by its name) of these ways, each with its own
    nodes; a way whose first and last points are equal is closed."""
    import osmium  # the osm extra, installed with the test extra
    from osmium.osm.mutable import Node, Way

    with osmium.SimpleWriter(str(path)) as writer:
        node = 0
        for way, (points, tags) in enumerate(ways, start=1):
            ids = []
            for point in points[:-1] if points[0] == points[-1] else points:
                node += 1
                writer.add_node(Node(id=node, location=point))
                ids.append(node)
            closing = [ids[0]] if points[0] == points[-1] else []
            writer.add_way(Way(id=way, nodes=ids + closing, tags=tags))


def test_build_streets_reads_an_osm_pbf_extract(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(packs.resolve("gowa"), pack)
    extract = tmp_path / "gowa.osm.pbf"
    write_osm(extract, [
        ([(119.45, -5.20), (119.46, -5.21)], {"highway": "primary", "name": "Jalan Poros Malino"}),
        ([(119.46, -5.21), (119.47, -5.215)], {"highway": "footway"}),
        ([(119.45, -5.20), (119.44, -5.19)], {"waterway": "river", "name": "Sungai Jeneberang"}),
    ])  # fmt: skip

    result = sigap("build-streets", str(extract), str(pack))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 streets, 1 named" in result.stdout
    written = json.loads((pack / "streets.geojson").read_text())
    assert [(f["properties"], f["geometry"]["coordinates"]) for f in written["features"]] == [
        ({"name": "Jalan Poros Malino", "kind": "major"}, [[[119.45, -5.2], [119.46, -5.21]]]),
        ({"name": "", "kind": "path"}, [[[119.46, -5.21], [119.47, -5.215]]]),
    ]


def test_build_rw_reads_osm_boundaries_and_the_number_of_name_or_ref(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(packs.resolve("gowa"), pack)
    with (DATA / "gowa_kelurahan_interior_points.csv").open() as fh:
        first, second = list(csv.DictReader(fh))[:2]

    def ring(row: dict[str, str]) -> list[tuple[float, float]]:
        x, y = float(row["lon"]), float(row["lat"])
        return [(x - 1e-4, y - 1e-4), (x + 1e-4, y - 1e-4), (x, y + 1e-4), (x - 1e-4, y - 1e-4)]

    admin = {"boundary": "administrative"}
    extract = tmp_path / "gowa.osm"  # OSM XML: the same reader
    write_osm(extract, [
        (ring(first), {**admin, "admin_level": "10", "name": "RW 5"}),
        (ring(second), {**admin, "admin_level": "10", "name": "Bontoa", "ref": "007"}),
        (ring(second), {"name": "Rukun Warga 02"}),  # no admin_level: named as an RW
        (ring(first), {**admin, "admin_level": "11", "name": "RT 01 RW 03"}),  # an RT
        (ring({"lon": "110.0", "lat": "-7.0"}), {**admin, "admin_level": "10", "name": "RW 4"}),
        ([(119.45, -5.20), (119.46, -5.21)], {"highway": "primary", "name": "RW 9"}),  # open
    ])  # fmt: skip

    result = sigap("build-rw", str(extract), str(pack))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 RW in 2 kelurahan" in result.stdout
    written = json.loads((pack / "rw.geojson").read_text())
    assert sorted(f["properties"]["code"] for f in written["features"]) == sorted(
        [f"{first['kode_kel']}.05", f"{second['kode_kel']}.07", f"{second['kode_kel']}.02"]
    )
    assert "rw" in packs.read(pack).layers


def test_an_osm_extract_without_the_osm_extra_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sigap.regions import commands

    pack = tmp_path / "pack"
    shutil.copytree(packs.resolve("gowa"), pack)
    extract = tmp_path / "gowa.osm.pbf"
    write_osm(extract, [([(119.45, -5.20), (119.46, -5.21)], {"highway": "primary"})])
    monkeypatch.setitem(sys.modules, "osmium", None)  # `import osmium` raises ImportError
    args = argparse.Namespace(source=str(extract), pack=str(pack))

    assert (commands._build_streets(args), commands._build_rw(args)) == (1, 1)
    printed = capsys.readouterr().out
    assert printed.count("reading .osm.pbf needs the osm extra: pip install 'sigap[osm]'") == 2
    assert not (pack / "streets.geojson").exists()
    assert not (pack / "rw.geojson").exists()
