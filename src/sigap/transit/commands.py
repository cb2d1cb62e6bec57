"""The `sigap import-gtfs`, `remove-gtfs` and `export-gtfs` commands (docs/transit.md,
"Storage, import and the API")."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importing = commands.add_parser(
        "import-gtfs",
        help="validate and import GTFS feeds (NAME=FEED.zip or NAME=FOLDER) into the network",
        description="Read and validate each feed (every problem names its file, line and "
        "field), then store them all in one transaction, each replacing its earlier version; "
        "nothing is stored if any feed has a problem. NAME prefixes the feed's ids (mrt:SBHI): "
        "1-32 lower-case letters, digits, '-' or '_'. Running servers use the new network "
        "within SIGAP_TRANSIT_CHECK_SECONDS.",
    )
    importing.add_argument("feeds", nargs="+", metavar="NAME=PATH")
    importing.add_argument(
        "--credit",
        action="append",
        default=[],
        metavar="NAME=TEXT",
        help="the feed's licence and attribution, shown with every journey (kept from the "
        "earlier version when not given)",
    )
    importing.add_argument("--check", action="store_true", help="only validate, store nothing")
    importing.add_argument("--database-url", default=None)
    importing.set_defaults(run=_import)
    removing = commands.add_parser(
        "remove-gtfs",
        help="take stored feeds out of the network",
        description="Delete the feeds NAME... in one transaction (an unknown name changes "
        "nothing); running servers plan without them within SIGAP_TRANSIT_CHECK_SECONDS.",
    )
    removing.add_argument("names", nargs="+", metavar="NAME")
    removing.add_argument("--database-url", default=None)
    removing.set_defaults(run=_remove)
    exporting = commands.add_parser(
        "export-gtfs",
        help="write a stored feed back as a GTFS zip",
        description="Write the feed NAME as it was imported (its GTFS files) to OUT.zip.",
    )
    exporting.add_argument("name", metavar="NAME")
    exporting.add_argument("out", metavar="OUT.zip")
    exporting.add_argument("--database-url", default=None)
    exporting.set_defaults(run=_export)
    simple = commands.add_parser(
        "transit-csv",
        help="turn a spreadsheet of simple routes (one row per stop) into a GTFS feed",
        description="Read ROUTES.csv (docs/transit.md, 'Routes from a spreadsheet'): every "
        "problem names its line and column, and nothing is written or stored. The feed made "
        "(headways as frequencies, exact_times=0) is read back by the GTFS reader, then "
        "written to --out and/or imported as 'sigap import-gtfs' would.",
    )
    simple.add_argument("csv", metavar="ROUTES.csv")
    simple.add_argument("--name", required=True, help="the feed's name (prefixes its ids)")
    simple.add_argument("--out", metavar="FEED.zip", default=None)
    simple.add_argument("--import", dest="store", action="store_true", help="store the feed")
    simple.add_argument("--credit", default=None, metavar="TEXT")
    simple.add_argument(
        "--timezone", default="Asia/Jakarta", help="the agencies' (a 'timezone' column wins)"
    )
    simple.add_argument(
        "--start", default=None, metavar="YYYY-MM-DD", help="the calendars' first day (today)"
    )
    simple.add_argument("--database-url", default=None)
    simple.set_defaults(run=_from_csv)


def _pairs(values: list[str], what: str) -> dict[str, str] | None:
    pairs: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name or not rest:
            print(f"expected {what}, got {value!r}", file=sys.stderr)
            return None
        pairs[name] = rest
    return pairs


@contextmanager
def _session(args: argparse.Namespace, *, write: bool = True) -> Iterator[Session]:
    """A transaction (``write``) or a read on ``--database-url`` or SIGAP_DATABASE_URL; the
    engines are disposed after, as a command ends."""
    from sigap.db import opened

    with (
        opened(args.database_url) as database,
        database.transaction() if write else database.reading() as session,
    ):
        yield session


def _import(args: argparse.Namespace) -> int:
    from sigap.errors import SigapError
    from sigap.kit import utcnow
    from sigap.transit import store

    sources, credits = _pairs(args.feeds, "NAME=PATH"), _pairs(args.credit, "NAME=TEXT")
    if sources is None or credits is None:
        return 2
    loaded = []
    for name, path in sources.items():
        try:
            loaded.append(store.load(Path(path), name))
        except SigapError as exc:
            print(f"feed {name} refused, nothing stored: {exc.message('en')}", file=sys.stderr)
            return 1
    for feed in loaded:
        counts = ", ".join(f"{n} {what}" for what, n in feed.counts().items())
        print(f"{feed.name}: valid ({counts}; {len(feed.feed.warnings)} warnings)")
        for warning in feed.feed.warnings[:20]:
            print(f"  warning: {warning}")
    if args.check:
        return 0
    unknown = sorted(set(credits) - set(sources))
    if unknown:
        print(f"--credit names no feed being imported: {', '.join(unknown)}", file=sys.stderr)
        return 2
    with _session(args) as session:
        version = store.store(session, loaded, utcnow(), credits)
    print(f"imported {', '.join(sources)}: the network is now version {version}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from sigap.errors import SigapError
    from sigap.kit import utcnow
    from sigap.transit import store

    try:
        with _session(args) as session:
            version = store.remove(session, args.names, utcnow())
    except SigapError as exc:
        print(f"{exc.message('en')} Nothing removed.", file=sys.stderr)
        return 1
    print(f"removed {', '.join(args.names)}: the network is now version {version}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from sigap.errors import SigapError
    from sigap.transit import store

    try:
        with _session(args, write=False) as session:
            row = store.export(session, args.name, Path(args.out))
    except SigapError as exc:
        print(exc.message("en"), file=sys.stderr)
        return 1
    print(f"exported {row.name} version {row.version} ({len(row.files)} files) to {args.out}")
    return 0


def _from_csv(args: argparse.Namespace) -> int:
    from datetime import date, datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from sigap.errors import SigapError
    from sigap.kit import utcnow
    from sigap.transit import csvfeed, store

    path = Path(args.csv)
    try:
        zone = ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        print(f"--timezone: unknown time zone {args.timezone!r}", file=sys.stderr)
        return 2
    try:
        today = date.fromisoformat(args.start) if args.start else datetime.now(zone).date()
        made = csvfeed.convert(
            path.read_bytes(), args.name, file=path.name, today=today, timezone=args.timezone
        )
    except ValueError:
        print(f"--start: expected YYYY-MM-DD, got {args.start!r}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 1
    except SigapError as exc:
        print(f"{exc.message('en')} Nothing written.", file=sys.stderr)
        return 1
    preview = made.preview()
    for route in preview["routes"]:
        for d in route["directions"]:
            back = ", both ways" if d["both_ways"] else ""
            print(
                f"{route['short_name']} -> {d['headsign']}: {len(d['stops'])} stops, "
                f"{d['minutes'][-1]:g} min, {d['first']}-{d['last']} every "
                f"{d['headway_min']} min, {d['days']}{back}"
            )
    print(f"{args.name}: valid ({preview['stops']} stops, {preview['trips']} trips)")
    if args.store:
        credits = {args.name: args.credit} if args.credit is not None else None
        with _session(args) as session:
            version = store.store(session, [made.loaded], utcnow(), credits)
        print(f"imported {args.name}: the network is now version {version}")
    if args.out:
        Path(args.out).write_bytes(made.loaded.archive)
        print(f"written to {args.out}")
    return 0
