"""POST requests: the JSON API's submit use case behind GeoReport's form, API keys of
channels, the round trip through a token, privacy, and every refusal."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sigap import models
from sigap.channels import service as channels
from sigap.db import Database
from sigap.kit import sha256_hex

BASE = "/open311/v2"
IDENTITY = {
    "email": "siti.rahma@example.id",
    "first_name": "Siti",
    "last_name": "Rahmawati",
    "phone": "+62 812 3456 7890",
    "device_id": "android-5f2c9e",
    "account_id": "lapor-778812",
}
SECRETS = ("siti", "rahma", "812 3456", "android-5f2c9e", "lapor-778812")


def reports_in(database: Database) -> int:
    with database.reading() as session:
        return session.scalar(select(func.count()).select_from(models.Report)) or 0


def test_round_trip_post_token_request_id_get(georeport: Any, report_form: dict[str, str]) -> None:
    (created,) = georeport.post("json", report_form)
    (resolved,) = georeport.get(f"tokens/{created['token']}", "token.json")
    (request,) = georeport.get(f"requests/{resolved['service_request_id']}", "requests.json")

    assert resolved == {
        "service_request_id": created["service_request_id"],
        "token": created["token"],
    }
    assert created["service_notice"] == (
        "Ditangani oleh Kelurahan Gambir. Target tanggapan 24 jam, target penyelesaian 72 jam."
    )
    assert created["account_id"] is None
    assert request["service_request_id"] == created["service_request_id"]
    assert (request["status"], request["service_code"], request["zipcode"]) == (
        "open",
        "sampah",
        "10110",
    )
    assert request["address"] == "Jl. Medan Merdeka Barat"
    assert request["agency_responsible"] == "Kelurahan Gambir"
    assert (request["lat"], request["long"]) == (-6.1754, 106.8272)


def test_the_xml_answer_has_the_spec_elements(
    georeport: Any, client: TestClient, report_form: dict[str, str]
) -> None:
    root = georeport.post("xml", report_form)

    assert root.tag == "service_requests"
    (request,) = root
    assert [child.tag for child in request] == [
        "service_request_id",
        "token",
        "service_notice",
        "account_id",
    ]
    report_id = request.findtext("service_request_id")
    assert report_id is not None
    assert report_id.isdigit()
    assert request.findtext("account_id") == ""  # <account_id />, as in the spec's example
    tracked = client.get(f"{BASE}/tokens/{request.findtext('token')}.xml")
    assert f"<service_request_id>{report_id}</service_request_id>" in tracked.text


def test_the_report_is_routed_and_records_its_channel(
    georeport: Any, client: TestClient, report_form: dict[str, str]
) -> None:
    (created,) = georeport.post("json", report_form, headers={"Accept-Language": "en"})

    report = client.get(f"/api/v1/reports/{created['service_request_id']}").json()
    assert report["channel"] == "lapor"
    assert report["kelurahan"]["code"] == "31.71.01.1001"
    assert report["unit"]["code"] == "kel-31.71.01.1001"
    assert [event["action"] for event in report["timeline"]] == ["submit"]
    assert created["service_notice"].startswith("Handled by Gambir kelurahan office.")


def test_reporter_identity_is_kept_privately_and_never_shown(
    georeport: Any, client: TestClient, database: Database, report_form: dict[str, str]
) -> None:
    (created,) = georeport.post("json", {**report_form, **IDENTITY})
    report_id = created["service_request_id"]

    answers = [
        str(created),
        str(georeport.get(f"requests/{report_id}", "requests.json", extensions="true")),
        str(georeport.get("requests", "requests.json", extensions="true")),
        str(georeport.get(f"tokens/{created['token']}", "token.json")),
        client.get(f"{BASE}/requests/{report_id}.xml", params={"extensions": "true"}).text,
        client.get(f"{BASE}/requests.xml", params={"extensions": "true"}).text,
    ]
    for answer in answers:
        for secret in SECRETS:
            assert secret not in answer.lower()
    with database.reading() as session:
        stored = session.get_one(models.ReportReporter, int(report_id))
    assert (stored.name, stored.email, stored.phone) == (
        "Siti Rahmawati",
        "siti.rahma@example.id",
        "+62 812 3456 7890",
    )
    assert (stored.device_id, stored.account_id, stored.contact_visible) == (
        "android-5f2c9e",
        "lapor-778812",
        False,
    )


def test_retries_with_an_idempotency_key_make_one_report(
    georeport: Any, client: TestClient, database: Database, report_form: dict[str, str]
) -> None:
    headers = {"Idempotency-Key": "lapor-7f3a"}

    (first,) = georeport.post("json", report_form, headers=headers)
    (second,) = georeport.post("json", report_form, headers=headers, expect=200)
    conflict = georeport.post(
        "json", {**report_form, "description": "Lain lagi."}, headers=headers, expect=400
    )

    assert second == first
    assert conflict[0]["code"] == "idempotency_key_reused"
    replay = client.post(f"{BASE}/requests.json", data=report_form, headers=headers)
    assert replay.headers["idempotent-replayed"] == "true"
    assert reports_in(database) == 1


def test_the_api_key_may_come_in_the_query_string(
    georeport: Any, report_form: dict[str, str]
) -> None:
    form = {k: v for k, v in report_form.items() if k != "api_key"}

    georeport.post("json", form, params={"api_key": report_form["api_key"]})


def test_a_revoked_key_is_refused(
    georeport: Any, database: Database, report_form: dict[str, str]
) -> None:
    with database.transaction() as session:
        channels.revoke(session, key_prefix_or_id=report_form["api_key"][:12])

    errors = georeport.post("json", report_form, expect=403)

    assert errors[0]["code"] == "invalid_api_key"


def test_a_key_revoked_by_another_process_stops_within_the_cache_time(
    client: TestClient, georeport: Any, database: Database, report_form: dict[str, str]
) -> None:
    now = [100.0]
    client.app.state.api_keys = channels.KeyCache(10, clock=lambda: now[0])  # type: ignore[attr-defined]
    georeport.post("json", report_form)
    with database.transaction() as session:  # as `sigap channel revoke` would, elsewhere
        channels.revoke(session, key_prefix_or_id=report_form["api_key"][:12])

    now[0] += 9.9
    georeport.post("json", report_form)  # remembered as valid a moment ago
    now[0] += 0.1
    errors = georeport.post("json", report_form, expect=403)

    assert errors[0]["code"] == "invalid_api_key"


def test_a_wrong_key_is_never_remembered(
    client: TestClient, georeport: Any, report_form: dict[str, str]
) -> None:
    wrong = {**report_form, "api_key": "sgp_" + "x" * 43}
    for _ in range(2):
        assert georeport.post("json", wrong, expect=403)[0]["code"] == "invalid_api_key"
    assert client.app.state.api_keys.get(sha256_hex(wrong["api_key"])) is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("change", "status", "code", "says"),
    [
        ({"api_key": None}, 403, "missing_api_key", "api_key"),
        ({"api_key": "sgp_not-a-real-key"}, 403, "invalid_api_key", "dicabut"),
        ({"jurisdiction_id": "bandung.go.id"}, 404, "unknown_jurisdiction", "bandung.go.id"),
        ({"service_code": "ufo"}, 404, "unknown_category", "'ufo'"),
        ({"service_code": None}, 400, "service_code_required", "services.xml"),
        ({"lat": None, "long": None}, 400, "location_required", "lat dan long"),
        ({"long": None}, 400, "location_required", "lat dan long"),
        ({"lat": None, "long": None, "address_id": "A-12"}, 400, "location_required",
         "address_id saja"),
        ({"lat": "-6.595", "long": "106.799"}, 400, "outside_service_area",
         "di luar wilayah layanan"),
        ({"lat": "utara"}, 400, "invalid_input", "lat: harus berupa angka"),
        ({"lat": "91"}, 400, "invalid_input", "lat: terlalu besar"),
        ({"description": "x" * 4001}, 400, "invalid_input", "description: terlalu panjang"),
        ({"description": None}, 400, "invalid_input", "description: wajib diisi"),
        ({"email": "bukan-alamat"}, 400, "invalid_input", "email: formatnya tidak sesuai"),
        ({"phone": "call me"}, 400, "invalid_input", "phone: formatnya tidak sesuai"),
        ({"media_url": "ftp://x"}, 400, "invalid_input", "media_url"),
        ({"attribute[WARNA]": "1"}, 400, "unknown_attribute", "'WARNA'"),
    ],
)  # fmt: skip
def test_refusals_say_what_to_fix_and_store_nothing(
    georeport: Any,
    database: Database,
    report_form: dict[str, str],
    change: dict[str, str | None],
    status: int,
    code: str,
    says: str,
) -> None:
    form = {k: v for k, v in {**report_form, **change}.items() if v is not None}

    errors = georeport.post("json", form, expect=status)
    root = georeport.post("xml", form, expect=status)

    assert errors[0]["code"] == code
    assert says in " ".join(e["description"] for e in errors)
    assert root.tag == "errors"
    assert root.findtext("error/code") == code
    assert reports_in(database) == 0


def test_every_invalid_field_is_its_own_error(georeport: Any, report_form: dict[str, str]) -> None:
    form = {**report_form, "lat": "x", "email": "no", "description": ""}

    errors = georeport.post("json", form, expect=400, headers={"Accept-Language": "en"})

    assert [e["description"].split(":")[0] for e in errors] == ["lat", "description", "email"]


def test_only_form_bodies_are_accepted(client: TestClient, report_form: dict[str, str]) -> None:
    response = client.post(f"{BASE}/requests.json", json=report_form)

    assert response.status_code == 400
    assert response.json()[0]["code"] == "unsupported_content_type"


def test_a_huge_body_is_refused(client: TestClient, report_form: dict[str, str]) -> None:
    form = {**report_form, "description": "x" * 200_000}

    response = client.post(f"{BASE}/requests.xml", data=form)

    assert response.status_code == 400
    assert "<code>request_too_large</code>" in response.text
