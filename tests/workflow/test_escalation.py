"""Escalation through every level, with a clock that jumps days ahead: each level gets its full
window from when it received the report, a late sweep climbs one level, the level that receives
a report sees it and is told, and units without a parent climb the chain the pack names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.workflow.conftest import CAMAT, LURAH, WALIKOTA, Clock

from sigap import models
from sigap.accounts.service import create
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD
from sigap.notify.payloads import stamp
from sigap.regions.state import RegionState, load_state
from sigap.workflow.sweep import sweep

Login = Callable[[str], dict[str, str]]
Submit = Callable[..., dict[str, Any]]
GOVERNOR = "gubernur@test.sigap.id"
POLDA = "polda@test.sigap.id"
KECAMATAN = "kec-31.71.01"


def region(client: TestClient) -> RegionState:
    state: RegionState = client.app.state.region  # type: ignore[attr-defined]
    return state


def official(db: Database, email: str, unit: str) -> str:
    with db.transaction() as session:
        create(
            session,
            email=email,
            name=email,
            password=DEMO_PASSWORD,
            role="unit_head",
            unit_code=unit,
        )
    return email


def inbox(client: TestClient, headers: dict[str, str]) -> list[int]:
    response = client.get("/api/v1/officials/inbox", headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def escalations(db: Database, report_id: int) -> list[tuple[datetime, dict[str, Any]]]:
    """The report's escalate events (when, data) and the outbox messages they wrote."""
    with db.reading() as session:
        events = session.scalars(
            select(models.ReportEvent)
            .where(models.ReportEvent.report_id == report_id)
            .where(models.ReportEvent.action == "escalate")
            .order_by(models.ReportEvent.id)
        )
        return [(event.created_at, dict(event.data)) for event in events]


def escalated_messages(db: Database, report_id: int) -> list[dict[str, Any]]:
    with db.reading() as session:
        rows = session.scalars(
            select(models.OutboxMessage)
            .where(models.OutboxMessage.topic == "report.escalated")
            .order_by(models.OutboxMessage.id)
        )
        return [dict(m.payload) for m in rows if m.payload["report_id"] == report_id]


def test_each_level_gets_its_full_window_from_when_it_received_the_report(
    client: TestClient, login: Login, submit: Submit, db: Database, clock: Clock
) -> None:
    governor = login(official(db, GOVERNOR, "prov-31"))
    start = clock.now
    report = submit()  # sampah: respond within 24 h
    state = region(client)

    assert sweep(db, state, start + timedelta(hours=25)).escalated == 1  # an hour late
    assert report["id"] in inbox(client, login(CAMAT))
    assert report["id"] in inbox(client, login(LURAH))  # still the kelurahan's report
    # The camat received it at 25 h: the next climb waits for the camat's whole window, not
    # for the first deadline plus a window (48 h).
    assert sweep(db, state, start + timedelta(hours=48, minutes=30)).escalated == 0
    assert sweep(db, state, start + timedelta(hours=49, minutes=1)).escalated == 1
    seen = client.get(f"/api/v1/reports/{report['id']}").json()
    assert (seen["escalation_level"], seen["escalated_to"]["code"]) == (2, "kota-31.71")
    assert report["id"] in inbox(client, login(WALIKOTA))
    assert report["id"] not in inbox(client, governor)

    assert sweep(db, state, start + timedelta(hours=73)).escalated == 0
    assert sweep(db, state, start + timedelta(hours=73, minutes=2)).escalated == 1
    assert report["id"] in inbox(client, governor)
    moments = [at for at, _ in escalations(db, report["id"])]
    assert [b - a for a, b in pairwise(moments)] == [
        timedelta(hours=24, minutes=1),
        timedelta(hours=24, minutes=1),
    ]
    # The level that has it may act on it: the governor's office answers, the climb ends.
    clock.now = start + timedelta(hours=74)
    acknowledged = client.post(
        f"/api/v1/officials/reports/{report['id']}/acknowledge", json={}, headers=governor
    )
    assert acknowledged.status_code == 200, acknowledged.text
    assert acknowledged.json()["escalation_level"] == 0


