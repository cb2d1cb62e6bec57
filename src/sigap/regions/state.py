"""An in-memory snapshot of a deployment's reference data, loaded once per process.

Submitting and listing reports need area names, units, categories, routing rules and the
boundary index on every request; these change only with a region import (followed by a
restart) or an admin console change, so each app process loads them at start-up. The admin
console replaces the snapshot after a change and bumps ``region.imported_at``, which every
process checks every few seconds (:mod:`sigap.admin.reload`) to load the new snapshot. The
boundary index is cached per boundary version, so that several apps in one process (tests) and
reloads build it once.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.geo import landmarks, rw
from sigap.geo.index import BoundaryIndex
from sigap.geo.streets import StreetLayer
from sigap.models import (
    Area,
    AreaBoundary,
    BoundaryVersion,
    Category,
    CategoryQuestion,
    Region,
    RegionLayer,
    RoutingRule,
    TransitOperator,
    Unit,
)


@dataclass(frozen=True, slots=True)
class AreaInfo:
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None
    postcode: str | None
    label_lon: float | None
    label_lat: float | None


@dataclass(frozen=True, slots=True)
class UnitInfo:
    id: int
    code: str
    name_id: str
    name_en: str
    kind: str
    parent_id: int | None
    area_code: str | None
    active: bool = True
    escalates_to: int | None = None  # where a unit without a parent escalates (the pack says)

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_id


@dataclass(frozen=True, slots=True)
class ChoiceInfo:
    """One option of a list question: the key a client sends and its names."""

    key: str
    name_id: str
    name_en: str

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_id


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """An extra question of a category (see :class:`sigap.models.CategoryQuestion`)."""

    code: str
    datatype: str
    required: bool
    order: int
    label_id: str
    label_en: str
    description_id: str = ""
    description_en: str = ""
    choices: tuple[ChoiceInfo, ...] = ()
    active: bool = True

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_id

    def description(self, language: str) -> str:
        """How to answer (may be empty)."""
        return self.description_en if language == "en" else self.description_id

    def choice(self, key: str) -> ChoiceInfo | None:
        return next((c for c in self.choices if c.key == key), None)


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    code: str
    name_id: str
    name_en: str
    icon: str
    response_hours: int
    resolution_hours: int
    photo_required: bool
    sort_order: int
    active: bool
    # The questions a new report is asked, in the order shown; retired ones only explain the
    # answers old reports hold.
    questions: tuple[QuestionInfo, ...] = ()
    retired_questions: tuple[QuestionInfo, ...] = ()

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_id

    def question(self, code: str) -> QuestionInfo | None:
        """A question by code, retired ones included (to present stored answers)."""
        for question in (*self.questions, *self.retired_questions):
            if question.code == code:
                return question
        return None


@dataclass
class RegionState:
    code: str
    slug: str
    name: str
    timezone: ZoneInfo
    areas: dict[str, AreaInfo]
    units: dict[int, UnitInfo]
    categories: dict[str, CategoryInfo]
    rules: dict[tuple[str | None, str | None], int]
    boundary_version_id: int
    index: BoundaryIndex
    imported_at: datetime  # when the reference data last changed
    layers: dict[str, str] = field(default_factory=dict)  # the pack's map layers: name -> sha256
    rw_index: rw.RwIndex | None = None  # point -> RW code, where the pack has RW boundaries
    children: dict[str, list[str]] = field(default_factory=dict)
    units_by_code: dict[str, UnitInfo] = field(default_factory=dict)
    government_unit: dict[str, int] = field(default_factory=dict)
    route_cache: dict[tuple[str, str], int] = field(default_factory=dict)
    unit_children: dict[int, list[int]] = field(default_factory=dict)
    top_units: frozenset[int] | None = None  # see _top
    triage: bool = False  # new reports wait for a moderator before they are public
    # GTFS agency (as namespaced: mrt:MRTJ) -> the unit receiving reports naming its routes
    operators: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for area in self.areas.values():
            if area.parent_code:
                self.children.setdefault(area.parent_code, []).append(area.code)
        for unit in self.units.values():
            self.units_by_code[unit.code] = unit
            if unit.kind == "government" and unit.area_code and unit.active:
                self.government_unit.setdefault(unit.area_code, unit.id)
            if unit.parent_id is not None:
                self.unit_children.setdefault(unit.parent_id, []).append(unit.id)

    @property
    def streets_sha256(self) -> str | None:
        return self.layers.get("streets")

    def lineage(self, code: str) -> list[AreaInfo]:
        """The area and its ancestors, deepest first."""
        chain: list[AreaInfo] = []
        current = self.areas.get(code)
        while current is not None:
            chain.append(current)
            current = self.areas.get(current.parent_code) if current.parent_code else None
        return chain

    def unit_subtree(self, unit_id: int) -> frozenset[int]:
        """The unit and every unit below it."""
        found = {unit_id}
        pending = [unit_id]
        while pending:
            for child in self.unit_children.get(pending.pop(), ()):
                if child not in found:
                    found.add(child)
                    pending.append(child)
        return frozenset(found)

    @property
    def supervisor(self) -> int | None:
        """The region's supervisor: the government unit of the pack's root area (the governor's
        or the bupati's office), where every escalation chain ends."""
        return self.government_unit.get(self.code)

    def escalates_to(self, unit_id: int) -> int | None:
        """The unit one level above: the parent, else the unit the pack names in
        ``escalates_to``, else the region's supervisor. None at the top: the supervisor and
        the units above it (Gowa's province above the kabupaten)."""
        unit = self.units[unit_id]
        above = unit.parent_id if unit.parent_id is not None else unit.escalates_to
        if above is None and unit_id not in self._top():
            above = self.supervisor
        return above

    def _top(self) -> frozenset[int]:
        """The supervisor and the units its own chain climbs to: they have no fallback."""
        if self.top_units is None:
            found: set[int] = set()
            current = self.supervisor
            while current is not None and current not in found:
                found.add(current)
                unit = self.units[current]
                current = unit.parent_id if unit.parent_id is not None else unit.escalates_to
            self.top_units = frozenset(found)
        return self.top_units

    def unit_ancestors(self, unit_id: int) -> list[int]:
        """The units a report of ``unit_id`` escalates through, nearest first (kelurahan →
        kecamatan → kota → province; police → the unit its ``escalates_to`` names → …)."""
        chain: list[int] = []
        above = self.escalates_to(unit_id)
        while above is not None and above not in chain and above != unit_id:
            chain.append(above)
            above = self.escalates_to(above)
        return chain


_INDEXES: dict[str, BoundaryIndex] = {}


def load_state(session: Session) -> RegionState:
    region = session.scalar(select(Region))
    version = session.scalar(select(BoundaryVersion).where(BoundaryVersion.is_current))
    if region is None or version is None:
        raise SigapError("region_not_loaded")
    # Columns, not ORM objects: a snapshot is made at every start and reload (every app a
    # test makes), and materialising each area and unit as an entity cost most of it.
    areas = {
        row[0]: AreaInfo(*row)
        for row in session.execute(
            select(
                Area.code,
                Area.name,
                Area.level,
                Area.kind,
                Area.parent_code,
                Area.postcode,
                Area.label_lon,
                Area.label_lat,
            )
        )
    }
    units = {
        row[0]: UnitInfo(*row)
        for row in session.execute(
            select(
                Unit.id,
                Unit.code,
                Unit.name_id,
                Unit.name_en,
                Unit.kind,
                Unit.parent_id,
                Unit.area_code,
                Unit.active,
                Unit.escalates_to_id,
            )
        )
    }
    questions = _questions(session)
    categories = {
        c.code: CategoryInfo(
            c.code,
            c.name_id,
            c.name_en,
            c.icon,
            c.response_hours,
            c.resolution_hours,
            c.photo_required,
            c.sort_order,
            c.active,
            questions=tuple(q for q in questions.get(c.code, ()) if q.active),
            retired_questions=tuple(q for q in questions.get(c.code, ()) if not q.active),
        )
        for c in session.scalars(select(Category).order_by(Category.sort_order, Category.code))
    }
    rules = {
        (r.category_code, r.area_code): r.unit_id for r in session.scalars(select(RoutingRule))
    }
    layers = dict(session.execute(select(RegionLayer.name, RegionLayer.sha256)).all())
    return RegionState(
        code=region.code,
        slug=region.slug,
        name=region.name,
        timezone=ZoneInfo(region.timezone),
        areas=areas,
        units=units,
        categories=categories,
        rules=rules,
        boundary_version_id=version.id,
        index=_index_for(session, version, areas),
        imported_at=region.imported_at,
        layers=layers,
        rw_index=None if "rw" not in layers else _rw_index(session, layers["rw"], areas),
        triage=bool(region.triage),
        operators=dict(
            session.execute(select(TransitOperator.agency, TransitOperator.unit_id)).all()
        ),
    )


def _questions(session: Session) -> dict[str, list[QuestionInfo]]:
    """Every category's questions, in the order they are asked."""
    found: dict[str, list[QuestionInfo]] = {}
    query = select(CategoryQuestion).order_by(
        CategoryQuestion.category_code, CategoryQuestion.position, CategoryQuestion.code
    )
    for row in session.scalars(query):
        found.setdefault(row.category_code, []).append(question_info(row))
    return found


def question_info(row: CategoryQuestion) -> QuestionInfo:
    return QuestionInfo(
        code=row.code,
        datatype=row.datatype,
        required=row.required,
        order=row.position,
        label_id=row.label_id,
        label_en=row.label_en,
        description_id=row.description_id or "",
        description_en=row.description_en or "",
        choices=tuple(
            ChoiceInfo(str(c["key"]), str(c["name_id"]), str(c["name_en"])) for c in row.choices
        ),
        active=row.active,
    )


def _index_for(
    session: Session, version: BoundaryVersion, areas: dict[str, AreaInfo]
) -> BoundaryIndex:
    cached = _INDEXES.get(version.sha256)
    if cached is not None:
        return cached
    polygons = kelurahan_polygons(session, version.id, areas)
    index = BoundaryIndex.build(list(polygons.items()))
    _INDEXES[version.sha256] = index
    return index


def kelurahan_polygons(
    session: Session, version_id: int, areas: dict[str, AreaInfo]
) -> dict[str, BaseGeometry]:
    """The kelurahan/desa polygons of a boundary version (the routing layer), by area code."""
    rows = session.execute(
        select(AreaBoundary.area_code, AreaBoundary.geometry).where(
            AreaBoundary.version_id == version_id
        )
    )
    return {
        code: shape(json.loads(text))
        for code, text in rows
        if code in areas and areas[code].level == "kelurahan"
    }


T = TypeVar("T")
_LAYERS: dict[tuple[str, str], object] = {}
_LAYERS_LOCK = threading.Lock()


def _layer(session: Session, name: str, digest: str, build: Callable[[str], T]) -> T | None:
    """A map layer of the pack built from its stored text once per process and import (by
    sha256). Requests that come in together (the first tiles of a page, on the server's
    threads) wait for the one that builds it instead of building it again. None when the
    layer was replaced since this process loaded the region (the reload follows)."""
    key = (name, digest)
    if key in _LAYERS:
        return _LAYERS[key]  # type: ignore[return-value]
    with _LAYERS_LOCK:
        if key not in _LAYERS:
            query = select(RegionLayer.geojson).where(
                RegionLayer.name == name, RegionLayer.sha256 == digest
            )
            text = session.scalar(query)
            if text is None:
                return None
            for old in [k for k in _LAYERS if k[0] == name]:
                del _LAYERS[old]  # one region per deployment: only the newest layer is kept
            _LAYERS[key] = build(text)
    return _LAYERS[key]  # type: ignore[return-value]


def ready_street_layer(state: RegionState) -> StreetLayer | None:
    """The street layer if this process has built it (no database: for the event loop)."""
    digest = state.streets_sha256
    found = None if digest is None else _LAYERS.get(("streets", digest))
    return found if isinstance(found, StreetLayer) else None


def street_layer(session: Session, state: RegionState) -> StreetLayer | None:
    """The region's street layer in memory (sigap.geo.streets); None when the pack has none.
    Building Jakarta's takes about half a second."""
    digest = state.streets_sha256
    return None if digest is None else _layer(session, "streets", digest, StreetLayer.from_geojson)


def rw_layer(session: Session, state: RegionState) -> list[rw.Rw] | None:
    """The region's RW boundaries (sigap.geo.rw); None when the pack has none."""
    digest = state.layers.get("rw")
    kelurahan = {code for code, area in state.areas.items() if area.level == "kelurahan"}
    return None if digest is None else _layer(session, "rw", digest, _rw_parser(kelurahan))


def landmark_layer(session: Session, state: RegionState) -> list[landmarks.Landmark] | None:
    """The region's landmarks (sigap.geo.landmarks); None when the pack has none."""
    digest = state.layers.get("landmarks")
    return None if digest is None else _layer(session, "landmarks", digest, landmarks.parse)


def _rw_parser(kelurahan: set[str]) -> Callable[[str], list[rw.Rw]]:
    return lambda text: rw.parse(text, kelurahan)


_RW_INDEXES: dict[str, rw.RwIndex] = {}


def _rw_index(session: Session, digest: str, areas: dict[str, AreaInfo]) -> rw.RwIndex | None:
    """Point → RW, built once per process and RW layer (about 0.4 s for Jakarta's)."""
    cached = _RW_INDEXES.get(digest)
    if cached is not None:
        return cached
    kelurahan = {code for code, area in areas.items() if area.level == "kelurahan"}
    rws = _layer(session, "rw", digest, _rw_parser(kelurahan))
    if rws is None:
        return None
    _RW_INDEXES.clear()
    index = _RW_INDEXES[digest] = rw.RwIndex(rws)
    return index
