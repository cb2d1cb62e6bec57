"""The lists everybody polls walk the partial indexes of open reports, on both databases.

Open311 clients ask for ``status=open`` (two states: open and in progress), with or without a
category. Walking a composite index instead means fetching every open report of the period and
sorting them; these tests look at the plans the databases choose for the real statements.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from sigap.db import Database
from sigap.kit import utcnow
from sigap.open311 import service
from sigap.open311.schemas import RequestSearch
from sigap.regions.state import load_state
from sigap.reports import repository
from sigap.reports.schemas import ReportSort


def plan(database: Database, search: RequestSearch) -> str:
    with database.reading() as session:
        region = load_state(session)
        filters = service.filters_of(search, region, utcnow())
        page = repository.Page(session, region, filters, ReportSort.newest, 1, 100)
        statement = page.select(service.COLUMNS)
        connection = session.connection()
        sql = str(statement.compile(connection, compile_kwargs={"literal_binds": True}))
        if database.dialect == "sqlite":
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()
            return "\n".join(str(row[3]) for row in rows)
        # An empty test table is cheapest to scan whole; a real one is not.
        connection.execute(text("SET enable_seqscan = off"))
        try:
            return "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + sql))
        finally:
            connection.execute(text("RESET enable_seqscan"))


@pytest.mark.parametrize(
    ("search", "index"),
    [
        (RequestSearch(status=["open"]), "ix_report_open_created_at_id"),
        (
            RequestSearch(status=["open"], service_code=["sampah"]),
            "ix_report_open_category_code_created_at_id",
        ),
    ],
    ids=["open", "open-in-a-category"],
)
def test_open_lists_use_the_partial_index(
    database: Database, search: RequestSearch, index: str
) -> None:
    assert index in plan(database, search)


def test_a_list_of_closed_reports_does_not_claim_the_open_index(database: Database) -> None:
    assert "ix_report_open_" not in plan(database, RequestSearch(status=["closed"]))
