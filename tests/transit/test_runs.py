"""The departures cut into runs at a constant interval (:class:`sigap.transit.network.Runs`):
the first trip leaving at or after a time, found by a binary search and a division, is the
one a plain binary search over the column finds, whatever the columns hold (frequencies,
timetables, several trips leaving at once, empty columns)."""

from __future__ import annotations

import bisect

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sigap.transit.network import _runs
from sigap.transit.raptor import _first_trips


@st.composite
def column(draw: st.DrawFn) -> list[int]:
    """A slot's departures: runs at an interval (0: trips leaving together), merged."""
    times: list[int] = []
    for _ in range(draw(st.integers(0, 5))):
        start, every = draw(st.integers(-3600, 86400)), draw(st.integers(0, 600))
        times.extend(start + k * every for k in range(draw(st.integers(1, 6))))
    return sorted(times)


@given(
    columns=st.lists(column(), min_size=1, max_size=6),
    times=st.lists(st.integers(-4000, 90000), min_size=1, max_size=8),
)
def test_the_runs_find_the_first_trip_a_binary_search_finds(
    columns: list[list[int]], times: list[int]
) -> None:
    counts = [len(c) for c in columns]
    starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    flat = np.array([t for c in columns for t in c], dtype=np.int64)
    runs = _runs(flat, starts)
    slots = np.repeat(np.arange(len(columns), dtype=np.int64), len(times))
    ready = np.array(times * len(columns), dtype=np.int64)

    found = _first_trips(runs, slots, ready).tolist()

    expected = [
        bisect.bisect_left(columns[s], t)
        for s, t in zip(slots.tolist(), ready.tolist(), strict=True)
    ]
    assert found == expected
