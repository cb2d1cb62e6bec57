"""A rule set written back as GTFS-Fares v2 files, for journey planners elsewhere
(`sigap export-fares`, docs/fares.md "Export").

v2 says what it can: products, media, rider categories, networks, areas, timeframes, leg and
transfer rules. Sigap's packages (the integrated tariff's cap) and fare sequences have no v2
form and are left out; the files name the routes and stops as Sigap stores them (``tj:1``),
or, for one ``feed``, as that feed's own ids (``1``), to be put beside that feed.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from sigap.fares.rules import FareRules

SHARED = ("networks.txt", "areas.txt", "fare_media.txt", "rider_categories.txt", "calendar.txt")
PER_SET = ("fare_products.txt", "fare_leg_rules.txt", "fare_transfer_rules.txt", "timeframes.txt")


def export(
    rules: FareRules,
    out: Path,
    *,
    rule_set: str | None = None,
    at: datetime | None = None,
    feed: str | None = None,
    routes: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write the rule set ``rule_set`` (else the one in force ``at``) to ``out``; ``routes``
    (stored route ids, each with the fare id its feed gives it, "" for none) are listed in
    route_networks.txt under the network the rules give them (:meth:`FareRules.network`), as
    v2 has no fare ids of v1 to lean on. The files written."""
    if rule_set is None and at is None:
        raise ValueError("name a rule set or a time")
    chosen = rules.named(rule_set) if rule_set else rules.rule_set(at)  # type: ignore[arg-type]
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in SHARED:
        if (rules.folder / name).is_file():
            written.append(Path(shutil.copyfile(rules.folder / name, out / name)))
    for name in PER_SET:
        if (rules.folder / chosen.id / name).is_file():
            written.append(Path(shutil.copyfile(rules.folder / chosen.id / name, out / name)))
    networks = dict(rules.route_networks)
    fares = {route: fare for route, fare in (routes or {}).items() if fare}
    for route in routes or {}:
        found = rules.network(route, "", fares)
        if found is not None:
            networks.setdefault(route, found)
    route_rows = sorted((network, route) for route, network in networks.items())
    stop_rows = sorted((area, stop) for stop, areas in rules.stop_areas.items() for area in areas)
    written.append(_write(out / "route_networks.txt", ("network_id", "route_id"), route_rows, feed))
    written.append(_write(out / "stop_areas.txt", ("area_id", "stop_id"), stop_rows, feed))
    return written


def _write(
    path: Path, header: tuple[str, str], rows: list[tuple[str, str]], feed: str | None
) -> Path:
    """The rows, their ids (second column) kept whole or, for ``feed``, its own."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for first, key in rows:
            if feed is None:
                writer.writerow((first, key))
            elif key.startswith(f"{feed}:"):
                writer.writerow((first, key[len(feed) + 1 :]))
    return path
