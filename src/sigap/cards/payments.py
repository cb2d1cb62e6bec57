"""Top-ups and the payment adapters that collect them.

A top-up has two steps. **Start**: the holder asks for an amount with an ``Idempotency-Key``
(the same key again returns the same top-up; with another amount, 409); a ``card_topup`` row
is made, pending, with a reference of its own, and the adapter says how to pay (a payment
page, a QRIS payload). **Confirm**: the adapter says the money arrived (the demo adapter says
yes when the holder asks; QRIS's acquirer sends a signed notification, :func:`notified`); the
ledger moves the amount from the adapter's clearing account to the card, keyed by the adapter
and reference, so a repeated confirmation posts nothing twice. The clearing account's negative
balance is what the adapter owes the city: settled outside Sigap, reconciled against the
provider's statement.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.cards import ledger, taps
from sigap.cards.service import holder_card
from sigap.errors import SigapError
from sigap.models import Card, CardTopup
from sigap.payments import qris

TOPUP_MIN = 1_000


@dataclass(frozen=True, slots=True)
class TopupRef:
    id: int
    amount: int
    reference: str


class PaymentAdapter(Protocol):
    """A way to pay for a top-up. ``start`` says how to pay (fields shown to the holder);
    ``confirm`` whether the payment of ``reference`` arrived."""

    @property
    def name(self) -> str: ...

    def start(self, topup: TopupRef) -> dict[str, str]: ...

    def confirm(self, topup: TopupRef) -> bool: ...


class DemoAdapter:
    """Pays at once, for demos and tests: nothing leaves the machine."""

    name = "demo"

    def start(self, topup: TopupRef) -> dict[str, str]:
        return {"instructions": f"Demo: confirm top-up {topup.reference} to pay."}

    def confirm(self, topup: TopupRef) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class QrisAdapter:
    """A dynamic QRIS code for the exact amount, made from the city's static merchant code
    (``SIGAP_CARD_QRIS_MERCHANT``) with the top-up's reference in its reference label. The
    payment is confirmed by the acquirer's signed notification (:func:`notified`), never by
    the holder's asking."""

    static: str
    name: str = "qris"

    def start(self, topup: TopupRef) -> dict[str, str]:
        payload = qris.dynamic(self.static, topup.amount, reference=topup.reference)
        return {"qris": payload, "instructions": "Scan the QRIS code with a payment app."}

    def confirm(self, topup: TopupRef) -> bool:
        return False


Adapters = Mapping[str, PaymentAdapter]


def adapters(qris_merchant: str | None) -> dict[str, PaymentAdapter]:
    """The deployment's payment methods: the demo one, and QRIS when a merchant code is set."""
    found: dict[str, PaymentAdapter] = {"demo": DemoAdapter()}
    if qris_merchant:
        found["qris"] = QrisAdapter(qris_merchant)
    return found


def adapter_of(available: Adapters, name: str) -> PaymentAdapter:
    adapter = available.get(name)
    if adapter is None:
        raise SigapError("unknown_payment_adapter", adapter=name)
    return adapter


def start(
    session: Session,
    *,
    holder_id: int,
    card_id: int,
    amount: int,
    adapter_name: str,
    available: Adapters,
    key: str,
    balance_max: int,
    now: datetime,
) -> dict[str, Any]:
    """A pending top-up (or the one this key already made) and how to pay it."""
    card = holder_card(session, holder_id, card_id)  # first: a stranger learns nothing else
    if not key:
        raise SigapError("invalid_idempotency_key")
    adapter = adapter_of(available, adapter_name)
    existing = session.scalar(
        select(CardTopup).where(CardTopup.card_id == card.id, CardTopup.idempotency_key == key)
    )
    if existing is not None:
        if (existing.amount, existing.adapter) != (amount, adapter_name):
            raise SigapError("topup_key_reused")
        return answer(existing, adapter)
    if card.status != "active":
        raise SigapError("card_blocked")
    room = balance_max - ledger.balance(session, card.ledger_account_id)
    if not TOPUP_MIN <= amount <= room:
        raise SigapError("invalid_topup_amount", low=f"{TOPUP_MIN:,}", high=f"{max(room, 0):,}")
    topup = CardTopup(
        card_id=card.id,
        amount=amount,
        adapter=adapter_name,
        reference=secrets.token_hex(12),
        idempotency_key=key,
        state="pending",
        created_at=now,
    )
    session.add(topup)
    session.flush()
    return answer(topup, adapter)


