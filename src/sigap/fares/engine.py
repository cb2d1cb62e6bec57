"""THE fare engine: a card's taps in, the charge of each leg out (docs/fares.md, "The engine").

Pure: no database, no clock, no network. :func:`price` reads only its arguments, so the same
taps give the same legs whatever order they arrived in (they are sorted by time, then tap id),
and pricing again after late taps arrive gives the whole journey anew: whoever posts charges
posts the difference from what it posted before, leg by leg (keyed by the tap-in's id), and
never charges a leg twice.

The steps, each a choice written down in docs/fares.md:

1. Taps become legs: a tap-in opens a leg, the next tap-out (before another tap-in, and less
   than :data:`LONGEST_LEG` after it) closes it.
   A leg without a tap-out (none yet, or never) is charged the most its rules allow from where
   it began (``estimated``); a tap-out without a tap-in is charged nothing (``stray``).
2. Legs become journeys: a leg joins the journey when it starts less than the rule set's
   ``journey_duration_limit`` after the journey's first tap-in, in the same rule set (the one
   in force on the tap-in's local day), and, when it makes the journey a package's (e.g. the
   integrated tariff's two networks), it ends within the package's window from the first tap-in.
3. Each leg's regular fare: its fare sequence step (Sigap), else the v2 transfer rule that
   chains it to an earlier leg of the journey, else its v2 leg rule.
4. A package (Sigap) lowers the regular fares of its legs to ``entry + per_km x km``, capped,
   when that is less; the lowered total is taken from the legs in time order.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import Literal

from sigap.errors import SigapError
from sigap.fares.rules import FareRules, LegRule, Package, RuleSet, Sequence, TransferRule
from sigap.transit import gtfs

EARTH_RADIUS_M = 6_371_000.0
# A tap-out this long after the open tap-in, or longer, is not that ride's: the tap-in's leg had
# no tap-out and the tap-out is stray. So no two taps the engine relates are this far apart,
# which the fare card's repricing relies on (sigap.cards.pricing.QUIET: a gap this long ends
# what a late tap can change).
LONGEST_LEG = timedelta(hours=6)
Kind = Literal["in", "out"]


@dataclass(frozen=True, slots=True)
class Tap:
    """One validation of a card: ``at`` timezone-aware (UTC stored); ``network`` None means
    derived from the route, else the stop (:meth:`sigap.fares.rules.FareRules.network`)."""

    tap_id: str
    at: datetime
    kind: Kind
    stop_id: str
    route_id: str | None = None
    network: str | None = None


@dataclass(frozen=True, slots=True)
class LegFare:
    """What one leg (keyed by its tap-in) costs: ``amount`` charged, ``full`` what it would cost
    alone, ``rule`` the id of what decided the amount (a fare product, ``transfer:a>b``,
    ``sequence:id:n``, ``package:id``; ``:max`` when the leg's maximum was charged)."""

    tap_id: str
    amount: int
    journey: int
    full: int
    rule: str
    network: str = ""
    tap_out: str | None = None
    estimated: bool = False  # no tap-out: the most the rules allow from where it began

    @property
    def saved(self) -> int:
        return self.full - self.amount


@dataclass(frozen=True, slots=True)
class JourneyFare:
    index: int
    rule_set: str
    first_tap: str
    total: int
    package: str | None  # the package that lowered it


@dataclass(frozen=True, slots=True)
class Priced:
    legs: tuple[LegFare, ...]
    total: int
    journeys: tuple[JourneyFare, ...]
    stray: tuple[str, ...] = ()  # tap-outs without a tap-in: charged nothing


@dataclass(frozen=True, slots=True)
class Places:
    """The stops' positions and parent stations, for distances and areas; taken from the
    stored network (:meth:`from_feed`) so that the engine reads no database."""

    coords: Mapping[str, tuple[float, float]]
    parents: Mapping[str, str] = field(default_factory=dict)
    route_fares: Mapping[str, str] = field(default_factory=dict)  # the feeds' own (gtfs.Feed)

    @classmethod
    def from_feed(cls, feed: gtfs.Feed) -> Places:
        return cls(
            {
                key: (stop.lat, stop.lon)
                for key, stop in feed.stops.items()
                if stop.location_type < 3
            },
            {key: stop.parent for key, stop in feed.stops.items() if stop.parent},
            feed.route_fares,
        )

    def position(self, stop: str) -> tuple[float, float] | None:
        found = self.coords.get(stop)
        if found is None and stop in self.parents:
            found = self.coords.get(self.parents[stop])
        return found


@dataclass(slots=True)
class _Leg:
    tap: Tap
    out: Tap | None
    network: str
    rules: RuleSet
    metres: float | None

    @property
    def start(self) -> datetime:
        return self.tap.at

    @property
    def end(self) -> datetime:
        return self.out.at if self.out else self.tap.at


@dataclass(slots=True)
class _Chain:
    """Legs joined by transfer rules: where the sub-journey began, its last leg."""

    group: str
    first: _Leg
    last: _Leg
    transfers: int
    last_amount: int


def price(
    taps: Iterable[Tap],
    rules: FareRules,
    *,
    rule_set: str | None = None,
    places: Places | None = None,
) -> Priced:
    """The charge of every leg of ``taps`` (one card's); ``rule_set`` names the set to price
    with instead of the one in force on each tap-in's day."""
    chosen = rules.named(rule_set) if rule_set else None
    legs, stray = _legs(_ordered(taps), rules, chosen, places)
    fares: list[LegFare] = []
    journeys: list[JourneyFare] = []
    for index, journey in enumerate(_journeys(legs)):
        priced, summary = _price_journey(index, journey, rules, places)
        fares.extend(priced)
        journeys.append(summary)
    return Priced(tuple(fares), sum(j.total for j in journeys), tuple(journeys), tuple(stray))


# --- taps into legs, legs into journeys -----------------------------------------------------


def _ordered(taps: Iterable[Tap]) -> list[Tap]:
    """The taps by time then id, each id once: a tap delivered twice is the same tap."""
    seen: dict[str, Tap] = {}
    for tap in taps:
        if tap.at.tzinfo is None or tap.at.utcoffset() is None:
            raise SigapError(
                "fare_bad_tap", tap=tap.tap_id, reason_id="waktu tanpa zona", reason_en="naive time"
            )
        if tap.kind not in ("in", "out"):
            raise SigapError(
                "fare_bad_tap", tap=tap.tap_id, reason_id="jenis tap", reason_en="tap kind"
            )
        known = seen.setdefault(tap.tap_id, tap)
        if known is not tap and known != tap:
            raise SigapError("fare_tap_conflict", tap=tap.tap_id)
    return sorted(seen.values(), key=_by_time)


_by_time = attrgetter("at", "tap_id")


def _legs(
    taps: list[Tap], rules: FareRules, chosen: RuleSet | None, places: Places | None
) -> tuple[list[_Leg], list[str]]:
    legs: list[_Leg] = []
    stray: list[str] = []
    opened: Tap | None = None
    for tap in taps:
        if tap.kind == "in":
            if opened is not None:
                legs.append(_leg(opened, None, rules, chosen, places))
            opened = tap
        elif opened is not None and tap.at - opened.at < LONGEST_LEG:
            legs.append(_leg(opened, tap, rules, chosen, places))
            opened = None
        else:  # no tap-in, or one too long before to be this ride's
            if opened is not None:
                legs.append(_leg(opened, None, rules, chosen, places))
                opened = None
            stray.append(tap.tap_id)
    if opened is not None:
        legs.append(_leg(opened, None, rules, chosen, places))
    return legs, stray


def _leg(
    tap: Tap, out: Tap | None, rules: FareRules, chosen: RuleSet | None, places: Places | None
) -> _Leg:
    route_fares = places.route_fares if places is not None else None
    network = tap.network or rules.network(tap.route_id, tap.stop_id, route_fares)
    if network is None or network not in rules.networks:
        raise SigapError(
            "fare_unknown_network", tap=tap.tap_id, stop=tap.stop_id, route=tap.route_id or "-"
        )
    metres = None
    if out is not None and places is not None:
        a, b = places.position(tap.stop_id), places.position(out.stop_id)
        metres = None if a is None or b is None else distance_m(a, b)
    return _Leg(tap, out, network, chosen or rules.rule_set(tap.at), metres)


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle metres between two (lat, lon) points (haversine)."""
    lat1, lat2 = math.radians(a[0]), math.radians(b[0])
    dlat, dlon = lat2 - lat1, math.radians(b[1] - a[1])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _journeys(legs: list[_Leg]) -> list[list[_Leg]]:
    found: list[list[_Leg]] = []
    for leg in legs:
        if found and _joins(found[-1], leg):
            found[-1].append(leg)
        else:
            found.append([leg])
    return found


def _joins(journey: list[_Leg], leg: _Leg) -> bool:
    first = journey[0]
    if leg.rules is not first.rules:
        return False
    if leg.start - first.start >= timedelta(seconds=leg.rules.journey_limit):
        return False
    for package in leg.rules.packages:
        if leg.network not in package.networks:
            continue
        networks = {other.network for other in journey} | {leg.network}
        if len(networks & package.networks) >= package.min_networks:
            return leg.end - first.start <= timedelta(seconds=package.duration)
    return True


# --- one journey ----------------------------------------------------------------------------


def _price_journey(
    index: int, legs: list[_Leg], rules: FareRules, places: Places | None
) -> tuple[list[LegFare], JourneyFare]:
    rule_set = legs[0].rules
    amounts: list[int] = []
    labels: list[str] = []
    fulls: list[int] = []
    estimated: list[bool] = []
    chains: list[_Chain] = []
    sequence: _SequenceState | None = _SequenceState.of(rule_set)
    for leg in legs:
        rule, full, label, unsure = _leg_rule(rule_set, rules, leg, places)
        fulls.append(full)
        estimated.append(unsure)
        step = sequence.next(leg) if sequence else None
        if step is not None:
            amount, label = step
        else:
            amount, label = _transfer(rule_set, chains, leg, rule, full, label)
        amounts.append(amount)
        labels.append(label)
    package = _package(rule_set, legs, amounts, labels)
    fares = [
        LegFare(
            leg.tap.tap_id,
            amount,
            index,
            full,
            label,
            leg.network,
            leg.out.tap_id if leg.out else None,
            unsure,
        )
        for leg, amount, full, label, unsure in zip(
            legs, amounts, fulls, labels, estimated, strict=True
        )
    ]
    return fares, JourneyFare(index, rule_set.id, legs[0].tap.tap_id, sum(amounts), package)


def _leg_rule(
    rule_set: RuleSet, rules: FareRules, leg: _Leg, places: Places | None
) -> tuple[LegRule, int, str, bool]:
    """The leg's v2 rule and what the leg costs alone; without a tap-out (or without a rule
    for its areas) the most expensive of the rules it could match. What decides it is the
    leg's network, areas and timeframes alone, so it is chosen once per rule set for each
    such combination (``RuleSet.chosen``)."""
    if not rule_set.by_network.get(leg.network) and not rule_set.by_network.get(""):
        raise SigapError(
            "fare_no_rule", tap=leg.tap.tap_id, rule_set=rule_set.id, network=leg.network
        )
    network, out = leg.network, leg.out
    from_areas = _areas(rules, leg.tap.stop_id, places)
    to_areas = _areas(rules, out.stop_id, places) if out else None
    from_frames = _frames(rule_set, rules, leg.start)
    to_frames = _frames(rule_set, rules, out.at) if out else None
    key = (network, from_areas, to_areas, from_frames, to_frames)
    found = rule_set.chosen.get(key)
    if found is None:
        ctx = _Context(rule_set, network, from_areas, to_areas, from_frames, to_frames)
        found = _choose(rule_set, ctx)
        if len(rule_set.chosen) >= MEMO:
            rule_set.chosen.clear()
        rule_set.chosen[key] = found
    result: tuple[LegRule, int, str, bool] = found
    return result


MEMO = 100_000  # combinations remembered per rule set: a city's are far fewer


def _choose(rule_set: RuleSet, ctx: _Context) -> tuple[LegRule, int, str, bool]:
    own = rule_set.by_network.get(ctx.network, [])
    candidates = own + rule_set.by_network.get("", [])
    # a rule naming a from_area matches only a leg from it: look at no other
    near = [
        rule
        for network in (ctx.network, "")
        for area in ("", *sorted(ctx.from_areas))
        for rule in rule_set.by_area.get((network, area), ())
    ]
    matches = [rule for rule in near if ctx.matches(rule)]
    if rule_set.has_priority and matches:
        top = max(rule.priority for rule in matches)
        matches = [rule for rule in matches if rule.priority == top]
    unmatched = not matches
    if unmatched:
        matches = own or candidates
    best = max(matches, key=lambda rule: (rule.product.amount, rule.product.id))
    amounts = {rule.product.amount for rule in matches}
    unsure = unmatched or (ctx.to_areas is None and len(amounts) > 1)
    label = f"{best.product.id}:max" if unsure else best.product.id
    return best, best.product.amount, label, unsure


def _areas(rules: FareRules, stop: str, places: Places | None) -> frozenset[str]:
    found = rules.stop_areas.get(stop)
    while found is None and places is not None and stop in places.parents:
        stop = places.parents[stop]
        found = rules.stop_areas.get(stop)
    return found or frozenset()


@dataclass(frozen=True, slots=True)
class _Context:
    """A leg as fare_leg_rules.txt filters it: network, areas, timeframes (``to_*`` None:
    no tap-out yet)."""

    rule_set: RuleSet
    network: str
    from_areas: frozenset[str]
    to_areas: frozenset[str] | None
    from_frames: frozenset[str]
    to_frames: frozenset[str] | None

    def matches(self, rule: LegRule) -> bool:
        listed = self.rule_set.listed
        return (
            self._one(rule.network, frozenset((self.network,)), listed["network"])
            and self._one(rule.from_area, self.from_areas, listed["from_area"])
            and self._one(rule.to_area, self.to_areas, listed["to_area"])
            and self._one(rule.from_timeframe, self.from_frames, listed["from_timeframe"])
            and self._one(rule.to_timeframe, self.to_frames, listed["to_timeframe"])
        )

    def _one(self, value: str, leg: frozenset[str] | None, listed: frozenset[str]) -> bool:
        """v2's matching of one field: with rule_priority an empty value matches anything;
        without, only what no rule names. ``leg`` None: not known yet (no tap-out), any."""
        if leg is None:
            return True
        if value:
            return value in leg
        return self.rule_set.has_priority or not (leg & listed)


def _frames(rule_set: RuleSet, rules: FareRules, at: datetime) -> frozenset[str]:
    """The timeframe groups ``at`` is in: from the day's table of the times where they change
    (``RuleSet.days``, made once per local day)."""
    local = at.astimezone(rules.zone)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    table = rule_set.days.get(local.date())
    if table is None:
        table = _day_frames(rule_set, rules, local.date())
        if len(rule_set.days) >= MEMO:
            rule_set.days.clear()
        rule_set.days[local.date()] = table
    bounds, groups = table
    found: frozenset[str] = groups[bisect.bisect_right(bounds, seconds)]
    return found


def _day_frames(
    rule_set: RuleSet, rules: FareRules, day: date
) -> tuple[list[int], list[frozenset[str]]]:
    """The times of ``day`` where a timeframe starts or ends, and the groups between each two
    (``groups[i]``: from ``bounds[i - 1]`` included to ``bounds[i]`` excluded)."""
    running = [f for f in rule_set.timeframes if rules.services[f.service].runs(day)]
    bounds = sorted({edge for frame in running for edge in (frame.start, frame.end)})
    groups = [
        frozenset(f.group for f in running if f.start <= since < f.end) for since in (-1, *bounds)
    ]
    return bounds, groups


def _transfer(
    rule_set: RuleSet, chains: list[_Chain], leg: _Leg, rule: LegRule, base: int, label: str
) -> tuple[int, str]:
    """The leg's fare through a transfer rule from a chain of earlier legs, else its own (and
    it starts a chain). Legs of other groups between do not break a chain."""
    if rule.group:
        for chain in reversed(chains):
            for transfer in _transfer_rules(rule_set, chain.group, rule.group):
                if _allowed(transfer, chain, leg):
                    if transfer.kind == 0:
                        amount = transfer.amount
                    elif transfer.kind == 1:
                        amount = transfer.amount + base
                    else:
                        amount = max(0, transfer.amount - chain.last_amount)
                    found = f"transfer:{chain.group}>{rule.group}"
                    chain.group, chain.last, chain.last_amount = rule.group, leg, amount
                    chain.transfers += 1
                    return amount, found
        chains.append(_Chain(rule.group, leg, leg, 0, base))
    return base, label


def _transfer_rules(rule_set: RuleSet, from_group: str, to_group: str) -> list[TransferRule]:
    """v2's filter: exact groups first, then empty ones (all groups no rule names); the
    smallest transfer_count first (remembered per rule set and pair of groups)."""
    key = ("transfer", from_group, to_group)
    remembered: list[TransferRule] | None = rule_set.chosen.get(key)
    if remembered is None:
        remembered = _filter_transfers(rule_set, from_group, to_group)
        if len(rule_set.chosen) >= MEMO:
            rule_set.chosen.clear()
        rule_set.chosen[key] = remembered
    return remembered


def _filter_transfers(rule_set: RuleSet, from_group: str, to_group: str) -> list[TransferRule]:
    froms = {t.from_group for t in rule_set.transfers}
    tos = {t.to_group for t in rule_set.transfers}
    found = [
        t
        for t in rule_set.transfers
        if (t.from_group == from_group or (not t.from_group and from_group not in froms))
        and (t.to_group == to_group or (not t.to_group and to_group not in tos))
    ]
    return sorted(found, key=lambda t: (t.count in (None, -1), t.count or 0))


def _allowed(transfer: TransferRule, chain: _Chain, leg: _Leg) -> bool:
    if transfer.count not in (None, -1) and chain.transfers + 1 > (transfer.count or 0):
        return False
    if transfer.duration is None:
        return True
    begin = chain.first.start if transfer.limit_type in (0, 1) else chain.last.end
    finish = leg.end if transfer.limit_type in (0, 3) else leg.start
    return finish - begin <= timedelta(seconds=transfer.duration)


class _SequenceState:
    """Where a journey is in its fare sequence: chosen by its first leg on the sequences'
    networks (none when that leg's network starts no sequence)."""

    def __init__(self, sequences: list[Sequence]) -> None:
        self.sequences = sequences
        self.chosen: Sequence | None = None
        self.started = False
        self.position = 0

    @classmethod
    def of(cls, rule_set: RuleSet) -> _SequenceState | None:
        return cls(rule_set.sequences) if rule_set.sequences else None

    def next(self, leg: _Leg) -> tuple[int, str] | None:
        if not any(leg.network in s.networks for s in self.sequences):
            return None
        if not self.started:
            self.started = True
            self.chosen = next((s for s in self.sequences if s.start_network == leg.network), None)
        if self.chosen is None or leg.network not in self.chosen.networks:
            return None
        self.position += 1
        step = self.chosen.steps[min(self.position, len(self.chosen.steps)) - 1]
        return step.amount, f"sequence:{self.chosen.id}:{self.position}"


def _package(
    rule_set: RuleSet, legs: list[_Leg], amounts: list[int], labels: list[str]
) -> str | None:
    """Lower the legs of the first package the journey qualifies for, when it costs less;
    the package's id, or None."""
    for package in rule_set.packages:
        if len(legs) < package.min_networks:  # too few legs to span its networks
            continue
        inside = [i for i, leg in enumerate(legs) if leg.network in package.networks]
        if len({legs[i].network for i in inside}) < package.min_networks:
            continue
        fare = package_fare(package, [legs[i].metres for i in inside])
        if fare >= sum(amounts[i] for i in inside):
            return None
        left = fare
        for i in inside:
            amounts[i] = min(amounts[i], left)
            left -= amounts[i]
            labels[i] = f"package:{package.id}"
        return package.id
    return None


def package_fare(package: Package, metres: list[float | None]) -> int:
    """``entry + per_km x km`` capped; km rounded up; an unknown distance (a leg without a
    tap-out, a stop without a position) charges the cap."""
    if any(m is None for m in metres):
        return package.cap
    km = math.ceil(sum(m or 0.0 for m in metres) * package.factor / 1000 - 1e-9)
    return min(package.cap, package.entry + package.per_km * max(km, 0))
