"""Jakarta's and Gowa's bundled fare rules, and the stop positions of the MRT feed (MIT,
../shared/data/transit) that distance fares need."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.transit.conftest import DATA

from sigap.fares import engine, rules
from sigap.transit import gtfs

PACKS = Path(__file__).resolve().parents[2] / "src/sigap/data/regions"
WIB = timedelta(hours=7)  # Asia/Jakarta, no daylight saving


@functools.cache
def jakarta() -> rules.FareRules:
    return rules.load(PACKS / "jakarta")


@functools.cache
def places() -> engine.Places:
    """Every MRT and Transjakarta stop's position (Transjakarta's feed: tests only)."""
    feed = gtfs.merge(
        [gtfs.read_feed(DATA / "mrt_jakarta", "mrt"), gtfs.read_feed(DATA / "transjakarta", "tj")]
    )
    return engine.Places.from_feed(feed)


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Jakarta wall-clock time as the UTC instant a validator stores."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - WIB


def tap(
    key: str,
    at: datetime,
    stop: str,
    route: str | None = None,
    kind: engine.Kind = "in",
) -> engine.Tap:
    return engine.Tap(key, at, kind, stop, route)
