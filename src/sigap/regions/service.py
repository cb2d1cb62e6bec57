"""Importing a validated region pack into the database, all in the caller's transaction.

Re-importing is an upsert: areas, units, categories and questions are updated by code, routing
rules are replaced, categories and questions missing from the pack are deactivated (old reports
still point at them, and hold answers to them), and new boundary files become a new current
boundary version while reports keep the version that routed them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from sigap.kit import sha256_hex, utcnow
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
from sigap.regions.pack import LAYER_FILES, Pack, PackError, Problem
from sigap.regions.questions import parse_choices


@dataclass(frozen=True)
class ImportResult:
    slug: str
    areas: int
    units: int
    categories: int
    rules: int
    questions: int
    boundary_version_id: int
    new_boundary_version: bool


def import_pack(session: Session, pack: Pack) -> ImportResult:
    """Import ``pack``; refused (PackError) if the database already serves another region."""
    meta = pack.meta
    other = session.scalar(select(Region).where(Region.code != meta["code"]))
    if other is not None:
        reason = (
            f"this database already serves {other.name} ({other.code}); "
            "one database serves one region: use another database"
        )
        raise PackError([Problem("pack.json", 0, reason)])
    session.merge(
        Region(
            code=meta["code"],
            slug=meta["slug"],
            name=meta["name"],
            timezone=meta["timezone"],
            imported_at=utcnow(),
            # Only when the pack says: a re-import keeps what the console chose.
            **({"triage": bool(meta["triage"])} if "triage" in meta else {}),
        )
    )
    _upsert_areas(session, pack)
    unit_ids = _upsert_units(session, pack)
    _upsert_categories(session, pack)
    _upsert_questions(session, pack)
    session.execute(delete(RoutingRule))
    for row in pack.routing:
        session.add(
            RoutingRule(
                category_code=row.get("category_code") or None,
                area_code=row.get("area_code") or None,
                unit_id=unit_ids[row["unit_code"]],
            )
        )
    session.execute(delete(TransitOperator))
    for row in pack.operators:
        session.add(TransitOperator(agency=row["agency"], unit_id=unit_ids[row["unit_code"]]))
    version, is_new = _boundary_version(session, pack)
    _replace_layers(session, pack)
    session.flush()
    return ImportResult(
        slug=meta["slug"],
        areas=len(pack.areas),
        units=len(pack.units),
        categories=len(pack.categories),
        rules=len(pack.routing),
        questions=len(pack.questions),
        boundary_version_id=version.id,
        new_boundary_version=is_new,
    )


def _replace_layers(session: Session, pack: Pack) -> None:
    """The pack's map layers replace the stored ones; a layer the pack lacks is removed."""
    for name in LAYER_FILES:
        stored = session.get(RegionLayer, name)
        text = pack.layers.get(name)
        if text is None:
            if stored is not None:
                session.delete(stored)
            continue
        digest = sha256_hex(text)
        if stored is None:
            session.add(RegionLayer(name=name, sha256=digest, geojson=text, imported_at=utcnow()))
        elif stored.sha256 != digest:
            stored.sha256, stored.geojson, stored.imported_at = digest, text, utcnow()


def _upsert_areas(session: Session, pack: Pack) -> None:
    existing = set(session.scalars(select(Area.code)))
    # Parents first, so that the self-referencing foreign key holds at every insert.
    for row in sorted(pack.areas, key=lambda r: r["code"].count(".")):
        values = {
            "code": row["code"],
            "name": row["name"],
            "level": row["level"],
            "kind": row["kind"],
            "parent_code": row.get("parent_code") or None,
            "postcode": row.get("postcode") or None,
            "label_lon": float(row["label_lon"]) if row.get("label_lon") else None,
            "label_lat": float(row["label_lat"]) if row.get("label_lat") else None,
        }
        if row["code"] in existing:
            session.execute(update(Area).where(Area.code == row["code"]).values(**values))
        else:
            session.add(Area(**values))
            session.flush()


