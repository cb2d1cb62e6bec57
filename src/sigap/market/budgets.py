"""Units' budgets for buying from curated sellers (e-order), one per unit and month.

``market_budget.committed`` is the total of the unit's orders of the month that did not end
without a sale. A unit's order reserves its total with one conditional UPDATE
(``committed + total <= amount``) in the transaction that reserves its stock: of two orders
racing for the last of a budget, PostgreSQL makes the second wait for the first's row lock and
re-check the condition on the committed row (SQLite writes one transaction at a time), so a
budget is never overspent; the CHECK ``committed <= amount`` stands behind it. Declining,
cancelling and expiring the order give the total back (:func:`release`).
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.models import MarketBudget, MarketOrder


def period_of(now: datetime, zone: tzinfo) -> str:
    """The budget period of a moment: its month in the region's time, ``YYYY-MM``."""
    return now.astimezone(zone).strftime("%Y-%m")


def find(session: Session, unit_id: int, period: str) -> MarketBudget | None:
    return session.scalar(
        select(MarketBudget).where(MarketBudget.unit_id == unit_id, MarketBudget.period == period)
    )


def reserve(session: Session, unit_id: int, period: str, total: int) -> int:
    """Take ``total`` off the unit's budget of ``period``; its id, or 422 ``market_no_budget``
    / 409 ``market_over_budget`` (the caller's transaction then rolls back)."""
    budget_id = session.scalar(
        select(MarketBudget.id).where(
            MarketBudget.unit_id == unit_id, MarketBudget.period == period
        )
    )
    if budget_id is None:
        raise SigapError("market_no_budget", period=period)
    taken = session.execute(
        update(MarketBudget)
        .where(MarketBudget.id == budget_id, MarketBudget.committed + total <= MarketBudget.amount)
        .values(committed=MarketBudget.committed + total)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        amount, committed = session.execute(
            select(MarketBudget.amount, MarketBudget.committed).where(MarketBudget.id == budget_id)
        ).one()
        raise SigapError("market_over_budget", total=total, period=period, left=amount - committed)
    return budget_id


def release(session: Session, order: MarketOrder) -> None:
    """Give a unit's order's total back to its budget (the order ended without a sale)."""
    if order.budget_id is None:
        return
    session.execute(
        update(MarketBudget)
        .where(MarketBudget.id == order.budget_id)
        .values(committed=MarketBudget.committed - order.total)
        .execution_options(synchronize_session=False)
    )


def set_amount(
    session: Session, unit_id: int, period: str, amount: int, *, now: datetime
) -> tuple[int | None, MarketBudget]:
    """Set a unit's budget of a period (made if new): (the amount before or None, the row).
    Never below what its orders already hold (409 ``market_budget_below_committed``)."""
    row = session.scalar(
        select(MarketBudget)
        .where(MarketBudget.unit_id == unit_id, MarketBudget.period == period)
        .with_for_update()
    )
    if row is None:
        row = MarketBudget(
            unit_id=unit_id, period=period, amount=amount, committed=0, changed_at=now
        )
        session.add(row)
        session.flush()
        return None, row
    if amount < row.committed:
        raise SigapError("market_budget_below_committed", committed=row.committed)
    before = row.amount
    row.amount = amount
    row.changed_at = now
    session.flush()
    return before, row


def listing(
    session: Session, scope: frozenset[int] | None, *, period: str | None = None
) -> list[MarketBudget]:
    """The budgets of the units in ``scope`` (None: every unit), by period then unit."""
    query = select(MarketBudget).order_by(MarketBudget.period.desc(), MarketBudget.unit_id)
    if scope is not None:
        query = query.where(MarketBudget.unit_id.in_(sorted(scope)))
    if period is not None:
        query = query.where(MarketBudget.period == period)
    return list(session.scalars(query.limit(1000)))
