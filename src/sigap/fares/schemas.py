"""The answer of ``GET /api/v1/admin/fares``: the rule sets as :func:`sigap.fares.summary.describe`
gives them (amounts in integer rupiah, durations in minutes)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from sigap.kit import Answer


class Window(Answer):
    start: str = Field(description="Local time of day the tap-in is from, HH:MM (included)")
    end: str = Field(description="Local time of day it is before, HH:MM")
    weekdays: list[int] = Field(description="0 Monday ... 6 Sunday")
    from_day: date
    to_day: date


class NetworkFare(Answer):
    product: str
    name: str
    amount: int = Field(description="Rupiah")
    when: list[Window] = Field(description="Empty: at any time")
    priority: int = Field(description="The higher wins where two rules match")


class Pair(Answer):
    from_area: str = Field(description="The tap-in's area (a station)")
    to_area: str
    amount: int


class Pairs(Answer):
    count: int = Field(description="Fares by the tap-in's and tap-out's areas (0: none)")
    lowest: int
    highest: int
    rows: list[Pair]


class Network(Answer):
    network: str
    name: str
    fares: list[NetworkFare]
    pairs: Pairs


class Transfer(Answer):
    from_networks: list[str]
    to_networks: list[str]
    count: int | None = Field(description="Transfers allowed (-1: no limit; null: one)")
    minutes: int | None
    limit_type: int = Field(description="GTFS-Fares v2 duration_limit_type (0-3)")
    kind: int = Field(description="GTFS-Fares v2 fare_transfer_type (0-2)")
    amount: int = Field(description="What the transfer itself costs, rupiah")


class Package(Answer):
    id: str
    name: str
    networks: list[str]
    min_networks: int
    entry: int
    per_km: int
    cap: int
    minutes: int
    distance_factor: float


class Step(Answer):
    name: str
    amount: int


class Sequence(Answer):
    id: str
    start_network: str
    networks: list[str]
    steps: list[Step]


class RuleSet(Answer):
    id: str
    name: str
    valid_from: date
    valid_to: date | None = Field(description="Included; null: open-ended")
    in_force: bool
    source: str = Field(description="Where the set's facts come from")
    folder: str = Field(description="The set's folder in the region pack")
    journey_minutes: int
    networks: list[Network]
    unpriced: list[str] = Field(description="Networks these rules give no fare")
    transfers: list[Transfer]
    packages: list[Package]
    sequences: list[Sequence]


class FareRulesInForce(Answer):
    region: str
    day: date
    in_force: str | None = Field(description="The rule set in force on the day")
    sets: list[RuleSet] = Field(description="Newest first")
