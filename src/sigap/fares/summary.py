"""A region's fare rules as an auditor reads them: which rule set is in force on a day, and per
set its networks' fares, transfers, capped packages and fare sequences, with validity dates
and sources (docs/fares.md, "The rules in force"; the admin console's fare page and
``GET /api/v1/admin/fares`` both show this one answer).

Pure: the rules as :mod:`sigap.fares.rules` read them, no database, no clock. Amounts are
integer rupiah; times of day ``HH:MM``; durations in minutes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sigap.fares.rules import FareRules, LegRule, RuleSet, Timeframe


def describe(rules: FareRules | None, region: str, day: date) -> dict[str, Any]:
    """Every rule set of ``region`` (newest first) and the one in force on ``day`` (None when
    no set covers it, or the region has no fare rules)."""
    if rules is None:
        return {"region": region, "day": day, "in_force": None, "sets": []}
    ordered = sorted(rules.sets.values(), key=lambda s: s.valid_from, reverse=True)
    current = next((s.id for s in ordered if s.in_force(day)), None)
    return {
        "region": region,
        "day": day,
        "in_force": current,
        "sets": [_rule_set(rules, found, found.id == current) for found in ordered],
    }


def _rule_set(rules: FareRules, found: RuleSet, in_force: bool) -> dict[str, Any]:
    priced = [n for n in rules.networks if found.by_network.get(n)]
    return {
        "id": found.id,
        "name": found.name,
        "valid_from": found.valid_from,
        "valid_to": found.valid_to,
        "in_force": in_force,
        "source": found.source,
        "folder": f"fares/{found.id}/",
        "journey_minutes": found.journey_limit // 60,
        "networks": [_network(rules, found, n) for n in priced],
        "unpriced": [rules.networks[n] or n for n in rules.networks if n not in priced],
        "transfers": [_transfer(rules, found, t) for t in found.transfers],
        "packages": [
            {
                "id": p.id,
                "name": p.name,
                "networks": _names(rules, p.networks),
                "min_networks": p.min_networks,
                "entry": p.entry,
                "per_km": p.per_km,
                "cap": p.cap,
                "minutes": p.duration // 60,
                "distance_factor": p.factor,
            }
            for p in found.packages
        ],
        "sequences": [
            {
                "id": s.id,
                "start_network": rules.networks[s.start_network] or s.start_network,
                "networks": _names(rules, s.networks),
                "steps": [{"name": p.name, "amount": p.amount} for p in s.steps],
            }
            for s in found.sequences
        ],
    }


def _network(rules: FareRules, found: RuleSet, network: str) -> dict[str, Any]:
    """A network's leg rules: the flat ones (maybe within a time of day) one by one, the
    station-pair ones (the MRT's) as a range and their list."""
    legs = found.by_network[network]
    flat = [rule for rule in legs if not (rule.from_area or rule.to_area)]
    pairs = [rule for rule in legs if rule.from_area or rule.to_area]
    amounts = [rule.product.amount for rule in pairs]
    return {
        "network": network,
        "name": rules.networks[network] or network,
        "fares": [
            {
                "product": rule.product.id,
                "name": rule.product.name,
                "amount": rule.product.amount,
                "when": _windows(rules, found.timeframes, rule),
                "priority": rule.priority,
            }
            for rule in sorted(flat, key=lambda r: (-r.priority, r.product.amount))
        ],
        "pairs": {
            "count": len(pairs),
            "lowest": min(amounts, default=0),
            "highest": max(amounts, default=0),
            "rows": [
                {
                    "from_area": rules.areas.get(rule.from_area) or rule.from_area,
                    "to_area": rules.areas.get(rule.to_area) or rule.to_area,
                    "amount": rule.product.amount,
                }
                for rule in pairs
            ],
        },
    }


def _windows(rules: FareRules, frames: Iterable[Timeframe], rule: LegRule) -> list[dict[str, Any]]:
    """When a leg rule applies: its tap-in's timeframe windows ([] for any time)."""
    found = []
    for frame in frames:
        if rule.from_timeframe and frame.group == rule.from_timeframe:
            service = rules.services[frame.service]
            found.append(
                {
                    "start": _clock(frame.start),
                    "end": _clock(frame.end),
                    "weekdays": [n for n, runs in enumerate(service.days) if runs],
                    "from_day": service.start,
                    "to_day": service.end,
                }
            )
    return found


def _transfer(rules: FareRules, found: RuleSet, transfer: Any) -> dict[str, Any]:
    def group(name: str) -> list[str]:
        networks = {rule.network for rule in found.leg_rules if name and rule.group == name}
        return _names(rules, networks)

    return {
        "from_networks": group(transfer.from_group),
        "to_networks": group(transfer.to_group),
        "count": transfer.count,
        "minutes": transfer.duration // 60 if transfer.duration else None,
        "limit_type": transfer.limit_type,
        "kind": transfer.kind,
        "amount": transfer.amount,
    }


def _names(rules: FareRules, networks: Iterable[str]) -> list[str]:
    """Networks' names in the order networks.txt lists them."""
    wanted = set(networks)
    return [rules.networks[n] or n for n in rules.networks if n in wanted]


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
