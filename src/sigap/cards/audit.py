"""What the city's transport auditor reads: revenue per network and day, and the
reconciliation of taps, charges and top-ups over days. Days are the region's local days
(WIB in Jakarta), each read as its own UTC range, so both databases answer the same.

Revenue is counted by the day of the ride (``ledger_entry.day``, written with each revenue
entry: a batch posted on Tuesday for Monday's rides, or a late tap's adjustment to a Monday
fare, is Monday's), or on request by the day the ledger posted it (``by="posting"``: a closed
day's figure never changes, which the books' daily close is reconciled with). Either way the
rows add up to what the revenue accounts received."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sigap.cards import books, ledger
from sigap.models import CardLeg, CardTap, CardTopup, LedgerAccount, LedgerEntry, LedgerTxn

MAX_DAYS = 92


def _bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    return start, end


def days(start: date, end: date) -> list[date]:
    count = min((end - start).days + 1, MAX_DAYS)
    return [start + timedelta(days=n) for n in range(max(count, 0))]


Basis = Literal["ride", "posting"]


def revenue(
    session: Session, start: date, end: date, zone: ZoneInfo, *, by: Basis = "ride"
) -> list[dict[str, Any]]:
    """Per local day and network: what the revenue accounts received (fares, minus refunds),
    on the rides' days (``by="ride"``) or the postings' (``by="posting"``). Revenue entries
    posted before migration 0031 have no ride day: they count on their posting day."""
    chosen = days(start, end)
    if not chosen:
        return []
    found: dict[tuple[date, str], int] = defaultdict(int)
    for day in chosen:  # by posting day: everything, else only the entries without a ride day
        for name, amount in _posted(session, day, zone, undated=by == "ride"):
            found[day, name] += int(amount)
    if by == "ride":
        query = (
            select(LedgerEntry.day, LedgerAccount.name, func.sum(LedgerEntry.amount))
            .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
            .where(LedgerEntry.day >= chosen[0], LedgerEntry.day <= chosen[-1])
            .where(LedgerAccount.kind == "revenue")
            .group_by(LedgerEntry.day, LedgerAccount.name)
        )
        for ride_day, name, amount in session.execute(query):
            found[cast(date, ride_day), name] += int(amount)  # the WHERE left no NULL
    return [
        {"day": day, "network": name.split(":", 1)[1], "fares": amount}
        for (day, name), amount in sorted(found.items())
    ]


def _posted(session: Session, day: date, zone: ZoneInfo, *, undated: bool) -> list[Any]:
    """The revenue accounts' sums of the entries the ledger posted on the local ``day``."""
    lo, hi = _bounds(day, zone)
    query = (
        select(LedgerAccount.name, func.sum(LedgerEntry.amount))
        .join(LedgerEntry, LedgerEntry.account_id == LedgerAccount.id)
        .join(LedgerTxn, LedgerTxn.id == LedgerEntry.txn_id)
        .where(LedgerAccount.kind == "revenue", LedgerTxn.at >= lo, LedgerTxn.at < hi)
        .group_by(LedgerAccount.name)
    )
    return list(session.execute(query.where(LedgerEntry.day.is_(None)) if undated else query))


def reconciliation(session: Session, start: date, end: date, zone: ZoneInfo) -> dict[str, Any]:
    """Taps received, what they were charged and what top-ups brought, over the local days
    ``start`` to ``end``; the cards' and clearing accounts' balances now; the books' check
    and the three sums that must agree (:func:`sigap.cards.books.checks`)."""
    lo, hi = _bounds(start, zone)[0], _bounds(max(start, end), zone)[1]
    counted = session.execute(
        select(CardTap.flag, func.count())
        .where(CardTap.at >= lo, CardTap.at < hi)
        .group_by(CardTap.flag)
    )
    taps: dict[str | None, int] = dict(counted.all())
    kinds = dict(
        session.execute(
            select(LedgerTxn.kind, func.sum(LedgerEntry.amount))
            .join(LedgerEntry, LedgerEntry.txn_id == LedgerTxn.id)
            .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
            .where(LedgerAccount.kind == "revenue", LedgerTxn.at >= lo, LedgerTxn.at < hi)
            .group_by(LedgerTxn.kind)
        ).all()
    )
    legs = session.execute(
        select(func.count(), func.coalesce(func.sum(CardLeg.fare - CardLeg.charged), 0)).where(
            CardLeg.at >= lo, CardLeg.at < hi
        )
    ).one()
    topups = {
        state: (int(n), int(amount or 0))
        for state, n, amount in session.execute(
            select(CardTopup.state, func.count(), func.sum(CardTopup.amount))
            .where(CardTopup.created_at >= lo, CardTopup.created_at < hi)
            .group_by(CardTopup.state)
        )
    }
    balances = session.execute(
        select(LedgerAccount.kind, LedgerAccount.name, LedgerAccount.balance).where(
            LedgerAccount.kind.in_(("card", "clearing"))
        )
    ).all()
    return {
        "start": start,
        "end": max(start, end),
        "taps": sum(taps.values()),
        "taps_unknown": taps.get("unknown", 0),
        "taps_blocked": taps.get("blocked", 0),
        "legs_priced": legs[0],
        "fares": int(kinds.get("fare") or 0),
        "adjustments": int(kinds.get("adjust") or 0),
        "unpaid": int(legs[1]),
        "topups_paid": topups.get("paid", (0, 0))[0],
        "topups_paid_amount": topups.get("paid", (0, 0))[1],
        "topups_pending": topups.get("pending", (0, 0))[0],
        "card_balances": sum(b for kind, _, b in balances if kind == "card"),
        "clearing": {name.split(":", 1)[1]: b for kind, name, b in balances if kind == "clearing"},
        "ledger_balanced": not ledger.verify(session).problems,
        "checks": books.checks(session),
    }
