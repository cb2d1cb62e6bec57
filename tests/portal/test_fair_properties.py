"""Properties of the fair score over random sets of reports, on the real path: hypothesis
draws each report's fate, the fates are written to real report rows (the triggers count them,
PostgreSQL's queue is folded), and the unit's row is read by ``portal.ranking.ranking``, the
function behind /ranking and /api/v1/ranking, at a fixed clock. Nothing is recomputed here:
what is compared is what the portal would publish.

(a) ignoring a report (no answer, no fix, both deadlines passed) instead of handling it never
raises the unit's score nor any component; (b) answering (or fixing) late never scores better
than in time; (c) one more answer in time never lowers the score.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from sigap.db import Database
from sigap.kit import utcnow
from sigap.models import Report
from sigap.portal import ranking
from sigap.portal.fold import fold
from sigap.regions.state import RegionState

REPORTS = 6
GAMBIR = "kel-31.71.01.1001"
MONAS = {"category": "sampah", "lat": -6.1754, "lon": 106.8272, "description": "Mohon dicek."}
DAY = timedelta(days=1)
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Fate:
    response: str  # "none", "on_time", "late"
    response_past: bool  # the response deadline has passed
    fix: str  # "none", "on_time", "late", "rejected"
    resolution_past: bool
    reopened: bool
    rating: int | None

    def columns(self, now: datetime) -> dict[str, Any]:
        response_due = now - 15 * DAY if self.response_past else now + DAY
        resolution_due = now - 5 * DAY if self.resolution_past else now + 5 * DAY
        values: dict[str, Any] = {
            "created_at": now - 20 * DAY,
            "status": "open",
            "response_due_at": response_due,
            "resolution_due_at": resolution_due,
            "first_response_at": None,
            "resolved_at": None,
            "rejected_at": None,
            "reopen_count": 0,
            "rating": None,
            "rated_at": None,
        }
        if self.response == "none":
            return values
        on_time = min(response_due, now) - timedelta(hours=1)
        values["first_response_at"] = on_time if self.response == "on_time" else response_due + DAY
        values["status"] = "in_progress"
        values["reopen_count"] = int(self.reopened)
        if self.fix == "rejected":
            values.update(status="rejected", rejected_at=now - DAY, reopen_count=0)
            return values
        if self.fix in ("on_time", "late"):
            fixed = min(resolution_due, now) - timedelta(hours=1)
            late = resolution_due + DAY
            values.update(status="resolved", resolved_at=fixed if self.fix == "on_time" else late)
        elif self.reopened:  # reopened, waiting for a new fix
            values["resolved_at"] = now - 10 * DAY
        if values["resolved_at"] is not None and self.rating is not None:
            values.update(rating=self.rating, rated_at=now - timedelta(minutes=30))
        return values


@st.composite
def fates(draw: st.DrawFn) -> Fate:
    response = draw(st.sampled_from(["none", "on_time", "late"]))
    fix = draw(st.sampled_from(["none", "on_time", "late", "rejected"]))
    return normal(
        Fate(
            response=response,
            response_past=draw(st.booleans()),
            fix=fix,
            resolution_past=draw(st.booleans()),
            reopened=draw(st.booleans()),
            rating=draw(st.none() | st.integers(1, 5)),
        )
    )


def normal(fate: Fate) -> Fate:
    """What can happen: late only after a deadline, nothing fixed or rated before an answer."""
    if fate.response == "late":
        fate = replace(fate, response_past=True)
    if fate.fix == "late":
        fate = replace(fate, resolution_past=True)
    if fate.response == "none":
        fate = replace(fate, fix="none", reopened=False, rating=None)
    return fate


IGNORED = Fate("none", True, "none", True, False, None)


class Portal:
    """Writes fates to the pool of reports and reads Gambir's ranking row, at one clock."""

    def __init__(self, client: TestClient, database: Database) -> None:
        self.state: RegionState = client.app.state.region  # type: ignore[attr-defined]
        self.database = database
        self.unit = self.state.units_by_code[GAMBIR]
        self.now = utcnow()
        self.ids = []
        for _ in range(REPORTS):
            response = client.post("/api/v1/reports", json=MONAS)
            assert response.status_code == 201, response.text
            self.ids.append(response.json()["id"])

    def row(self, chosen: list[Fate]) -> dict[str, Any]:
        with self.database.transaction() as session:
            for report_id, fate in zip(self.ids, chosen, strict=True):
                values = {**fate.columns(self.now), "unit_id": self.unit.id}
                session.execute(update(Report).where(Report.id == report_id).values(**values))
        with self.database.transaction() as session:
            fold(session)
            data = ranking.ranking(
                session, self.state, months=12, minimum=1, language="en",
                today=self.now.astimezone(self.state.timezone).date(), now=self.now,
            )  # fmt: skip
        rows = [r for rows in data["groups"].values() for r in rows if r["code"] == GAMBIR]
        assert len(rows) == 1
        return rows[0]


