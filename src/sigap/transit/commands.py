"""The `sigap import-gtfs`, `remove-gtfs` and `export-gtfs` commands (docs/transit.md,
"Storage, import and the API")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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


def _pairs(values: list[str], what: str) -> dict[str, str] | None:
    pairs: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name or not rest:
            print(f"expected {what}, got {value!r}", file=sys.stderr)
            return None
        pairs[name] = rest
    return pairs


def _import(args: argparse.Namespace) -> int:
    from sigap.config import Settings
    from sigap.db import Database
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
    database = Database(args.database_url or Settings().database_url)
    try:
        with database.transaction() as session:
            version = store.store(session, loaded, utcnow(), credits)
    finally:
        database.dispose()
    print(f"imported {', '.join(sources)}: the network is now version {version}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from sigap.config import Settings
    from sigap.db import Database
    from sigap.errors import SigapError
    from sigap.kit import utcnow
    from sigap.transit import store

    database = Database(args.database_url or Settings().database_url)
    try:
        with database.transaction() as session:
            version = store.remove(session, args.names, utcnow())
    except SigapError as exc:
        print(f"{exc.message('en')} Nothing removed.", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    print(f"removed {', '.join(args.names)}: the network is now version {version}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from sigap.config import Settings
    from sigap.db import Database
    from sigap.errors import SigapError
    from sigap.transit import store

    database = Database(args.database_url or Settings().database_url)
    try:
        with database.reading() as session:
            row = store.export(session, args.name, Path(args.out))
    except SigapError as exc:
        print(exc.message("en"), file=sys.stderr)
        return 1
    finally:
        database.dispose()
    print(f"exported {row.name} version {row.version} ({len(row.files)} files) to {args.out}")
    return 0
