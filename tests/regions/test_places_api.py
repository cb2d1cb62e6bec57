"""GET /api/v1/places on the bundled packs: Jakarta's streets and RW, Gowa's desa."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

MONAS = {"lat": -6.1754, "lon": 106.8272}


def search(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/places", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "public, max-age=300"
    found: list[dict[str, Any]] = response.json()
    return found


def test_typos_and_prefixes_find_jakarta_streets(client: TestClient) -> None:
    thamrin = search(client, q="tamrin", **MONAS)
    assert (thamrin[0]["kind"], thamrin[0]["name"]) == ("street", "MH Thamrin")
    west, south, east, north = thamrin[0]["bbox"]
    assert west <= thamrin[0]["lon"] <= east
    assert south <= thamrin[0]["lat"] <= north

    sirih = search(client, q="jl kebon sirih", **MONAS)
    assert {(p["kind"], p["name"]) for p in sirih[:3]} >= {
        ("street", "Kebon Sirih"),
        ("kelurahan", "Kebon Sirih"),
    }
    kelurahan = next(p for p in sirih if p["kind"] == "kelurahan")
    assert kelurahan["code"] == "31.71.06.1005"
    assert kelurahan["context"].startswith("Menteng")


def test_an_rw_is_searchable_and_the_nearest_street_comes_first(client: TestClient) -> None:
    rw = search(client, q="rw 3 kebon melati")
    assert (rw[0]["name"], rw[0]["code"]) == ("RW 03", "31.71.07.1005.03")

    near_monas = search(client, q="sudirman", **MONAS)
    near_blok_m = search(client, q="sudirman", lat=-6.2440, lon=106.8000)
    assert near_monas[0]["distance_m"] < near_monas[-1]["distance_m"]
    assert near_monas[0]["context"] != near_blok_m[0]["context"]


def test_bad_search_input_is_refused_in_both_languages(client: TestClient) -> None:
    empty = client.get("/api/v1/places", params={"q": ""})
    assert empty.status_code == 422
    assert empty.json()["error"]["code"] == "invalid_input"
    far = client.get(
        "/api/v1/places", params={"q": "gambir", "lat": 99}, headers={"Accept-Language": "en"}
    )
    assert far.status_code == 422
    assert "not valid" in far.json()["error"]["message"]
    assert search(client, q="qqqqzzzz") == []


def test_the_server_builds_the_maps_layers_at_start(settings: Any) -> None:
    from sigap.app import create_app
    from sigap.regions import places, state

    places._INDEX.clear()
    state._LAYERS.clear()
    with TestClient(create_app(settings)) as client:
        for _ in range(200):
            if places._INDEX and any(name == "streets" for name, _ in state._LAYERS):
                break
            time.sleep(0.05)
        assert places._INDEX, "the place index was not built at start"
        assert search(client, q="gambir")[0]["name"] == "Gambir"


def test_stations_are_landmarks_people_can_search(client: TestClient) -> None:
    dukuh = search(client, q="stasiun dukuh atas", **MONAS)
    assert (dukuh[0]["kind"], dukuh[0]["name"]) == ("station", "Stasiun MRT Dukuh Atas BNI")
    assert dukuh[0]["context"] == "Kebon Melati, Tanah Abang"
    manggarai = search(client, q="manggarai")
    assert ("station", "Manggarai") in {(p["kind"], p["name"]) for p in manggarai}
