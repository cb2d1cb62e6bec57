"""`sigap import-gtfs` and `sigap export-gtfs` on both databases: feeds validated with the
reader's errors (file, line, field) and stored in one transaction, each new version replacing
the old one; a stored feed exported as it was imported and read back alike."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from tests.transit.conftest import DATA
from tests.transit.feeds import CREDITS, FILES, jakarta, write

from sigap.cli import main
from sigap.db import Database
from sigap.demo import seed_transit
from sigap.models import TransitFeed
from sigap.transit import gtfs, state, store


def stored(url: str) -> tuple[int | None, dict[str, tuple[int, str | None, dict[str, int]]]]:
    database = Database(url)
    try:
        with database.reading() as session:
            version, rows = store.feeds(session)
            return version, {r.name: (r.version, r.credit, r.counts) for r in rows}
    finally:
        database.dispose()


def test_mrt_and_krl_are_imported_then_a_new_version_replaces_one(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = main(
        [
            "import-gtfs",
            f"mrt={DATA / 'mrt_jakarta'}",
            f"krl={DATA / 'krl_approx'}",
            "--credit",
            f"mrt={CREDITS['mrt']}",
            "--database-url",
            database_url,
        ]
    )
    out = capsys.readouterr().out

    assert first == 0, out
    assert "mrt: valid (128 stops, 1 routes, 504 trips" in out
    assert "krl: valid (68 stops, 5 routes, 1134 trips" in out
    version, feeds = stored(database_url)
    assert version == 1
    assert feeds["mrt"] == (1, CREDITS["mrt"], {"stops": 128, "routes": 1, "trips": 504})
    assert feeds["krl"][:2] == (1, None)

    again = main(["import-gtfs", f"mrt={DATA / 'mrt_jakarta'}", "--database-url", database_url])

    assert again == 0
    version, feeds = stored(database_url)
    assert version == 2
    assert feeds["mrt"][:2] == (2, CREDITS["mrt"])  # the credit stays with the feed
    assert feeds["krl"][0] == 1


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        (
            {"stop_times.txt": FILES["stop_times.txt"].replace("08:15:00,08:15", "8:75:00,08:15")},
            "stop_times.txt line 3, field 'arrival_time': '8:75:00'",
        ),
        (
            {"trips.txt": FILES["trips.txt"].replace("K1,WD,t1", "K9,WD,t1")},
            "trips.txt line 2, field 'route_id': 'K9' is not in routes.txt",
        ),
        ({"stops.txt": None}, "the required file stops.txt is missing"),
        (
            {"stops.txt": FILES["stops.txt"].replace("-6.2000,106.8400", ",106.8400")},
            "stops.txt line 6: the field 'stop_lat' is required",
        ),
    ],
)
def test_a_broken_feed_is_refused_naming_file_line_and_field_and_nothing_is_stored(
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    changes: dict[str, str | None],
    where: str,
) -> None:
    broken = write(tmp_path / "broken", **changes)
    good = write(tmp_path / "good")

    result = main(["import-gtfs", f"good={good}", f"bad={broken}", "--database-url", database_url])
    err = capsys.readouterr().err

    assert result == 1
    assert "feed bad refused, nothing stored" in err
    assert where in err
    assert stored(database_url) == (None, {})  # not even the good feed


@pytest.mark.parametrize("name", ["MRT", "mrt:1", "", "a" * 33, "-x"])
def test_a_feed_name_that_would_not_make_ids_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(gtfs.SigapError) as refused:
        store.load(write(tmp_path / "bus"), name)

    assert refused.value.code == "transit_bad_feed_name"


def test_a_zip_keeps_only_its_gtfs_files_and_exports_as_imported(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write(tmp_path / "bus", **{"route_list.txt": "not,gtfs\n"})
    source = tmp_path / "bus.zip"
    with zipfile.ZipFile(source, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, f"inside/{path.name}")
    assert main(["import-gtfs", f"bus={source}", "--database-url", database_url]) == 0
    out = tmp_path / "out.zip"

    exported = main(["export-gtfs", "bus", str(out), "--database-url", database_url])

    assert exported == 0, capsys.readouterr().err
    with zipfile.ZipFile(out) as archive:
        names = sorted(archive.namelist())
        texts = {name: archive.read(name).decode() for name in names}
    assert names == sorted(FILES)  # route_list.txt, not GTFS, was left out
    assert texts == FILES
    again = store.load(out, "bus")
    assert again.feed.stop_times == gtfs.read_feed(folder, "bus").stop_times
    assert again.sha256 == store.load(source, "bus").sha256  # the same files, the same archive


def test_export_of_an_unknown_feed_says_so(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = main(["export-gtfs", "nope", str(tmp_path / "x.zip"), "--database-url", database_url])

    assert result == 1
    assert "There is no feed named 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()


def test_the_network_is_rebuilt_from_the_database_alone(database_url: str, tmp_path: Path) -> None:
    folder = write(tmp_path / "bus")
    assert main(["import-gtfs", f"bus={folder}", "--database-url", database_url]) == 0
    for path in folder.iterdir():
        path.unlink()  # the files are gone: only the stored rows remain
    database = Database(database_url)
    try:
        built = state.load(database)
        with database.reading() as session:
            row = session.get(TransitFeed, "bus")
            assert row is not None
            files = row.files
    finally:
        database.dispose()

    assert built is not None
    assert built.version == 1
    assert sorted(built.feed.stops) == ["bus:A", "bus:B", "bus:C", "bus:D", "bus:E"]
    assert built.feed.frequencies[0].headway == 600
    assert files == sorted(FILES)


def test_check_validates_and_stores_nothing(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = main(
        ["import-gtfs", f"bus={write(tmp_path / 'bus')}", "--check", "--database-url", database_url]
    )

    assert result == 0
    assert "bus: valid (5 stops, 2 routes, 2 trips; 0 warnings)" in capsys.readouterr().out
    assert stored(database_url) == (None, {})


def test_the_demo_imports_the_bundled_mrt_and_krl_with_their_credits(database_url: str) -> None:
    database = Database(database_url)
    try:
        with database.transaction() as session:
            first = seed_transit(session, "jakarta")
        with database.transaction() as session:
            again = seed_transit(session, "jakarta")
            gowa = seed_transit(session, "gowa")
        with database.reading() as session:
            rows = {row.name: row for row in store.feeds(session)[1]}
            shas = {name: row.sha256 for name, row in rows.items()}
            credits = {name: row.credit or "" for name, row in rows.items()}
    finally:
        database.dispose()

    assert first == ["krl", "mrt"]
    assert again == gowa == []  # a database with feeds keeps them; Gowa has none bundled
    # the bundled zips are the shared feeds as import-gtfs stores them
    assert shas == {feed.name: feed.sha256 for feed in jakarta()}
    assert "MIT License" in credits["mrt"]
    assert "OpenStreetMap contributors" in credits["mrt"]
    assert "CC BY 4.0" in credits["krl"]
    assert "approximate" in credits["krl"]


def test_a_feed_is_removed_and_an_unknown_name_removes_nothing(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write(tmp_path / "bus")
    url = ["--database-url", database_url]
    assert main(["import-gtfs", f"bus={folder}", f"typo={folder}", *url]) == 0

    refused = main(["remove-gtfs", "typo", "nope", *url])
    err = capsys.readouterr().err
    removed = main(["remove-gtfs", "typo", *url])
    after_one = stored(database_url)
    assert main(["remove-gtfs", "bus", *url]) == 0
    database = Database(database_url)
    try:
        empty = state.load(database)
    finally:
        database.dispose()

    assert refused == 1
    assert "There is no feed named 'nope'. Nothing removed." in err
    assert removed == 0
    assert after_one[0] == 2
    assert list(after_one[1]) == ["bus"]
    assert stored(database_url) == (3, {})
    assert empty is None  # the API then answers transit_no_network
