"""GET requests and requests/{id}: every filter, their combinations, the defaults, paging, status
mapping and the extensions, in XML and JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from sigap import models
from sigap.db import Database
from sigap.kit import utcnow
from sigap.regions.state import load_state
from sigap.reports import service
from sigap.reports.schemas import ReportCreate

# (service_code, lat, long): Monas, Istiqlal (about 730 m from Monas), Ragunan, Kota Tua, GBK.
PLACES = [
    ("sampah", "-6.1754", "106.8272"),
    ("banjir", "-6.1702", "106.8312"),
    ("sampah", "-6.3116", "106.8199"),
    ("jalan_rusak", "-6.1352", "106.8133"),
    ("banjir", "-6.2186", "106.8019"),
]
SPEC_ELEMENTS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


@dataclass
class Made:
    recent: list[int]  # in the order of PLACES
    old: int  # submitted 100 days ago
    requested: list[str]  # requested_datetime of the recent ones


@pytest.fixture
def made(georeport: Any, database: Database, report_form: dict[str, str]) -> Made:
    recent = []
    for code, lat, long in PLACES:
        form = {**report_form, "service_code": code, "lat": lat, "long": long}
        recent.append(int(georeport.post("json", form)[0]["service_request_id"]))
    with database.transaction() as session:
        old = service.submit(
            session,
            load_state(session),
            data=ReportCreate(category="banjir", lat=-6.2, lon=106.85, description="Lama."),
            channel="api",
            received_at=utcnow() - timedelta(days=100),
        )
    listed = georeport.get("requests", "requests.json")
    requested = {int(r["service_request_id"]): r["requested_datetime"] for r in listed}
    return Made(recent, old.report["id"], [requested[i] for i in recent])


def change_status(
    database: Database, report_id: int, status: str, *, note: str | None = None
) -> datetime:
    """What the officials' workflow (not built yet) will do: move a report and log it."""
    now = utcnow() + timedelta(minutes=10)
    with database.transaction() as session:
        session.execute(
            update(models.Report)
            .where(models.Report.id == report_id)
            .values(status=status, updated_at=now)
        )
        session.add(
            models.ReportEvent(report_id=report_id, action="resolve", from_status="open",
                               to_status=status, actor_kind="official", actor_unit_id=None,
                               note=note, data={}, created_at=now)
        )  # fmt: skip
    return now


def ids(requests: list[dict[str, Any]]) -> list[int]:
    return [int(r["service_request_id"]) for r in requests]


def newest_first(made: Made, *positions: int) -> list[int]:
    return sorted((made.recent[i] for i in positions), reverse=True)


def test_by_default_the_last_90_days_newest_first(georeport: Any, made: Made) -> None:
    requests = georeport.get("requests", "requests.json")

    assert ids(requests) == newest_first(made, 0, 1, 2, 3, 4)
    assert all(list(r) == SPEC_ELEMENTS for r in requests)


def test_start_date_reaches_back_further(georeport: Any, made: Made) -> None:
    start = (utcnow() - timedelta(days=120)).isoformat()

    requests = georeport.get("requests", "requests.json", start_date=start)

    assert ids(requests) == [*newest_first(made, 0, 1, 2, 3, 4), made.old]


def test_end_date_alone_means_the_90_days_before_it(georeport: Any, made: Made) -> None:
    end = (utcnow() - timedelta(days=99)).isoformat()

    assert ids(georeport.get("requests", "requests.json", end_date=end)) == [made.old]


def test_end_date_includes_the_second_it_names(georeport: Any, made: Made) -> None:
    requests = georeport.get("requests", "requests.json", end_date=made.requested[2])

    assert set(ids(requests)) >= {made.recent[0], made.recent[2]}
    assert made.recent[3] not in ids(requests) or made.requested[3] == made.requested[2]


def test_a_time_without_offset_is_jakarta_time(georeport: Any, made: Made) -> None:
    local_start = made.requested[0][:19]  # "2026-11-28T05:38:05", the same moment in WIB

    requests = georeport.get("requests", "requests.json", start_date=local_start)

    assert set(ids(requests)) == set(made.recent)