@pytest.fixture
def portal(client: TestClient, database: Database) -> Portal:
    return Portal(client, database)


def points(row: dict[str, Any]) -> dict[str, float]:
    return {name: c["points"] for name, c in row["components"].items()}


def at_most(lower: dict[str, Any], upper: dict[str, Any]) -> None:
    assert lower["score"] <= upper["score"]
    for name, value in points(lower).items():
        assert value <= points(upper)[name], name


pools = st.lists(fates(), min_size=REPORTS, max_size=REPORTS)
spot = st.integers(0, REPORTS - 1)


@EXAMPLES
@given(pool=pools, i=spot, handled=fates())
def test_ignoring_a_report_never_raises_the_score_or_a_share(
    portal: Portal, pool: list[Fate], i: int, handled: Fate
) -> None:
    """The same report, both deadlines passed: handled in any way the unit can (answered in
    time or late; fixed in time, late, rejected or not yet; reopened; rated anything), or left
    alone."""
    if handled.response == "none":
        handled = replace(handled, response="late")
    handled = normal(replace(handled, response_past=True, resolution_past=True))
    answered = portal.row([*pool[:i], handled, *pool[i + 1 :]])
    ignored = portal.row([*pool[:i], IGNORED, *pool[i + 1 :]])

    at_most(ignored, answered)
    share_ignored = ignored["rates"]["response_within_sla"]
    assert share_ignored is not None
    assert share_ignored <= answered["rates"]["response_within_sla"]


@EXAMPLES
@given(pool=pools, i=spot, what=st.sampled_from(["response", "fix"]))
def test_late_never_scores_better_than_in_time(
    portal: Portal, pool: list[Fate], i: int, what: str
) -> None:
    """The same report with the same deadlines (passed: late needs them), all else kept."""
    base = pool[i]
    if what == "response":
        base = replace(base, response_past=True)
        in_time, late = replace(base, response="on_time"), replace(base, response="late")
    else:
        answered = "on_time" if base.response == "none" else base.response
        base = replace(base, response=answered, resolution_past=True)
        in_time, late = replace(base, fix="on_time"), replace(base, fix="late")
    in_time, late = normal(in_time), normal(late)
    on_time_row = portal.row([*pool[:i], in_time, *pool[i + 1 :]])
    late_row = portal.row([*pool[:i], late, *pool[i + 1 :]])

    at_most(late_row, on_time_row)


@EXAMPLES
@given(pool=pools, i=spot)
def test_one_more_answer_in_time_never_lowers_the_score(
    portal: Portal, pool: list[Fate], i: int
) -> None:
    """A report not answered, or answered late, is answered in time instead (all else kept)."""
    before = pool[i]
    if before.response == "on_time":
        before = normal(replace(before, response="late"))
    after = replace(before, response="on_time")
    if before.response == "none":
        after = replace(after, fix="none", reopened=False, rating=None)
    lower = portal.row([*pool[:i], before, *pool[i + 1 :]])
    higher = portal.row([*pool[:i], after, *pool[i + 1 :]])

    assert lower["score"] <= higher["score"]
    assert points(lower)["response"] <= points(higher)["response"]
