"""A validator's batch of taps: stored exactly once, then priced, in one transaction.

Delivery is at least once: a validator resends a batch until it gets an answer, so a tap is
known by (validator, the validator's own tap id) and a tap already stored is counted as a
duplicate, never stored or charged again. The batch commits before the answer, so an
acknowledged tap is durable. A card number no holder registered is stored with the flag
``unknown`` (nothing to charge); a tap of a blocked card after its block is flagged
``blocked``.

Pricing is a recomputation, never an increment: for each card of the batch, the stretch of
its taps around the new ones (bounded by quiet gaps, :data:`sigap.cards.pricing.QUIET`) is
priced again from scratch, and for each tap the ledger gets the difference between the new
fare and what was already charged for it (``card_leg.charged``): a tap that arrives late or
out of order may lower a fare already charged (a refund) or raise one, and the same taps in any
order of arrival charge the same total. The card rows are locked first, so two batches never
price one card at once. A charge never takes a card below the balance floor; what it cannot
take stays unpaid (``fare - charged``) and is taken at the card's next repricing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sigap.cards import bulk, ledger
from sigap.cards.pricing import LOOK_BACK, QUIET, Pricer, Tap
from sigap.cards.service import Hasher
from sigap.cards.validators import ValidatorRef
from sigap.errors import SigapError
from sigap.models import Card, CardLeg, CardTap, LedgerAccount
from sigap.rows import insert_rows

log = logging.getLogger("sigap.cards")
TAP = cast(Table, CardTap.__table__)
LEG = cast(Table, CardLeg.__table__)
CHANGING = ("fare", "full_fare", "charged", "journey", "rule", "postings")


@dataclass(frozen=True, slots=True)
class TapIn:
    """A tap as a validator sends it."""

    tap_id: str
    card: str
    kind: str
    at: datetime
    stop_id: str | None = None
    route_id: str | None = None


@dataclass
class Outcome:
    stored: int = 0
    duplicates: int = 0
    unknown: int = 0
    charged: int = 0  # rupiah the ledger moved for this batch (refunds negative)


def ingest(
    session: Session,
    validator: ValidatorRef,
    taps: Sequence[TapIn],
    *,
    hasher: Hasher,
    pricer: Pricer | None,
    floor: int,
    now: datetime,
) -> Outcome:
    """Store the new taps of the batch and price the cards they touch."""
    outcome = Outcome()
    fresh = _fresh(session, validator.id, taps)
    outcome.duplicates = len(taps) - len(fresh)
    if not fresh:
        return outcome
    hashes = {tap.tap_id: hasher.lenient(tap.card) for tap in fresh}
    cards = _cards(session, set(hashes.values()))
    rows = [_row(validator, tap, hashes[tap.tap_id], cards, now) for tap in fresh]
    returning = ("id", "tap_id")
    try:
        with session.begin_nested():
            stored = insert_rows(session.connection(), TAP, rows, returning=returning)
    except IntegrityError:  # the same batch, delivered twice at once: the other one stored it
        again = _fresh(session, validator.id, fresh)
        rows = [row for row in rows if row["tap_id"] in {tap.tap_id for tap in again}]
        outcome.duplicates = len(taps) - len(rows)
        stored = insert_rows(session.connection(), TAP, rows, returning=returning)
    outcome.stored = len(rows)
    outcome.unknown = sum(1 for row in rows if row["flag"] == "unknown")
    by_tap = {row["tap_id"]: row for row in rows}
    priced: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for tap_row, tap_id in stored:
        row = by_tap[tap_id]
        if row["flag"] is None:
            priced[row["card_id"]].append((row["at"], tap_row))
    if priced and pricer is not None:  # None: a region without fare rules charges nothing
        outcome.charged = reprice(session, priced, pricer=pricer, floor=floor, now=now)
    return outcome


def _fresh(session: Session, validator_id: int, taps: Sequence[TapIn]) -> list[TapIn]:
    """The taps of the batch not stored yet (and each tap id once)."""
    ids = {tap.tap_id for tap in taps}
    stored = set(
        session.scalars(
            select(CardTap.tap_id).where(
                CardTap.validator_id == validator_id,
                bulk.among(session, CardTap.tap_id, sorted(ids)),
            )
        )
    )
    fresh: dict[str, TapIn] = {}
    for tap in taps:
        if tap.tap_id not in stored:
            fresh.setdefault(tap.tap_id, tap)
    return list(fresh.values())


def _cards(session: Session, hashes: set[str]) -> dict[str, Any]:
    query = select(Card.card_hash, Card.id, Card.status, Card.blocked_at)
    return {
        row.card_hash: row
        for row in session.execute(query.where(bulk.among(session, Card.card_hash, sorted(hashes))))
    }


def _row(
    validator: ValidatorRef, tap: TapIn, card_hash: str, cards: dict[str, Any], now: datetime
) -> dict[str, Any]:
    stop_id, route_id = tap.stop_id or validator.stop_id, tap.route_id or validator.route_id
    if stop_id is None and route_id is None:
        raise SigapError("tap_without_place", tap_id=tap.tap_id)
    card = cards.get(card_hash)
    flag = None
    if card is None:
        flag = "unknown"
    elif card.blocked_at is not None and tap.at >= card.blocked_at:
        flag = "blocked"
    return {
        "validator_id": validator.id,
        "tap_id": tap.tap_id,
        "card_hash": card_hash,
        "card_id": None if card is None else card.id,
        "kind": tap.kind,
        "at": tap.at,
        "stop_id": stop_id,
        "route_id": route_id,
        "network": validator.network,
        "received_at": now,
        "flag": flag,
    }


def reprice(
    session: Session,
    new_taps: dict[int, list[tuple[datetime, int]]],
    *,
    pricer: Pricer,
    floor: int,
    now: datetime,
) -> int:
    """Price again the stretches of the cards' taps around ``new_taps`` (card id → the time
    and row id of each of its new taps) and post the differences, one posting per card for
    first charges and one for changes; the rupiah moved (refunds negative)."""
    card_ids = sorted(new_taps)
    payers = _lock_payers(session, card_ids)
    lo = min(at for news in new_taps.values() for at, _ in news) - LOOK_BACK
    by_card: dict[int, list[Any]] = defaultdict(list)
    query = (
        select(CardTap.id, CardTap.card_id, CardTap.kind, CardTap.at, CardTap.stop_id)
        .add_columns(CardTap.route_id, CardTap.network)
        .where(bulk.among(session, CardTap.card_id, card_ids), CardTap.flag.is_(None))
        .where(CardTap.at >= lo)
        .order_by(CardTap.card_id, CardTap.at, CardTap.id)
    )
    for row in session.execute(query):
        by_card[row.card_id].append(row)
    legs = _legs(session, [row.id for rows in by_card.values() for row in rows])
    stretches = {
        card: _stretch(by_card[card], min(at for at, _ in new_taps[card]), legs, lo)
        for card in card_ids
    }
    accounts = select(LedgerAccount.id, LedgerAccount.balance)
    found = session.execute(
        accounts.where(bulk.among(session, LedgerAccount.id, sorted(set(payers.values()))))
    )
    balances: dict[int, int] = {row.id: row.balance for row in found}
    plan = _Plan(session, legs, balances, floor, now)
    for card in card_ids:
        first = min(row for _, row in new_taps[card])  # this batch's, so the keys are new
        plan.price(card, payers[card], stretches[card], pricer, first)
    return plan.write()


def _lock_payers(session: Session, card_ids: list[int]) -> dict[int, int]:
    """Lock the cards (in id order) and find each one's paying ledger account: its own, or for
    a blocked card (taps from before its block) its replacement's. ``FOR NO KEY UPDATE``: the
    batch's own taps already hold KEY SHARE locks on their cards (the foreign key), and
    another batch's taps on others; ``FOR UPDATE`` would wait for those and deadlock."""
    rows = session.execute(
        select(Card.id, Card.ledger_account_id, Card.replaced_by)
        .where(bulk.among(session, Card.id, card_ids))
        .order_by(Card.id)
        .with_for_update(key_share=True)
    ).all()
    payers = {row.id: row.ledger_account_id for row in rows}
    for row in rows:
        successor = row.replaced_by
        for _ in range(10):  # a chain of replaced cards; ten losses in a row is enough
            if successor is None:
                break
            found = session.execute(
                select(Card.ledger_account_id, Card.replaced_by).where(Card.id == successor)
            ).one()
            payers[row.id], successor = found.ledger_account_id, found.replaced_by
    return payers


