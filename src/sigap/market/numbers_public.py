"""The marketplace's public numbers (issue #28 item 8): shops, completed orders and sales per
kelurahan and month, so that the claim that the marketplace raises people's income can be
measured.

Only completed orders count (a declined, cancelled or expired order sold nothing; one still
under way may yet fail), in the month of their completion in the region's time, in the
kelurahan of the shop (where the income is earned). Shops are the curated ones listed now.
Demo shops (``sigap demo``) are left out. No personal data: counts and sums per kelurahan
only, and a kelurahan-month where fewer than :data:`MIN_SHOPS` shops sold is given as
``null`` (a single household's income is not published); the region's totals include them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from sigap.models import MarketOrder, MarketSeller

MIN_SHOPS = 3  # shops that sold in a kelurahan-month before its numbers are published


def month_starts(today: date, months: int) -> list[date]:
    """The first days of the last ``months`` months, oldest first, this month last."""
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def numbers(
    session: Session, zone: ZoneInfo, today: date, months: int, kelurahan: list[str] | None
) -> dict[str, Any]:
    """Shops, completed orders and sales per kelurahan and month; ``kelurahan``: only these
    (an area's), None: the whole region."""
    starts = month_starts(today, months)
    bounds = [datetime.combine(d, time(0), zone) for d in starts]
    latest = literal(starts[-1].strftime("%Y-%m"))
    whens = [
        (MarketOrder.changed_at < bounds[i + 1], literal(starts[i].strftime("%Y-%m")))
        for i in range(len(starts) - 1)
    ]
    label = case(*whens, else_=latest) if whens else latest  # one month: no CASE to write
    each = (
        select(
            MarketSeller.kelurahan_code.label("kelurahan"),
            label.label("month"),
            MarketOrder.total,
            MarketOrder.seller_id,
        )
        .join(MarketSeller, MarketSeller.id == MarketOrder.seller_id)
        .where(
            MarketOrder.status == "completed",
            MarketOrder.changed_at >= bounds[0],
            MarketSeller.demo.is_(False),
        )
    )
    if kelurahan is not None:
        each = each.where(MarketSeller.kelurahan_code.in_(kelurahan))
    rows = each.subquery()  # grouped outside: the month's CASE holds parameters
    sold = select(
        rows.c.kelurahan,
        rows.c.month,
        func.count(),
        func.coalesce(func.sum(rows.c.total), 0),
        func.count(func.distinct(rows.c.seller_id)),
    ).group_by(rows.c.kelurahan, rows.c.month)
    shops = (
        select(MarketSeller.kelurahan_code, func.count())
        .where(MarketSeller.status == "active", MarketSeller.demo.is_(False))
        .group_by(MarketSeller.kelurahan_code)
    )
    if kelurahan is not None:
        shops = shops.where(MarketSeller.kelurahan_code.in_(kelurahan))
    return _shape(
        [s.strftime("%Y-%m") for s in starts],
        {str(code): int(n) for code, n in session.execute(shops)},
        [tuple(row) for row in session.execute(sold)],
    )


def _shape(
    months: list[str], shops: dict[str, int], sold: Sequence[tuple[Any, ...]]
) -> dict[str, Any]:
    areas: dict[str, dict[str, Any]] = {}

    def area(code: str) -> dict[str, Any]:
        return areas.setdefault(code, {"code": code, "sellers": shops.get(code, 0), "months": {}})

    for code in shops:
        area(code)
    region: dict[str, dict[str, Any]] = {m: {"month": m, "orders": 0, "sales": 0} for m in months}
    for code, month, orders, sales, sellers in sold:
        region[month]["orders"] += orders
        region[month]["sales"] += int(sales)
        published = sellers >= MIN_SHOPS
        area(code)["months"][month] = {
            "month": month,
            "orders": orders if published else None,
            "sales": int(sales) if published else None,
        }
    rows = []
    for code in sorted(areas):
        found = areas[code]
        rows.append(
            {
                "code": code,
                "sellers": found["sellers"],
                "months": [
                    found["months"].get(m, {"month": m, "orders": 0, "sales": 0}) for m in months
                ],
            }
        )
    return {
        "months": months,
        "min_shops": MIN_SHOPS,
        "sellers": sum(shops.values()),
        "orders": sum(int(r["orders"]) for r in region.values()),
        "sales": sum(int(r["sales"]) for r in region.values()),
        "by_month": list(region.values()),
        "kelurahan": rows,
    }
