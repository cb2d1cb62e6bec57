"""Console use cases on the reference data: units, categories and routing rules.

Each function runs in the caller's transaction, writes its audit row and marks the reference
data as changed (:func:`sigap.history.audit.touch`). Routing and SLA changes apply to reports
submitted afterwards: a report keeps the unit and deadlines it was given.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sigap.auth.service import Subject
from sigap.errors import SigapError
from sigap.history.audit import record, touch
from sigap.models import Area, Category, Report, RoutingRule, TransitOperator, Unit
from sigap.models.states import OPEN_IN_INDEX_ORDER
from sigap.models.unit import UNIT_KINDS
from sigap.regions.export import CATEGORY_COLUMNS
from sigap.regions.state import RegionState
from sigap.workflow import actions, forward


def unit_dict(unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.id,
        "code": unit.code,
        "name_id": unit.name_id,
        "name_en": unit.name_en,
        "kind": unit.kind,
        "parent_id": unit.parent_id,
        "area_code": unit.area_code,
        "active": unit.active,
    }


def list_units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).order_by(Unit.code)))


def _unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise SigapError("unit_not_found", unit=unit_id)
    return unit


def _unit_by_code(session: Session, code: str, *, active: bool = True) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise SigapError("unknown_unit", unit=code)
    if active and not unit.active:
        raise SigapError("unit_inactive", unit=code)
    return unit


def _check_area(session: Session, code: str | None) -> None:
    if code and session.get(Area, code) is None:
        raise SigapError("unknown_area", area=code)


def create_unit(
    session: Session,
    actor: Subject,
    *,
    code: str,
    name_id: str,
    name_en: str,
    kind: str,
    parent_code: str | None,
    area_code: str | None,
) -> Unit:
    code = code.strip()
    if not code or not name_id.strip() or not name_en.strip() or kind not in UNIT_KINDS:
        raise SigapError("invalid_input", detail="code, name_id, name_en and kind")
    if session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
        raise SigapError("code_taken", key=code)
    _check_area(session, area_code)
    parent = _unit_by_code(session, parent_code) if parent_code else None
    unit = Unit(
        code=code,
        name_id=name_id.strip(),
        name_en=name_en.strip(),
        kind=kind,
        parent_id=parent.id if parent else None,
        area_code=area_code or None,
        active=True,
    )
    session.add(unit)
    session.flush()
    record(session, actor, "unit.create", "unit", unit.id, after=unit_dict(unit))
    touch(session)
    return unit


def rename_unit(
    session: Session, actor: Subject, unit_id: int, *, name_id: str, name_en: str
) -> Unit:
    unit = _unit(session, unit_id)
    if not name_id.strip() or not name_en.strip():
        raise SigapError("invalid_input", detail="name_id and name_en")
    before = unit_dict(unit)
    unit.name_id, unit.name_en = name_id.strip(), name_en.strip()
    record(session, actor, "unit.rename", "unit", unit.id, before=before, after=unit_dict(unit))
    touch(session)
    return unit


def move_unit(session: Session, actor: Subject, unit_id: int, *, parent_code: str | None) -> Unit:
    """Put a unit under another (or at the top); refused if that would make a cycle."""
    unit = _unit(session, unit_id)
    parent = _unit_by_code(session, parent_code) if parent_code else None
    ancestor = parent
    while ancestor is not None:
        if ancestor.id == unit.id:
            raise SigapError("unit_cycle", unit=unit.code, parent=parent_code)
        ancestor = session.get(Unit, ancestor.parent_id) if ancestor.parent_id else None
    before = unit_dict(unit)
    unit.parent_id = parent.id if parent else None
    record(session, actor, "unit.move", "unit", unit.id, before=before, after=unit_dict(unit))
    touch(session)
    return unit


def deactivate_unit(
    session: Session,
    state: RegionState,
    actor: Subject,
    unit_id: int,
    *,
    to_unit_code: str,
    reason: str,
    options: actions.Options,
) -> int:
    """Deactivate a unit: its open reports are forwarded (timeline entry, fresh deadlines) to
    ``to_unit_code``, its routing rules point there, and a government unit's area gets a rule
    sending that area's reports there too. Returns how many reports were forwarded."""
    unit = _unit(session, unit_id)
    if not unit.active:
        raise SigapError("unit_already_inactive", unit=unit.code)
    target = _unit_by_code(session, to_unit_code)
    if target.id == unit.id:
        raise SigapError("forward_same_unit")
    if not reason.strip():
        raise SigapError("note_required")
    open_ids = list(
        session.scalars(
            select(Report.id)
            .where(Report.unit_id == unit.id, Report.status.in_(OPEN_IN_INDEX_ORDER))
            .order_by(Report.id)
        )
    )
    official = actions.Actor.official(actor)
    for report_id in open_ids:
        forward.forward(
            session,
            state,
            official,
            report_id,
            unit_code=target.code,
            reason=reason.strip(),
            out_of_authority=False,
            options=options,
        )
    session.execute(
        update(RoutingRule).where(RoutingRule.unit_id == unit.id).values(unit_id=target.id)
    )
    # A transit operator's reports (transit_operators.csv) follow its rules to the new unit.
    session.execute(
        update(TransitOperator).where(TransitOperator.unit_id == unit.id).values(unit_id=target.id)
    )
    if unit.kind == "government" and unit.area_code:
        taken = session.scalar(
            select(RoutingRule.id).where(
                RoutingRule.category_code.is_(None), RoutingRule.area_code == unit.area_code
            )
        )
        if taken is None:
            session.add(
                RoutingRule(category_code=None, area_code=unit.area_code, unit_id=target.id)
            )
    before = unit_dict(unit)
    unit.active = False
    after = {**unit_dict(unit), "reassigned_to": target.code, "reports_forwarded": len(open_ids)}
    record(session, actor, "unit.deactivate", "unit", unit.id, before=before, after=after)
    touch(session)
    return len(open_ids)


