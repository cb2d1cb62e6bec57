"""Tamper-evident history: hash chains over the report timeline and the admin audit (written
by :mod:`sigap.history.audit`)."""
