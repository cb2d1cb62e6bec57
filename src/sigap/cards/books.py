"""The books' three sums that must agree, whatever the days asked (the reconciliation's
``checks``; docs/cards.md, "Reconciliation"):

- ``topups``: the paid top-ups' amounts = what the payment adapters' clearing accounts gave;
- ``fares``: what the card legs say was charged = what the networks' revenue accounts hold;
- ``cards``: the top-ups less the fares charged = what the cards hold now.

Each is all-time (balances are), so a difference is never a day boundary's doing: it is a
top-up paid without its posting (or the reverse), a leg whose ``charged`` moved without the
ledger, or a stored balance out of step with its entries (``sigap ledger verify`` names it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sigap.models import CardLeg, CardTopup, LedgerAccount


def checks(session: Session) -> list[dict[str, Any]]:
    """Each check's two sides (rupiah) and their difference, ``found - expected``."""
    balances = dict(
        session.execute(
            select(LedgerAccount.kind, func.sum(LedgerAccount.balance)).group_by(LedgerAccount.kind)
        ).all()
    )
    paid = session.scalar(
        select(func.coalesce(func.sum(CardTopup.amount), 0)).where(CardTopup.state == "paid")
    )
    charged = session.scalar(select(func.coalesce(func.sum(CardLeg.charged), 0)))
    topups, charged = int(paid or 0), int(charged or 0)
    held = {kind: int(balances.get(kind) or 0) for kind in ("card", "clearing", "revenue")}
    adjusted = int(balances.get("adjustment") or 0)
    return [
        _check("topups", topups, -held["clearing"]),
        _check("fares", charged, held["revenue"] + adjusted),
        _check("cards", topups - charged, held["card"]),
    ]


def _check(name: str, expected: int, found: int) -> dict[str, Any]:
    return {"name": name, "expected": expected, "found": found, "difference": found - expected}
