"""The `sigap export-fares` command (docs/fares.md, "Export")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    exporting = commands.add_parser(
        "export-fares",
        help="write a region pack's fare rule set as GTFS-Fares v2 files",
        description="Validate the fare rules of REGION_DIR (a region pack folder with a "
        "fares/ folder) and write one rule set (--rule-set, else the one in force today) to "
        "OUT_DIR as GTFS-Fares v2 files. Sigap's packages and fare sequences have no v2 form "
        "and are left out.",
    )
    exporting.add_argument("region_dir", metavar="REGION_DIR")
    exporting.add_argument("out", metavar="OUT_DIR")
    exporting.add_argument("--rule-set", default=None, help="the rule set's id")
    exporting.add_argument(
        "--feed", default=None, help="only this feed's routes and stops, by the feed's own ids"
    )
    exporting.add_argument(
        "--with-network",
        action="store_true",
        help="also list the stored network's routes under their feed's network "
        "(reads --database-url or SIGAP_DATABASE_URL)",
    )
    exporting.add_argument("--database-url", default=None)
    exporting.set_defaults(run=_export)


def _export(args: argparse.Namespace) -> int:
    from sigap.errors import SigapError
    from sigap.fares import export, rules
    from sigap.kit import utcnow

    try:
        found = rules.load(Path(args.region_dir))
        route_fares = _stored_routes(args) if args.with_network else {}
        written = export.export(
            found,
            Path(args.out),
            rule_set=args.rule_set,
            at=utcnow(),
            feed=args.feed,
            routes=route_fares,
        )
    except SigapError as exc:
        print(f"{exc.message('en')} Nothing written.", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"cannot read {args.region_dir}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"exported {len(written)} GTFS-Fares v2 files of {found.region} to {args.out}")
    return 0


def _stored_routes(args: argparse.Namespace) -> dict[str, str]:
    """The stored network's routes, each with the fare id its feed gives it ("" for none)."""
    from sigap.db import opened
    from sigap.transit import state

    with opened(args.database_url) as database:
        held = state.load(database)
    if held is None:
        return {}
    return {route: held.feed.route_fares.get(route, "") for route in sorted(held.feed.routes)}