def confirm(
    session: Session,
    *,
    holder_id: int,
    card_id: int,
    topup_id: int,
    available: Adapters,
    floor: int,
    zone: ZoneInfo,
    now: datetime,
) -> dict[str, Any]:
    """The adapter's word on a pending top-up: paid → the ledger posts it, once (:func:`_pay`).
    QRIS says no here: its word comes from the acquirer (:func:`notified`)."""
    card = holder_card(session, holder_id, card_id, lock=True)
    topup = session.scalar(
        select(CardTopup).where(CardTopup.id == topup_id, CardTopup.card_id == card.id)
    )
    if topup is None:
        raise SigapError("topup_not_found")
    adapter = adapter_of(available, topup.adapter)
    if topup.state == "pending" and adapter.confirm(_ref(topup)):
        _pay(session, card, topup, floor=floor, zone=zone, now=now)
    return answer(topup, adapter)


def notified(
    session: Session,
    *,
    adapter_name: str,
    reference: str,
    paid: int,
    available: Adapters,
    floor: int,
    zone: ZoneInfo,
    now: datetime,
) -> dict[str, Any]:
    """A payment provider's signed notification that ``reference`` was paid ``paid`` rupiah.
    The same notification again posts nothing (the top-up is already paid); an amount other
    than the top-up's posts nothing and says so (409), for the operator to settle by hand."""
    adapter = adapter_of(available, adapter_name)
    topup = session.scalar(
        select(CardTopup).where(CardTopup.adapter == adapter_name, CardTopup.reference == reference)
    )
    if topup is None:
        raise SigapError("topup_not_found")
    card = session.scalars(select(Card).where(Card.id == topup.card_id).with_for_update()).one()
    session.refresh(topup)  # read again under the card's lock: a racing notice paid it
    if paid != topup.amount:
        raise SigapError("payment_amount_mismatch", paid=f"{paid:,}", amount=f"{topup.amount:,}")
    if topup.state == "pending":
        _pay(session, card, topup, floor=floor, zone=zone, now=now)
    return answer(topup, adapter)


def _pay(
    session: Session, card: Card, topup: CardTopup, *, floor: int, zone: ZoneInfo, now: datetime
) -> None:
    """Post a paid top-up, keyed by adapter and reference so that it posts once: to the card,
    or to the card that replaced it when it was reported lost meanwhile; then the fares the
    floor left unpaid are taken from it (:func:`taps.collect_unpaid`)."""
    target = card
    while target.status != "active" and target.replaced_by is not None:
        target = holder_card(session, card.holder_id, target.replaced_by)
    clearing = ledger.account_id(session, f"clearing:{topup.adapter}", "clearing")
    entries = ((clearing, -topup.amount), (target.ledger_account_id, topup.amount))
    key = f"topup:{topup.adapter}:{topup.reference}"
    ledger.post(session, ledger.Posting(key, "topup", now, entries, f"top-up {topup.id}"))
    topup.state, topup.paid_at = "paid", now
    if target is card:
        collect = f"collect:{topup.adapter}:{topup.reference}"
        taps.collect_unpaid(
            session, card.id, card.ledger_account_id, floor=floor, key=collect, zone=zone, now=now
        )
    session.flush()


def _ref(topup: CardTopup) -> TopupRef:
    return TopupRef(topup.id, topup.amount, topup.reference)


def answer(topup: CardTopup, adapter: PaymentAdapter) -> dict[str, Any]:
    return {
        "id": topup.id,
        "card_id": topup.card_id,
        "amount": topup.amount,
        "adapter": topup.adapter,
        "state": topup.state,
        "created_at": topup.created_at,
        "paid_at": topup.paid_at,
        "payment": adapter.start(_ref(topup)) if topup.state == "pending" else {},
    }
