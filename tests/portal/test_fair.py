"""The fair score's rules (portal.fair.measure) and the cases that were gamed before: a unit
ranking first with reports left unanswered past their deadline, a dashboard saying "100% on
time" beside an overdue unanswered report, a share with nothing to measure giving points."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import fold_before_reads
from tests.portal.conftest import Change, hours_ago

from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.models import Report
from sigap.portal import fair
from sigap.portal.schemas import Ranking

MONAS = {"category": "sampah", "lat": -6.1754, "lon": 106.8272, "description": "Mohon dicek."}


def counts(**values: int) -> dict[str, int]:
    base = dict.fromkeys(fair._ALL, 0)
    return {**base, **values}


def test_nothing_to_measure_gives_no_points() -> None:
    measured = fair.measure(counts(n=4))

    assert measured["score"] == 0.0
    assert all(c["share"] is None and c["points"] == 0.0 for c in measured["components"].values())
    assert measured["judged"] == 0


def test_unanswered_past_the_deadline_is_a_miss() -> None:
    measured = fair.measure(counts(n=15, responded=7, responded_in_sla=7, response_missed=8))

    response = measured["components"]["response"]
    assert (response["hits"], response["of"], response["missed"]) == (7, 15, 8)
    assert response["points"] == pytest.approx(40 * 7 / 15, abs=0.01)
    assert measured["judged"] == 15


def test_the_rating_counts_and_a_missing_component_never_beats_a_measured_one() -> None:
    base = counts(
        n=2, responded=2, responded_in_sla=2, resolved=2, resolved_in_sla=2, ever_resolved=2
    )
    unrated = fair.measure(base)
    worst = fair.measure({**base, "rating_sum": 1, "ratings": 1})
    best = fair.measure({**base, "rating_sum": 10, "ratings": 2})

    assert unrated["score"] == 85.0  # 40 + 30 + 15; the rating gives nothing yet
    assert worst["score"] == unrated["score"]  # a 1 is worth as much as nothing, never less
    assert best["score"] == 100.0
    assert best["components"]["rating"]["mean"] == 5.0


def test_a_report_never_fixed_past_its_deadline_is_the_worst_outcome() -> None:
    fixed = counts(
        n=2,
        responded=2,
        responded_in_sla=2,
        resolved=1,
        resolved_in_sla=1,
        ever_resolved=1,
        rating_sum=5,
        ratings=1,
    )
    left = fair.measure({**fixed, "resolution_missed": 1, "unfixed_missed": 1})
    reopened = fair.measure(
        {**fixed, "resolved": 2, "ever_resolved": 2, "reopened": 1, "rating_sum": 6, "ratings": 2}
    )

    parts = left["components"]
    assert (parts["resolution"]["hits"], parts["resolution"]["of"]) == (1, 2)
    assert (parts["fixes_held"]["hits"], parts["fixes_held"]["of"]) == (1, 2)
    assert parts["rating"]["mean"] == 3.0  # the 5 and a 1 for the report left alone
    assert left["score"] <= reopened["score"]


def test_a_reopened_report_waiting_for_a_new_fix_is_not_counted_as_fixed() -> None:
    # Stored counts hold its first fix (in time); it is open again and past its new deadline.
    measured = fair.measure(
        counts(
            n=1,
            responded=1,
            responded_in_sla=1,
            resolved=1,
            resolved_in_sla=1,
            ever_resolved=1,
            reopened=1,
            refixing=1,
            refixing_in_sla=1,
            resolution_missed=1,
        )
    )

    resolution = measured["components"]["resolution"]
    assert (resolution["hits"], resolution["of"]) == (0, 1)


def make_reports(client: TestClient, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        response = client.post("/api/v1/reports", json=MONAS)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


def unit_id(client: TestClient, code: str) -> int:
    return int(client.app.state.region.units_by_code[code].id)  # type: ignore[attr-defined]


def test_a_unit_ignoring_reports_no_longer_ranks_first(
    settings: Settings, database: Database, change: Change
) -> None:
    """polda-metro-jaya received 15, left 8 unanswered 16 days past their deadline, and ranked
    #1 with score 100: the share counted only the reports it answered."""
    with TestClient(create_app(settings.model_copy(update={"ranking_min_reports": 10}))) as client:
        fold_before_reads(client)
        polda, bina = unit_id(client, "polda-metro-jaya"), unit_id(client, "bina-marga")
        ids = make_reports(client, 25)
        for report_id in ids[:7]:  # polda answered 7 in time
            change(
                report_id,
                unit_id=polda,
                status="in_progress",
                first_response_at=hours_ago(2),
                response_due_at=hours_ago(1),
            )
        for report_id in ids[7:15]:  # and left 8 alone, 16 days past both deadlines
            change(
                report_id,
                unit_id=polda,
                created_at=hours_ago(17 * 24),
                response_due_at=hours_ago(16 * 24),
                resolution_due_at=hours_ago(10 * 24),
            )
        for report_id in ids[15:]:  # the roads agency answered and fixed 10 in time
            change(
                report_id,
                unit_id=bina,
                status="resolved",
                first_response_at=hours_ago(3),
                response_due_at=hours_ago(1),
                resolved_at=hours_ago(2),
                resolution_due_at=hours_ago(1),
            )
        body = client.get("/api/v1/ranking?months=3&lang=en").json()
        page = client.get("/ranking/polda-metro-jaya?months=3&lang=en")

    Ranking.model_validate(body)  # the answer is what the OpenAPI document says
    rows = {row["code"]: row for row in body["groups"]["agency"]}
    police = rows["polda-metro-jaya"]
    assert police["ranked"]
    assert police["judged"] == 15
    assert police["rates"]["response_within_sla"] == pytest.approx(7 / 15, abs=1e-4)
    assert police["response_missed"] == 8
    assert police["score"] == pytest.approx(40 * 7 / 15, abs=0.1)  # nothing fixed, 8 x rating 1
    assert rows["bina-marga"]["rank"] == 1
    assert police["rank"] == 2
    assert page.status_code == 200
    assert "incl. 8 unanswered past the deadline" in page.text
    assert "Rank 2 of 2 (Agencies and other bodies)" in page.text