def test_a_late_sweep_climbs_one_level_and_starts_that_levels_clock(
    client: TestClient, login: Login, submit: Submit, db: Database, clock: Clock
) -> None:
    start = clock.now
    report = submit()
    state = region(client)
    late = start + timedelta(days=10)  # the worker was down for ten days

    swept = sweep(db, state, late)
    assert (swept.escalated, swept.warned) == (1, 0)  # no warning for a deadline long past
    assert [data["escalated_to"] for _, data in escalations(db, report["id"])] == [KECAMATAN]
    assert report["id"] in inbox(client, login(CAMAT))
    clock.now = late
    view = client.get(f"/api/v1/officials/reports/{report['id']}", headers=login(CAMAT)).json()
    assert datetime.fromisoformat(view["escalation_due_at"]) == late + timedelta(hours=24)
    assert sweep(db, state, late).escalated == 0  # a second pass at once does nothing more
    assert sweep(db, state, late + timedelta(hours=23, minutes=59)).escalated == 0

    (message,) = escalated_messages(db, report["id"])
    assert (message["escalated_to"], message["level"]) == (KECAMATAN, 1)
    assert message["level_due_at"] == stamp(late + timedelta(hours=24))  # payloads' format
    assert message["unit"] == "kel-31.71.01.1001"  # the unit that missed its deadline

    assert sweep(db, state, late + timedelta(hours=24)).escalated == 1
    levels = [(at, data["level"]) for at, data in escalations(db, report["id"])]
    assert levels == [(late, 1), (late + timedelta(hours=24), 2)]


def test_police_reports_climb_the_chain_the_region_pack_names(
    client: TestClient, login: Login, submit: Submit, db: Database, clock: Clock
) -> None:
    governor = login(official(db, GOVERNOR, "prov-31"))
    police = login(official(db, POLDA, "polda-metro-jaya"))
    start = clock.now
    report = submit(category="tindak_kriminal")
    state = region(client)
    polda = state.units_by_code["polda-metro-jaya"]
    assert (polda.parent_id, state.units[polda.escalates_to or 0].code) == (None, "prov-31")
    assert report["id"] in inbox(client, police)
    assert report["id"] not in inbox(client, governor)

    assert sweep(db, state, start + timedelta(days=3)).escalated == 1
    seen = client.get(f"/api/v1/reports/{report['id']}").json()
    assert (seen["escalation_level"], seen["escalated_to"]["code"]) == (1, "prov-31")
    assert report["id"] in inbox(client, governor)
    assert report["id"] in inbox(client, police)
    # The province is the region's supervisor: nothing above it, the report stays with it.
    assert sweep(db, state, start + timedelta(days=30)).escalated == 0
    assert client.get(f"/api/v1/reports/{report['id']}").json()["escalated_to"]["code"] == (
        "prov-31"
    )
    assert report["id"] in inbox(client, governor)


def test_a_unit_without_a_parent_or_a_chain_escalates_to_the_regions_supervisor(
    db: Database,
) -> None:
    with db.reading() as session:
        state = load_state(session)  # a snapshot of this test's own, changed below
    pam = state.units_by_code["pam-jaya"]
    state.units[pam.id] = replace(pam, escalates_to=None)  # a pack that names no chain
    code = {unit.id: unit.code for unit in state.units.values()}

    assert [code[u] for u in state.unit_ancestors(pam.id)] == ["prov-31"]
    assert state.unit_ancestors(state.units_by_code["prov-31"].id) == []  # the top
    kelurahan = state.units_by_code["kel-31.71.01.1001"].id
    assert [code[u] for u in state.unit_ancestors(kelurahan)] == [
        KECAMATAN,
        "kota-31.71",
        "prov-31",
    ]

    # A region whose supervisor has a unit above it (Gowa: the kabupaten under its province):
    # the units above the supervisor never escalate back down to it.
    with db.reading() as session:
        kabupaten_region = load_state(session)
    kabupaten_region.code = "31.71"
    kabupaten_region.units[pam.id] = replace(pam, escalates_to=None)
    above_pam = [code[u] for u in kabupaten_region.unit_ancestors(pam.id)]
    assert above_pam == ["kota-31.71", "prov-31"]
    assert kabupaten_region.unit_ancestors(kabupaten_region.units_by_code["prov-31"].id) == []
