"""Routing through the stored region: every kelurahan's interior point, and the golden points."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sigap.db import Database
from sigap.errors import OutsideServiceArea
from sigap.regions.state import RegionState, load_state
from sigap.workflow.routing import place, responsible_unit

GOLDEN = Path(__file__).parents[1] / "data" / "jakarta_routing_golden_points.csv"


@pytest.fixture
def state(database: Database) -> RegionState:
    with database.reading() as session:
        return load_state(session)


def test_every_interior_point_routes_to_its_kelurahan(state: RegionState) -> None:
    kelurahan = [a for a in state.areas.values() if a.level == "kelurahan"]
    assert len(kelurahan) == 267

    for area in kelurahan:
        assert area.label_lon is not None
        assert area.label_lat is not None
        placed = place(state, area.label_lon, area.label_lat)
        assert placed.kelurahan_code == area.code
        assert placed.kecamatan_code == area.parent_code
        assert placed.kabkota_code == area.code[:5]
        assert state.units[responsible_unit(state, "sampah", area.code)].area_code == area.code


def test_golden_points(state: RegionState) -> None:
    with GOLDEN.open() as fh:
        rows = list(csv.DictReader(fh))

    for row in rows:
        lon, lat = float(row["lon"]), float(row["lat"])
        if row["kind"] == "outside":
            with pytest.raises(OutsideServiceArea):
                place(state, lon, lat)
            continue
        placed = place(state, lon, lat)
        expected = (row["expected_kode_kel"], row["expected_kode_kec"], row["expected_kode_kab"])
        assert (placed.kelurahan_code, placed.kecamatan_code, placed.kabkota_code) == expected
        assert placed.boundary_version_id == state.boundary_version_id