def test_the_dashboard_counts_an_overdue_unanswered_report(
    client: TestClient, change: Change
) -> None:
    """Gambir's dashboard said "100% ditanggapi tepat waktu" while a report was 16 days
    overdue and unanswered."""
    fold_before_reads(client)
    answered, ignored = make_reports(client, 2)
    change(
        answered, status="in_progress", first_response_at=hours_ago(2), response_due_at=hours_ago(1)
    )
    change(ignored, created_at=hours_ago(17 * 24), response_due_at=hours_ago(16 * 24))

    body = client.get("/api/v1/areas/31.71.01.1001/dashboard").json()
    page = client.get("/areas/31.71.01.1001?lang=id").text

    assert body["rates"]["response_within_sla"] == 0.5
    assert body["fair"]["components"]["response"]["missed"] == 1
    assert "50%" in page
    assert "termasuk 1 tak ditanggapi, tenggat lewat" in page
    assert "100%" not in page


def test_nothing_to_measure_is_said_and_scores_nothing(
    client: TestClient, database: Database
) -> None:
    """Bambu Apus scored 20 with no responses: reopen "None" gave points."""
    fold_before_reads(client)
    make_reports(client, 2)  # fresh: nothing answered, no deadline passed

    body = client.get("/api/v1/ranking?months=1").json()
    page = client.get("/ranking/kel-31.71.01.1001?months=1&lang=id").text
    area = client.get("/areas/31.71.01.1001?lang=en").text

    Ranking.model_validate(body)
    [row] = [r for rows in body["groups"].values() for r in rows]
    assert row["score"] == 0.0
    assert row["ranked"] is False
    assert row["judged"] == 0
    assert "belum ada data" in page
    assert "Belum diperingkat: baru 0 laporan yang dapat dinilai, perlu 10." in page
    assert "nothing to measure yet" in area


def test_the_ranking_and_the_dashboard_use_one_rule(
    client: TestClient, change: Change, database: Database
) -> None:
    """The same reports give the same components on a unit's row and its kelurahan's dashboard
    (every report of Gambir's kelurahan is with Gambir's office here)."""
    fold_before_reads(client)
    ids = make_reports(client, 4)
    change(
        ids[0],
        status="resolved",
        first_response_at=hours_ago(5),
        response_due_at=hours_ago(4),
        resolved_at=hours_ago(3),
        resolution_due_at=hours_ago(1),
        rating=4,
        rated_at=hours_ago(1),
    )
    change(ids[1], response_due_at=hours_ago(1), resolution_due_at=hours_ago(1))
    change(
        ids[2],
        status="in_progress",
        first_response_at=hours_ago(1),
        response_due_at=hours_ago(2),
        reopen_count=1,
        resolved_at=hours_ago(3),
    )
    with database.transaction() as session:
        assert {r.unit_id for r in session.query(Report)} == {unit_id(client, "kel-31.71.01.1001")}

    ranking = client.get("/api/v1/ranking?months=1").json()
    Ranking.model_validate(ranking)
    [row] = [r for rows in ranking["groups"].values() for r in rows]
    dashboard = client.get("/api/v1/areas/31.71.01.1001/dashboard").json()

    assert row["components"] == dashboard["fair"]["components"]
    assert row["score"] == dashboard["fair"]["score"]
    assert row["components"]["response"]["missed"] == 1


def test_unknown_unit_page_is_404(client: TestClient) -> None:
    response = client.get("/ranking/nobody?lang=en")
    assert response.status_code == 404
    assert "Unit nobody was not found." in response.text
