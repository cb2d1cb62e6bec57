"""The journey planner's fares: each option's rides as the taps a card would make, priced by
THE engine (docs/fares.md, "In the journey planner").

A ride becomes a tap-in where it boards and a tap-out where it alights, on its route, at its
planned times: the fare a rider pays who taps out (the integrated tariff's distance needs it).
An option whose fare the rules cannot give (a network without fare rules, such as KRL here;
a day no rule set covers; a region without fare rules) has none: ``fare`` is null, never a
guess.
"""

from __future__ import annotations

import functools
import logging
import threading
import weakref
from datetime import UTC, datetime
from typing import Any

from sigap.errors import SigapError
from sigap.fares import engine, rules
from sigap.regions import pack
from sigap.transit.state import Network

log = logging.getLogger("sigap.fares")
_places: weakref.WeakKeyDictionary[Network, engine.Places] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


@functools.cache
def bundled(slug: str) -> rules.FareRules | None:
    """The fare rules of the bundled region pack ``slug``, read once per process; None when
    it has none, or when they cannot be read (logged: the planner answers without fares
    rather than not at all; `sigap export-fares` names the problem)."""
    folder = pack.BUNDLED / slug
    if not (folder / "fares" / "rule_sets.txt").is_file():
        return None
    try:
        return rules.load(folder)
    except (SigapError, OSError, ValueError, KeyError):
        log.warning("the fare rules of %s cannot be read; plans have no fares", slug, exc_info=True)
        return None


def places(held: Network) -> engine.Places:
    """The network's stop positions, built once per network."""
    with _lock:
        found = _places.get(held)
        if found is None:
            found = _places[held] = engine.Places.from_feed(held.feed)
        return found


def add_fares(answer: dict[str, Any], held: Network, fares: rules.FareRules | None) -> None:
    """Give each option of a plan answer its ``fare`` and ``fare_rule_set``."""
    for option in answer["options"]:
        option["fare"], option["fare_rule_set"] = None, None
        if fares is None:
            continue
        taps = option_taps(option["legs"])
        if not taps:
            option["fare"] = 0  # a walk only
            continue
        try:
            priced = engine.price(taps, fares, places=places(held))
        except SigapError:
            continue
        names = {fares.sets[j.rule_set].name for j in priced.journeys}
        option["fare"] = priced.total
        option["fare_rule_set"] = ", ".join(sorted(names))


def option_taps(legs: list[dict[str, Any]]) -> list[engine.Tap]:
    taps: list[engine.Tap] = []
    for n, leg in enumerate(legs):
        if leg["kind"] != "ride":
            continue
        route = leg["route"]["id"] if leg["route"] else None
        for kind, place, at in (("in", "start", "depart"), ("out", "end", "arrive")):
            taps.append(
                engine.Tap(
                    f"{n:03d}{kind}",
                    datetime.fromisoformat(leg[at]).astimezone(UTC),
                    "in" if kind == "in" else "out",
                    leg[place]["stop_id"],
                    route,
                )
            )
    return taps
