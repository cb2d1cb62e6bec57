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
order of arrival charge the same total. The card rows are locked first, before the taps are
stored, so two batches never price one card at once. A charge never takes a card below the
balance floor; what it cannot take stays unpaid (``fare - charged``) and is taken at the
card's next repricing.

A batch is a fixed number of statements whatever its size: the cards locked (with their
balances), the taps inserted (``ON CONFLICT DO NOTHING``: the duplicates are what is not
returned), the cards' recent taps read with their legs, the revenue accounts, then the
postings and the legs written. Its first charges are one ledger posting and its changes to
earlier ones another, with an entry per paying card and per network and ride day (the
region's local day of the tap: the revenue report's day).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from sigap.cards import bulk, ledger
from sigap.cards.ledger import Entry
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
KINDS = ("fare", "adjust")  # a batch's postings: first charges, changes to earlier ones


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
    zone: ZoneInfo,
    now: datetime,
) -> Outcome:
    """Store the new taps of the batch and price the cards they touch (``zone``: the region's,
    whose days the revenue is booked on)."""
    unique: dict[str, TapIn] = {}
    for tap in taps:  # each tap id once: the first
        unique.setdefault(tap.tap_id, tap)
    hashes = {tap.tap_id: hasher.lenient(tap.card) for tap in unique.values()}
    cards = _lock_cards(session, set(hashes.values()))
    rows = [_row(validator, tap, hashes[tap.tap_id], cards, now) for tap in unique.values()]
    # Taps already stored (a batch sent again, or the same batch at once) are skipped.
    stored = insert_rows(
        session.connection(), TAP, rows, returning=("id", "tap_id"), skip_conflicts=True
    )
    outcome = Outcome(stored=len(stored), duplicates=len(taps) - len(stored))
    by_tap = {row["tap_id"]: row for row in rows}
    priced: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for tap_row, tap_id in stored:
        row = by_tap[tap_id]
        if row["flag"] == "unknown":
            outcome.unknown += 1
        elif row["flag"] is None:
            priced[row["card_id"]].append((row["at"], tap_row))
    if priced and pricer is not None:  # None: a region without fare rules charges nothing
        found = {card.id: card for card in cards.values()}
        outcome.charged = reprice(
            session, priced, found, pricer=pricer, floor=floor, zone=zone, now=now
        )
    return outcome


def _lock_cards(session: Session, hashes: set[str]) -> dict[str, Any]:
    """The batch's registered cards by hash, with their accounts' balances, locked in id order
    before the taps are stored: two batches of one card are priced one after the other, and
    the block of a lost card is read under its lock. ``FOR NO KEY UPDATE``: the taps' foreign
    keys then take KEY SHARE locks the batch already holds (two batches taking KEY SHARE
    first, then ``FOR UPDATE``, deadlocked)."""
    if not hashes:
        return {}
    query = (
        select(Card.id, Card.card_hash, Card.blocked_at, Card.ledger_account_id)
        .add_columns(Card.replaced_by, LedgerAccount.balance)
        .join(LedgerAccount, LedgerAccount.id == Card.ledger_account_id)
        .where(bulk.among(session, Card.card_hash, sorted(hashes)))
        .order_by(Card.id)
        .with_for_update(of=Card, key_share=True)
    )
    found = session.connection().execute(query)  # Core: rows, no ORM loading
    return {row[1]: _Card(*row) for row in found}


class _Card(NamedTuple):
    id: int
    card_hash: str
    blocked_at: datetime | None
    ledger_account_id: int
    replaced_by: int | None
    balance: int


