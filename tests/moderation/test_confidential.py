"""A confidential report (pungli): the public sees its category, area and status, its point at
the kelurahan's centre and never in a spatial search, no text, photos, answers or comments, and
cannot support, follow or comment on it; the reporter and the officials see it whole."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from .conftest import ADMIN, MONAS, NEAR, WARGA, Login, file_with_photo, live_frames, public_outputs

SECRET = "Oknum petugas parkir minta Rp50.000 di depan kantor kelurahan"
ADDRESS = "Depan kantor kelurahan, pintu samping"
LURAH = "lurah.gambir@demo.sigap.id"
NOTICE = {
    "id": "Laporan rahasia: publik hanya melihat kategori, wilayah, dan statusnya.",
    "en": "Confidential report: the public sees only its category, area and status.",
}


def centre(client: TestClient) -> tuple[float, float]:
    """Gambir's label point, [lon, lat] as the areas API gives it."""
    lon, lat = client.get("/api/v1/areas/31.71.01.1001").json()["label_point"]
    return lon, lat


def test_the_public_sees_category_area_and_status_only(
    client: TestClient, public: TestClient, login: Login
) -> None:
    created = file_with_photo(client, description=SECRET, address=ADDRESS, confidential=True)
    report_id, token = created["id"], created["tracking_token"]
    assert created["description"] == SECRET  # the reporter's answer is theirs
    lon, lat = centre(public)
    assert (lon, lat) != (MONAS["lon"], MONAS["lat"])

    for lang in ("id", "en"):
        outputs = public_outputs(public, report_id, lang)
        for url, text in outputs.items():
            assert "Oknum" not in text, url
            assert "pintu samping" not in text, url
            assert str(MONAS["lat"]) not in text, url  # the exact point is nowhere
        page = outputs[f"/reports/{report_id}"]
        assert NOTICE[lang] in page
        assert 'id="support"' not in page
        assert 'id="comment-form"' not in page

    shown = public.get(f"/api/v1/reports/{report_id}").json()
    assert shown["confidential"] is True
    assert (shown["description"], shown["address"], shown["photos"]) == (None, None, [])
    assert (shown["lon"], shown["lat"], shown["rw"]) == (lon, lat, None)
    assert shown["category"]["code"] == "sampah"
    assert shown["kelurahan"]["name"] == "Gambir"
    assert shown["status"] == "open"
    assert {"description", "address", "photos", "point"} <= set(shown["hidden"])
    (request,) = public.get(f"/open311/v2/requests/{report_id}.json?lang=id").json()
    assert (request["lat"], request["long"], request["media_url"]) == (lat, lon, None)
    assert request["description"] == "[laporan rahasia]"
    assert [f["lat"] for f in live_frames(public)] == [lat]

    # Listed without a place filter (at the centre), never found by one.
    listed = public.get("/api/v1/reports").json()["items"]
    assert [(i["id"], i["summary"], i["lat"]) for i in listed] == [(report_id, None, lat)]
    assert public.get(f"/api/v1/reports?bbox={NEAR}").json()["items"] == []
    near = {"lat": MONAS["lat"], "long": MONAS["lon"], "radius": 500}
    assert public.get("/open311/v2/requests.json", params=near).json() == []
    everywhere = public.get("/api/v1/map/clusters", params={"bbox": NEAR, "zoom": 17}).json()
    assert (everywhere["points"], everywhere["clusters"]) == ([], [])
    coarse = public.get("/api/v1/map/clusters", params={"bbox": NEAR, "zoom": 11}).json()
    assert coarse["clusters"] == []  # the stored counts have it taken away
    rows = list(csv.DictReader(io.StringIO(public.get("/api/v1/export/reports.csv").text)))
    found = [(r["id"], float(r["lat"]), float(r["lon"])) for r in rows]
    assert found == [(str(report_id), lat, lon)]
    boxed = public.get("/api/v1/export/reports.csv", params={"bbox": NEAR}).text
    assert boxed.count("\n") == 1  # the header only

    # Nobody supports, follows or comments on it.
    for path, body in (("support", None), ("comments", {"body": "Saya juga"})):
        refused = client.post(
            f"/api/v1/reports/{report_id}/{path}", json=body, headers=login(WARGA)
        )
        assert (refused.status_code, refused.json()["error"]["code"]) == (
            409,
            "report_confidential",
        )
    follow = client.put(f"/api/v1/reports/{report_id}/follow", headers=login(WARGA))
    assert follow.status_code == 409

    # The reporter's tracking page and the officials see it whole.
    tracked = public.get(f"/api/v1/track/{token}").json()
    assert (tracked["description"], tracked["lat"], len(tracked["photos"])) == (
        SECRET,
        MONAS["lat"],
        1,
    )
    page = public.get(f"/app/track/{token}?lang=en").text
    assert SECRET in page
    assert "Your report is confidential" in page
    official = client.get(f"/api/v1/officials/reports/{report_id}", headers=login(LURAH)).json()
    assert (official["description"], official["address"]) == (SECRET, ADDRESS)
    assert (official["lat"], official["confidential"]) == (MONAS["lat"], True)
    assert "Rahasia: publik hanya melihat" in official_page(client, report_id)


def official_page(client: TestClient, report_id: int) -> str:
    from tests.officials.test_pages import sign_in

    officials = TestClient(client.app)
    officials.portal = client.portal
    assert sign_in(officials, LURAH).status_code == 303
    page = officials.get(f"/officials/reports/{report_id}")
    assert page.status_code == 200
    return page.text


def test_open311_files_a_confidential_request(
    client: TestClient, public: TestClient, login: Login, submit: Callable[..., dict[str, Any]]
) -> None:
    key = client.post("/api/v1/admin/channels", json={"name": "LAPOR!"}, headers=login(ADMIN))
    assert key.status_code == 201, key.text
    form = {
        "api_key": key.json()["api_key"],
        "service_code": "sampah",
        "lat": str(MONAS["lat"]),
        "long": str(MONAS["lon"]),
        "description": SECRET,
        "confidential": "true",
    }
    created = client.post("/open311/v2/requests.json", data=form)
    assert created.status_code == 201, created.text
    report_id = created.json()[0]["service_request_id"]
    (request,) = public.get(f"/open311/v2/requests/{report_id}.json?extensions=true&lang=id").json()
    assert request["description"] == "[laporan rahasia]"
    assert request["extended_attributes"]["confidential"] is True
    assert request["notes"][0]["description"] is None
    plain = submit(description="Sampah biasa, bukan rahasia.")
    assert public.get(f"/api/v1/reports/{plain['id']}").json()["confidential"] is False
