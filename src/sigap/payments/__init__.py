"""Payments: what money moving in from outside needs, independent of what is bought (a fare
card's top-up, a market order): QRIS payloads (:mod:`sigap.payments.qris`)."""
