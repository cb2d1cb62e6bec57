"""Card accounts: a holder (an account) registers cards, sees their balances and trips, and
reports a lost card, whose balance moves to its replacement.

A card is known only by the keyed hash of its number (:class:`Hasher`, HMAC-SHA256 with the
database's ``card`` secret, made by migration 0028): a printed number has too few digits for a
plain hash, which anyone could compute for every number. The number itself is never stored and
never answered; the holder sees the name they gave it and its last four characters.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.cards import ledger
from sigap.errors import SigapError
from sigap.models import Card, CardLeg, CardTap, LedgerAccount, ServerSecret

NUMBER = re.compile(r"[0-9A-Z]{8,32}")
SEPARATORS = re.compile(r"[\s-]")
TRIPS_SHOWN = 100  # the legs a trip history shows, newest first


def normal(number: str) -> str:
    """``"6032 9844-0012 3456"`` → ``"6032984400123456"``; 422 if it is no card number."""
    cleaned = SEPARATORS.sub("", number).upper()
    if not NUMBER.fullmatch(cleaned):
        raise SigapError("invalid_card_number")
    return cleaned


@dataclass(frozen=True, slots=True)
class Hasher:
    """The keyed hash of card numbers, the same in every process (the secret is stored)."""

    secret: bytes

    def __call__(self, number: str) -> str:
        return hmac.digest(self.secret, normal(number).encode(), "sha256").hex()

    def lenient(self, number: str) -> str:
        """A validator's card id, whatever it is (an unknown card is stored and flagged). Once
        per tap of a batch: the one-shot ``hmac.digest``, not an HMAC object."""
        cleaned = SEPARATORS.sub("", number).upper()
        return hmac.digest(self.secret, cleaned.encode(), "sha256").hex()

    @classmethod
    def load(cls, session: Session) -> Hasher:
        value = session.scalar(select(ServerSecret.value).where(ServerSecret.name == "card"))
        if value is None:
            raise RuntimeError("no card secret: run 'sigap db upgrade' (migration 0028_cards)")
        return cls(bytes.fromhex(value))


def register(
    session: Session, hasher: Hasher, *, holder_id: int, number: str, name: str, now: datetime
) -> Card:
    """A new card of ``holder_id``, with an empty balance; 409 if the number is registered."""
    card_hash = hasher(number)
    if session.scalar(select(Card.id).where(Card.card_hash == card_hash)) is not None:
        raise SigapError("card_already_registered")
    account = ledger.account_id(session, f"card:{card_hash[:32]}", "card")
    card = Card(
        card_hash=card_hash,
        holder_id=holder_id,
        ledger_account_id=account,
        name=" ".join(name.split())[:40] or normal(number)[-4:],
        last4=normal(number)[-4:],
        status="active",
        created_at=now,
    )
    session.add(card)
    session.flush()
    return card


def holder_cards(session: Session, holder_id: int) -> list[dict[str, Any]]:
    query = (
        select(Card, LedgerAccount.balance)
        .join(LedgerAccount, LedgerAccount.id == Card.ledger_account_id)
        .where(Card.holder_id == holder_id)
        .order_by(Card.status, Card.id)
    )
    return [present(card, balance) for card, balance in session.execute(query)]


def present(card: Card, balance: int) -> dict[str, Any]:
    return {
        "id": card.id,
        "name": card.name,
        "last4": card.last4,
        "status": card.status,
        "balance": balance,
        "created_at": card.created_at,
        "blocked_at": card.blocked_at,
        "replaced_by": card.replaced_by,
    }


def holder_card(session: Session, holder_id: int, card_id: int, *, lock: bool = False) -> Card:
    """The holder's card ``card_id``; another holder's and a missing one are the same 404."""
    query = select(Card).where(Card.id == card_id, Card.holder_id == holder_id)
    card = session.scalar(query.with_for_update(key_share=True) if lock else query)
    if card is None:
        raise SigapError("card_not_found")
    return card


def card_answer(session: Session, card: Card) -> dict[str, Any]:
    return present(card, ledger.balance(session, card.ledger_account_id))


def replace(
    session: Session,
    hasher: Hasher,
    *,
    holder_id: int,
    card_id: int,
    number: str,
    now: datetime,
) -> Card:
    """Block a lost card and move its balance to the new card ``number`` (one ledger transfer,
    keyed by the lost card: a retry moves nothing twice). Taps of the lost card made before
    the block are still priced, and charged to the new card; later ones are flagged."""
    lost = holder_card(session, holder_id, card_id, lock=True)
    if lost.status != "active":
        raise SigapError("card_blocked")
    new = register(session, hasher, holder_id=holder_id, number=number, name=lost.name, now=now)
    lost.status, lost.blocked_at, lost.replaced_by = "blocked", now, new.id
    moved = ledger.balance(session, lost.ledger_account_id)
    if moved:
        entries = ((lost.ledger_account_id, -moved), (new.ledger_account_id, moved))
        posting = ledger.Posting(f"replace:{lost.id}", "transfer", now, entries, "lost card")
        ledger.post(session, posting)
    session.flush()
    return new


def trips(session: Session, holder_id: int, card_id: int) -> list[dict[str, Any]]:
    """The card's journeys, newest first: each leg's fare, its fare before caps and
    transfers (``full``) and what the rules saved (``saved``), and the journey's totals."""
    holder_card(session, holder_id, card_id)
    query = (
        select(CardLeg, CardTap.kind, CardTap.stop_id, CardTap.route_id)
        .join(CardTap, CardTap.id == CardLeg.tap_id)
        .where(CardLeg.card_id == card_id)
        .order_by(CardLeg.at.desc(), CardLeg.tap_id.desc())
        .limit(TRIPS_SHOWN)
    )
    journeys: dict[int, dict[str, Any]] = {}
    for leg, kind, stop_id, route_id in session.execute(query):
        journey = journeys.setdefault(
            leg.journey, {"legs": [], "fare": 0, "full": 0, "saved": 0, "unpaid": 0}
        )
        journey["legs"].append(
            {
                "at": leg.at,
                "kind": kind,
                "network": leg.network,
                "stop_id": stop_id,
                "route_id": route_id,
                "fare": leg.fare,
                "full": leg.full_fare,
                "saved": leg.full_fare - leg.fare,
                "rule": leg.rule,
            }
        )
        journey["fare"] += leg.fare
        journey["full"] += leg.full_fare
        journey["saved"] += leg.full_fare - leg.fare
        journey["unpaid"] += leg.fare - leg.charged
    answer = []
    for journey in journeys.values():
        journey["legs"].reverse()
        journey["started_at"] = journey["legs"][0]["at"]
        answer.append(journey)
    return answer