def category_dict(category: Category) -> dict[str, Any]:
    return {
        "code": category.code,
        "name_id": category.name_id,
        "name_en": category.name_en,
        "icon": category.icon,
        "response_hours": category.response_hours,
        "resolution_hours": category.resolution_hours,
        "photo_required": category.photo_required,
        "sort_order": category.sort_order,
        "active": category.active,
    }


def list_categories(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).order_by(Category.sort_order, Category.code)))


# What the console may edit of a category: everything a pack holds but its code.
CATEGORY_FIELDS = tuple(column for column in CATEGORY_COLUMNS if column != "code")


def save_category(
    session: Session, actor: Subject, code: str, values: dict[str, Any], *, create: bool
) -> Category:
    """Create a category, or change some of its fields (SLA targets count for new reports)."""
    code = code.strip()
    category = session.get(Category, code)
    if create and category is not None:
        raise SigapError("code_taken", key=code)
    if not create and category is None:
        raise SigapError("category_not_found", category=code)
    if category is None:
        if not code or not values.get("name_id") or not values.get("name_en"):
            raise SigapError("invalid_input", detail="code, name_id and name_en")
        category = Category(code=code, icon="", photo_required=True, sort_order=0, active=True)
        session.add(category)
        before = None
    else:
        before = category_dict(category)
    for key in CATEGORY_FIELDS:
        if values.get(key) is not None:
            setattr(category, key, values[key])
    response, resolution = category.response_hours, category.resolution_hours
    if not response or not resolution or response <= 0 or resolution < response:
        raise SigapError("invalid_hours")
    session.flush()
    action = "category.create" if create else "category.update"
    record(session, actor, action, "category", code, before=before, after=category_dict(category))
    touch(session)
    return category


def rule_dict(rule: RoutingRule, state: RegionState | None = None) -> dict[str, Any]:
    unit = state.units.get(rule.unit_id) if state else None
    return {
        "id": rule.id,
        "category_code": rule.category_code,
        "area_code": rule.area_code,
        "unit_id": rule.unit_id,
        "unit_code": unit.code if unit else None,
    }


def list_rules(session: Session) -> list[RoutingRule]:
    query = select(RoutingRule).order_by(
        RoutingRule.category_code, RoutingRule.area_code, RoutingRule.id
    )
    return list(session.scalars(query))


def add_rule(
    session: Session,
    actor: Subject,
    *,
    category_code: str | None,
    area_code: str | None,
    unit_code: str,
) -> RoutingRule:
    category_code, area_code = category_code or None, area_code or None
    if category_code and session.get(Category, category_code) is None:
        raise SigapError("unknown_category", category=category_code)
    _check_area(session, area_code)
    unit = _unit_by_code(session, unit_code)
    taken = session.scalar(
        select(RoutingRule.id).where(
            _is(RoutingRule.category_code, category_code), _is(RoutingRule.area_code, area_code)
        )
    )
    if taken is not None:
        raise SigapError("rule_taken")
    rule = RoutingRule(category_code=category_code, area_code=area_code, unit_id=unit.id)
    session.add(rule)
    session.flush()
    after = {**rule_dict(rule), "unit_code": unit.code}
    record(session, actor, "rule.add", "routing_rule", rule.id, after=after)
    touch(session)
    return rule


def _is(column: Any, value: str | None) -> Any:
    return column.is_(None) if value is None else column == value


def remove_rule(session: Session, actor: Subject, rule_id: int) -> None:
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise SigapError("rule_not_found", rule_id=rule_id)
    record(session, actor, "rule.remove", "routing_rule", rule.id, before=rule_dict(rule))
    session.delete(rule)
    touch(session)
