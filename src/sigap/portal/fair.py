"""The one rule of the portal's shares and score: dashboards and the ranking both call
:func:`measure` (never a formula of their own).

What counts, per set of reports (a unit's in a period, an area's):

* **response**: first responses by the response deadline, of the reports whose response can be
  judged: those answered, and those still unanswered after their deadline (a miss). A report
  not yet answered whose deadline has not passed is not judged yet.
* **resolution**: fixes by the resolution deadline, of the fixes plus the reports still open
  (or in progress) after their resolution deadline (a miss). A reopened report is open again:
  its earlier fix no longer counts until it is fixed again. Rejected and duplicate reports have
  no resolution to judge.
* **fixes held**: reports fixed and never reopened, of those ever fixed plus those never fixed
  though their resolution deadline has passed.
* **rating**: the reporters' mean 1-5 rating, as ``(mean - 1) / 4``; a report never fixed
  though its resolution deadline has passed counts as a rating of 1.

So a report left alone past its deadlines is the worst outcome in every component: whatever
the unit does with it instead (answer late, fix badly, be rated 1) never scores lower, and
ignoring a report never pays (tests/portal/test_fair_properties.py).

``score = 40 x response + 30 x resolution + 15 x fixes held + 15 x rating``. A component with
nothing to measure gives **no points** (and is shown as "nothing to measure yet"): the score is
over all four weights, never re-scaled to those measured, so a unit never gains by having less
measured; every measurement adds between 0 and its weight. A unit is ranked only when at least
``minimum`` of its reports' responses can be judged; until then it is listed as "too few".

The stored counts (``stat_*``, kept by triggers) say what happened; the misses that the clock
makes (a deadline passing with nothing done) are read from the open reports themselves by
:func:`open_counts`, which also takes back the earlier fixes of reopened reports.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session

from sigap.models import Report
from sigap.models.states import OPEN_IN_INDEX_ORDER

WEIGHTS = {"response": 40, "resolution": 30, "fixes_held": 15, "rating": 15}
# Counts read from the open reports and the ratings, beside the stored SLA counts: unanswered
# past the response deadline; unresolved past the resolution deadline, and of those the ones
# never fixed; reopened ones whose earlier fix the stored counts hold, and of those in time.
OPEN_COLUMNS = (
    "response_missed",
    "resolution_missed",
    "unfixed_missed",
    "refixing",
    "refixing_in_sla",
)
RATING_COLUMNS = ("rating_sum", "ratings")
EXTRA_COLUMNS = OPEN_COLUMNS + RATING_COLUMNS
# The counts the report triggers keep per unit and area (stat_unit, stat_area), read as sums.
SLA_COLUMNS = (
    "n",
    "responded",
    "responded_in_sla",
    "resolved",
    "resolved_in_sla",
    "ever_resolved",
    "reopened",
)


def measure(counts: dict[str, int]) -> dict[str, Any]:
    """Components and score of one set of reports.

    ``counts`` holds the stored SLA counts (:data:`SLA_COLUMNS`) and
    :data:`EXTRA_COLUMNS` (missing ones count 0). Each component is ``{"weight", "hits", "of",
    "share", "points"}``; ``share`` is None (and ``points`` 0) when ``of`` is 0."""
    c = {key: int(counts.get(key, 0)) for key in _ALL}
    resolved = c["resolved"] - c["refixing"]
    components = {
        "response": _share(c["responded_in_sla"], c["responded"] + c["response_missed"]),
        "resolution": _share(
            c["resolved_in_sla"] - c["refixing_in_sla"], resolved + c["resolution_missed"]
        ),
        "fixes_held": _share(
            c["ever_resolved"] - c["reopened"], c["ever_resolved"] + c["unfixed_missed"]
        ),
        "rating": _rating(
            c["rating_sum"] + c["unfixed_missed"], c["ratings"] + c["unfixed_missed"]
        ),
    }
    components["fixes_held"]["missed"] = c["unfixed_missed"]
    components["rating"]["missed"] = c["unfixed_missed"]
    components["response"]["missed"] = c["response_missed"]
    components["resolution"]["missed"] = c["resolution_missed"]
    for name, component in components.items():
        weight = WEIGHTS[name]
        share = component["share"]
        component["weight"] = weight
        component["points"] = 0.0 if share is None else round(weight * share, 2)
    score = round(sum(component["points"] for component in components.values()), 1)
    return {
        "components": components,
        "score": score,
        "judged": components["response"]["of"],
    }


def _share(hits: int, of: int) -> dict[str, Any]:
    return {"hits": hits, "of": of, "share": round(hits / of, 4) if of > 0 else None}


def _rating(total: int, ratings: int) -> dict[str, Any]:
    if ratings <= 0:
        return {"hits": None, "of": 0, "share": None, "mean": None}
    mean = total / ratings
    return {"hits": None, "of": ratings, "share": round((mean - 1) / 4, 4), "mean": round(mean, 2)}


def rates(measured: dict[str, Any]) -> dict[str, float | None]:
    """The shares under their public names (API fields ``rates``), from :func:`measure`."""
    components = measured["components"]
    return {
        "response_within_sla": components["response"]["share"],
        "resolution_within_sla": components["resolution"]["share"],
        "fixes_held": components["fixes_held"]["share"],
        "mean_rating": components["rating"]["mean"],
    }


def add(into: dict[str, int], counts: dict[str, int]) -> dict[str, int]:
    for key, value in counts.items():
        into[key] = into.get(key, 0) + value
    return into


def open_counts(
    session: Session, group: Any, now: datetime, *conditions: Any
) -> dict[Any, dict[str, int]]:
    """Per ``group`` (a column of ``report``): the clock's misses among the open reports
    matching ``conditions``, and their earlier fixes that no longer count (reopened).

    The open states are written into the SQL as the partial indexes name them (0011), so both
    databases can walk those indexes; open reports are few beside all reports."""
    at: Any = bindparam("fair_now", now)
    states: Any = bindparam(
        "fair_open", list(OPEN_IN_INDEX_ORDER), expanding=True, literal_execute=True
    )

    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    query = (
        select(
            group,
            count(Report.first_response_at.is_(None) & (Report.response_due_at < at)),
            count(Report.resolution_due_at < at),
            count(
                (Report.resolution_due_at < at)
                & Report.resolved_at.is_(None)
                & (Report.reopen_count == 0)
            ),
            count(Report.resolved_at.is_not(None)),
            count(Report.resolved_at <= Report.resolution_due_at),
        )
        .where(Report.status.in_(states), *conditions)
        .group_by(group)
    )
    return {
        key: dict(zip(OPEN_COLUMNS, (int(v or 0) for v in values), strict=True))
        for key, *values in session.execute(query)
    }


def rating_counts(session: Session, group: Any, *conditions: Any) -> dict[Any, dict[str, int]]:
    """Per ``group``: the sum and number of the reporters' ratings of the matching reports.
    Read through the partial index of rated reports (``rated_at``, 0012) and summed here:
    asked to GROUP BY in SQL, SQLite walked the whole table by the group's index instead."""
    query = select(group, Report.rating).where(Report.rated_at.is_not(None), *conditions)
    found: dict[Any, dict[str, int]] = {}
    for key, rating in session.execute(query):
        if rating is None:
            continue
        sums = found.setdefault(key, {"rating_sum": 0, "ratings": 0})
        sums["rating_sum"] += int(rating)
        sums["ratings"] += 1
    return found


_ALL = (*SLA_COLUMNS, *EXTRA_COLUMNS)
