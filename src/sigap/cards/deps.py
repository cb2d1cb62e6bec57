"""What the fare card's HTTP modules take from the app: the card secret's hasher (read once per
process) and the fare pricer."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from sigap.cards.pricing import EnginePricer, Pricer
from sigap.cards.service import Hasher
from sigap.deps import context_of
from sigap.errors import SigapError
from sigap.fares import planner


def hasher_of(request: Request, session: Session) -> Hasher:
    """The card secret, read once per process (it never changes)."""
    found: Hasher | None = getattr(request.app.state, "card_hasher", None)
    if found is None:
        found = request.app.state.card_hasher = Hasher.load(session)
    return found


def pricer_of(request: Request) -> Pricer | None:
    """The app's fare pricer: ``app.state.card_pricer`` when set (tests), else THE fare engine
    over the region pack's rules with the transit network's stop positions; None for a region
    without fare rules (taps are stored, nothing is charged)."""
    pricer: Pricer | None = getattr(request.app.state, "card_pricer", None)
    if pricer is not None:
        return pricer
    region = context_of(request).region
    fare_rules = planner.bundled(region.slug)
    if fare_rules is None:
        return None
    try:
        places = planner.places(request.app.state.transit.current(request.app.state.db))
    except SigapError:  # no network imported: fares that need no distance still work
        places = None
    return EnginePricer(fare_rules, places)