def test_service_request_id_overrides_every_other_filter(georeport: Any, made: Made) -> None:
    wanted = f"{made.old}, {made.recent[1]}"

    requests = georeport.get(
        "requests", "requests.json", service_request_id=wanted, status="closed",
        service_code="sampah", start_date="2030-01-01T00:00:00Z",
    )  # fmt: skip

    assert ids(requests) == [made.recent[1], made.old]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"service_code": "banjir"}, [1, 4]),
        ({"service_code": "banjir,jalan_rusak"}, [1, 3, 4]),
        ({"service_code": ["banjir", "sampah"]}, [0, 1, 2, 4]),
        ({"lat": "-6.1754", "long": "106.8272", "radius": "500"}, [0]),
        ({"lat": "-6.1754", "long": "106.8272", "radius": "1000"}, [0, 1]),
        ({"lat": "-6.1754", "long": "106.8272", "radius": "1000", "service_code": "banjir"}, [1]),
        ({"lat": "-6.1754", "long": "106.8272", "radius": "50000", "status": "open"},
         [0, 1, 2, 3, 4]),
        ({"status": "closed"}, []),
        ({"status": "", "service_code": "", "start_date": ""}, [0, 1, 2, 3, 4]),
    ],
)  # fmt: skip
def test_filters_and_their_combinations(
    georeport: Any, made: Made, params: dict[str, Any], expected: list[int]
) -> None:
    requests = georeport.get("requests", "requests.json", **params)

    assert ids(requests) == newest_first(made, *expected)


def test_statuses_map_to_open_and_closed(georeport: Any, database: Database, made: Made) -> None:
    change_status(database, made.recent[0], "resolved", note="Sudah dibersihkan.")
    change_status(database, made.recent[1], "in_progress")
    change_status(database, made.recent[3], "rejected", note="Bukan wewenang kami.")

    closed = georeport.get("requests", "requests.json", status="closed")
    opened = georeport.get("requests", "requests.json", status="open")
    both = georeport.get("requests", "requests.json", status="open,closed")

    assert ids(closed) == newest_first(made, 0, 3)
    assert ids(opened) == newest_first(made, 1, 2, 4)
    assert ids(both) == newest_first(made, 0, 1, 2, 3, 4)
    notes = {int(r["service_request_id"]): r["status_notes"] for r in both}
    assert notes[made.recent[0]] == "Sudah dibersihkan."
    assert notes[made.recent[3]] == "Bukan wewenang kami."
    assert notes[made.recent[1]] is None


def test_updated_after_and_before(georeport: Any, database: Database, made: Made) -> None:
    changed_at = change_status(database, made.recent[2], "resolved")
    middle = (changed_at - timedelta(minutes=5)).isoformat()

    after = georeport.get("requests", "requests.json", updated_after=middle)
    before = georeport.get("requests", "requests.json", updated_before=middle)

    assert ids(after) == [made.recent[2]]
    # No 90-day default once a date filter is given: the old report is there too.
    assert ids(before) == [*newest_first(made, 0, 1, 3, 4), made.old]


def test_pages(georeport: Any, made: Made) -> None:
    pages = [
        ids(georeport.get("requests", "requests.json", page=page, page_size=2))
        for page in (1, 2, 3, 4)
    ]

    everything = newest_first(made, 0, 1, 2, 3, 4)
    assert pages == [everything[:2], everything[2:4], everything[4:], []]