def _stretch(rows: list[Any], new: datetime, legs: dict[int, Any], lo: datetime) -> list[Any]:
    """The taps to price again: from the quiet gap (:data:`QUIET`, longer than any journey)
    before the earliest new tap to the card's last tap. Everything after may change (a late
    tap-out can re-pair legs and move journeys, earlier ones too), nothing before the gap can.
    When the taps before it run without such a gap to the edge of what was read
    (:data:`LOOK_BACK`: a card tapped around the clock), from the first stored journey start
    read instead: exact unless a change reaches back across a whole day of taps."""
    newest = next(i for i, row in enumerate(rows) if row.at >= new)
    first = newest
    while first > 0 and rows[first].at - rows[first - 1].at < QUIET:
        first -= 1
    if first == 0 and rows[0].at - lo < QUIET:
        for i, row in enumerate(rows[:newest]):
            leg = legs.get(row.id)
            if leg is not None and leg.journey == row.id:
                return rows[i:]
    return rows[first:]


def _legs(session: Session, tap_ids: list[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for start in range(0, len(tap_ids), 5000):
        chunk = tap_ids[start : start + 5000]
        query = select(CardLeg.tap_id, *(getattr(CardLeg, name) for name in CHANGING))
        for row in session.execute(query.where(bulk.among(session, CardLeg.tap_id, chunk))):
            found[row.tap_id] = row
    return found


class _Plan:
    """The new and changed legs and the postings of one repricing, written at the end."""

    def __init__(
        self,
        session: Session,
        legs: dict[int, Any],
        balances: dict[int, int],
        floor: int,
        now: datetime,
    ) -> None:
        self.session, self.legs, self.balances = session, legs, balances
        self.floor, self.now = floor, now
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.postings: list[ledger.Posting] = []
        self.revenue: dict[str, int] = {}
        self.total = 0
        # rupiah moved per network for the card being priced, by posting kind
        self.moved: dict[str, dict[str, int]] = {
            "fare": defaultdict(int),
            "adjust": defaultdict(int),
        }

    def price(self, card: int, payer: int, rows: list[Any], pricer: Pricer, first: int) -> None:
        taps = [Tap(str(r.id), r.at, r.kind, r.stop_id, r.route_id, r.network) for r in rows]
        try:
            found = {int(leg.tap_id): leg for leg in pricer(taps)}
        except SigapError as refused:  # the rules cannot price these taps: stored, unpriced
            log.warning("card %s: taps not priced: %s", card, refused.message("en"))
            return
        starts: dict[int, int] = {}
        for row in rows:  # a journey is named by the row id of its first priced tap
            leg = found.get(row.id)
            if leg is not None:
                starts.setdefault(leg.journey, row.id)
        for row in rows:
            leg = found.get(row.id)
            fare, full = (leg.amount, leg.full) if leg else (0, 0)
            journey = starts[leg.journey] if leg else row.id
            self._settle(card, payer, row, fare, full, journey, leg.rule if leg else "none")
        for kind, moved in self.moved.items():
            entries = [(payer, -sum(moved.values()))]
            entries += [(self._revenue(network), amount) for network, amount in moved.items()]
            entries = [(account, amount) for account, amount in entries if amount]
            if entries:
                key = f"{kind}:{card}:{first}"
                self.postings.append(ledger.Posting(key, kind, self.now, tuple(entries)))
        self.moved = {"fare": defaultdict(int), "adjust": defaultdict(int)}

    def _settle(
        self, card: int, payer: int, row: Any, fare: int, full: int, journey: int, rule: str
    ) -> None:
        old = self.legs.get(row.id)
        charged, postings = (old.charged, old.postings) if old else (0, 0)
        if old is None and fare == 0 and full == 0:
            return  # a tap-out, or a tap the rules do not price: nothing to remember
        delta = fare - charged
        if delta > 0:  # never below the floor: the rest stays unpaid until the next pricing
            delta = max(0, min(delta, self.balances[payer] - self.floor))
        if delta:  # a first charge, or a change to what was charged
            self.balances[payer] -= delta
            self.total += delta
            self.moved["fare" if postings == 0 else "adjust"][row.network] += delta
            postings += 1
        values = {
            "tap_id": row.id,
            "card_id": card,
            "network": row.network,
            "at": row.at,
            "fare": fare,
            "full_fare": full,
            "charged": charged + delta,
            "journey": journey,
            "rule": rule[:100],
            "postings": postings,
        }
        if old is None:
            self.inserts.append(values)
        elif any(values[name] != getattr(old, name) for name in CHANGING):
            self.updates.append(values)

    def _revenue(self, network: str) -> int:
        if network not in self.revenue:
            self.revenue[network] = ledger.account_id(self.session, f"revenue:{network}", "revenue")
        return self.revenue[network]

    def write(self) -> int:
        ledger.post_many(self.session, self.postings)
        insert_rows(self.session.connection(), LEG, self.inserts)
        bulk.update_rows(self.session, LEG, "tap_id", self.updates, CHANGING)
        return self.total


def collect_unpaid(
    session: Session, card_id: int, payer: int, *, floor: int, key: str, now: datetime
) -> int:
    """After a top-up: take what the floor left unpaid on the card's legs, oldest first, as far
    as the balance now allows, in one posting keyed by the top-up; the rupiah taken. The
    caller holds the card's lock (``service.holder_card(..., lock=True)``)."""
    owed = session.execute(
        select(CardLeg.tap_id, CardLeg.network, CardLeg.fare, CardLeg.charged, CardLeg.postings)
        .where(CardLeg.card_id == card_id, CardLeg.charged < CardLeg.fare)
        .order_by(CardLeg.at, CardLeg.tap_id)
    ).all()
    available = ledger.balance(session, payer) - floor
    moved: dict[str, int] = defaultdict(int)
    updates = []
    for leg in owed:
        take = min(leg.fare - leg.charged, available)
        if take <= 0:
            break
        available -= take
        moved[leg.network] += take
        updates.append(
            {"tap_id": leg.tap_id, "charged": leg.charged + take, "postings": leg.postings + 1}
        )
    if not updates:
        return 0
    taken = sum(moved.values())
    revenue = [
        (ledger.account_id(session, f"revenue:{network}", "revenue"), amount)
        for network, amount in sorted(moved.items())
    ]
    entries = ((payer, -taken), *revenue)
    ledger.post(session, ledger.Posting(key, "fare", now, entries, "unpaid fares"))
    bulk.update_rows(session, LEG, "tap_id", updates, ("charged", "postings"))
    return taken
