"""The map page, the public report page and the boundaries behind the map."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.portal.conftest import Change, hours_ago


def test_map_page_keeps_the_filters_of_its_url(client: TestClient) -> None:
    page = client.get("/?category=banjir&status=open&area=31.71&overdue=1&since=2026-01-02")

    assert page.status_code == 200
    assert '<option value="banjir" selected>Banjir</option>' in page.text
    assert '<option value="open" selected>Baru</option>' in page.text
    assert '<option value="31.71" selected>' in page.text
    assert 'name="overdue" id="f-overdue" value="1" checked' in page.text
    assert 'value="2026-01-02"' in page.text
    assert "/static/leaflet/leaflet.js" in page.text
    assert "https://" not in page.text  # no CDN, no tile server unless configured
    assert client.get("/map?lang=en").text.count("Map of reports") >= 1


def test_map_page_refuses_unknown_filters(client: TestClient) -> None:
    assert client.get("/?status=lost").status_code == 422


def test_boundaries_are_served_per_level(client: TestClient) -> None:
    kota = client.get("/api/v1/map/boundaries/kabkota.geojson")
    assert kota.status_code == 200
    assert kota.headers["content-type"] == "application/geo+json"
    features = kota.json()["features"]
    assert {f["properties"]["code"] for f in features} >= {"31.71", "31.74"}
    kelurahan = client.get("/api/v1/map/boundaries/kelurahan.geojson").json()["features"]
    assert len(kelurahan) == 267
    assert len(client.get("/api/v1/map/boundaries/kelurahan.geojson").content) < 1_500_000
    assert client.get("/api/v1/map/boundaries/planet.geojson").status_code == 422


def test_report_page_shows_the_report_and_escapes_what_citizens_typed(
    client: TestClient,
) -> None:
    body = {
        "category": "sampah",
        "lat": -6.1754,
        "lon": 106.8272,
        "description": "<script>alert('x')</script> sampah menumpuk",
        "address": "Jl. <b>Medan</b> Merdeka",
        "reporter": {"name": "Budi Rahasia", "email": "budi@example.org", "phone": "+62 812 555"},
    }
    created = client.post("/api/v1/reports", json=body).json()

    page = client.get(f"/reports/{created['id']}")

    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; sampah menumpuk" in page.text
    assert "Jl. &lt;b&gt;Medan&lt;/b&gt; Merdeka" in page.text
    for secret in ("Budi", "budi@example.org", "812 555"):
        assert secret not in page.text
    assert "Gambir" in page.text
    assert 'href="/areas/31.71.01.1001?lang=id"' in page.text
    assert "badge st-open" in page.text
    assert "Dilaporkan" in page.text  # the submit event in the timeline
    assert "Masih berjalan" in page.text  # deadlines not reached yet


def test_report_page_shows_public_answers_but_never_free_text(client: TestClient) -> None:
    at_monas = {"lat": -6.1754, "lon": 106.8272, "description": "Laporan dengan jawaban."}
    garbage = {**at_monas, "category": "sampah",
               "attributes": {"jenis_sampah": ["plastik", "puing"]}}  # fmt: skip
    crime = {**at_monas, "category": "tindak_kriminal",
             "attributes": {"ciri_pelaku": "Motor merah, plat B 1234 XYZ"}}  # fmt: skip
    with_list = client.post("/api/v1/reports", json=garbage).json()
    with_text = client.post("/api/v1/reports", json=crime).json()

    listed = client.get(f"/reports/{with_list['id']}?lang=en").text
    private = client.get(f"/reports/{with_text['id']}").text

    assert "Details from the reporter" in listed
    assert "<dt>Kind of garbage</dt><dd>Plastic, Construction debris</dd>" in listed
    assert "B 1234 XYZ" not in private
    assert "Keterangan dari pelapor" not in private


def test_report_page_says_whether_deadlines_were_met(
    client: TestClient, reports: list[dict[str, Any]], change: Change
) -> None:
    report_id = reports[0]["id"]
    change(
        report_id,
        status="resolved",
        first_response_at=hours_ago(0),
        resolved_at=hours_ago(0),
        response_due_at=hours_ago(1),
    )

    page = client.get(f"/reports/{report_id}?lang=en")

    assert "badge st-resolved" in page.text
    assert page.text.count('badge st-open">No<') == 1  # responded after the response deadline
    assert page.text.count('badge st-resolved">Yes<') == 1  # resolved in time
    assert "Resolved" in page.text


def test_unknown_report_or_area_page_is_a_404_page(client: TestClient) -> None:
    report = client.get("/reports/99999")
    assert report.status_code == 404
    assert report.headers["content-type"].startswith("text/html")
    assert "Laporan 99999 tidak ditemukan." in report.text
    area = client.get("/areas/99.99?lang=en")
    assert area.status_code == 404
    assert "Page not found" in area.text


def test_report_page_shows_before_and_after_photos_when_the_report_has_them(
    client: TestClient, reports: list[dict[str, Any]], monkeypatch: Any
) -> None:
    """Photos come from the photo intake (another branch) as ``photos`` on the report schema;
    the page shows whatever the schema carries, labelled before/after."""
    from sigap.reports import present

    original = present.report

    def with_photos(*args: Any, **kwargs: Any) -> Any:
        report = original(*args, **kwargs)
        object.__setattr__(
            report,
            "photos",
            [
                {"url": "/p/1.jpg", "thumb_url": "/p/1t.jpg", "kind": "before", "proof": None},
                {"url": "/p/2.jpg", "thumb_url": None, "kind": "after", "proof": "verified"},
            ],
        )
        return report

    monkeypatch.setattr(present, "report", with_photos)
    page = client.get(f"/reports/{reports[0]['id']}?lang=en")

    assert '<a href="/p/1.jpg"><img src="/p/1t.jpg" alt="Before"' in page.text
    assert '<a href="/p/2.jpg"><img src="/p/2.jpg" alt="After"' in page.text
    assert 'After · <span class="proof-verified">Verified</span>' in page.text
