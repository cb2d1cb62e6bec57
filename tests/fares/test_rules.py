"""The fare files as read: the bundled packs load, and a broken file is refused with the file,
line and field named, in both languages."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.fares.conftest import PACKS, jakarta

from sigap.errors import SigapError
from sigap.fares import engine, export, rules


def test_the_bundled_packs_load() -> None:
    found = jakarta()
    assert list(found.sets) == ["ok-otrip-2017", "jaklingko-2022"]  # oldest first
    current = found.sets["jaklingko-2022"]
    assert current.has_priority
    assert len([r for r in current.leg_rules if r.network == "mrt"]) == 156
    assert current.packages[0].cap == 10000
    assert found.route_networks == {}  # no route list copied from an operator's feed
    # the operator's feed says which fare a route pays; the pack, that fare id's network
    assert found.network("tj:JAK.01", "tj:X", {"tj:JAK.01": "GR"}) == "mikrotrans"
    assert found.network("tj:S13", "tj:X", {"tj:S13": "PP3"}) == "royaltrans_premium"
    assert found.network("tj:1", "tj:X", {"tj:1": "FP"}) == "transjakarta"  # the feed's network
    assert found.network("tj:JAK.01", "tj:X") == "transjakarta"  # without the feed's fare ids
    assert found.network(None, "mrt:GLBB01") == "mrt"
    assert found.stop_areas["mrt:SLBB"] == frozenset({"mrt_LBB"})
    assert rules.load(PACKS / "gowa").networks == {"trans_sulsel": "Trans Sulsel"}


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    copy = tmp_path / "jakarta"
    copy.mkdir()
    shutil.copy(PACKS / "jakarta/pack.json", copy)
    shutil.copytree(PACKS / "jakarta/fares", copy / "fares")
    return copy


def refused(pack: Path) -> rules.FareFileError:
    with pytest.raises(rules.FareFileError) as caught:
        rules.load(pack)
    return caught.value


def append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def test_an_unknown_network_is_named_with_its_line(pack: Path) -> None:
    append(pack / "fares/jaklingko-2022/fare_leg_rules.txt", ",angkot,,,,gratis,0")
    error = refused(pack)
    assert error.code == "fare_unknown_reference"
    assert (error.file, error.line, error.field) == (
        "fares/jaklingko-2022/fare_leg_rules.txt",
        165,
        "network_id",
    )
    assert "angkot" in error.message("en")
    assert "networks.txt" in error.message("id")


@pytest.mark.parametrize(
    ("file", "line", "code", "field"),
    [
        ("jaklingko-2022/fare_products.txt", "x,X,kartu,3500.50,IDR", "fare_bad_value", "amount"),
        ("jaklingko-2022/fare_products.txt", "y,Y,kartu,3500,USD", "fare_bad_value", "currency"),
        ("jaklingko-2022/fare_products.txt", "gratis,G,kartu,0,IDR", "fare_duplicate_id", ""),
        ("jaklingko-2022/timeframes.txt", "malam,22:00:00,21:00:00,setiap_hari", "", "end_time"),
        ("jaklingko-2022/timeframes.txt", "malam,22:00:00,25:00:00,setiap_hari", "", "end_time"),
        ("jaklingko-2022/timeframes.txt", "malam,22:00:00,23:00:00,libur", "", "service_id"),
        ("jaklingko-2022/fare_transfer_rules.txt", "tj,tj,0,10800,1,0,", "", "transfer_count"),
        ("jaklingko-2022/fare_transfer_rules.txt", "tj,mrt,2,,,0,", "", "transfer_count"),
        ("jaklingko-2022/fare_transfer_rules.txt", "tj,tj,-1,60,1,3,", "", "fare_transfer_type"),
        ("jaklingko-2022/sigap_fare_packages.txt", "p,P,mrt bus,2,1,1,1,60,1", "", "network_ids"),
        ("sigap_feed_fares.txt", "tj,GR,royaltrans", "fare_duplicate_id", "fare_id"),
        ("sigap_feed_fares.txt", "tj,XX,angkot", "fare_unknown_reference", "network_id"),
        ("stop_areas.txt", "mrt_XXX,mrt:SLBB", "fare_unknown_reference", "area_id"),
        ("rule_sets.txt", "lama,Lama,2019010,,10800", "fare_bad_value", "valid_from"),
    ],
)
def test_a_broken_line_is_refused_naming_its_field(
    pack: Path, file: str, line: str, code: str, field: str
) -> None:
    append(pack / "fares" / file, line)
    error = refused(pack)
    assert error.file == f"fares/{file}"
    assert error.line > 1
    if code:
        assert error.code == code
    if field:
        assert error.field == field


def test_rule_sets_in_force_on_the_same_day_are_refused(pack: Path) -> None:
    (pack / "fares/transjakarta").mkdir()
    append(pack / "fares/rule_sets.txt", "transjakarta,TJ,20240101,,10800")
    error = refused(pack)
    assert error.code == "fare_sets_overlap"


def test_a_missing_file_or_column_is_named(pack: Path) -> None:
    (pack / "fares/networks.txt").unlink()
    assert refused(pack).code == "fare_missing_file"
    shutil.copy(PACKS / "jakarta/fares/networks.txt", pack / "fares/networks.txt")
    path = pack / "fares/jaklingko-2022/fare_products.txt"
    path.write_text(path.read_text().replace(",currency", ",money"), encoding="utf-8")
    error = refused(pack)
    assert (error.code, error.line, error.field) == ("fare_missing_field", 1, "currency")


def test_taps_that_cannot_be_priced_say_why() -> None:
    at = datetime(2026, 12, 8, 2, tzinfo=UTC)
    cases = [
        ([engine.Tap("a", at.replace(tzinfo=None), "in", "tj:X", "tj:1")], "fare_bad_tap"),
        ([engine.Tap("a", at, "in", "zz:X")], "fare_unknown_network"),
        (
            [engine.Tap("a", at, "in", "tj:X", "tj:1"), engine.Tap("a", at, "in", "tj:Y", "tj:1")],
            "fare_tap_conflict",
        ),
    ]
    for taps, code in cases:
        with pytest.raises(SigapError) as caught:
            engine.price(taps, jakarta())
        assert caught.value.code == code
    with pytest.raises(SigapError) as unknown:
        engine.price([], jakarta(), rule_set="nope")
    assert unknown.value.code == "fare_unknown_rule_set"


def test_a_tap_out_without_a_tap_in_is_charged_nothing() -> None:
    at = datetime(2026, 12, 8, 2, tzinfo=UTC)
    priced = engine.price([engine.Tap("o", at, "out", "mrt:SLBB")], jakarta())
    assert (priced.legs, priced.total, priced.stray) == ((), 0, ("o",))


def test_export_writes_v2_files_a_feed_can_carry(tmp_path: Path) -> None:
    written = export.export(
        jakarta(),
        tmp_path / "out",
        rule_set="jaklingko-2022",
        feed="tj",
        routes={"tj:1": "FP", "tj:JAK.01": "GR", "tj:BARU": "", "mrt:MRTJ_NS": ""},
    )
    names = sorted(path.name for path in written)
    assert "sigap_fare_packages.txt" not in names
    assert {"fare_products.txt", "fare_leg_rules.txt", "timeframes.txt"} <= set(names)
    routes = (tmp_path / "out/route_networks.txt").read_text().splitlines()
    assert routes[0] == "network_id,route_id"
    assert "transjakarta,1" in routes
    assert "mikrotrans,JAK.01" in routes  # from the fare id the feed gives it
    assert "transjakarta,BARU" in routes  # no fare id: the feed's network
    assert not any("MRTJ" in line for line in routes)  # another feed's route
    # what is exported reads back as the same rules (a folder laid out as one rule set)
    again = tmp_path / "again"
    (again / "fares/jaklingko-2022").mkdir(parents=True)
    shutil.copy(PACKS / "jakarta/pack.json", again)
    for path in written:
        target = "jaklingko-2022/" if path.name.startswith(("fare_", "timeframes")) else ""
        shutil.copy(path, again / "fares" / f"{target}{path.name}")
    append(again / "fares/networks.txt", "")
    (again / "fares/rule_sets.txt").write_text(
        "rule_set_id,valid_from,journey_duration_limit\njaklingko-2022,20220811,10800\n"
    )
    read = rules.load(again)
    assert read.route_networks["1"] == "transjakarta"
    assert len(read.sets["jaklingko-2022"].leg_rules) == 163


def test_the_export_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sigap.cli import main

    out = tmp_path / "v2"
    assert main(["export-fares", str(PACKS / "jakarta"), str(out), "--feed", "mrt"]) == 0
    assert "exported 11 GTFS-Fares v2 files of jakarta" in capsys.readouterr().out
    assert "mrt_LBB,SLBB" in (out / "stop_areas.txt").read_text()
    broken = tmp_path / "broken"
    (broken / "fares").mkdir(parents=True)
    shutil.copy(PACKS / "jakarta/pack.json", broken)
    assert main(["export-fares", str(broken), str(tmp_path / "none")]) == 1
    assert "networks.txt is missing" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()


def test_a_route_list_in_the_pack_wins_over_the_feeds_fare_ids(pack: Path) -> None:
    """route_networks.txt stays for a region whose operator's feed carries no fares."""
    (pack / "fares/route_networks.txt").write_text(
        "network_id,route_id\nroyaltrans,tj:JAK.01\n", encoding="utf-8"
    )
    found = rules.load(pack)
    assert found.network("tj:JAK.01", "tj:X", {"tj:JAK.01": "GR"}) == "royaltrans"
    (pack / "fares/route_networks.txt").write_text(
        "network_id,route_id\nroyaltrans,tj:JAK.01\nmrt,tj:JAK.01\n", encoding="utf-8"
    )
    error = refused(pack)
    assert (error.code, error.field, error.line) == ("fare_duplicate_id", "route_id", 3)
