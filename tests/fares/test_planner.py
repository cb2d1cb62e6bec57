"""The journey planner's fares: each option priced by the same engine, through the API on both
databases (MRT and KRL feeds, Jakarta's region), and options as the planner builds them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.fares.conftest import jakarta
from tests.transit.feeds import CREDITS, TUESDAY, import_feeds
from tests.transit.feeds import jakarta as mrt_and_krl

from sigap.fares import planner
from sigap.transit import gtfs, state

LEBAK_BULUS = (-6.2895, 106.7745)
BUNDARAN_HI = (-6.1930, 106.8230)


def test_each_option_of_a_plan_has_its_fare(client: TestClient) -> None:
    url = str(client.app.state.settings.database_url)  # type: ignore[attr-defined]
    import_feeds(url, *mrt_and_krl(), credits=CREDITS)
    params: dict[str, Any] = {
        "from_lat": LEBAK_BULUS[0],
        "from_lon": LEBAK_BULUS[1],
        "to_lat": BUNDARAN_HI[0],
        "to_lon": BUNDARAN_HI[1],
        "depart": "08:00",
        "date": TUESDAY,
    }
    answer = client.get("/api/v1/transit/plan", params=params)
    assert answer.status_code == 200, answer.text
    fastest = answer.json()["options"][0]
    # MRT feed fare_rules.txt: Lebak Bulus -> Bundaran HI 14,000 (one ride: no package)
    assert fastest["fare"] == 14000
    assert fastest["fare_rule_set"] == "Tarif integrasi JakLingko (Kepgub DKI 733/2022)"


def ride(route: str, start: str, end: str, depart: str, arrive: str) -> dict[str, Any]:
    return {
        "kind": "ride",
        "route": {"id": route},
        "start": {"stop_id": start},
        "end": {"stop_id": end},
        "depart": f"{TUESDAY}T{depart}:00+07:00",
        "arrive": f"{TUESDAY}T{arrive}:00+07:00",
    }


def network() -> state.Network:
    return state.Network(1, gtfs.merge(loaded.feed for loaded in mrt_and_krl()), [])


def test_options_are_priced_as_the_taps_of_their_rides() -> None:
    walk = {"kind": "walk", "route": None}
    options: list[dict[str, Any]] = [
        {"legs": [walk]},
        {
            "legs": [
                walk,
                ride("tj:1", "tj:H00275P", "tj:H00022P", "08:00", "08:40"),
                walk,
                ride("mrt:MRTJ_NS", "mrt:SBHI", "mrt:SLBB", "08:50", "09:20"),
            ]
        },
        {"legs": [ride("krl:BOO", "krl:THB", "krl:MRI", "08:00", "08:10")]},
    ]
    answer = {"options": options}
    planner.add_fares(answer, network(), jakarta())
    walk_only, tj_mrt, krl = options
    assert (walk_only["fare"], tj_mrt["fare_rule_set"]) == (
        0,
        jakarta().sets["jaklingko-2022"].name,
    )
    # Transjakarta's stops are not in this network: their distance is unknown, the cap applies
    assert tj_mrt["fare"] == 10000
    assert (krl["fare"], krl["fare_rule_set"]) == (None, None)  # KRL has no fare rules here
    planner.add_fares(answer, network(), None)
    assert [option["fare"] for option in options] == [None, None, None]


def test_the_bundled_rules_are_found_by_the_regions_slug() -> None:
    found = planner.bundled("jakarta")
    assert found is not None
    assert found.region == "jakarta"
    assert planner.bundled("bandung") is None


def test_unreadable_rules_leave_the_planner_without_fares(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "rusak"
    (broken / "fares").mkdir(parents=True)
    (broken / "pack.json").write_text('{"slug": "rusak", "timezone": "Asia/Makassar"}')
    (broken / "fares/rule_sets.txt").write_text("rule_set_id\n")
    monkeypatch.setattr(planner.pack, "BUNDLED", tmp_path)
    assert planner.bundled("rusak") is None
    assert "the fare rules of rusak cannot be read" in caplog.text
