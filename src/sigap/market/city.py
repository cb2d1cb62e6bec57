"""The city's buying from curated sellers (e-order, issue #28 item 6): a unit's official
orders for the unit's meetings within the unit's budget of the month.

A unit's order is an ordinary order (:func:`sigap.market.orders.place`, the same machine,
stock and messages) that also names the unit it buys for and reserves its total against the
unit's budget (:mod:`sigap.market.budgets`) in the same transaction. Who may act for a unit is
the subject's scope (:meth:`sigap.auth.service.Subject.covers`: admins every unit, supervisors
their subtree, other officials their own unit); a unit's order outside it is not found.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from sigap.auth.service import Subject
from sigap.errors import SigapError
from sigap.market import budgets, machine, orders
from sigap.market.orders import Basket, Timeouts
from sigap.models import MarketBudget, MarketOrder, MarketSeller, Unit
from sigap.regions.state import RegionState


def check_unit(state: RegionState, subject: Subject, unit_id: int) -> None:
    if unit_id not in state.units:
        raise SigapError("unknown_unit", unit=unit_id)
    if not (subject.is_official and subject.covers(unit_id)):
        raise SigapError("market_not_your_unit")


def place(
    session: Session,
    state: RegionState,
    subject: Subject,
    unit_id: int,
    basket: Basket,
    *,
    now: datetime,
    timeouts: Timeouts,
    key: orders.Keyed | None = None,
) -> MarketOrder:
    """An order by ``subject`` for ``unit_id``: stock and budget reserved, or nothing. With
    ``key`` (the officials' order form's), a form sent twice is the first order."""
    check_unit(state, subject, unit_id)
    placed = orders.place(session, subject.account_id, basket, now=now, timeouts=timeouts, key=key)
    if not placed.new:
        if placed.order.buyer_unit_id != unit_id:
            raise SigapError("market_order_key_reused")
        return placed.order
    order = placed.order
    period = budgets.period_of(now, state.timezone)
    order.budget_id = budgets.reserve(session, unit_id, period, order.total)
    order.buyer_unit_id = unit_id
    session.flush()
    return order


def load(session: Session, subject: Subject, order_id: int, *, lock: bool) -> MarketOrder:
    """A unit's order the subject may act on; any other is not found (404)."""
    order = orders.load(session, order_id, lock=lock)
    if order.buyer_unit_id is None or not subject.covers(order.buyer_unit_id):
        raise SigapError("market_order_not_found", order_id=order_id)
    return order


def listing(
    session: Session,
    subject: Subject,
    *,
    unit_id: int | None = None,
    status: str | None = None,
    limit: int = 100,
) -> list[MarketOrder]:
    query = (
        select(MarketOrder)
        .where(MarketOrder.buyer_unit_id.is_not(None))
        .order_by(MarketOrder.placed_at.desc(), MarketOrder.id.desc())
    )
    if subject.scope is not None:
        query = query.where(MarketOrder.buyer_unit_id.in_(sorted(subject.scope)))
    if unit_id is not None:
        query = query.where(MarketOrder.buyer_unit_id == unit_id)
    if status is not None:
        query = query.where(MarketOrder.status == status)
    return list(session.scalars(query.limit(limit)))


# --- the auditor's report --------------------------------------------------------------------

COLUMNS = (
    "period",
    "unit_id",
    "unit_code",
    "unit_name",
    "seller_id",
    "seller_name",
    "orders",
    "total",
    "completed_orders",
    "completed_total",
)


def spending(session: Session, scope: frozenset[int] | None, period: str) -> list[dict[str, Any]]:
    """The units' buying of ``period`` per unit and seller: orders not ended without a sale
    (declined, cancelled, expired) and their total in rupiah, and of those the completed."""
    completed = MarketOrder.status == "completed"
    query = (
        select(
            Unit.id,
            Unit.code,
            Unit.name_id,
            MarketSeller.id,
            MarketSeller.name,
            func.count(MarketOrder.id),
            func.sum(MarketOrder.total),
            func.sum(case((completed, 1), else_=0)),
            func.sum(case((completed, MarketOrder.total), else_=0)),
        )
        .join(MarketBudget, MarketBudget.id == MarketOrder.budget_id)
        .join(Unit, Unit.id == MarketOrder.buyer_unit_id)
        .join(MarketSeller, MarketSeller.id == MarketOrder.seller_id)
        .where(MarketBudget.period == period, MarketOrder.status.not_in(machine.ENDED))
        .group_by(Unit.id, Unit.code, Unit.name_id, MarketSeller.id, MarketSeller.name)
        .order_by(Unit.id, MarketSeller.id)
    )
    if scope is not None:
        query = query.where(MarketOrder.buyer_unit_id.in_(sorted(scope)))
    return [
        dict(
            zip(COLUMNS, (period, *(int(v) if isinstance(v, int) else v for v in row)), strict=True)
        )
        for row in session.execute(query)
    ]


def totals(rows: Sequence[dict[str, Any]], key: str, name: str) -> list[dict[str, Any]]:
    """The report's rows summed per unit (``unit_id``) or per seller (``seller_id``)."""
    found: dict[int, dict[str, Any]] = {}
    for row in rows:
        into = found.setdefault(
            row[key],
            {"id": row[key], "name": row[name], "orders": 0, "total": 0, "completed_total": 0},
        )
        for field in ("orders", "total"):
            into[field] += row[field]
        into["completed_total"] += row["completed_total"]
    return sorted(found.values(), key=lambda r: (-r["total"], r["id"]))


def report(session: Session, scope: frozenset[int] | None, period: str) -> dict[str, Any]:
    """The spending report of the units in ``scope`` (None: all): the JSON API's, the admin
    console's page and (its ``rows``) the CSV."""
    rows = spending(session, scope, period)
    held = budgets.listing(session, scope, period=period)
    return {
        "period": period,
        "rows": rows,
        "by_unit": totals(rows, "unit_id", "unit_name"),
        "by_seller": totals(rows, "seller_id", "seller_name"),
        "budgets": [budget_of(b) for b in held],
    }


def budget_of(row: MarketBudget) -> dict[str, Any]:
    return {
        "unit_id": row.unit_id,
        "period": row.period,
        "amount": row.amount,
        "committed": row.committed,
        "left": row.amount - row.committed,
        "changed_at": row.changed_at,
    }


def csv_text(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as CSV; a name a spreadsheet would read as a formula gets a leading quote."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value
