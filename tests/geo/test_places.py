"""Place search on a small index: folding, typos, typing ahead, near first, nothing made up."""

from __future__ import annotations

import pytest

from sigap.geo.places import Place, PlaceIndex, words


def place(kind: str, name: str, context: str, lon: float, lat: float) -> Place:
    return Place(kind, name, context, None, lon, lat, (lon, lat, lon, lat))


@pytest.fixture(scope="module")
def index() -> PlaceIndex:
    return PlaceIndex(
        [
            place("street", "MH Thamrin", "Gondangdia, Menteng", 106.8227, -6.1900),
            place("street", "Kebon Sirih", "Kebon Sirih, Menteng", 106.8290, -6.1830),
            place("street", "Kebon Sirih Barat 1", "Kebon Sirih, Menteng", 106.8280, -6.1840),
            place("street", "Sudirman", "Karet, Setiabudi", 106.8200, -6.2150),
            place("street", "Sudirman", "Kebon Melati, Tanah Abang", 106.8230, -6.2000),
            place("kecamatan", "Tanah Abang", "Jakarta Pusat", 106.8100, -6.2000),
            place("street", "Tanah Abang Timur", "Gambir, Gambir", 106.8250, -6.1780),
            place("rw", "RW 03", "Kebon Melati, Tanah Abang", 106.8190, -6.1985),
            place("rw", "RW 30", "Kebon Melati, Tanah Abang", 106.8160, -6.1990),
            place("kelurahan", "Pasir Panjang", "Bontonompo, Kabupaten Gowa", 119.43, -5.33),
        ]
    )


def names(found: list) -> list[str]:  # type: ignore[type-arg]
    return [f"{f.place.name} ({f.place.context})" for f in found]


def test_words_fold_case_accents_prefixes_and_leading_zeros() -> None:
    assert words("Jl. Kébon-Sirih") == ["kebon", "sirih"]
    assert words("GG. Buntu RW 05, Kel. Gambir") == ["buntu", "rw", "5", "gambir"]
    assert words("   ") == []


def test_a_misspelt_name_finds_the_street(index: PlaceIndex) -> None:
    assert names(index.search("tamrin")) == ["MH Thamrin (Gondangdia, Menteng)"]
    assert names(index.search("kbon sirih"))[0] == "Kebon Sirih (Kebon Sirih, Menteng)"


def test_the_prefix_people_type_is_ignored(index: PlaceIndex) -> None:
    found = index.search("jl kebon sirih")
    assert names(found)[:2] == [
        "Kebon Sirih (Kebon Sirih, Menteng)",  # the whole name first
        "Kebon Sirih Barat 1 (Kebon Sirih, Menteng)",
    ]
    assert found[0].score > found[1].score


def test_typing_ahead_finds_names_that_begin_so(index: PlaceIndex) -> None:
    assert "MH Thamrin (Gondangdia, Menteng)" in names(index.search("thamr"))


def test_equal_matches_come_nearest_first(index: PlaceIndex) -> None:
    near_karet = index.search("sudirman", near=(106.8200, -6.2160))
    near_melati = index.search("sudirman", near=(106.8230, -6.1990))
    assert names(near_karet) == [
        "Sudirman (Karet, Setiabudi)",
        "Sudirman (Kebon Melati, Tanah Abang)",
    ]
    assert names(near_melati) == list(reversed(names(near_karet)))
    assert near_karet[0].distance_m is not None
    assert near_karet[0].distance_m < 200 < near_karet[1].distance_m


def test_a_whole_name_beats_a_longer_one(index: PlaceIndex) -> None:
    found = index.search("tanah abang")
    assert names(found)[0] == "Tanah Abang (Jakarta Pusat)"


def test_an_rw_is_found_by_number_and_kelurahan_and_numbers_are_exact(index: PlaceIndex) -> None:
    assert names(index.search("rw 3 kebon melati")) == ["RW 03 (Kebon Melati, Tanah Abang)"]
    assert names(index.search("RW 030 melati")) == ["RW 30 (Kebon Melati, Tanah Abang)"]


def test_nothing_like_it_finds_nothing(index: PlaceIndex) -> None:
    assert index.search("xyzzy") == []
    assert index.search("jl.") == []  # only a prefix: nothing asked
    assert index.search("kebon xyzzy") == []  # every word must match