def _row(
    validator: ValidatorRef, tap: TapIn, card_hash: str, cards: dict[str, _Card], now: datetime
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
    cards: dict[int, _Card],
    *,
    pricer: Pricer,
    floor: int,
    zone: ZoneInfo,
    now: datetime,
) -> int:
    """Price again the stretches of the cards' taps around ``new_taps`` (card id → the time
    and row id of each of its new taps; ``cards``: their locked rows) and post the
    differences: one posting of the batch's first charges and one of its changes, keyed by its
    first new tap; the rupiah moved (refunds negative)."""
    card_ids = sorted(new_taps)
    payers, balances = _payers(session, [cards[card] for card in card_ids])
    lo = min(at for news in new_taps.values() for at, _ in news) - LOOK_BACK
    by_card: dict[int, list[_Stored]] = defaultdict(list)
    legs: dict[int, _Leg] = {}
    query = (
        select(CardTap.id, CardTap.card_id, CardTap.kind, CardTap.at, CardTap.stop_id)
        .add_columns(CardTap.route_id, CardTap.network)
        .add_columns(*(getattr(CardLeg, name) for name in CHANGING))
        .outerjoin(CardLeg, CardLeg.tap_id == CardTap.id)
        .where(bulk.among(session, CardTap.card_id, card_ids), CardTap.flag.is_(None))
        .where(CardTap.at >= lo)
        .order_by(CardTap.card_id, CardTap.at, CardTap.id)
    )
    for row_id, card, kind, at, stop, route, network, *leg in session.connection().execute(query):
        tap = Tap(str(row_id), at, "in" if kind == "in" else "out", stop or "", route, network)
        by_card[card].append(_Stored(row_id, at, network, tap))
        if leg[2] is not None:  # charged: the tap has a leg
            legs[row_id] = _Leg(*leg)
    plan = _Plan(legs, balances, floor, zone)
    for card in card_ids:
        stretch = _stretch(by_card[card], min(at for at, _ in new_taps[card]), legs, lo)
        plan.price(card, payers[card], stretch, pricer)
    first = min(row for news in new_taps.values() for _, row in news)
    return plan.write(session, first, now)


class _Stored(NamedTuple):
    """A stored tap of a card being priced."""

    id: int
    at: datetime
    network: str
    tap: Tap


class _Leg(NamedTuple):
    """A tap's ``card_leg``: its fare and what was charged (the names of :data:`CHANGING`)."""

    fare: int
    full_fare: int
    charged: int
    journey: int
    rule: str
    postings: int


def _payers(session: Session, cards: list[_Card]) -> tuple[dict[int, int], dict[int, int]]:
    """Each card's paying ledger account (its own, or for a blocked card, taps from before its
    block, its replacement's: the chain of replacements is followed) and the payers' balances."""
    payers = {card.id: card.ledger_account_id for card in cards}
    balances = {card.ledger_account_id: card.balance for card in cards}
    for card in cards:
        successor = card.replaced_by
        for _ in range(10):  # a chain of replaced cards; ten losses in a row is enough
            if successor is None:
                break
            found = session.execute(
                select(Card.ledger_account_id, Card.replaced_by, LedgerAccount.balance)
                .join(LedgerAccount, LedgerAccount.id == Card.ledger_account_id)
                .where(Card.id == successor)
            ).one()
            payers[card.id], successor = found.ledger_account_id, found.replaced_by
            balances[found.ledger_account_id] = found.balance
    return payers, balances


def _stretch(
    rows: list[_Stored], new: datetime, legs: dict[int, _Leg], lo: datetime
) -> list[_Stored]:
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


