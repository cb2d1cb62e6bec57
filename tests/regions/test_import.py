"""Region packs: validation lists every problem and changes nothing; re-import versions."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sigap import models
from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.regions import pack as packs
from sigap.regions.service import import_pack


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(packs.resolve("jakarta"), target)
    return target


def edit_csv(path: Path, row: int, column: str, value: str) -> None:
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
    rows[row - 1][column] = value
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.slow  # validates the whole bundled pack
def test_bundled_pack_is_valid() -> None:
    pack = packs.read(packs.resolve("jakarta"))

    levels = [row["level"] for row in pack.areas]
    assert (levels.count("kabkota"), levels.count("kecamatan"), levels.count("kelurahan")) == (
        6,
        44,
        267,
    )
    assert len(pack.boundaries["kelurahan"]) == 267
    assert (pack.path / "LICENSE.cahyadsn-wilayah_boundaries").exists()


def test_every_problem_is_reported_with_file_and_row(pack_copy: Path) -> None:
    edit_csv(pack_copy / "units.csv", 3, "parent_code", "kota-99.99")
    edit_csv(pack_copy / "routing.csv", 1, "unit_code", "dinas-hantu")
    edit_csv(pack_copy / "categories.csv", 2, "response_hours", "soon")
    edit_csv(pack_copy / "areas.csv", 5, "parent_code", "31.99")
    geojson = json.loads((pack_copy / "kelurahan.geojson").read_text())
    geojson["features"][0]["geometry"] = {
        "type": "Polygon",
        "coordinates": [
            [[106.8, -6.1], [106.9, -6.2], [106.9, -6.1], [106.8, -6.2], [106.8, -6.1]]
        ],
    }
    (pack_copy / "kelurahan.geojson").write_text(json.dumps(geojson))

    with pytest.raises(packs.PackError) as caught:
        packs.read(pack_copy)

    found = {(p.file, p.row) for p in caught.value.problems}
    assert ("kelurahan.geojson", 1) in found
    reasons = " | ".join(str(p) for p in caught.value.problems)
    assert "invalid polygon" in reasons
    if ("units.csv", 3) in found:  # cross-file checks run once every file reads cleanly
        pytest.fail("cross-file checks ran although a file was unreadable")
    (pack_copy / "kelurahan.geojson").write_bytes(
        (packs.resolve("jakarta") / "kelurahan.geojson").read_bytes()
    )
    with pytest.raises(packs.PackError) as caught:
        packs.read(pack_copy)
    messages = [str(p) for p in caught.value.problems]
    assert "units.csv:3: unknown parent 'kota-99.99'" in messages
    assert "routing.csv:1: unknown unit 'dinas-hantu'" in messages
    assert "categories.csv:2: response_hours must be a positive whole number" in messages
    assert "areas.csv:5: unknown parent code '31.99'" in messages


def test_a_kelurahan_without_a_unit_or_polygon_is_refused(pack_copy: Path) -> None:
    with (pack_copy / "units.csv").open() as fh:
        rows = [r for r in csv.DictReader(fh) if r["code"] != "kel-31.71.01.1001"]
    with (pack_copy / "units.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    with pytest.raises(packs.PackError) as caught:
        packs.read(pack_copy)
    assert "units.csv: area 31.71.01.1001 has no government unit" in [
        str(p) for p in caught.value.problems
    ]


def test_escalates_to_must_name_a_unit_for_a_unit_without_a_parent_and_never_loop(
    pack_copy: Path,
) -> None:
    units = pack_copy / "units.csv"
    edit_csv(units, 319, "escalates_to", "prov-31")  # bina-marga has a parent already
    edit_csv(units, 332, "escalates_to", "pam-jaya")  # polda -> pam-jaya -> polda
    edit_csv(units, 333, "escalates_to", "polda-metro-jaya")
    edit_csv(units, 334, "escalates_to", "dinas-hantu")

    with pytest.raises(packs.PackError) as caught:
        packs.read(pack_copy)
    messages = [str(p) for p in caught.value.problems]
    assert "units.csv:319: escalates_to is for units without a parent" in messages[0]
    assert "units.csv:334: escalates_to: unknown unit 'dinas-hantu'" in messages
    circles = [m for m in messages if "circle" in m]
    assert circles == [
        "units.csv:332: escalation goes round in a circle: "
        "polda-metro-jaya → pam-jaya → polda-metro-jaya"
    ]

    edit_csv(units, 319, "escalates_to", "")
    edit_csv(units, 333, "escalates_to", "prov-31")
    edit_csv(units, 334, "escalates_to", "polda-metro-jaya")  # a chain of two is fine
    chain = {row["code"]: row["escalates_to"] for row in packs.read(pack_copy).units}
    assert chain["pln-jakarta"] == "polda-metro-jaya"


@pytest.mark.slow  # imports the pack twice
def test_reimport_keeps_old_reports_on_their_boundary_version(
    isolated_database_url: str, pack_copy: Path
) -> None:
    body = {"category": "sampah", "lat": -6.1754, "lon": 106.8272, "description": "Sampah."}
    settings = Settings(database_url=isolated_database_url)
    with TestClient(create_app(settings)) as client:
        old_report = client.post("/api/v1/reports", json=body).json()
    database = Database(isolated_database_url)

    with database.transaction() as session:
        same = import_pack(session, packs.read(packs.resolve("jakarta")))
    assert not same.new_boundary_version
    assert same.boundary_version_id == old_report["routing"]["boundary_version"]

    geojson = json.loads((pack_copy / "kelurahan.geojson").read_text())
    geojson["metadata"]["note"] = "corrected boundaries"
    (pack_copy / "kelurahan.geojson").write_text(json.dumps(geojson))
    with database.transaction() as session:
        newer = import_pack(session, packs.read(pack_copy))
        versions = session.scalar(select(func.count()).select_from(models.BoundaryVersion))
    assert newer.new_boundary_version
    assert versions == 2

    with database.reading() as session:
        stored = session.get_one(models.Report, old_report["id"])
    database.dispose()
    assert stored.boundary_version_id == same.boundary_version_id != newer.boundary_version_id
