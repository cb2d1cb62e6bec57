"""How an order is paid: the adapter interface and the two methods of today.

A :class:`PaymentAdapter` says what the buyer is shown when the order is placed (a payload to
pay, or nothing) and who confirms payment. ``cash``: paid on pickup or delivery, recorded when
the seller hands the order over. ``qris``: the buyer pays the seller's own QRIS and the seller
confirms (``confirm_payment``); the dynamic payload for the exact amount comes from
``sigap.payments.qris`` (being added on main) — until it is merged, the order keeps the method
and no payload, and the buyer scans the seller's static code. A provider's adapter (one that
learns of payments by itself) would implement the same interface and confirm through the same
use case.
"""

from __future__ import annotations

from typing import Protocol


class PaymentAdapter(Protocol):
    method: str
    confirmed_at_handover: bool  # handing the order over records the payment

    def payload(self, *, static_qris: str | None, amount: int, reference: str) -> str | None:
        """What the buyer pays with (None: nothing to show)."""
        ...


class Cash:
    method = "cash"
    confirmed_at_handover = True

    def payload(self, *, static_qris: str | None, amount: int, reference: str) -> str | None:
        return None


class SellerQris:
    method = "qris"
    confirmed_at_handover = False

    def payload(self, *, static_qris: str | None, amount: int, reference: str) -> str | None:
        return None  # sigap.payments.qris's dynamic payload at merge (docs/market.md)


ADAPTERS: dict[str, PaymentAdapter] = {"cash": Cash(), "qris": SellerQris()}
