"""The contract of the city's buying (``/api/v1/market/city``, ``/api/v1/admin/market``):
units' budgets and their orders, the auditor's spending report. Whole rupiah; times UTC."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StrictInt

from sigap.inputs import Id, Input
from sigap.kit import Answer
from sigap.market.schemas import OrderCreate

Period = Annotated[str, Field(pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
Budget = Annotated[StrictInt, Field(ge=0, le=1_000_000_000_000, description="Whole rupiah")]


class UnitOrderCreate(OrderCreate):
    unit_id: Id = Field(description="The unit it is bought for (within the caller's units)")


class BudgetSet(Input):
    unit_id: Id
    period: Period
    amount: Budget


class BudgetOut(Answer):
    unit_id: int
    period: str
    amount: int
    committed: int = Field(description="Held by the unit's orders not ended without a sale")
    left: int
    changed_at: datetime


class BudgetList(Answer):
    items: list[BudgetOut]


class SpendingRow(Answer):
    period: str
    unit_id: int
    unit_code: str
    unit_name: str
    seller_id: int
    seller_name: str
    orders: int
    total: int
    completed_orders: int
    completed_total: int


class SpendingTotal(Answer):
    id: int
    name: str
    orders: int
    total: int
    completed_total: int


class SpendingReport(Answer):
    period: str
    rows: list[SpendingRow] = Field(description="Per unit and seller")
    by_unit: list[SpendingTotal]
    by_seller: list[SpendingTotal]
    budgets: list[BudgetOut]
