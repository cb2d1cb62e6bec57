"""Properties of the engine on random taps (hypothesis): the cap holds inside a window, the
order taps arrive in does not matter, and pricing as taps arrive never charges a leg twice."""

from __future__ import annotations

import random
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.fares.conftest import jakarta, local, places

from sigap.fares import engine

# Stops of the three networks of the integrated tariff whose positions are known, and the
# Transjakarta routes serving them (the route decides the network, not the stop).
STOPS = {
    "transjakarta": ["tj:H00275P", "tj:H00022P", "tj:P00017"],
    "mrt": ["mrt:SLBB", "mrt:SFTM", "mrt:SBKM", "mrt:SSNY", "mrt:SBHI"],
    "mikrotrans": ["tj:H00275P", "tj:P00017"],
}
ROUTES = {"transjakarta": "tj:1", "mrt": None, "mikrotrans": "tj:JAK.01"}
START = local(2026, 12, 8, 6, 30)


@st.composite
def card_taps(draw: st.DrawFn, *, window: int = 600, out_chance: float = 0.8) -> list[engine.Tap]:
    """Legs starting within ``window`` minutes, each with a tap-out most of the time."""
    taps: list[engine.Tap] = []
    minute = 0
    for n in range(draw(st.integers(1, 7))):
        minute += draw(st.integers(0, max(1, window // 4)))
        network = draw(st.sampled_from(sorted(STOPS)))
        stop = draw(st.sampled_from(STOPS[network]))
        at = START + timedelta(minutes=minute)
        taps.append(engine.Tap(f"in{n}", at, "in", stop, ROUTES[network]))
        if draw(st.floats(0, 1)) < out_chance:
            ride = draw(st.integers(1, 60))
            minute += ride
            end = draw(st.sampled_from(STOPS[network]))
            out_at = START + timedelta(minutes=minute)
            taps.append(engine.Tap(f"out{n}", out_at, "out", end, ROUTES[network]))
    return taps


def price(taps: list[engine.Tap]) -> engine.Priced:
    return engine.price(taps, jakarta(), places=places())


@settings(max_examples=150, deadline=None)
@given(card_taps(window=170))
def test_never_above_the_cap_inside_a_window(taps: list[engine.Tap]) -> None:
    priced = price(taps)
    package = jakarta().named("jaklingko-2022").packages[0]
    for journey in priced.journeys:
        legs = [leg for leg in priced.legs if leg.journey == journey.index]
        inside = [leg for leg in legs if leg.network in package.networks]
        if len({leg.network for leg in inside}) >= package.min_networks:
            assert sum(leg.amount for leg in inside) <= package.cap
        assert all(0 <= leg.amount <= leg.full for leg in legs)
        assert journey.total == sum(leg.amount for leg in legs)
    assert priced.total == sum(leg.amount for leg in priced.legs)


@settings(max_examples=150, deadline=None)
@given(card_taps(), st.randoms(use_true_random=False))
def test_any_order_of_arrival_gives_the_same_legs(
    taps: list[engine.Tap], shuffler: random.Random
) -> None:
    expected = price(taps)
    arrived = list(taps)
    shuffler.shuffle(arrived)
    assert price(arrived) == expected
    assert price(arrived + arrived[: len(arrived) // 2]) == expected  # delivered twice


@settings(max_examples=150, deadline=None)
@given(card_taps(), st.randoms(use_true_random=False))
def test_pricing_as_taps_arrive_never_charges_a_leg_twice(
    taps: list[engine.Tap], shuffler: random.Random
) -> None:
    """A ledger that posts, after each arriving tap, each leg's difference from what it posted
    before ends with exactly the final charges, each leg once, keyed by its tap-in."""
    arrived = list(taps)
    shuffler.shuffle(arrived)
    posted: dict[str, int] = {}
    tap_ins = {tap.tap_id for tap in taps if tap.kind == "in"}
    for count in range(1, len(arrived) + 1):
        priced = price(arrived[:count])
        keys = [leg.tap_id for leg in priced.legs]
        assert len(keys) == len(set(keys))
        assert set(keys) <= tap_ins
        now = {leg.tap_id: leg.amount for leg in priced.legs}
        for key in set(posted) | set(now):
            posted[key] = posted.get(key, 0) + (now.get(key, 0) - posted.get(key, 0))
    final = price(taps)
    assert {k: v for k, v in posted.items() if v} == {
        leg.tap_id: leg.amount for leg in final.legs if leg.amount
    }
    assert sum(posted.values()) == final.total


@settings(max_examples=150, deadline=None)
@given(card_taps())
def test_later_taps_never_reprice_a_finished_journey(taps: list[engine.Tap]) -> None:
    """Priced on the taps up to any time, every journey but the last is already what the whole
    day's taps make it: only the journey still going is adjusted."""
    ordered = sorted(taps, key=lambda tap: (tap.at, tap.tap_id))
    final = price(taps)
    for count in range(1, len(ordered)):
        prefix = price(ordered[:count])
        last = prefix.journeys[-1].index
        done = [leg for leg in prefix.legs if leg.journey != last]
        assert done == list(final.legs[: len(done)])
        assert prefix.journeys[:-1] == final.journeys[: len(prefix.journeys) - 1]
