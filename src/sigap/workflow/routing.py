"""Routing a report: point → kelurahan (geo index), then (category, area) → responsible unit.

Routing is an explicit call in the submit use case; the decision and the boundary version used
are stored on the report, never recomputed by a hook.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sigap.errors import OutsideServiceArea, SigapError
from sigap.regions.state import CategoryInfo, RegionState


@dataclass(frozen=True, slots=True)
class Placement:
    kelurahan_code: str
    kecamatan_code: str
    kabkota_code: str
    method: str
    distance_m: float
    boundary_version_id: int
    rw_code: str | None = None


def place(state: RegionState, lon: float, lat: float) -> Placement:
    """The kelurahan (and its kecamatan and kota) of a point, or ``outside_service_area``."""
    found = state.index.locate(lon, lat)
    if found is None:
        raise OutsideServiceArea(lat=lat, lon=lon, region=state.name)
    by_level = {area.level: area.code for area in state.lineage(found.code)}
    return Placement(
        kelurahan_code=found.code,
        kecamatan_code=by_level["kecamatan"],
        kabkota_code=by_level["kabkota"],
        method=found.method,
        distance_m=round(found.distance_m, 1),
        boundary_version_id=state.boundary_version_id,
        rw_code=rw_of(state, lon, lat, found.code),
    )


def rw_of(state: RegionState, lon: float, lat: float, kelurahan_code: str) -> str | None:
    """The RW of a point where the pack has RW boundaries; None when none holds it or the RW
    found belongs to another kelurahan (RW outlines and official boundaries disagree along the
    edges: no RW is better than a wrong one)."""
    if state.rw_index is None:
        return None
    found = state.rw_index.locate(lon, lat)
    return found if found is not None and found.startswith(kelurahan_code + ".") else None


def responsible_unit(
    state: RegionState, category: str, kelurahan_code: str, agency: str | None = None
) -> int:
    """The transit operator's unit when the report names a route of an ``agency`` the pack
    maps (``transit_operators.csv``; an inactive unit is passed over); otherwise the most
    specific routing rule: category rules before any-category rules, then the deepest area
    first; with no rule, the kelurahan's own government unit. Remembered per (category,
    kelurahan) in the snapshot: an import or a console change of the rules brings a new
    snapshot with an empty cache."""
    if agency is not None:
        operator = state.operators.get(agency)
        if operator is not None and state.units[operator].active:
            return operator
    key = (category, kelurahan_code)
    unit_id = state.route_cache.get(key)
    if unit_id is None:
        unit_id = state.route_cache[key] = _most_specific(state, category, kelurahan_code)
    return unit_id


def _most_specific(state: RegionState, category: str, kelurahan_code: str) -> int:
    lineage = [area.code for area in state.lineage(kelurahan_code)]
    for rule_category in (category, None):
        for area in [*lineage, None]:
            unit_id = state.rules.get((rule_category, area))
            if unit_id is not None:
                return unit_id
    unit_id = state.government_unit.get(kelurahan_code)
    if unit_id is None:
        raise SigapError("no_responsible_unit", category=category, area=kelurahan_code)
    return unit_id


def deadlines(category: CategoryInfo, received_at: datetime) -> tuple[datetime, datetime]:
    """Response and resolution deadlines, counted from when the unit received the report."""
    return (
        received_at + timedelta(hours=category.response_hours),
        received_at + timedelta(hours=category.resolution_hours),
    )
