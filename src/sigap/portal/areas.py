"""Area helpers over the region snapshot: descendants and breadcrumbs."""

from __future__ import annotations

from sigap.regions.state import AreaInfo, RegionState

LEVEL_ORDER = ("province", "kabkota", "kecamatan", "kelurahan")


def kelurahan_codes(state: RegionState, code: str) -> list[str]:
    """The kelurahan/desa codes inside an area (the area itself if it is one)."""
    area = state.areas[code]
    if area.level == "kelurahan":
        return [code]
    found: list[str] = []
    stack = [code]
    while stack:
        for child in state.children.get(stack.pop(), []):
            if state.areas[child].level == "kelurahan":
                found.append(child)
            else:
                stack.append(child)
    return sorted(found)


def children(state: RegionState, code: str) -> list[AreaInfo]:
    return sorted((state.areas[c] for c in state.children.get(code, [])), key=lambda a: a.name)


def region_area(state: RegionState) -> AreaInfo | None:
    """The top area of the deployment (the province), if the pack has one."""
    return next((a for a in state.areas.values() if a.parent_code is None), None)


def descendants(state: RegionState, code: str | None) -> list[AreaInfo]:
    """Every area below ``code`` (below the top area for None), kota before kecamatan before
    kelurahan, each level by name."""
    top = region_area(state) if code is None else state.areas[code]
    found: list[AreaInfo] = []
    stack = [top.code] if top else []
    while stack:
        for child in state.children.get(stack.pop(), []):
            found.append(state.areas[child])
            stack.append(child)
    return sorted(found, key=lambda a: (LEVEL_ORDER.index(a.level), a.name, a.code))
