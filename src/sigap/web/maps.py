"""What every map starts from: the base layer and the region's first view.

All maps (the portal's, the report form's, the officials' and the admin console's) read one
``basemap`` config from the page (``<script id="basemap">``, drawn by ``/static/basemap.js``),
so a deployment's tile server, or Sigap's own street tiles, reach each of them alike.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from sigap.config import Settings
from sigap.deps import language_of
from sigap.geo.places import KINDS
from sigap.geo.streets import ATTRIBUTION
from sigap.regions.state import RegionState
from sigap.web.texts import translate

INDONESIA = [[-11.0, 95.0], [6.0, 141.0]]


def initial_bounds(state: RegionState) -> list[list[float]]:
    """The box of the middle 96% of kelurahan label points ([[south, west], [north, east]]):
    the populated part of the region, without far islands stretching the first view."""
    lons = sorted(a.label_lon for a in state.areas.values() if a.label_lon is not None)
    lats = sorted(a.label_lat for a in state.areas.values() if a.label_lat is not None)
    if not lons or not lats:
        return INDONESIA
    low, high = len(lons) * 2 // 100, len(lons) - 1 - len(lons) * 2 // 100
    return [[lats[low], lons[low]], [lats[high], lons[high]]]


def basemap(request: Request) -> dict[str, Any]:
    """The page's map config: ``tiles`` (an XYZ URL template, or None: boundaries only),
    ``attribution``, ``bounds`` (the region's first view) and the place search box's words."""
    language = language_of(request)
    settings: Settings = request.app.state.settings
    region: RegionState | None = getattr(request.app.state, "region", None)
    tiles, attribution = settings.map_tile_url, settings.map_tile_attribution
    if tiles is None and region is not None and region.streets_sha256:
        tiles = f"/api/v1/map/streets/{{z}}/{{x}}/{{y}}.png?v={region.streets_sha256[:12]}"
        attribution = ATTRIBUTION
    return {
        "tiles": tiles,
        "attribution": attribution,
        "bounds": initial_bounds(region) if region is not None else INDONESIA,
        "search": {
            "label": translate(language, "place_search_label"),
            "placeholder": translate(language, "place_search_placeholder"),
            "none": translate(language, "place_search_none"),
            "failed": translate(language, "place_search_failed"),
            "kinds": {kind: translate(language, f"place_kind_{kind}") for kind in KINDS},
        },
    }
