"""Area dashboards and the unit ranking, read from counts kept by triggers on report (on
PostgreSQL queued by them and folded in before each read)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Table, delete, func, insert, select, text
from tests.conftest import fold_before_reads
from tests.portal.conftest import PLACES, Change, hours_ago

from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.jobs import build_worker
from sigap.models import MapCell, Report, StatArea, StatHist, StatUnit
from sigap.portal.fold import fold, fold_now
from sigap.portal.schemas import Ranking

REPORT: Table = Report.__table__  # type: ignore[assignment]
MOVES = 150  # per mover: a deadlock of the unordered triggers shows within a few dozen


def dashboard(client: TestClient, code: str | None = None) -> dict[str, Any]:
    path = f"/api/v1/areas/{code}/dashboard" if code else "/api/v1/dashboard"
    response = client.get(path)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_region_dashboard_counts_by_status_category_and_kota(
    client: TestClient, reports: list[dict[str, Any]], change: Change
) -> None:
    fold_before_reads(client)
    change(reports[0]["id"], status="in_progress", first_response_at=hours_ago(0))

    body = dashboard(client)

    assert body["totals"]["n"] == 5
    assert body["by_status"]["open"] == 4
    assert body["by_status"]["in_progress"] == 1
    assert {c["code"]: c["n"] for c in body["by_category"]} == {
        "sampah": 2,
        "banjir": 2,
        "jalan_rusak": 1,
    }
    kota = {c["code"]: c["n"] for c in body["children"]}
    assert kota["31.71"] == 3  # Jakarta Pusat
    assert kota["31.74"] == 1
    assert sum(m["n"] for m in body["trend"]) == 5
    assert len(body["trend"]) == 12
    assert sum(u["n"] for u in body["units"]) == 5


def test_kelurahan_dashboard_times_and_rates(
    client: TestClient, reports: list[dict[str, Any]], change: Change
) -> None:
    fold_before_reads(client)
    report = reports[0]  # Gambir
    created = hours_ago(10)
    change(
        report["id"],
        created_at=created,
        status="resolved",
        first_response_at=hours_ago(8),  # 2 h after creation
        resolved_at=hours_ago(4),  # 6 h after creation
        response_due_at=hours_ago(9),  # the response came late
        resolution_due_at=hours_ago(1),
        reopen_count=1,
    )

    body = dashboard(client, "31.71.01.1001")

    assert body["area"]["name"] == "Gambir"
    assert [a["code"] for a in body["area"]["lineage"]] == [
        "31",
        "31.71",
        "31.71.01",
        "31.71.01.1001",
    ]
    assert body["totals"]["n"] == 1
    assert body["rates"] == {
        "response_within_sla": 0.0,
        "resolution_within_sla": 1.0,
        "fixes_held": 0.0,  # reopened
        "mean_rating": None,
    }
    assert abs(body["median_response_s"] - 7200) / 7200 < 0.08
    assert abs(body["median_resolution_s"] - 21600) / 21600 < 0.08
    assert dashboard(client, "31.74")["totals"]["n"] == 1
    assert client.get("/api/v1/areas/99/dashboard").status_code == 404


def test_counts_follow_every_change_of_the_reports(
    client: TestClient, reports: list[dict[str, Any]], change: Change, database: Database
) -> None:
    """Whatever changes report rows (insert, update, delete), the counts equal a recount."""
    fold_before_reads(client)
    change(
        reports[1]["id"],
        status="resolved",
        first_response_at=hours_ago(0),
        resolved_at=hours_ago(0),
    )
    change(reports[2]["id"], kelurahan_code="31.71.01.1001", lon=106.8273, lat=-6.1755)
    change(reports[3]["id"], category_code="sampah", reopen_count=2)
    with database.transaction() as session:
        # Reports with a timeline cannot be deleted (events are append-only): a bare copy can.
        row = session.execute(select(REPORT).where(REPORT.c.id == reports[4]["id"])).one()
        copy = {**row._asdict(), "tracking_token_hash": None}
        del copy["id"]
        copy_id = session.execute(insert(REPORT).values(copy).returning(REPORT.c.id)).scalar_one()
        assert_counts_match(session, 6)
        session.execute(delete(Report).where(Report.id == copy_id))
        assert_counts_match(session, 5)
    body = dashboard(client)
    assert body["totals"]["n"] == 5
    assert body["by_status"]["resolved"] == 1
    assert dashboard(client, "31.71.01.1001")["totals"]["n"] == 2
    assert dashboard(client, "31.74.04.1004")["totals"]["n"] == 0  # moved away


def test_opposite_moves_at_the_same_time_neither_fails_and_the_counts_stay_right(
    reports: list[dict[str, Any]], change: Change, database: Database
) -> None:
    """Two transactions that move reports between the same two kelurahan in opposite
    directions, over and over at the same time (two writers, or a writer and an official):
    neither is rolled back as a deadlock (on PostgreSQL they only queue their contributions,
    0014_pending_stats; 0007's triggers, which upserted the counter rows in any order, fail
    here with DeadlockDetected), and the counts equal a recount."""
    here, there = PLACES[0][3], PLACES[1][3]
    errors: list[BaseException] = []

    def move(report_id: int, first: str, second: str) -> None:
        try:
            for round_ in range(MOVES):
                change(report_id, kelurahan_code=first if round_ % 2 == 0 else second)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    movers = [
        threading.Thread(target=move, args=(reports[0]["id"], there, here)),
        threading.Thread(target=move, args=(reports[1]["id"], here, there)),
    ]
    for mover in movers:
        mover.start()
    for mover in movers:
        mover.join()
    assert errors == []
    with database.transaction() as session:
        assert_counts_match(session, 5)


def test_folds_at_the_same_time_as_changes_count_each_change_once(
    reports: list[dict[str, Any]], change: Change, database: Database
) -> None:
    """Changes queue their contributions while other threads fold the queue, over and over:
    each contribution is folded exactly once (the fold deletes what it adds up, in one
    statement), so in the end the counts equal a recount."""
    here, there = PLACES[0][3], PLACES[1][3]
    moving = threading.Event()
    moving.set()
    errors: list[BaseException] = []

    def move(report_id: int) -> None:
        try:
            for round_ in range(MOVES):
                change(report_id, kelurahan_code=here if round_ % 2 else there,
                       status="in_progress" if round_ % 3 else "open")  # fmt: skip
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    def keep_folding() -> None:
        try:
            while moving.is_set():
                fold_now(database)
        except BaseException as error:
            errors.append(error)

    movers = [threading.Thread(target=move, args=(r["id"],)) for r in reports[:3]]
    folders = [threading.Thread(target=keep_folding) for _ in range(2)]
    for thread in movers + folders:
        thread.start()
    for thread in movers:
        thread.join()
    moving.clear()
    for thread in folders:
        thread.join()
    assert errors == []
    with database.transaction() as session:
        assert_counts_match(session, 5)
        by_status = select(StatArea.status, func.sum(StatArea.n)).group_by(StatArea.status)
        kept = {status: n for status, n in session.execute(by_status) if n}
        recount = select(Report.status, func.count()).group_by(Report.status)
        assert kept == dict(session.execute(recount).all())


def test_a_read_never_writes_and_says_how_far_behind_it_may_be(
    settings: Settings, reports: list[dict[str, Any]], database: Database
) -> None:
    """On PostgreSQL the submits only queued their counts: the dashboard reads what the worker
    has folded, leaves the queue as it is and says its counts may be the fold interval behind;
    after the worker's fold it counts them all. On SQLite they were counted when they were
    written, and the dashboard says it is not behind."""
    pg = database.dialect == "postgresql"

    def queued() -> int:
        with database.reading() as session:
            return int(session.scalar(text("SELECT count(*) FROM stat_pending")) or 0) if pg else 0

    with TestClient(create_app(settings)) as reader:  # no fold before its reads
        first = dashboard(reader)
        assert (first["totals"]["n"], queued()) == ((0, 5) if pg else (5, 0))
        assert first["counts_lag_s"] == (settings.stats_fold_interval_s if pg else 0)
        page = reader.get("/areas?lang=en").text
        assert ("Counts are updated every 2 seconds" in page) is pg
        fold_now(database)  # the worker's job
        assert (dashboard(reader)["totals"]["n"], queued()) == (5, 0)


def test_the_worker_folds_the_queue(
    reports: list[dict[str, Any]], database: Database, settings: Settings
) -> None:
    """Nobody reads: the worker's periodic job empties the queue all the same (PostgreSQL;
    SQLite has no queue and no such job)."""
    worker = build_worker(database, settings)
    worker.run_periodic()
    with database.reading() as session:
        assert session.scalar(select(func.sum(StatArea.n))) == len(reports)
        if database.dialect == "postgresql":
            assert session.scalar(text("SELECT count(*) FROM stat_pending")) == 0


def test_the_worker_vacuums_what_folds_leave_behind(
    reports: list[dict[str, Any]], database: Database, settings: Settings
) -> None:
    """A fold leaves every row it took dead, and each later fold scans the dead rows until a
    vacuum: the worker's job vacuums the queue itself, so the reads that fold stay cheap
    whatever autovacuum does. Its vacuum leaves the table no pages (they held only dead rows);
    a fold alone leaves them."""
    if database.dialect != "postgresql":
        pytest.skip("SQLite has no queue")
    size = text("SELECT pg_relation_size('stat_pending')")
    with database.transaction() as session:  # so that only the worker can vacuum it here
        session.execute(text("ALTER TABLE stat_pending SET (autovacuum_enabled = false)"))
    try:
        fold_now(database)
        with database.reading() as session:
            assert session.scalar(size) > 0
        build_worker(database, settings).run_periodic()
        with database.reading() as session:
            assert session.scalar(size) == 0
    finally:
        with database.transaction() as session:
            session.execute(text("ALTER TABLE stat_pending RESET (autovacuum_enabled)"))


def assert_counts_match(session: Any, total: int) -> None:
    fold(session)
    query = select(Report.kelurahan_code, func.count()).group_by(Report.kelurahan_code)
    recount = dict(session.execute(query).all())
    query = select(StatArea.kelurahan_code, func.sum(StatArea.n)).group_by(StatArea.kelurahan_code)
    kept = {code: n for code, n in session.execute(query) if n}
    assert kept == recount
    assert sum(recount.values()) == total
    for level in (12, 16):
        cells = session.scalar(select(func.sum(MapCell.n)).where(MapCell.level == level))
        assert cells == total
    responded = session.scalar(select(func.count()).where(Report.first_response_at.is_not(None)))
    kept_hist = session.scalar(select(func.sum(StatHist.n)).where(StatHist.kind == "r"))
    assert (kept_hist or 0) == responded
    assert session.scalar(select(func.sum(StatUnit.n))) == total


def test_ranking_ranks_only_units_with_enough_reports(
    client: TestClient, reports: list[dict[str, Any]], change: Change, settings: Any
) -> None:
    fold_before_reads(client)
    body = client.get("/api/v1/ranking").json()

    Ranking.model_validate(body)  # the answer is what the OpenAPI document says
    assert body["minimum"] == 10
    rows = [row for group in body["groups"].values() for row in group]
    assert sum(row["received"] for row in rows) == 5
    assert all(row["rank"] is None and row["ranked"] is False for row in rows)
    assert body["weights"] == {"response": 40, "resolution": 30, "fixes_held": 15, "rating": 15}
    assert client.get("/api/v1/ranking?months=5").status_code == 422


def test_ranking_scores_by_the_formula(
    backend: Any, database_url: str, reports: list[dict[str, Any]], change: Change
) -> None:
    from sigap.app import create_app
    from sigap.config import Settings

    for report in reports:
        change(report["id"], first_response_at=hours_ago(0), response_due_at=hours_ago(-1))
    change(reports[0]["id"], status="resolved", resolved_at=hours_ago(0), rating=5,
           rated_at=hours_ago(0))  # fmt: skip
    settings = Settings(database_url=database_url, ranking_min_reports=1)
    with TestClient(create_app(settings)) as client:
        fold_before_reads(client)
        body = client.get("/api/v1/ranking?months=1&lang=en").json()
        page = client.get("/ranking?months=1&lang=en")

    Ranking.model_validate(body)
    rows = [row for group in body["groups"].values() for row in group]
    assert all(row["ranked"] for row in rows)
    resolved_unit = next(row for row in rows if row["rates"]["resolution_within_sla"] == 1.0)
    assert resolved_unit["score"] == 100.0  # 40 + 30 + 15 x (1 - 0) + 15 x (5 - 1) / 4
    assert resolved_unit["mean_rating"] == 5.0
    others = [row for row in rows if row is not resolved_unit]
    # Nothing resolved yet, nothing rated: those components give no points.
    assert all(row["score"] == 40.0 for row in others)
    assert all(row["components"]["resolution"]["share"] is None for row in others)
    assert page.status_code == 200
    assert "Score = 40" in page.text
    assert resolved_unit["name"] in page.text


def test_dashboard_and_ranking_pages(client: TestClient, reports: list[dict[str, Any]]) -> None:
    fold_before_reads(client)
    region = client.get("/areas")
    assert region.status_code == 200
    assert "<svg" in region.text
    assert 'href="/areas/31.71?lang=id"' in region.text  # drill down to a kota
    kota = client.get("/areas/31.71?lang=en")
    assert "Dashboard: Kota Administrasi Jakarta Pusat" in kota.text or "Jakarta Pusat" in kota.text
    assert 'href="/areas/31.71.01?lang=en"' in kota.text
    client.cookies.delete("sigap_lang")  # the English chosen is remembered
    assert client.get("/areas/nowhere").status_code == 404
    ranking = client.get("/ranking")
    assert ranking.status_code == 200
    assert "Cara menghitung" in ranking.text
