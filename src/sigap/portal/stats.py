"""Area dashboards from the pre-aggregated counts (see :mod:`sigap.models.stats`).

Definitions (also on the page): the shares and the score are :func:`sigap.portal.fair.measure`,
the ranking's one rule (reports left unanswered, or unresolved, past their deadline are misses;
a share with nothing to measure is shown as such and gives no points);
* median times: from histograms of 15%-wide buckets, so within about 7%;
* trend: reports created per month (UTC), coloured by their status today.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sigap.kit import utcnow
from sigap.models import Report, StatArea, StatHist, StatMonth
from sigap.models.states import OPEN_STATUSES, STATUSES
from sigap.models.stats import BUCKET_COUNT, BUCKET_FIRST_S, BUCKET_RATIO
from sigap.portal import fair
from sigap.portal.areas import children, kelurahan_codes
from sigap.regions.state import AreaInfo, RegionState

SLA_COLUMNS = fair.SLA_COLUMNS
TREND_MONTHS = 12
LOWER_S = [0] + [round(BUCKET_FIRST_S * BUCKET_RATIO**i) for i in range(BUCKET_COUNT - 1)]


def dashboard(
    session: Session,
    state: RegionState,
    code: str | None,
    language: str,
    today: date,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Everything an area's dashboard shows; ``code`` None is the whole region; ``now`` is the
    clock that decides which deadlines have passed (default: the present)."""
    codes = kelurahan_codes(state, code) if code else None
    by_kelurahan = _by_kelurahan_status(session, codes)
    extras = kelurahan_extras(session, codes, now or utcnow())
    totals = _sum_rows(list(by_kelurahan.values()))
    for extra in extras.values():
        fair.add(totals, extra)
    measured = fair.measure(totals)
    return {
        "area": _area(state, code),
        "totals": totals,
        "rates": fair.rates(measured),
        "fair": measured,
        "by_status": _by_status(by_kelurahan),
        **_categories_and_units(session, state, codes, language),
        "children": _children(state, code, by_kelurahan, extras),
        "trend": _trend(session, codes, today),
        "median_response_s": median_seconds(_histogram(session, codes, "r")),
        "median_resolution_s": median_seconds(_histogram(session, codes, "x")),
    }


def kelurahan_extras(
    session: Session, codes: list[str] | None, now: datetime
) -> dict[str, dict[str, int]]:
    """Per kelurahan, what :func:`fair.measure` needs beside the stored counts: the clock's
    misses at ``now`` and the ratings (all time, like the rest of the dashboard)."""
    where = [] if codes is None else [Report.kelurahan_code.in_(codes)]
    found: dict[str, dict[str, int]] = {}
    for source in (
        fair.open_counts(session, Report.kelurahan_code, now, *where),
        fair.rating_counts(session, Report.kelurahan_code, *where),
    ):
        for kelurahan, extra in source.items():
            fair.add(found.setdefault(kelurahan, {}), extra)
    return found


def median_seconds(histogram: dict[int, int]) -> float | None:
    """The median of a bucket histogram: the geometric middle of the middle bucket."""
    total = sum(histogram.values())
    if total == 0:
        return None
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if 2 * seen >= total:
            return bucket_middle(bucket)
    return None  # pragma: no cover - the loop always reaches half


def bucket_middle(bucket: int) -> float:
    if bucket <= 0:
        return BUCKET_FIRST_S / 2
    low = LOWER_S[bucket]
    high = LOWER_S[bucket + 1] if bucket + 1 < len(LOWER_S) else low * BUCKET_RATIO
    return round(math.sqrt(low * high), 1)


def _where(query: Any, column: Any, codes: list[str] | None) -> Any:
    return query if codes is None else query.where(column.in_(codes))


def _by_kelurahan_status(
    session: Session, codes: list[str] | None
) -> dict[tuple[str, str], dict[str, int]]:
    sums = [func.sum(getattr(StatArea, c)).label(c) for c in SLA_COLUMNS]
    query = select(StatArea.kelurahan_code, StatArea.status, *sums).group_by(
        StatArea.kelurahan_code, StatArea.status
    )
    rows = session.execute(_where(query, StatArea.kelurahan_code, codes))
    return {
        (row.kelurahan_code, row.status): {c: int(getattr(row, c)) for c in SLA_COLUMNS}
        for row in rows
    }


def _sum_rows(rows: list[dict[str, int]]) -> dict[str, int]:
    return {c: sum(row[c] for row in rows) for c in SLA_COLUMNS}


def _by_status(by_kelurahan: dict[tuple[str, str], dict[str, int]]) -> dict[str, int]:
    found = dict.fromkeys(STATUSES, 0)
    for (_, status), counts in by_kelurahan.items():
        found[status] = found.get(status, 0) + counts["n"]
    return found


