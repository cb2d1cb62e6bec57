"""A region's fare rules, read from its pack's ``fares/`` folder and validated as they are read.

The folder holds GTFS-Fares v2 files as far as v2 goes, and Sigap's own ``sigap_*`` files for
what v2 cannot say (docs/fares.md, "The rules as data"):

- at its root, what every rule set shares: ``rule_sets.txt`` (Sigap: each set's folder, name,
  validity dates and journey window), ``networks.txt``, ``route_networks.txt``, ``areas.txt``,
  ``stop_areas.txt``, ``fare_media.txt``, ``rider_categories.txt``, ``calendar.txt`` (the days
  of the timeframes), ``sigap_feed_fares.txt`` (the network of the routes to which a feed's
  own v1 ``fare_rules.txt`` gives a fare id: the operator's feed says which route is free or
  premium, so no route list is copied here) and ``sigap_feed_networks.txt`` (the network of a
  feed's other routes and its stops);
- in one folder per rule set: ``fare_products.txt``, ``fare_leg_rules.txt``,
  ``fare_transfer_rules.txt``, ``timeframes.txt``, ``sigap_fare_packages.txt`` (a fare of
  entry + per km with a cap, within a time window, across networks) and
  ``sigap_fare_sequences.txt`` (the n-th leg of a journey pays the n-th amount).

Route and stop ids are the stored network's, namespaced by feed (``tj:1``, ``mrt:SLBB``, see
:mod:`sigap.transit.gtfs`). Every problem is a :class:`FareFileError` naming the region, the
file, the line and the field, in Bahasa Indonesia and English.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sigap.errors import SigapError

SHARED = ("networks.txt", "rule_sets.txt")
AMOUNT = re.compile(r"(-?\d+)(?:\.(\d{1,2}))?")
CLOCK = re.compile(r"(\d{1,2}):([0-5]\d):([0-5]\d)")


class FareFileError(SigapError):
    """A fare file that cannot be read: where (``file``, ``line``, ``field``) and why."""

    def __init__(
        self, code: str, *, region: str, file: str, line: int = 0, field: str = "", **params: Any
    ) -> None:
        super().__init__(code, region=region, file=file, line=line, field=field, **params)
        self.file, self.line, self.field = file, line, field


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    name: str
    amount: int  # rupiah


@dataclass(frozen=True, slots=True)
class LegRule:
    group: str
    network: str
    from_area: str
    to_area: str
    from_timeframe: str
    to_timeframe: str
    product: Product
    priority: int


@dataclass(frozen=True, slots=True)
class TransferRule:
    """v2's fare_transfer_rules.txt: ``kind`` is fare_transfer_type (0 A+AB, 1 A+AB+B, 2 AB),
    ``limit_type`` duration_limit_type (0 first departure to last arrival, 1 departure to
    departure, 2 arrival to departure, 3 arrival to arrival); ``count`` -1 is no limit."""

    from_group: str
    to_group: str
    count: int | None
    duration: int | None
    limit_type: int
    kind: int
    amount: int


@dataclass(frozen=True, slots=True)
class Timeframe:
    group: str
    start: int  # seconds after local midnight, included
    end: int  # excluded
    service: str


@dataclass(frozen=True, slots=True)
class Service:
    days: tuple[bool, ...]  # Monday first
    start: date
    end: date

    def runs(self, day: date) -> bool:
        return self.start <= day <= self.end and self.days[day.weekday()]


@dataclass(frozen=True, slots=True)
class Package:
    """Sigap's capped distance fare across networks: a journey using at least
    ``min_networks`` of ``networks`` pays at most ``entry + per_km x km`` (km: the straight
    line between each leg's tap-in and tap-out, summed, times ``factor``, rounded up) and never
    more than ``cap``, for ``duration`` seconds from the first tap-in to the last tap-out."""

    id: str
    name: str
    networks: frozenset[str]
    min_networks: int
    entry: int
    per_km: int
    cap: int
    duration: int
    factor: float


@dataclass(frozen=True, slots=True)
class Sequence:
    """Sigap's fare sequence: a journey whose first leg on ``networks`` is on
    ``start_network`` pays ``amounts[n]`` for its n-th leg on them (the last amount for every
    leg after)."""

    id: str
    start_network: str
    networks: frozenset[str]
    steps: tuple[Product, ...]


@dataclass(slots=True)
class RuleSet:
    id: str
    name: str
    valid_from: date
    valid_to: date | None  # included; None: open-ended
    journey_limit: int  # seconds from a journey's first tap-in to the last leg's tap-in
    source: str = ""  # where its facts come from (rule_sets.txt's rule_set_source)
    products: dict[str, Product] = field(default_factory=dict)
    leg_rules: list[LegRule] = field(default_factory=list)
    by_network: dict[str, list[LegRule]] = field(default_factory=dict)
    # the same rules by (network, from_area): a leg looks only at those that can match its
    # tap-in's areas (the MRT's 156 station pairs: the dozen from its station)
    by_area: dict[tuple[str, str], list[LegRule]] = field(default_factory=dict)
    has_priority: bool = False
    # per field of fare_leg_rules.txt, the values some rule names (v2's empty-value matching)
    listed: dict[str, frozenset[str]] = field(default_factory=dict)
    transfers: list[TransferRule] = field(default_factory=list)
    timeframes: list[Timeframe] = field(default_factory=list)
    packages: list[Package] = field(default_factory=list)
    sequences: list[Sequence] = field(default_factory=list)
    # the engine's memos (sigap.fares.engine): what it chose for a leg's network, areas and
    # timeframes, the transfer rules of a pair of groups ("transfer", from, to), and each
    # day's timeframes by time of day; the rules never change once read
    chosen: dict[tuple[object, ...], Any] = field(default_factory=dict, repr=False, compare=False)
    days: dict[date, Any] = field(default_factory=dict, repr=False, compare=False)

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(slots=True)
class FareRules:
    """A region's fares: what its rule sets share and the sets, oldest first."""

    region: str
    folder: Path
    zone: ZoneInfo
    networks: dict[str, str] = field(default_factory=dict)
    route_networks: dict[str, str] = field(default_factory=dict)
    fare_networks: dict[tuple[str, str], str] = field(default_factory=dict)  # (feed, fare id)
    feed_networks: dict[str, str] = field(default_factory=dict)
    areas: dict[str, str] = field(default_factory=dict)
    stop_areas: dict[str, frozenset[str]] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    sets: dict[str, RuleSet] = field(default_factory=dict)
    by_day: dict[date, RuleSet] = field(default_factory=dict, repr=False, compare=False)

    def rule_set(self, at: datetime) -> RuleSet:
        """The set in force on ``at``'s local day (remembered per day: the sets never change
        once read)."""
        day = at.astimezone(self.zone).date()
        found = self.by_day.get(day)
        if found is not None:
            return found
        for rules in self.sets.values():
            if rules.in_force(day):
                if len(self.by_day) < 100_000:
                    self.by_day[day] = rules
                return rules
        raise SigapError("fare_no_rule_set", date=day.isoformat())

    def named(self, key: str) -> RuleSet:
        if key not in self.sets:
            raise SigapError("fare_unknown_rule_set", rule_set=key[:64])
        return self.sets[key]

    def network(
        self, route: str | None, stop: str, route_fares: Mapping[str, str] | None = None
    ) -> str | None:
        """A leg's network: the route's (route_networks.txt; else the network of the fare id
        its feed gives it, ``route_fares`` and sigap_feed_fares.txt; else its feed's), else
        the stop's feed's."""
        if route:
            named = self.route_networks.get(route)
            feed = route.split(":", 1)[0]
            if named is None and route_fares and route in route_fares:
                named = self.fare_networks.get((feed, route_fares[route]))
            return named if named is not None else self.feed_networks.get(feed)
        return self.feed_networks.get(stop.split(":", 1)[0]) if ":" in stop else None


def load(region_dir: Path) -> FareRules:
    """The fare rules of the region pack at ``region_dir`` (its ``fares/`` folder; the time
    zone is the pack's)."""
    region_dir = Path(region_dir)
    meta = json.loads((region_dir / "pack.json").read_text(encoding="utf-8"))
    region = str(meta.get("slug") or region_dir.name)
    folder = region_dir / "fares"
    rules = FareRules(region, folder, ZoneInfo(str(meta.get("timezone") or "Asia/Jakarta")))
    reader = _Reader(region, folder)
    for name in SHARED:
        if not (folder / name).is_file():
            raise FareFileError("fare_missing_file", region=region, file=f"fares/{name}")
    _read_shared(reader, rules)
    for row in reader.rows(
        "rule_sets.txt", ("rule_set_id", "valid_from", "journey_duration_limit")
    ):
        key = row.unique(rules.sets, "rule_set_id")
        valid_to = row.day("valid_to") if row.get("valid_to") else None
        rules.sets[key] = RuleSet(
            key,
            row.get("rule_set_name") or key,
            row.day("valid_from"),
            valid_to,
            row.integer("journey_duration_limit", low=1),
            row.get("rule_set_source"),
        )
        if not (folder / key).is_dir():
            raise FareFileError("fare_missing_file", region=region, file=f"fares/{key}/")
        _read_set(_Reader(region, folder / key, f"{key}/"), rules, rules.sets[key])
    _check_overlaps(rules)
    return rules


def _read_shared(reader: _Reader, rules: FareRules) -> None:
    for row in reader.rows("networks.txt", ("network_id",)):
        rules.networks[row.unique(rules.networks, "network_id")] = row.get("network_name")
    for row in reader.rows("route_networks.txt", ("network_id", "route_id")):
        route = row.unique(rules.route_networks, "route_id")
        rules.route_networks[route] = row.ref("network_id", rules.networks, "networks.txt")
    for row in reader.rows("sigap_feed_fares.txt", ("feed", "fare_id", "network_id")):
        pair = (row.need("feed"), row.need("fare_id"))
        if pair in rules.fare_networks:
            raise row.error("fare_duplicate_id", "fare_id")
        rules.fare_networks[pair] = row.ref("network_id", rules.networks, "networks.txt")
    for row in reader.rows("sigap_feed_networks.txt", ("feed", "network_id")):
        feed = row.unique(rules.feed_networks, "feed")
        rules.feed_networks[feed] = row.ref("network_id", rules.networks, "networks.txt")
    for row in reader.rows("areas.txt", ("area_id",)):
        rules.areas[row.unique(rules.areas, "area_id")] = row.get("area_name")
    areas: dict[str, set[str]] = {}
    for row in reader.rows("stop_areas.txt", ("area_id", "stop_id")):
        area = row.ref("area_id", rules.areas, "areas.txt")
        areas.setdefault(row.need("stop_id"), set()).add(area)
    rules.stop_areas = {stop: frozenset(found) for stop, found in areas.items()}
    weekdays = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    for row in reader.rows("calendar.txt", ("service_id", *weekdays, "start_date", "end_date")):
        key = row.unique(rules.services, "service_id")
        days = tuple(row.integer(day, high=1) == 1 for day in weekdays)
        rules.services[key] = Service(days, row.day("start_date"), row.day("end_date"))
    for row in reader.rows("fare_media.txt", ("fare_media_id", "fare_media_type")):
        row.integer("fare_media_type", high=4)
    for row in reader.rows("rider_categories.txt", ("rider_category_id", "rider_category_name")):
        row.integer("is_default_fare_category", default=0, high=1)


def _read_set(reader: _Reader, rules: FareRules, found: RuleSet) -> None:
    for row in reader.rows("fare_products.txt", ("fare_product_id", "amount", "currency")):
        key = row.unique(found.products, "fare_product_id")
        if row.need("currency") != "IDR":
            raise row.error("fare_bad_value", "currency")
        found.products[key] = Product(key, row.get("fare_product_name") or key, row.rupiah())
    for row in reader.rows("timeframes.txt", ("timeframe_group_id", "service_id")):
        start, end = row.clock("start_time", 0), row.clock("end_time", 24 * 3600)
        if end <= start:
            raise row.error("fare_bad_value", "end_time")
        service = row.ref("service_id", rules.services, "calendar.txt")
        found.timeframes.append(Timeframe(row.need("timeframe_group_id"), start, end, service))
    _read_leg_rules(reader, rules, found)
    _read_transfers(reader, found)
    _read_packages(reader, rules, found)
    _read_sequences(reader, rules, found)


def _read_leg_rules(reader: _Reader, rules: FareRules, found: RuleSet) -> None:
    frames = {frame.group: frame for frame in found.timeframes}
    found.has_priority = "rule_priority" in reader.header("fare_leg_rules.txt")
    for row in reader.rows("fare_leg_rules.txt", ("fare_product_id",)):
        network = row.optional_ref("network_id", rules.networks, "networks.txt")
        from_area = row.optional_ref("from_area_id", rules.areas, "areas.txt")
        to_area = row.optional_ref("to_area_id", rules.areas, "areas.txt")
        from_frame = row.optional_ref("from_timeframe_group_id", frames, "timeframes.txt")
        to_frame = row.optional_ref("to_timeframe_group_id", frames, "timeframes.txt")
        product = found.products[row.ref("fare_product_id", found.products, "fare_products.txt")]
        priority = row.integer("rule_priority", default=0)
        group = row.get("leg_group_id")
        rule = LegRule(group, network, from_area, to_area, from_frame, to_frame, product, priority)
        found.leg_rules.append(rule)
        found.by_network.setdefault(rule.network, []).append(rule)
        found.by_area.setdefault((rule.network, rule.from_area), []).append(rule)
    for name in ("network", "from_area", "to_area", "from_timeframe", "to_timeframe"):
        found.listed[name] = frozenset(getattr(r, name) for r in found.leg_rules) - {""}


def _read_transfers(reader: _Reader, found: RuleSet) -> None:
    groups = {rule.group: rule for rule in found.leg_rules if rule.group}
    for row in reader.rows("fare_transfer_rules.txt", ("fare_transfer_type",)):
        from_group = row.optional_ref("from_leg_group_id", groups, "fare_leg_rules.txt")
        to_group = row.optional_ref("to_leg_group_id", groups, "fare_leg_rules.txt")
        count = row.integer("transfer_count", low=-1) if row.get("transfer_count") else None
        if count == 0 or (count is not None) != (from_group == to_group):
            raise row.error("fare_bad_value", "transfer_count")
        duration = row.integer("duration_limit", low=1) if row.get("duration_limit") else None
        limit_type = row.integer("duration_limit_type", high=3) if duration else 0
        product = row.optional_ref("fare_product_id", found.products, "fare_products.txt")
        found.transfers.append(
            TransferRule(
                from_group,
                to_group,
                count,
                duration,
                limit_type,
                row.integer("fare_transfer_type", high=2),
                found.products[product].amount if product else 0,
            )
        )


def _read_packages(reader: _Reader, rules: FareRules, found: RuleSet) -> None:
    columns = ("package_id", "network_ids", "entry_amount", "per_km_amount", "cap_amount")
    for row in reader.rows("sigap_fare_packages.txt", (*columns, "duration_limit")):
        networks = row.refs("network_ids", rules.networks, "networks.txt")
        factor = row.number("distance_factor", 1.0)
        found.packages.append(
            Package(
                row.need("package_id"),
                row.get("package_name") or row.need("package_id"),
                networks,
                row.integer("min_networks", default=2, low=1),
                row.integer("entry_amount"),
                row.integer("per_km_amount"),
                row.integer("cap_amount"),
                row.integer("duration_limit", low=1),
                factor,
            )
        )


def _read_sequences(reader: _Reader, rules: FareRules, found: RuleSet) -> None:
    steps: dict[str, list[tuple[int, Product, _Row]]] = {}
    heads: dict[str, tuple[str, frozenset[str]]] = {}
    columns = ("sequence_id", "start_network_id", "network_ids", "leg_index", "fare_product_id")
    for row in reader.rows("sigap_fare_sequences.txt", columns):
        key = row.need("sequence_id")
        start = row.ref("start_network_id", rules.networks, "networks.txt")
        networks = row.refs("network_ids", rules.networks, "networks.txt")
        if heads.setdefault(key, (start, networks)) != (start, networks) or start not in networks:
            raise row.error("fare_bad_value", "start_network_id")
        product = found.products[row.ref("fare_product_id", found.products, "fare_products.txt")]
        steps.setdefault(key, []).append((row.integer("leg_index", low=1), product, row))
    for key, found_steps in steps.items():
        found_steps.sort(key=lambda step: step[0])
        for expected, (index, _, row) in enumerate(found_steps, start=1):
            if index != expected:
                raise row.error("fare_bad_value", "leg_index")
        start, networks = heads[key]
        found.sequences.append(Sequence(key, start, networks, tuple(s[1] for s in found_steps)))


def _check_overlaps(rules: FareRules) -> None:
    ordered = sorted(rules.sets.values(), key=lambda s: s.valid_from)
    for first, second in itertools.pairwise(ordered):
        if first.valid_to is None or first.valid_to >= second.valid_from:
            raise FareFileError(
                "fare_sets_overlap",
                region=rules.region,
                file="fares/rule_sets.txt",
                first=first.id,
                second=second.id,
            )
    rules.sets = {s.id: s for s in ordered}


# --- reading the files ---------------------------------------------------------------------


class _Reader:
    """One folder's CSV files; ``prefix`` names it in errors (``jaklingko-2022/``)."""

    def __init__(self, region: str, folder: Path, prefix: str = "") -> None:
        self.region, self.folder, self.prefix = region, folder, prefix

    def header(self, name: str) -> list[str]:
        path = self.folder / name
        if not path.is_file():
            return []
        first = path.read_text(encoding="utf-8-sig").split("\n", 1)[0]
        return [column.strip() for column in next(csv.reader([first]), [])]

    def rows(self, name: str, required: tuple[str, ...] = ()) -> Iterator[_Row]:
        """The file's records (none when it is absent), each knowing its line."""
        path = self.folder / name
        if not path.is_file():
            return
        file = f"fares/{self.prefix}{name}"
        reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
        header = [column.strip() for column in next(reader, [])]
        for column in required:
            if column not in header:
                raise FareFileError(
                    "fare_missing_field", region=self.region, file=file, line=1, field=column
                )
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            row = _Row(self.region, file, reader.line_num, dict(zip(header, values, strict=False)))
            for column in required:
                row.need(column)
            yield row


class _Row:
    __slots__ = ("file", "line", "region", "values")

    def __init__(self, region: str, file: str, line: int, values: dict[str, str]) -> None:
        self.region, self.file, self.line = region, file, line
        self.values = {k: (v or "").strip() for k, v in values.items()}

    def get(self, column: str) -> str:
        return self.values.get(column) or ""

    def need(self, column: str) -> str:
        value = self.get(column)
        if not value:
            raise self.error("fare_missing_field", column)
        return value

    def error(self, code: str, column: str, **params: Any) -> FareFileError:
        return FareFileError(
            code,
            region=self.region,
            file=self.file,
            line=self.line,
            field=column,
            value=self.get(column)[:80],
            **params,
        )

    def unique(self, table: dict[str, Any], column: str) -> str:
        key = self.need(column)
        if key in table:
            raise self.error("fare_duplicate_id", column)
        return key

    def ref(self, column: str, table: dict[str, Any], target: str) -> str:
        key = self.need(column)
        if key not in table:
            raise self.error("fare_unknown_reference", column, target=target)
        return key

    def optional_ref(self, column: str, table: dict[str, Any], target: str) -> str:
        return self.ref(column, table, target) if self.get(column) else ""

    def refs(self, column: str, table: dict[str, Any], target: str) -> frozenset[str]:
        """A space-separated list of ids, each in ``table``."""
        keys = self.need(column).split()
        for key in keys:
            if key not in table:
                raise self.error("fare_unknown_reference", column, target=target)
        return frozenset(keys)

    def integer(
        self, column: str, default: int | None = None, low: int = 0, high: int | None = None
    ) -> int:
        if not self.get(column) and default is not None:
            return default
        try:
            number = int(self.need(column))
        except ValueError:
            raise self.error("fare_bad_value", column) from None
        if number < low or (high is not None and number > high):
            raise self.error("fare_bad_value", column)
        return number

    def number(self, column: str, default: float) -> float:
        if not self.get(column):
            return default
        try:
            number = float(self.get(column))
        except ValueError:
            raise self.error("fare_bad_value", column) from None
        if not 0.5 <= number <= 3.0:
            raise self.error("fare_bad_value", column)
        return number

    def rupiah(self) -> int:
        """A v2 amount (IDR's two decimals, or none) in whole rupiah: no sen."""
        found = AMOUNT.fullmatch(self.need("amount"))
        if found is None or int(found.group(2) or "0") != 0:
            raise self.error("fare_bad_value", "amount")
        return int(found.group(1))

    def clock(self, column: str, default: int) -> int:
        value = self.get(column)
        if not value:
            return default
        found = CLOCK.fullmatch(value)
        seconds = (
            0
            if found is None
            else sum(
                int(part) * unit for part, unit in zip(found.groups(), (3600, 60, 1), strict=True)
            )
        )
        if found is None or seconds > 24 * 3600:
            raise self.error("fare_bad_value", column)
        return seconds

    def day(self, column: str) -> date:
        value = self.need(column)
        if len(value) != 8 or not value.isdigit():
            raise self.error("fare_bad_value", column)
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        except ValueError:
            raise self.error("fare_bad_value", column) from None