class _Plan:
    """The new and changed legs and the postings of one repricing, written at the end: what
    each paying account pays and what each network earns per ride day, by posting kind
    (``fare``: first charges, ``adjust``: changes to what was charged)."""

    def __init__(
        self, legs: dict[int, _Leg], balances: dict[int, int], floor: int, zone: ZoneInfo
    ) -> None:
        self.legs, self.balances, self.floor, self.zone = legs, balances, floor, zone
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.total = 0
        self.paid: dict[str, dict[int, int]] = {kind: defaultdict(int) for kind in KINDS}
        self.earned: dict[str, dict[tuple[str, date], int]] = {
            kind: defaultdict(int) for kind in KINDS
        }

    def price(self, card: int, payer: int, rows: list[_Stored], pricer: Pricer) -> None:
        try:
            found = {leg.tap_id: leg for leg in pricer([row.tap for row in rows])}
        except SigapError as refused:  # the rules cannot price these taps: stored, unpriced
            log.warning("card %s: taps not priced: %s", card, refused.message("en"))
            return
        starts: dict[int, int] = {}
        for row in rows:  # a journey is named by the row id of its first priced tap
            leg = found.get(row.tap.tap_id)
            if leg is not None:
                starts.setdefault(leg.journey, row.id)
        for row in rows:
            leg = found.get(row.tap.tap_id)
            if leg is None:
                new = _Leg(0, 0, 0, row.id, "none", 0)
            else:
                new = _Leg(leg.amount, leg.full, 0, starts[leg.journey], leg.rule[:100], 0)
            self._settle(card, payer, row, new)

    def _settle(self, card: int, payer: int, row: _Stored, new: _Leg) -> None:
        """``new``: the leg as priced now, ``charged`` and ``postings`` still to settle."""
        old = self.legs.get(row.id)
        if old is None and new.fare == 0 and new.full_fare == 0:
            return  # a tap-out, or a tap the rules do not price: nothing to remember
        charged, postings = (old.charged, old.postings) if old else (0, 0)
        delta = new.fare - charged
        if delta > 0:  # never below the floor: the rest stays unpaid until the next pricing
            delta = max(0, min(delta, self.balances[payer] - self.floor))
        if delta:  # a first charge, or a change to what was charged
            self.balances[payer] -= delta
            self.total += delta
            kind = "fare" if postings == 0 else "adjust"
            self.paid[kind][payer] -= delta
            self.earned[kind][row.network, row.at.astimezone(self.zone).date()] += delta
            postings += 1
        fare, full, journey, rule = new.fare, new.full_fare, new.journey, new.rule
        settled = _Leg(fare, full, charged + delta, journey, rule, postings)
        if old is None:  # the columns of LEG (a dict built here: _asdict is slow per leg)
            self.inserts.append(
                {"tap_id": row.id, "card_id": card, "network": row.network, "at": row.at,
                 "fare": fare, "full_fare": full, "charged": charged + delta,
                 "journey": journey, "rule": rule, "postings": postings}
            )  # fmt: skip
        elif settled != old:
            self.updates.append({"tap_id": row.id, **settled._asdict()})

    def write(self, session: Session, first: int, now: datetime) -> int:
        """The postings (keyed by the batch's first new tap row), the legs; the rupiah moved."""
        networks = {network for earned in self.earned.values() for network, _ in earned}
        revenue = ledger.revenue_accounts(session, networks)
        postings = []
        for kind in KINDS:
            entries = [Entry(payer, amount) for payer, amount in sorted(self.paid[kind].items())]
            entries += [
                Entry(revenue[network], amount, day)
                for (network, day), amount in sorted(self.earned[kind].items())
            ]
            entries = [entry for entry in entries if entry.amount]
            if entries:
                postings.append(ledger.Posting(f"{kind}:{first}", kind, now, tuple(entries)))
        ledger.post_many(session, postings)
        insert_rows(session.connection(), LEG, self.inserts)
        bulk.update_rows(session, LEG, "tap_id", self.updates, CHANGING)
        return self.total


def collect_unpaid(
    session: Session,
    card_id: int,
    payer: int,
    *,
    floor: int,
    key: str,
    zone: ZoneInfo,
    now: datetime,
) -> int:
    """After a top-up: take what the floor left unpaid on the card's legs, oldest first, as far
    as the balance now allows, in one posting keyed by the top-up (revenue on the rides'
    days); the rupiah taken. The caller holds the card's lock (``service.holder_card(...,
    lock=True)``)."""
    owed = session.execute(
        select(CardLeg.tap_id, CardLeg.network, CardLeg.at, CardLeg.fare, CardLeg.charged)
        .add_columns(CardLeg.postings)
        .where(CardLeg.card_id == card_id, CardLeg.charged < CardLeg.fare)
        .order_by(CardLeg.at, CardLeg.tap_id)
    ).all()
    available = ledger.balance(session, payer) - floor
    moved: dict[tuple[str, date], int] = defaultdict(int)
    updates = []
    for leg in owed:
        take = min(leg.fare - leg.charged, available)
        if take <= 0:
            break
        available -= take
        moved[leg.network, leg.at.astimezone(zone).date()] += take
        updates.append(
            {"tap_id": leg.tap_id, "charged": leg.charged + take, "postings": leg.postings + 1}
        )
    if not updates:
        return 0
    taken = sum(moved.values())
    accounts = ledger.revenue_accounts(session, {network for network, _ in moved})
    revenue = [
        Entry(accounts[network], amount, day) for (network, day), amount in sorted(moved.items())
    ]
    entries = (Entry(payer, -taken), *revenue)
    ledger.post(session, ledger.Posting(key, "fare", now, entries, "unpaid fares"))
    bulk.update_rows(session, LEG, "tap_id", updates, ("charged", "postings"))
    return taken
