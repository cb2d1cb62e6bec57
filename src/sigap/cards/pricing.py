"""The seam between the taps and THE fare engine (:mod:`sigap.fares.engine`).

A :data:`Pricer` takes one card's taps and returns what each leg costs, in the fare engine's
shapes (``LegFare``: ``tap_id`` of the leg's tap-in, ``amount``, ``journey``, ``full``,
``rule``). The cards package never decides a fare itself: the app prices with
:class:`EnginePricer` over the region pack's fare rules (``cards.deps.pricer_of``), and the
tests that are about money rather than fares with :class:`TransferPricer` (one flat fare, free
changes within a window: Transjakarta's rule alone). A card whose taps the engine cannot price
(no rule set in force that day, a network without rules) is left unpriced and logged, never
refused: its taps are stored.

Repricing (:mod:`sigap.cards.taps`) gives a pricer a card's taps from the last quiet gap of
:data:`QUIET` before the new ones (no journey spans it) to the card's last tap; taps more than
:data:`LOOK_BACK` before the new ones are not read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sigap.fares import engine
from sigap.fares.rules import FareRules

# No journey spans this gap: no leg is this long (the engine's own rule) and the longest
# transfer window is 180 minutes.
QUIET = engine.LONGEST_LEG
LOOK_BACK = timedelta(days=1)


# A tap as the fare engine reads it: ``tap_id`` the stored tap's row id as text, ``stop_id``
# "" when the validator named none (a bus validator of a route), ``network`` the validator's.
Tap = engine.Tap


class Leg(Protocol):
    """What the engine's ``LegFare`` has and the cards read."""

    @property
    def tap_id(self) -> str: ...
    @property
    def amount(self) -> int: ...
    @property
    def journey(self) -> int: ...
    @property
    def full(self) -> int: ...
    @property
    def rule(self) -> str: ...


Pricer = Callable[[Sequence[Tap]], Sequence[Leg]]


@dataclass(frozen=True, slots=True)
class FlatLeg:
    tap_id: str
    amount: int
    journey: int
    full: int
    rule: str


@dataclass(frozen=True, slots=True)
class TransferPricer:
    """``fare`` for each tap-in that starts a journey; a tap-in within ``window`` of its
    journey's first is free (``full`` still says ``fare``: what the transfer saved). Tap-outs
    cost nothing and have no leg."""

    fare: int = 3_500
    window: timedelta = timedelta(hours=3)
    rule: str = "flat"

    def __call__(self, taps: Sequence[Tap]) -> list[FlatLeg]:
        legs: list[FlatLeg] = []
        started: datetime | None = None
        journey = -1
        for tap in sorted(taps, key=lambda t: (t.at, t.tap_id)):
            if tap.kind != "in":
                continue
            if started is None or tap.at - started > self.window:
                started, journey = tap.at, journey + 1
                legs.append(FlatLeg(tap.tap_id, self.fare, journey, self.fare, self.rule))
            else:
                legs.append(FlatLeg(tap.tap_id, 0, journey, self.fare, f"{self.rule}:transfer"))
        return legs


@dataclass(frozen=True, slots=True)
class EnginePricer:
    """The fare engine over the region's rules (and the network's stop positions, for
    distance fares): a tap's network is its validator's, one of the rules' network ids
    (``transjakarta``, ``mrt``, ...)."""

    rules: FareRules
    places: engine.Places | None = None

    def __call__(self, taps: Sequence[Tap]) -> tuple[engine.LegFare, ...]:
        return engine.price(taps, self.rules, places=self.places).legs