def test_extensions_add_sigap_attributes_and_the_timeline(
    georeport: Any, database: Database, made: Made
) -> None:
    change_status(database, made.recent[0], "duplicate", note="Sama dengan laporan lain.")

    plain = georeport.get(f"requests/{made.recent[0]}", "requests.json")
    (extended,) = georeport.get(f"requests/{made.recent[0]}", "requests.json", extensions="true")
    listed = georeport.get("requests", "requests.json", extensions="true", page_size=1)

    assert "extended_attributes" not in plain[0]
    assert "notes" not in plain[0]
    assert extended["extended_attributes"] == {
        "channel": "lapor",
        "kelurahan_code": "31.71.01.1001",
        "kelurahan_name": "Gambir",
        "kecamatan_code": "31.71.01",
        "kecamatan_name": "Gambir",
        "kota_code": "31.71",
        "kota_name": "Kota Administrasi Jakarta Pusat",
        "unit_code": "kel-31.71.01.1001",
        "unit_name": "Kelurahan Gambir",
        "escalation_level": 0,
        "duplicate": True,
        "parent_service_request_id": None,
        "photos": [],
        "proof": None,
        "proof_notes": [],
        "attributes": [],
        "moderated": False,
        "confidential": False,
    }
    assert [(n["type"], n["summary"], n["description"]) for n in extended["notes"]] == [
        ("submit", "Laporan diterima", None),
        ("resolve", "Diselesaikan", "Sama dengan laporan lain."),
    ]
    assert extended["status"] == "closed"
    assert list(listed[0])[-2:] == ["extended_attributes", "notes"]


def test_one_request_has_every_spec_field(georeport: Any, made: Made) -> None:
    (request,) = georeport.get(f"requests/{made.recent[4]}", "requests.json", lang="en")

    assert list(request) == SPEC_ELEMENTS
    assert request["service_name"] == "Flood"
    assert request["agency_responsible"] == "Gelora kelurahan office"
    assert request["zipcode"] == "10270"
    expected = datetime.fromisoformat(request["expected_datetime"])
    requested = datetime.fromisoformat(request["requested_datetime"])
    assert timedelta(hours=71, minutes=59) < expected - requested <= timedelta(hours=72)
    assert request["requested_datetime"].endswith("+07:00")


@pytest.mark.parametrize(
    ("params", "code", "says"),
    [
        ({"status": "pending"}, "invalid_status", "open atau closed"),
        ({"service_request_id": "1,abc"}, "invalid_service_request_id", "'1,abc'"),
        ({"service_request_id": ","}, "invalid_service_request_id", "angka"),
        ({"radius": "100"}, "invalid_radius", "lat, long dan radius"),
        ({"lat": "-6.2", "long": "106.8"}, "invalid_radius", "radius"),
        ({"lat": "-6.2", "long": "106.8", "radius": "0"}, "invalid_input", "radius"),
        ({"lat": "-100", "long": "106.8", "radius": "10"}, "invalid_input", "lat"),
        ({"page": "0"}, "invalid_input", "page: terlalu kecil"),
        ({"page_size": "1001"}, "invalid_input", "page_size: terlalu besar"),
        ({"start_date": "kemarin"}, "invalid_input", "start_date"),
        ({"extensions": "maybe"}, "invalid_input", "extensions"),
    ],
)
def test_bad_parameters_are_explained(
    georeport: Any, params: dict[str, str], code: str, says: str
) -> None:
    errors = georeport.get("requests", "errors.json", expect=400, **params)

    assert errors[0]["code"] == code
    assert says in errors[0]["description"]


def test_a_page_asked_again_shows_every_change_and_the_asked_language(
    georeport: Any, database: Database, made: Made
) -> None:
    """Pages are built from remembered items; a report that changed in any way, even without
    a new updated_at, is built again, and each language has its own items."""
    report_id = made.recent[0]
    first = georeport.get("requests", "requests.json", service_request_id=str(report_id))
    with database.transaction() as session:
        session.execute(
            update(models.Report)
            .where(models.Report.id == report_id)
            .values(description="Sudah diperbarui.", unit_id=session.scalar(
                select(models.Unit.id).where(models.Unit.code == "kec-31.71.01")))
        )  # fmt: skip

    again = georeport.get("requests", "requests.json", service_request_id=str(report_id))
    english = georeport.get(
        "requests", "requests.json", service_request_id=str(report_id), lang="en"
    )

    assert first[0]["description"] != "Sudah diperbarui."
    assert again[0]["description"] == "Sudah diperbarui."
    assert again[0]["agency_responsible"] == "Kecamatan Gambir"
    assert first[0]["service_notice"].startswith("Ditangani oleh")
    assert english[0]["service_notice"].startswith("Handled by Gambir district office")
