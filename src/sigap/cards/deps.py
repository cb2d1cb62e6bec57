"""What the fare card's HTTP modules take from the app: the card secret's hasher (read once per
process) and the fare pricer."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from sigap.cards.pricing import Pricer, TransferPricer
from sigap.cards.service import Hasher


def hasher_of(request: Request, session: Session) -> Hasher:
    """The card secret, read once per process (it never changes)."""
    found: Hasher | None = getattr(request.app.state, "card_hasher", None)
    if found is None:
        found = request.app.state.card_hasher = Hasher.load(session)
    return found


def pricer_of(request: Request) -> Pricer:
    """The app's fare pricer (``app.state.card_pricer``); the flat seam until one is set."""
    pricer: Pricer = getattr(request.app.state, "card_pricer", None) or TransferPricer()
    return pricer
