"""RAPTOR against the brute-force reference on random small networks and queries: for every
number of rides, the same best arrival (depart-at) or latest departure (arrive-by); and every
journey's legs hold together."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.transit.reference import (
    Network,
    best_by_rides,
    latest_by_rides,
    pareto,
    random_network,
)

from sigap.transit import raptor
from sigap.transit.network import Timetable
from sigap.transit.raptor import Journey

MAX_RIDES = 4


Damage = Callable[[Timetable], Timetable]


def mismatch(
    seed: int, stops: int, routes: int, damage: Damage | None = None, by: bool = False
) -> str | None:
    """What differs between RAPTOR (over the timetable as ``damage`` leaves it) and the
    reference on the network and query of ``seed``, depart-at or (``by``) arrive-by; None
    when nothing does."""
    rng = random.Random(seed)
    net = random_network(rng, stops, routes)
    origins = {rng.randrange(stops): 60 * rng.randint(0, 3) for _ in range(rng.randint(1, 2))}
    targets = {rng.randrange(stops): 60 * rng.randint(0, 3) for _ in range(rng.randint(1, 2))}
    table = damage(net.table) if damage else net.table
    if by:
        time = 60 * rng.randint(10, 120)
        latest = latest_by_rides(net.table, net.trips, origins, targets, time, MAX_RIDES)
        expected = [(rides, -at) for rides, at in pareto([-at for at in latest])]
        journeys = raptor.arrive_by(table, origins, targets, time, MAX_RIDES)
        got = [(len(j.rides), j.depart) for j in journeys]
    else:
        time = 60 * rng.randint(0, 30)
        expected = pareto(best_by_rides(net.table, net.trips, origins, targets, time, MAX_RIDES))
        journeys = raptor.depart_at(table, origins, targets, time, MAX_RIDES)
        got = [(len(j.rides), j.arrive) for j in journeys]
    if got != expected:
        return f"seed {seed}: RAPTOR {got} != reference {expected}"
    for journey in journeys:
        problem = incoherent(journey, net, origins, targets)
        if not (journey.arrive <= time if by else journey.depart >= time):
            problem = f"not {'by' if by else 'from'} {time}"
        if problem:
            return f"seed {seed}: {problem} in {journey}"
    return None


def incoherent(
    journey: Journey, net: Network, origins: dict[int, int], targets: dict[int, int]
) -> str | None:
    """A leg that does not start where and after the one before it ended, or a ride whose
    times are not its trip's."""
    trips = {t.id: t for t in net.trips}
    for before, after in zip(journey.legs, journey.legs[1:], strict=False):
        if before.to_stop != after.from_stop or before.arrive > after.depart:
            return f"legs {before} and {after} do not join"
    for leg in journey.rides:
        trip = trips[leg.trip or ""]
        board = trip.stops.index(leg.from_stop or "")
        if trip.departures[board] != leg.depart or leg.arrive not in trip.arrivals:
            return f"ride {leg} is not on its trip's times"
    last, first = journey.legs[-1], journey.legs[0]
    if last.to_stop is not None and net.table.index[last.to_stop] not in targets:
        return "the journey ends away from the destination"
    if first.from_stop is not None and net.table.index[first.from_stop] not in origins:
        return "the journey starts away from the origin"
    if any(leg.arrive < leg.depart for leg in journey.legs):
        return "a leg ends before it starts"
    return None


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    stops=st.integers(2, 14),
    routes=st.integers(1, 8),
)
def test_raptor_finds_the_references_best_arrival_for_each_number_of_rides(
    seed: int, stops: int, routes: int
) -> None:
    problem = mismatch(seed, stops, routes)
    assert problem is None, problem


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    stops=st.integers(2, 12),
    routes=st.integers(1, 6),
)
def test_arrive_by_finds_the_references_latest_departure_for_each_number_of_rides(
    seed: int, stops: int, routes: int
) -> None:
    problem = mismatch(seed, stops, routes, by=True)
    assert problem is None, problem


def _first_mismatch(damage: Damage | None = None, by: bool = False) -> str | None:
    found = (mismatch(seed, 8, 4, damage, by) for seed in range(300))
    return next(filter(None, found), None)


def test_the_comparison_catches_boarding_a_trip_that_has_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Searching right of equal times: a vehicle leaving as one arrives is missed."""
    monkeypatch.setattr(raptor, "BOARD_SIDE", "right")

    assert _first_mismatch() is not None
    assert _first_mismatch(by=True) is not None  # arriving just as one must is missed


def test_the_comparison_catches_a_footpath_a_minute_too_short() -> None:
    def shorter(table: Timetable) -> Timetable:
        paths = [[(to, seconds - 60) for to, seconds in p] for p in table.footpaths]
        return replace(table, footpaths=paths)

    assert _first_mismatch(shorter) is not None
    assert _first_mismatch(shorter, by=True) is not None


def test_the_comparison_catches_walks_chained_without_a_ride() -> None:
    """Two footpaths in a row are a walk the model does not have (and no radius allows)."""

    def chained(table: Timetable) -> Timetable:
        paths = [
            sorted(
                {
                    **dict(p),
                    **{far: s + t for near, s in p for far, t in table.footpaths[near]},
                }.items()
            )
            for p in table.footpaths
        ]
        return replace(table, footpaths=paths)

    assert _first_mismatch(chained) is not None
