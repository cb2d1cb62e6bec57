"""How an order is paid: the adapter interface and the two methods of today.

A :class:`PaymentAdapter` says what the buyer is shown when the order is placed (a payload to
pay, or nothing) and who confirms payment. ``cash``: paid on pickup or delivery, recorded when
the seller hands the order over. ``qris``: the buyer pays the seller's own QRIS, made dynamic
for the order's exact amount with the order's reference
(:func:`sigap.payments.qris.dynamic`), and the seller confirms (``confirm_payment``): Sigap
holds no money and never learns of the payment by itself. A provider's adapter (one that learns
of payments by itself) would implement the same interface and confirm through the same use
case.
"""

from __future__ import annotations

from typing import Protocol

from sigap.payments import qris


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
        if static_qris is None:
            return None
        return qris.dynamic(static_qris, amount, reference=reference)


ADAPTERS: dict[str, PaymentAdapter] = {"cash": Cash(), "qris": SellerQris()}
