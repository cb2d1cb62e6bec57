"""The street base map over HTTP: tiles of the region's streets, the street of a point, and
every map page carrying the same base layer config."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from tests.officials.test_pages import sign_in
from tests.workflow.conftest import ADMIN, submit

from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.geo import tiles
from sigap.geo.streets import StreetLayer
from sigap.regions import pack as packs
from sigap.regions import state as state_module
from sigap.regions.export import export_pack
from sigap.regions.state import load_state, street_layer

__all__ = ["submit"]  # the fixture
Submit = Callable[..., dict[str, Any]]
MONAS = (106.8272, -6.1754)


def basemap_of(html: str) -> dict[str, object]:
    found = re.search(r'<script id="basemap" type="application/json">(.*?)</script>', html)
    assert found is not None, "the page has no basemap config"
    config: dict[str, object] = json.loads(found.group(1))
    return config


def test_a_street_tile_of_central_jakarta(client: TestClient) -> None:
    x, y = tiles.tile_at(*MONAS, 15)
    response = client.get(f"/api/v1/map/streets/15/{x}/{y}.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert "max-age" in response.headers["cache-control"]
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    assert image.size == (256, 256)
    assert len(image.getcolors(256 * 256) or []) > 50  # streets and names, not a blank tile


def test_tiles_outside_the_zooms_are_not_found(client: TestClient) -> None:
    for path in ("/api/v1/map/streets/9/0/0.png", "/api/v1/map/streets/15/99999/1.png"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_locate_names_the_street_of_the_pin(client: TestClient) -> None:
    # A point on Jalan Kebon Sirih (OpenStreetMap 2012), Gambir.
    body = client.get("/api/v1/locate", params={"lat": -6.182841, "lon": 106.819781}).json()
    assert body["street"] == "Kebon Sirih"
    assert body["kelurahan"]["code"].startswith("31.7")  # routed as before


def map_pages(client: TestClient) -> list[str]:
    """Every page with a map, for an admin signed in (the officials' pages need one)."""
    body = {"category": "sampah", "lat": MONAS[1], "lon": MONAS[0], "description": "Sampah."}
    report = client.post("/api/v1/reports", json=body).json()
    assert sign_in(client, ADMIN).status_code == 303
    return ["/", "/app/new", "/officials/map", f"/officials/reports/{report['id']}",
            "/admin/routing"]  # fmt: skip


def test_every_map_page_has_the_street_tiles_and_their_credit(client: TestClient) -> None:
    for path in map_pages(client):
        response = client.get(path)
        assert response.status_code == 200, path
        config = basemap_of(response.text)
        assert str(config["tiles"]).startswith("/api/v1/map/streets/{z}/{x}/{y}.png?v="), path
        assert config["attribution"] == "© OpenStreetMap contributors", path
        (south, west), (north, east) = config["bounds"]  # type: ignore[misc]
        assert -6.4 < south < north < -5.5, path  # Jakarta, not 0,0 in the Atlantic
        assert 106.6 < west < east < 107.0, path
        assert "/static/basemap.js" in response.text, path


def test_a_tile_server_setting_reaches_every_map(settings: Settings) -> None:
    server = settings.model_copy(
        update={"map_tile_url": "https://tiles.example/{z}/{x}/{y}.png",
                "map_tile_attribution": "© Example"}
    )  # fmt: skip
    with TestClient(create_app(server)) as client:
        for path in map_pages(client):
            config = basemap_of(client.get(path).text)
            assert config["tiles"] == "https://tiles.example/{z}/{x}/{y}.png", path
            assert config["attribution"] == "© Example", path


@pytest.mark.slow  # builds the street layer from the OSM extract
def test_the_first_tiles_build_the_street_layer_once(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight threads asking at once (a page's first tiles) get one layer, built once."""
    monkeypatch.setattr(state_module, "_LAYERS", {})
    with database.reading() as session:
        region = load_state(session)

    def one(_: int) -> StreetLayer | None:
        with database.reading() as session:
            return street_layer(session, region)

    with ThreadPoolExecutor(8) as pool:
        layers = list(pool.map(one, range(8)))
    assert layers[0] is not None
    assert all(layer is layers[0] for layer in layers)


def test_the_map_layers_go_out_with_the_exported_pack(database: Database, tmp_path: Path) -> None:
    with database.reading() as session:
        export_pack(session, tmp_path / "pack")
    exported = packs.read(tmp_path / "pack").layers
    assert set(exported) == {"streets", "rw", "landmarks"}
    for name, filename in packs.LAYER_FILES.items():
        bundled = (packs.BUNDLED / "jakarta" / filename).read_text(encoding="utf-8")
        assert (tmp_path / "pack" / filename).read_text(encoding="utf-8") == bundled
        assert exported[name] == bundled


def test_an_officials_report_page_shows_the_street_map_and_the_way_there(
    client: TestClient, submit: Submit
) -> None:
    report = submit(lat=-6.182841, lon=106.819781)  # on Jalan Kebon Sirih
    assert sign_in(client, ADMIN).status_code == 303
    page = client.get(f"/officials/reports/{report['id']}")
    assert page.status_code == 200
    assert basemap_of(page.text)["tiles"] is not None
    assert 'id="report-map" class="map" data-lat="-6.182841" data-lon="106.819781"' in page.text
    assert "<strong>Kebon Sirih</strong>" in page.text
    assert f'href="geo:-6.182841,106.819781?q=-6.182841,106.819781(%23{report["id"]})"' in page.text
    assert "openstreetmap.org/?mlat=-6.182841&amp;mlon=106.819781" in page.text
    assert "Petunjuk arah" in page.text
    assert "Directions" in client.get(f"/officials/reports/{report['id']}?lang=en").text


def test_a_tile_folder_keeps_drawn_tiles_across_restarts(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "tiles"
    kept = settings.model_copy(update={"tile_dir": str(folder)})
    x, y = tiles.tile_at(*MONAS, 15)
    monkeypatch.setattr(tiles, "_CACHE", type(tiles._CACHE)())  # not drawn by an earlier test
    with TestClient(create_app(kept)) as client:
        first = client.get(f"/api/v1/map/streets/15/{x}/{y}.png").content
    written = list(folder.rglob("*.png"))
    assert [p.relative_to(folder).parts[1:] for p in written] == [("15", str(x), f"{y}.png")]
    assert written[0].read_bytes() == first
    assert not list(folder.rglob("*.part"))

    monkeypatch.setattr(tiles, "_CACHE", type(tiles._CACHE)())  # a new process: memory empty
    monkeypatch.setattr(tiles, "_draw", lambda *_: pytest.fail("drawn again"))
    with TestClient(create_app(kept)) as client:
        again = client.get(f"/api/v1/map/streets/15/{x}/{y}.png")
    assert again.status_code == 200
    assert again.content == first


@pytest.mark.slow  # draws every tile of a few zooms
def test_draw_tiles_fills_the_folder_ahead_of_visitors(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_cli import sigap

    folder = tmp_path / "tiles"
    result = sigap("draw-tiles", "--max-zoom", "11", "--database-url", database_url,
                   "--tile-dir", str(folder))  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    drawn = sorted(p.relative_to(folder).parts[1] for p in folder.rglob("*.png"))
    assert set(drawn) == {"10", "11"}
    assert f"{len(drawn)} tiles of zoom 10-11" in result.stdout
    assert drawn.count("11") >= 2 * drawn.count("10")  # each zoom quarters the tiles
    refused = sigap("draw-tiles", "--database-url", database_url, "--tile-dir", str(folder),
                    "--max-zoom", "25")  # fmt: skip
    assert refused.returncode == 2
    assert "--max-zoom must be within 10-19" in refused.stdout
