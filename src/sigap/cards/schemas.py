"""The fare card API's bodies and answers (``/api/v1/cards``, ``/api/v1/admin/validators``,
``/api/v1/admin/cards``). No answer has a field for a card's number: a holder sees the name they
gave a card and its last four characters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, Field, field_validator

from sigap.inputs import Input, storable
from sigap.kit import Answer

Money = int  # integer rupiah, never a float


class CardCreate(Input):
    number: str = Field(min_length=1, max_length=64, description="The printed or NFC number")
    name: str = Field(default="", max_length=40, description="Your own name for the card")


class CardReplace(Input):
    number: str = Field(min_length=1, max_length=64, description="The new card's number")


class Card(Answer):
    id: int
    name: str
    last4: str = Field(description="The last four characters of the card's number")
    status: Literal["active", "blocked"]
    balance: Money = Field(description="Rupiah")
    created_at: datetime
    blocked_at: datetime | None
    replaced_by: int | None = Field(description="The card this blocked card's balance went to")


class Leg(Answer):
    at: datetime
    kind: Literal["in", "out"]
    network: str
    stop_id: str | None
    route_id: str | None
    fare: Money = Field(description="What this leg costs under the fare rules")
    full: Money = Field(description="What it would cost alone, before caps and transfers")
    saved: Money = Field(description="full - fare: what the cap or transfer saved")
    rule: str


class Journey(Answer):
    started_at: datetime
    fare: Money
    full: Money
    saved: Money
    unpaid: Money = Field(description="Fare not yet taken: the balance was at its floor")
    legs: list[Leg]


class TopupCreate(Input):
    amount: Money = Field(ge=1, le=100_000_000, description="Rupiah")
    adapter: str = Field(default="demo", max_length=20, description="The payment method")


class Topup(Answer):
    id: int
    card_id: int
    amount: Money
    adapter: str
    state: Literal["pending", "paid"]
    created_at: datetime
    paid_at: datetime | None
    payment: dict[str, str] = Field(description="How to pay a pending top-up (the adapter's)")


class TapBody(Input):
    tap_id: str = Field(min_length=1, max_length=64, description="The validator's own id")
    card: str = Field(min_length=1, max_length=64, description="The card's number as read")
    kind: Literal["in", "out"]
    at: AwareDatetime = Field(description="When the card was tapped, with its offset")
    stop_id: str | None = Field(default=None, max_length=100)
    route_id: str | None = Field(default=None, max_length=100)

    @field_validator("at")
    @classmethod
    def _storable(cls, value: datetime) -> datetime:
        if not storable(value):
            raise ValueError("datetime_out_of_range")
        return value


class TapBatch(Input):
    taps: list[TapBody] = Field(min_length=1, max_length=1000)


class TapsStored(Answer):
    stored: int = Field(description="Taps stored now")
    duplicates: int = Field(description="Taps stored before (a batch sent again)")
    unknown: int = Field(description="Taps of card numbers no holder registered (flagged)")


class ValidatorCreate(Input):
    name: str = Field(min_length=1, max_length=100)
    network: str = Field(min_length=1, max_length=40, description="tj, mrt, lrt, ...")
    stop_id: str | None = Field(default=None, max_length=100)
    route_id: str | None = Field(default=None, max_length=100)


class Validator(Answer):
    id: int
    name: str
    network: str
    stop_id: str | None
    route_id: str | None
    key_prefix: str
    created_at: datetime
    revoked_at: datetime | None


class ValidatorCreated(Validator):
    key: str = Field(description="The validator's key, shown only now")


class Revenue(Answer):
    day: date
    network: str
    fares: Money = Field(
        description="Fares and their adjustments for that day's rides (by=posting: posted that day)"
    )


class Check(Answer):
    name: Literal["topups", "fares", "cards"] = Field(
        description="topups: paid top-ups = clearing; fares: legs charged = revenue; "
        "cards: top-ups - fares = card balances (all-time)"
    )
    expected: Money
    found: Money
    difference: Money = Field(description="found - expected: anything but 0 is a fault")


class Reconciliation(Answer):
    start: date
    end: date
    taps: int
    taps_unknown: int
    taps_blocked: int
    legs_priced: int
    fares: Money = Field(description="Fares charged (first postings)")
    adjustments: Money = Field(description="Late taps' differences (refunds negative)")
    unpaid: Money = Field(description="Fares not yet taken: balances at their floor")
    topups_paid: int
    topups_paid_amount: Money
    topups_pending: int
    card_balances: Money = Field(description="What all cards hold now")
    clearing: dict[str, Money] = Field(description="Each adapter's clearing account now")
    ledger_balanced: bool
    checks: list[Check] = Field(description="The books' sums that must agree (docs/cards.md)")


class PaymentNotice(Input):
    """A payment provider's word that a top-up was paid (signed: ``Sigap-Signature``)."""

    reference: str = Field(
        min_length=1, max_length=64, description="The top-up's reference (QRIS tag 62/05)"
    )
    amount: Money = Field(ge=1, le=100_000_000, description="What was paid, in rupiah")
    provider_reference: str | None = Field(
        default=None, max_length=100, description="The provider's own id of the payment"
    )