def _categories_and_units(
    session: Session, state: RegionState, codes: list[str] | None, language: str
) -> dict[str, list[dict[str, Any]]]:
    """Counts by category and by unit (with those pending) from one pass over the counts."""
    query = select(
        StatArea.category_code, StatArea.unit_id, StatArea.status, func.sum(StatArea.n)
    ).group_by(StatArea.category_code, StatArea.unit_id, StatArea.status)
    categories: dict[str, int] = {}
    units: dict[int, list[int]] = {}
    for category_code, unit_id, status, n in session.execute(
        _where(query, StatArea.kelurahan_code, codes)
    ):
        categories[category_code] = categories.get(category_code, 0) + int(n or 0)
        unit = units.setdefault(unit_id, [0, 0])
        unit[0] += int(n or 0)
        if status in OPEN_STATUSES:
            unit[1] += int(n or 0)
    return {
        "by_category": _category_rows(state, categories, language),
        "units": _unit_rows(state, units, language),
    }


def _category_rows(
    state: RegionState, counts: dict[str, int], language: str
) -> list[dict[str, Any]]:
    found = []
    for code, n in counts.items():
        category = state.categories.get(code)
        if n:
            found.append({"code": code, "name": category.name(language) if category else code,
                          "n": n})  # fmt: skip
    return sorted(found, key=lambda item: (-item["n"], item["name"]))


def _unit_rows(
    state: RegionState, counts: dict[int, list[int]], language: str
) -> list[dict[str, Any]]:
    found = []
    for unit_id, (n, pending) in counts.items():
        unit = state.units.get(unit_id)
        if unit is not None and n:
            found.append({"code": unit.code, "name": unit.name(language), "n": n,
                          "pending": pending})  # fmt: skip
    return sorted(found, key=lambda item: (-item["n"], item["name"]))


Extras = dict[str, dict[str, int]]


def _children(
    state: RegionState,
    code: str | None,
    by_kelurahan: dict[tuple[str, str], dict[str, int]],
    extras: Extras,
) -> list[dict[str, Any]]:
    """The areas one level down with their counts, for drilling down."""
    parent = code or _top(state)
    if parent is None:
        return []
    return [_area_row(state, child, by_kelurahan, extras) for child in children(state, parent)]


def area_rows(
    session: Session, state: RegionState, areas: list[AreaInfo], now: datetime | None = None
) -> list[dict[str, Any]]:
    """Rows like the drill-down's for any areas (the areas page's search results)."""
    codes = sorted({k for area in areas for k in kelurahan_codes(state, area.code)})
    by_kelurahan = _by_kelurahan_status(session, codes) if codes else {}
    extras = kelurahan_extras(session, codes, now or utcnow()) if codes else {}
    return [_area_row(state, area, by_kelurahan, extras) for area in areas]


def _area_row(
    state: RegionState,
    area: AreaInfo,
    by_kelurahan: dict[tuple[str, str], dict[str, int]],
    extras: Extras,
) -> dict[str, Any]:
    inside = set(kelurahan_codes(state, area.code))
    mine = [v for (k, _), v in by_kelurahan.items() if k in inside]
    pending = sum(
        v["n"] for (k, s), v in by_kelurahan.items() if k in inside and s in OPEN_STATUSES
    )
    totals = _sum_rows(mine)
    for kelurahan, extra in extras.items():
        if kelurahan in inside:
            fair.add(totals, extra)
    measured = fair.measure(totals)
    return {"code": area.code, "name": area.name, "level": area.level, "kind": area.kind,
            "n": totals["n"], "pending": pending, "rates": fair.rates(measured),
            "score": measured["score"]}  # fmt: skip


def _top(state: RegionState) -> str | None:
    return next((a.code for a in state.areas.values() if a.parent_code is None), None)


def _trend(session: Session, codes: list[str] | None, today: date) -> list[dict[str, Any]]:
    months = last_months(today, TREND_MONTHS)
    query = (
        select(StatMonth.month, StatMonth.status, func.sum(StatMonth.n))
        .where(StatMonth.month >= months[0])
        .group_by(StatMonth.month, StatMonth.status)
    )
    counts: dict[str, dict[str, int]] = {m: dict.fromkeys(STATUSES, 0) for m in months}
    for month, status, n in session.execute(_where(query, StatMonth.kelurahan_code, codes)):
        if month in counts and status in counts[month]:
            counts[month][status] = int(n or 0)
    return [{"month": m, "by_status": counts[m], "n": sum(counts[m].values())} for m in months]


def last_months(today: date, count: int) -> list[str]:
    year, month = today.year, today.month
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def _histogram(session: Session, codes: list[str] | None, kind: str) -> dict[int, int]:
    query = (
        select(StatHist.bucket, func.sum(StatHist.n))
        .where(StatHist.kind == kind)
        .group_by(StatHist.bucket)
    )
    rows = session.execute(_where(query, StatHist.kelurahan_code, codes))
    return {int(bucket): int(n) for bucket, n in rows if n}


def _area(state: RegionState, code: str | None) -> dict[str, Any]:
    if code is None:
        return {"code": None, "name": state.name, "level": "region", "lineage": []}
    area = state.areas[code]
    lineage = [{"code": a.code, "name": a.name, "level": a.level} for a in state.lineage(code)]
    return {"code": code, "name": area.name, "level": area.level, "lineage": lineage[::-1]}
