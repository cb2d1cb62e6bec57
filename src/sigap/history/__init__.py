"""Tamper-evident history: hash chains over the report timeline and the admin audit."""
