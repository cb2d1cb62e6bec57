"""The filters shared by the map, its clusters and the open-data exports, parsed once from the
query string so that a map URL and an export URL with the same parameters select the same
reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import Request

from sigap.errors import SigapError
from sigap.geo.spatial import BBox, parse_bbox
from sigap.inputs import storable
from sigap.models.states import STATUSES
from sigap.regions.state import RegionState
from sigap.reports import repository

ROUTE_MAX = 100  # a route id (report.transit_route's width)


@dataclass
class MapFilters:
    bbox: BBox | None = None
    categories: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    area: str | None = None
    since: date | None = None
    until: date | None = None
    overdue: bool = False
    route: str | None = None  # a transit route's id (sigap.reports.transit)

    def query_items(self) -> list[tuple[str, str]]:
        """The filters as query parameters (for links that keep them, e.g. exports)."""
        items = [("category", c) for c in self.categories]
        items += [("status", s) for s in self.statuses]
        if self.area:
            items.append(("area", self.area))
        if self.since:
            items.append(("since", self.since.isoformat()))
        if self.until:
            items.append(("until", self.until.isoformat()))
        if self.overdue:
            items.append(("overdue", "1"))
        if self.route:
            items.append(("route", self.route))
        return items

    def conditions(self, state: RegionState) -> list[Any]:
        """SQL conditions on ``report``; dates are whole local days of the deployment, both
        ends included."""
        zone = state.timezone
        since = datetime.combine(self.since, time(), zone) if self.since else None
        end = self.until + timedelta(days=1) if self.until else None
        base = repository.ReportFilters(
            categories=self.categories,
            statuses=self.statuses,
            area=self.area,
            since=since,
            until=datetime.combine(end, time(), zone) if end else None,
            overdue=self.overdue,
            route=self.route,
        )
        return repository._conditions(state, base)


def parse(request: Request, state: RegionState) -> MapFilters:
    """Filters from the query string; unknown categories, statuses or areas are refused."""
    params = request.query_params
    filters = MapFilters(
        bbox=parse_bbox(params.get("bbox")),
        categories=_values(params.getlist("category")),
        statuses=_values(params.getlist("status")),
        area=params.get("area") or None,
        since=_date(params.get("since"), "since"),
        until=_date(params.get("until"), "until"),
        overdue=params.get("overdue") in ("1", "true", "on"),
        route=params.get("route") or None,
    )
    _check(filters, state)
    return filters


def _check(filters: MapFilters, state: RegionState) -> None:
    bad = [("status", s) for s in filters.statuses if s not in STATUSES]
    bad += [("category", c) for c in filters.categories if c not in state.categories]
    if filters.area is not None and filters.area not in state.areas:
        bad.append(("area", filters.area))
    if filters.route is not None and len(filters.route) > ROUTE_MAX:
        bad.append(("route", filters.route))
    if bad:
        details = [{"field": name, "value": value} for name, value in bad]
        raise SigapError("invalid_input", details=details)


def _values(raw: list[str]) -> list[str]:
    return [part.strip() for value in raw for part in value.split(",") if part.strip()]


def _date(raw: str | None, name: str) -> date | None:
    """A day, within the calendar that its local midnights can be converted in."""
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or not storable(datetime.combine(day, time())):
        raise SigapError("invalid_input", details=[{"field": name, "value": raw}])
    return day