def _upsert_units(session: Session, pack: Pack) -> dict[str, int]:
    units = {unit.code: unit for unit in session.scalars(select(Unit))}
    for row in pack.units:
        unit = units.get(row["code"]) or Unit(code=row["code"])
        unit.name_id, unit.name_en = row["name_id"], row["name_en"]
        unit.kind = row["kind"]
        unit.area_code = row.get("area_code") or None
        unit.email = row.get("email") or None
        unit.active = row.get("active", "true").lower() != "false"
        if unit.code not in units:
            session.add(unit)
            units[unit.code] = unit
    session.flush()
    for row in pack.units:
        parent, above = row.get("parent_code"), row.get("escalates_to")
        units[row["code"]].parent_id = units[parent].id if parent else None
        units[row["code"]].escalates_to_id = units[above].id if above else None
    session.flush()
    return {code: unit.id for code, unit in units.items()}


def _upsert_categories(session: Session, pack: Pack) -> None:
    categories = {c.code: c for c in session.scalars(select(Category))}
    for category in categories.values():
        category.active = False
    for row in pack.categories:
        category = categories.get(row["code"]) or Category(code=row["code"])
        category.name_id, category.name_en = row["name_id"], row["name_en"]
        category.icon = row.get("icon", "")
        category.response_hours = int(row["response_hours"])
        category.resolution_hours = int(row["resolution_hours"])
        category.photo_required = row.get("photo_required", "true").lower() != "false"
        category.sort_order = int(row.get("sort_order") or 0)
        category.active = row.get("active", "true").lower() != "false"
        if category.code not in categories:
            session.add(category)


def _upsert_questions(session: Session, pack: Pack) -> None:
    """Questions by (category, code); a question's datatype never changes, because reports
    keep their answers to it (a pack that changes one is refused: use a new code)."""
    session.flush()  # new categories first: questions refer to them
    questions = {(q.category_code, q.code): q for q in session.scalars(select(CategoryQuestion))}
    for question in questions.values():
        question.active = False
    problems: list[Problem] = []
    position: dict[str, int] = {}
    for number, row in enumerate(pack.questions, start=1):
        category, code = row["category_code"], row["code"]
        position[category] = position.get(category, 0) + 1
        found = questions.get((category, code))
        if found is not None and found.datatype != row["datatype"]:
            reason = (
                f"question {code!r} of {category!r} is a {found.datatype} question in this "
                f"database and reports hold its answers; give the {row['datatype']} question "
                "a new code"
            )
            problems.append(Problem("questions.csv", number, reason))
            continue
        question = found or CategoryQuestion(category_code=category, code=code)
        if found is None:
            session.add(question)
            questions[(category, code)] = question
        question.datatype = row["datatype"]
        question.required = row.get("required", "").lower() == "true"
        question.position = int(row.get("order") or position[category])
        question.label_id, question.label_en = row["label_id"], row["label_en"]
        question.description_id = row.get("description_id", "")
        question.description_en = row.get("description_en", "")
        question.choices = parse_choices(row.get("values", ""))
        question.active = row.get("active", "true").lower() != "false"
    if problems:
        raise PackError(problems)


def _boundary_version(session: Session, pack: Pack) -> tuple[BoundaryVersion, bool]:
    digest = sha256_hex(pack.boundary_bytes)
    current = session.scalar(select(BoundaryVersion).where(BoundaryVersion.is_current))
    if current is not None and current.sha256 == digest:
        return current, False
    session.execute(update(BoundaryVersion).values(is_current=False))
    version = BoundaryVersion(
        label=str(pack.meta.get("boundary_label", pack.meta["slug"])),
        source=str(pack.path),
        sha256=digest,
        is_current=True,
        created_at=utcnow(),
    )
    session.add(version)
    session.flush()
    session.add_all(
        AreaBoundary(version_id=version.id, area_code=code, geometry=geometry)
        for layer in pack.boundaries.values()
        for code, geometry in layer.items()
    )
    return version, True
