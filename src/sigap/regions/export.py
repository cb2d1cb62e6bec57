"""Writing the current configuration back as a region pack (``sigap export-region PATH``).

The pack holds what the admin console may have changed since the import (units, categories,
SLA targets, categories' questions, routing rules) plus the areas and the current boundary
version, so that it can be re-imported elsewhere (a staging copy, a rebuilt server) or kept
under version control. Accounts are not configuration and are never exported. Inactive units
and categories are exported with ``active=false`` so that references to them still resolve; so
are retired questions, whose answers old reports keep.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.errors import SigapError
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
from sigap.regions import questions as questions_csv
from sigap.regions.pack import LAYER_FILES, OPERATORS_FILE
from sigap.regions.questions import format_choices

AREA_COLUMNS = (
    "code",
    "name",
    "level",
    "kind",
    "parent_code",
    "postcode",
    "label_lon",
    "label_lat",
)
UNIT_COLUMNS = (
    "code",
    "parent_code",
    "kind",
    "name_id",
    "name_en",
    "area_code",
    "email",
    "active",
    "escalates_to",
)
CATEGORY_COLUMNS = (
    "code",
    "name_id",
    "name_en",
    "icon",
    "response_hours",
    "resolution_hours",
    "photo_required",
    "sort_order",
    "active",
)


def export_pack(session: Session, path: Path) -> dict[str, int]:
    """Write the pack into ``path`` (created if missing); returns counts per file."""
    region = session.scalar(select(Region))
    version = session.scalar(select(BoundaryVersion).where(BoundaryVersion.is_current))
    if region is None or version is None:
        raise SigapError("region_not_loaded")
    path.mkdir(parents=True, exist_ok=True)
    areas = list(session.scalars(select(Area).order_by(Area.code)))
    layers = _write_boundaries(session, path, version.id, {a.code: a.level for a in areas})
    meta = {
        "format": 1,
        "slug": region.slug,
        "code": region.code,
        "name": region.name,
        "timezone": region.timezone,
        "boundary_label": version.label,
        "boundaries": {level: f"{level}.geojson" for level in sorted(layers)},
        "credit": f"Exported by Sigap from the {region.name} deployment.",
    }
    (path / "pack.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    _write_csv(path / "areas.csv", AREA_COLUMNS, [_area_row(a) for a in areas])
    units = list(session.scalars(select(Unit).order_by(Unit.id)))
    codes = {unit.id: unit.code for unit in units}
    _write_csv(path / "units.csv", UNIT_COLUMNS, [_unit_row(u, codes) for u in units])
    categories = list(
        session.scalars(select(Category).order_by(Category.sort_order, Category.code))
    )
    _write_csv(path / "categories.csv", CATEGORY_COLUMNS, [_category_row(c) for c in categories])
    questions = list(
        session.scalars(
            select(CategoryQuestion).order_by(
                CategoryQuestion.category_code, CategoryQuestion.position, CategoryQuestion.code
            )
        )
    )
    _write_csv(path / "questions.csv", questions_csv.COLUMNS, [_question_row(q) for q in questions])
    for layer in session.scalars(select(RegionLayer)):
        (path / LAYER_FILES[layer.name]).write_text(layer.geojson, encoding="utf-8")
    rules = list(session.scalars(select(RoutingRule).order_by(RoutingRule.id)))
    _write_csv(
        path / "routing.csv",
        ("category_code", "area_code", "unit_code"),
        [[r.category_code or "", r.area_code or "", codes[r.unit_id]] for r in rules],
    )
    operators = list(session.scalars(select(TransitOperator).order_by(TransitOperator.agency)))
    if operators:
        _write_csv(
            path / OPERATORS_FILE,
            ("agency", "unit_code"),
            [[o.agency, codes[o.unit_id]] for o in operators],
        )
    return {
        "areas": len(areas),
        "units": len(units),
        "categories": len(categories),
        "rules": len(rules),
        "questions": len(questions),
        **{f"{level} polygons": count for level, count in layers.items()},
    }


def _write_boundaries(
    session: Session, path: Path, version_id: int, levels: dict[str, str]
) -> dict[str, int]:
    features: dict[str, list[dict[str, Any]]] = {}
    rows = session.execute(
        select(AreaBoundary.area_code, AreaBoundary.geometry)
        .where(AreaBoundary.version_id == version_id)
        .order_by(AreaBoundary.area_code)
    )
    for code, geometry in rows:
        features.setdefault(levels[code], []).append(
            {"type": "Feature", "properties": {"kode": code}, "geometry": json.loads(geometry)}
        )
    for level, items in features.items():
        collection = {"type": "FeatureCollection", "features": items}
        (path / f"{level}.geojson").write_text(json.dumps(collection, separators=(",", ":")))
    return {level: len(items) for level, items in features.items()}


def _write_csv(target: Path, columns: tuple[str, ...], rows: list[Any]) -> None:
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(rows)


def _area_row(area: Area) -> list[object]:
    return [
        area.code,
        area.name,
        area.level,
        area.kind,
        area.parent_code or "",
        area.postcode or "",
        "" if area.label_lon is None else repr(area.label_lon),
        "" if area.label_lat is None else repr(area.label_lat),
    ]


def _unit_row(unit: Unit, codes: dict[int, str]) -> list[object]:
    return [
        unit.code,
        codes[unit.parent_id] if unit.parent_id else "",
        unit.kind,
        unit.name_id,
        unit.name_en,
        unit.area_code or "",
        unit.email or "",
        _flag(unit.active),
        codes[unit.escalates_to_id] if unit.escalates_to_id else "",
    ]


def _category_row(category: Category) -> list[object]:
    return [
        category.code,
        category.name_id,
        category.name_en,
        category.icon,
        category.response_hours,
        category.resolution_hours,
        _flag(category.photo_required),
        category.sort_order,
        _flag(category.active),
    ]


def _question_row(question: CategoryQuestion) -> list[object]:
    return [
        question.category_code,
        question.code,
        question.datatype,
        _flag(question.required),
        question.position,
        question.label_id,
        question.label_en,
        question.description_id,
        question.description_en,
        format_choices(question.choices),
        _flag(question.active),
    ]


def _flag(value: bool) -> str:
    return "true" if value else "false"
