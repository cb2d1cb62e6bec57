"""The Gowa pack: a rural regency in another time zone runs on data alone."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import shapely
from fastapi.testclient import TestClient

from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.errors import OutsideServiceArea
from sigap.regions import pack as packs
from sigap.regions.pack import PackError
from sigap.regions.service import import_pack
from sigap.regions.state import RegionState, load_state
from sigap.workflow.routing import place

SUNGGUMINASA = {"lat": -5.2049003, "lon": 119.4492858}  # interior point of the kelurahan


@pytest.fixture(scope="module")
def gowa_url(
    fresh_database: Callable[[Path, str], str], tmp_path_factory: pytest.TempPathFactory
) -> str:
    url = fresh_database(tmp_path_factory.mktemp("gowa") / "gowa.db", "gowa")
    database = Database(url)
    with database.transaction() as session:
        import_pack(session, packs.read(packs.resolve("gowa")))
    database.dispose()
    return url


@pytest.fixture(scope="module")
def state(gowa_url: str) -> RegionState:
    database = Database(gowa_url)
    with database.reading() as session:
        loaded = load_state(session)
    database.dispose()
    return loaded


@pytest.fixture
def client(gowa_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=gowa_url))) as test_client:
        yield test_client


def test_every_desa_and_kelurahan_routes_to_itself(state: RegionState) -> None:
    leaves = [a for a in state.areas.values() if a.level == "kelurahan"]
    kinds = {a.kind for a in leaves}

    assert len(leaves) == 167
    assert kinds == {"desa", "kelurahan"}
    assert state.timezone.key == "Asia/Makassar"
    for area in leaves:
        assert area.label_lon is not None
        assert area.label_lat is not None
        assert place(state, area.label_lon, area.label_lat).kelurahan_code == area.code


def test_detached_salajo_and_the_foreign_enclave(state: RegionState, gowa_url: str) -> None:
    polygons = dict(_kelurahan_polygons(state))
    salajo = polygons["73.06.16.2007"]  # lies wholly apart from the rest of Gowa, in Takalar
    union = shapely.union_all(list(polygons.values()))
    holes = [shapely.Polygon(r) for part in shapely.get_parts(union) for r in part.interiors]
    enclave = max(holes, key=lambda h: h.area)  # Takalar's desa 73.05.06.2011
    centre = shapely.get_coordinates(shapely.maximum_inscribed_circle(enclave))[0]

    inside_salajo = salajo.representative_point()
    assert place(state, inside_salajo.x, inside_salajo.y).kelurahan_code == "73.06.16.2007"
    with pytest.raises(OutsideServiceArea):
        place(state, float(centre[0]), float(centre[1]))


def test_reports_route_to_agencies_and_desa_offices(client: TestClient) -> None:
    def submit(category: str) -> dict[str, object]:
        body = {"category": category, **SUNGGUMINASA, "description": "Mohon dicek."}
        response = client.post("/api/v1/reports", json=body, headers={"Accept-Language": "en"})
        assert response.status_code == 201, response.text
        created: dict[str, object] = response.json()
        return created

    landslide = submit("tanah_longsor")
    road = submit("jalan_rusak")

    assert landslide["unit"] == {"code": "bpbd", "name": "Regional Disaster Management Agency"}
    assert road["unit"]["code"] == "kel-73.06.08.1001"  # type: ignore[index]
    assert road["kabkota"]["code"] == "73.06"  # type: ignore[index]
    created = datetime.fromisoformat(str(landslide["created_at"]))
    response_due = datetime.fromisoformat(str(landslide["response_due_at"]))
    assert response_due - created == timedelta(hours=6)


def test_makassar_is_outside_gowa(client: TestClient) -> None:
    body = {"category": "sampah", "lat": -5.1477, "lon": 119.4327, "description": "Sampah."}

    response = client.post("/api/v1/reports", json=body)

    assert response.status_code == 422
    assert "Kabupaten Gowa" in response.json()["error"]["message"]


def test_a_database_serves_one_region(database_url: str) -> None:
    database = Database(database_url)  # holds Jakarta
    gowa = packs.read(packs.resolve("gowa"))
    with (
        pytest.raises(PackError, match="one database serves one region"),
        database.transaction() as session,
    ):
        import_pack(session, gowa)
    database.dispose()


def _kelurahan_polygons(state: RegionState) -> list[tuple[str, shapely.Geometry]]:
    geojson = json.loads((packs.resolve("gowa") / "kelurahan.geojson").read_text())
    return [
        (f["properties"]["kode"], shapely.geometry.shape(f["geometry"]))
        for f in geojson["features"]
        if f["properties"]["kode"] in state.areas
    ]


def test_without_a_street_layer_the_maps_open_on_gowa_with_boundaries(client: TestClient) -> None:
    page = client.get("/app/new")
    found = re.search(r'<script id="basemap" type="application/json">(.*?)</script>', page.text)
    assert found is not None
    config = json.loads(found.group(1))
    assert config["tiles"] is None  # the Gowa pack has no streets.geojson yet
    (south, west), (north, east) = config["bounds"]
    assert -5.6 < south < north < -5.0  # Kabupaten Gowa, not 0,0 in the Atlantic
    assert 119.3 < west < east < 120.1
    assert client.get("/api/v1/map/streets/15/26107/16947.png").status_code == 404


def test_gowa_s_desa_are_searchable_without_a_street_layer(client: TestClient) -> None:
    found = client.get("/api/v1/places", params={"q": "sungguminasa"}).json()
    assert found[0]["kind"] == "kelurahan"
    assert found[0]["name"] == "Sungguminasa"
    assert found[0]["code"].startswith("73.06.")
    assert client.get("/api/v1/locate", params=SUNGGUMINASA).json()["rw"] is None


def test_police_and_utilities_escalate_to_the_kabupaten_then_the_province(
    state: RegionState,
) -> None:
    def chain(code: str) -> list[str]:
        return [state.units[u].code for u in state.unit_ancestors(state.units_by_code[code].id)]

    assert state.units[state.supervisor or 0].code == "kab-73.06"
    for unit in ("polres-gowa", "pdam-gowa", "pln-gowa"):
        assert chain(unit) == ["kab-73.06", "prov-73"]
    assert chain("bpbd") == ["kab-73.06", "prov-73"]
    assert chain("prov-73") == []  # above the supervisor: never back down to the kabupaten
