"""The long lists of the areas and ranking pages: searched by name on the server (?q=, folded
for case, diacritics and "kel."/"kec."), paged (?page=, links keeping the other parameters),
ranked units before the ones with too few reports."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import fold_before_reads
from tests.portal.conftest import Change, hours_ago

from sigap.app import create_app
from sigap.config import Settings
from sigap.portal import search


def links(page: str, prefix: str) -> list[str]:
    return re.findall(rf'href="({re.escape(prefix)}[^"#]*)', page)


def test_names_are_folded_for_the_search() -> None:
    assert search.query_words("Kel. GÁMBIR") == ["gambir"]
    assert search.query_words("kec.") == ["kec"]  # nothing else to search for
    assert search.matches(["gambir"], "Kelurahan Gambir")
    assert search.matches(["cempka", "putih"], "Cempaka Putih")  # one slip in a long word
    assert not search.matches(["gambir"], "Menteng")
    assert not search.matches(["kota"], "Menteng")  # short words must be found as written


@pytest.mark.parametrize("query", ["gambir", "Kel. GAMBIR", "kelurahan gámbir", " kec gambir "])
def test_the_areas_page_finds_areas_at_any_level(client: TestClient, query: str) -> None:
    page = client.get("/areas", params={"q": query, "lang": "en"})

    assert page.status_code == 200
    found = links(page.text, "/areas/")
    assert "/areas/31.71.01?lang=en" in found  # kecamatan Gambir
    assert "/areas/31.71.01.1001?lang=en" in found  # kelurahan Gambir
    assert "/areas/31.71.02?lang=en" not in found  # Sawah Besar
    assert 'href="/?area=31.71.01.1001&amp;lang=en"' in page.text  # and on the map
    assert f'name="q" value="{query.strip()}"' in page.text  # the box keeps the search


def test_a_search_without_matches_says_so(client: TestClient) -> None:
    page = client.get("/areas/31.71?q=zzzz&lang=en")
    assert page.text.count("Nothing matches.") == 2  # areas and units


def test_the_responsible_units_are_searched(
    client: TestClient, reports: list[dict[str, Any]]
) -> None:
    fold_before_reads(client)  # the units' list is read from the counts
    everything = client.get("/areas?lang=id").text
    assert "Kelurahan Ragunan" in everything

    page = client.get("/areas?lang=id&q=gambir").text

    assert "Kelurahan Gambir" in page
    assert "Kelurahan Ragunan" not in page


def test_long_lists_are_paged_keeping_the_other_parameters(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "PAGE_SIZE", 10)
    first = client.get("/areas?q=a&lang=en")
    assert "Page 1 of" in first.text
    [next_url] = re.findall(r'rel="next" href="([^"]+)"', first.text)
    assert next_url == "/areas?q=a&amp;lang=en&amp;page=2"
    assert 'rel="prev"' not in first.text

    second = client.get(next_url.replace("&amp;", "&"))

    assert "Page 2 of" in second.text
    assert re.findall(r'rel="prev" href="([^"]+)"', second.text) == ["/areas?q=a&amp;lang=en"]
    assert set(links(first.text, "/areas/")).isdisjoint(links(second.text, "/areas/"))
    for bad in ("0", "-1", "two"):
        assert client.get(f"/areas?page={bad}").status_code == 422
    assert client.get("/areas?q=" + "x" * 101).status_code == 422


@pytest.fixture
def ranking_client(settings: Settings) -> Iterator[TestClient]:
    """Units need two reports to be ranked, so that a few reports make both kinds."""
    with TestClient(create_app(settings.model_copy(update={"ranking_min_reports": 2}))) as client:
        fold_before_reads(client)
        yield client


def test_the_ranking_lists_ranked_units_before_those_with_too_few(
    ranking_client: TestClient, reports: list[dict[str, Any]], change: Change
) -> None:
    again = {"category": "sampah", "lat": -6.1756, "lon": 106.8270, "description": "Lagi."}
    made = ranking_client.post("/api/v1/reports", json=again)
    assert made.status_code == 201
    # Gambir's two reports can be judged (their response deadline has passed); the others not.
    for report_id in (reports[0]["id"], made.json()["id"]):
        change(report_id, response_due_at=hours_ago(1))

    page = ranking_client.get("/ranking?lang=en").text  # kelurahan: the group with a ranked unit

    assert 'aria-current="page">Kelurahan offices' in page
    gambir = page.index("Gambir kelurahan office")
    heading = page.index("Not ranked: fewer than 2 reports that can be judged yet")
    assert gambir < heading < page.index("Ragunan kelurahan office")
    assert 'href="/?area=31.71.01.1001&amp;lang=en"' in page  # the unit's area on the map
    kecamatan = ranking_client.get("/ranking?lang=en&group=kecamatan").text
    assert "Gambir kelurahan office" not in kecamatan
    assert ranking_client.get("/ranking?group=planet").status_code == 422


def test_the_ranking_is_searched_and_paged(
    ranking_client: TestClient, reports: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    found = ranking_client.get("/ranking?lang=en&group=kelurahan&q=kel.+RAGUNAN").text
    assert "Ragunan kelurahan office" in found
    assert "Gambir kelurahan office" not in found
    assert "(1)" in found  # the kelurahan tab counts what the search found

    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    first = ranking_client.get("/ranking?months=6&group=kelurahan&lang=en").text
    [next_url] = re.findall(r'rel="next" href="([^"]+)"', first)
    assert next_url == "/ranking?months=6&amp;group=kelurahan&amp;lang=en&amp;page=2"
    last = ranking_client.get("/ranking?months=6&group=kelurahan&lang=en&page=3").text
    assert "Page 3 of 3" in last
    assert 'rel="next"' not in last
    shown = [row for text in (first, last) for row in re.findall(r"\w+ kelurahan office", text)]
    assert len(set(shown)) >= 3
