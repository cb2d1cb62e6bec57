"""The fair ranking of units (the leaderboard done right).

Per unit, over the reports it holds that were created in the period (calendar months, UTC),
the score of :func:`sigap.portal.fair.measure`, the one rule the dashboards use too (read its
docstring for the components, the misses the clock makes, and why a component with nothing to
measure gives no points). Only units with at least ``ranking_min_reports`` reports whose
response can be judged (answered, or past the deadline) are ranked; the others are listed as
"too few".

A report counts for the unit that holds it: a forward moves it, with its clock restarted, to the
receiving unit, so a report forwarded out of authority never counts against the unit that sent
it (the stored counts follow ``report.unit_id``). Because a forward also takes a report off the
sender's books when it was the sender's job, each row shows how many reports the unit forwarded
and how many of those it declared out of its authority: passing reports on is visible, not
hidden.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from sigap.kit import utcnow
from sigap.models import Report, ReportEvent, StatUnit, StatUnitHist
from sigap.portal import fair
from sigap.portal.stats import SLA_COLUMNS, last_months, median_seconds
from sigap.regions.state import RegionState, UnitInfo

GROUPS = ("kelurahan", "kecamatan", "agency")
PERIODS = (1, 3, 6, 12)
WEIGHTS = fair.WEIGHTS


def ranking(
    session: Session,
    state: RegionState,
    *,
    months: int,
    minimum: int,
    language: str,
    today: date,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Every unit with reports in the last ``months``, grouped and ranked; ``now`` is the
    clock that decides which deadlines have passed (default: the present)."""
    since = last_months(today, months)[0]
    start = datetime.fromisoformat(f"{since}-01").replace(tzinfo=UTC)
    counts = unit_counts(session, start, now or utcnow())
    medians = _medians(session, since)
    forwards = _forwards(session, start)
    groups: dict[str, list[dict[str, Any]]] = {group: [] for group in GROUPS}
    for unit_id, measured in counts.items():
        unit = state.units.get(unit_id)
        if unit is None:
            continue
        row = _row(unit, measured, medians.get(unit_id, {}), language)
        row["forwarded"], row["forwarded_out_of_authority"] = forwards.get(unit_id, (0, 0))
        row["ranked"] = row["judged"] >= minimum
        groups[group_of(state, unit)].append(row)
    return {
        "since_month": since,
        "months": months,
        "minimum": minimum,
        "weights": WEIGHTS,
        "groups": {name: _ranked(rows) for name, rows in groups.items()},
    }


def unit_counts(session: Session, start: datetime, now: datetime) -> dict[int, dict[str, int]]:
    """Per unit, everything :func:`fair.measure` needs about its reports created since
    ``start``: the stored counts, the clock's misses at ``now``, the ratings."""
    totals = _totals(session, start.strftime("%Y-%m"))
    created = Report.created_at >= start
    for unit_id, extra in fair.open_counts(session, Report.unit_id, now, created).items():
        if unit_id in totals:
            fair.add(totals[unit_id], extra)
    # rated_at >= start bounds the index range; a report is rated after it was created.
    rated = fair.rating_counts(session, Report.unit_id, Report.rated_at >= start, created)
    for unit_id, extra in rated.items():
        if unit_id in totals:
            fair.add(totals[unit_id], extra)
    return totals


def group_of(state: RegionState, unit: UnitInfo) -> str:
    """Kelurahan and kecamatan offices are compared with their peers; all else (agencies,
    city governments, police, utilities) in one table."""
    area = state.areas.get(unit.area_code) if unit.area_code else None
    if unit.kind == "government" and area is not None and area.level in ("kelurahan", "kecamatan"):
        return area.level
    return "agency"


def _row(
    unit: UnitInfo, counts: dict[str, int], hist: dict[str, dict[int, int]], language: str
) -> dict[str, Any]:
    measured = fair.measure(counts)
    mean = measured["components"]["rating"]["mean"]
    return {
        "code": unit.code,
        "name": unit.name(language),
        "received": counts["n"],
        "judged": measured["judged"],
        "responded_in_sla": counts["responded_in_sla"],
        "response_missed": counts.get("response_missed", 0),
        "resolution_missed": counts.get("resolution_missed", 0),
        "rates": fair.rates(measured),
        "components": measured["components"],
        "median_response_s": median_seconds(hist.get("r", {})),
        "median_resolution_s": median_seconds(hist.get("x", {})),
        "mean_rating": mean,
        "ratings": counts.get("ratings", 0),
        "score": measured["score"],
    }


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ranked = sorted((r for r in rows if r["ranked"]), key=lambda r: (-r["score"], r["name"]))
    for position, row in enumerate(ranked, start=1):
        row["rank"] = position
    others = sorted((r for r in rows if not r["ranked"]), key=lambda r: (-r["received"], r["name"]))
    for row in others:
        row["rank"] = None
    return ranked + others


def _totals(session: Session, since: str) -> dict[int, dict[str, int]]:
    sums = [func.sum(getattr(StatUnit, c)).label(c) for c in SLA_COLUMNS]
    query = select(StatUnit.unit_id, *sums).where(StatUnit.month >= since)
    rows = session.execute(query.group_by(StatUnit.unit_id))
    return {
        row.unit_id: {c: int(getattr(row, c) or 0) for c in SLA_COLUMNS} for row in rows if row.n
    }


def _medians(session: Session, since: str) -> dict[int, dict[str, dict[int, int]]]:
    query = (
        select(
            StatUnitHist.unit_id, StatUnitHist.kind, StatUnitHist.bucket, func.sum(StatUnitHist.n)
        )
        .where(StatUnitHist.month >= since)
        .group_by(StatUnitHist.unit_id, StatUnitHist.kind, StatUnitHist.bucket)
    )
    found: dict[int, dict[str, dict[int, int]]] = {}
    for unit_id, kind, bucket, n in session.execute(query):
        if n:
            found.setdefault(unit_id, {}).setdefault(kind, {})[int(bucket)] = int(n)
    return found


def _forwards(session: Session, start: datetime) -> dict[int, tuple[int, int]]:
    """Per unit: reports it forwarded since ``start``, and how many as out of its authority."""
    flag = ReportEvent.data["out_of_authority"].as_boolean()
    query = (
        select(
            ReportEvent.actor_unit_id,
            func.count(),
            func.sum(case((flag.is_(True), 1), else_=0)),
        )
        .where(ReportEvent.action == "forward", ReportEvent.created_at >= start)
        .group_by(ReportEvent.actor_unit_id)
    )
    return {
        unit_id: (int(total), int(outside or 0))
        for unit_id, total, outside in session.execute(query)
        if unit_id is not None
    }
