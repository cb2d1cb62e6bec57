"""Benchmark THE fare engine: one journey's fare (issue #27: < 1 ms), in process.

    python -m bench fares [--data ../shared/data/transit] [--repeats 5] [--number 2000]

Journeys priced, each from its taps as a card would send them (the engine sorts them):
a Transjakarta ride; two Transjakarta rides (the free transfer); Transjakarta then MRT with
tap-outs (the integrated tariff's distance and cap, stop positions from the MRT and
Transjakarta feeds); four legs of OK-Otrip's sequence. Each is timed best of ``--repeats``
rounds of ``--number`` calls; also a card's whole day of 10 journeys (40 taps) at once.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sigap.fares import engine, rules
from sigap.regions import pack as packs
from sigap.transit import gtfs

MIN = timedelta(minutes=1)


def journeys(start: datetime) -> dict[str, list[engine.Tap]]:
    tap = engine.Tap
    return {
        "one TJ ride": [tap("a", start, "in", "tj:H00275P", "tj:1")],
        "TJ + TJ (transfer)": [
            tap("a", start, "in", "tj:H00275P", "tj:1"),
            tap("b", start + 40 * MIN, "in", "tj:P00017", "tj:13"),
        ],
        "TJ + MRT (package)": [
            tap("a", start, "in", "tj:H00275P", "tj:1"),
            tap("b", start + 40 * MIN, "out", "tj:H00022P", "tj:1"),
            tap("c", start + 50 * MIN, "in", "mrt:SBHI"),
            tap("d", start + 80 * MIN, "out", "mrt:SLBB"),
        ],
        "OK-Otrip, 4 legs": [
            tap(str(i), start + 20 * i * MIN, "in", "tj:X", "tj:1" if i % 2 else "tj:JAK.01")
            for i in range(4)
        ],
    }


def timed(call: object, repeats: int, number: int) -> float:
    """Best microseconds per call."""
    best = float("inf")
    for _ in range(repeats):
        begin = time.perf_counter()
        for _ in range(number):
            call()  # type: ignore[operator]
        best = min(best, (time.perf_counter() - begin) / number)
    return best * 1e6


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench fares", description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/transit"))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--number", type=int, default=2000)
    args = parser.parse_args(argv)
    fares = rules.load(packs.resolve("jakarta"))
    feed = gtfs.merge(
        [
            gtfs.read_feed(args.data / "mrt_jakarta", "mrt"),
            gtfs.read_feed(args.data / "transjakarta", "tj"),
        ]
    )
    places = engine.Places.from_feed(feed)
    results = {}
    for name, taps in journeys(datetime(2026, 12, 8, 2, tzinfo=UTC)).items():
        rule_set = "ok-otrip-2017" if "Otrip" in name else None

        def once(taps: list[engine.Tap] = taps, rule_set: str | None = rule_set) -> None:
            engine.price(taps, fares, rule_set=rule_set, places=places)

        results[name] = timed(once, args.repeats, args.number)
    day = [
        engine.Tap(f"{d}{t.tap_id}", t.at + d * 4 * 60 * MIN, t.kind, t.stop_id, t.route_id)
        for d in range(10)
        for t in journeys(datetime(2026, 12, 8, 0, tzinfo=UTC))["TJ + MRT (package)"]
    ]
    results["a day: 10 journeys, 40 taps"] = timed(
        lambda: engine.price(day, fares, places=places), args.repeats, max(1, args.number // 10)
    )
    for name, micros in results.items():
        print(f"{name:32s} {micros:8.1f} µs")
    out = Path("bench/out")
    out.mkdir(parents=True, exist_ok=True)
    with (out / "fares.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"at": datetime.now(UTC).isoformat(), "us": results}) + "\n")
