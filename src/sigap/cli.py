"""The ``sigap`` command. Each subcommand explains itself in ``sigap COMMAND --help``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sigap.cards import commands as card_commands
from sigap.channels import commands as channel_commands
from sigap.fares import commands as fare_commands
from sigap.regions import commands as map_commands
from sigap.transit import commands as transit_commands

if TYPE_CHECKING:
    from sigap.config import Settings
    from sigap.photos.service import StoredPhoto


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    result: int = args.run(args)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sigap",
        description="Sigap: city problem reporting and government response. Settings come from "
        "the environment (SIGAP_DATABASE_URL, SIGAP_PUBLIC_URL, ...); see README.md.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="run a ready-to-use demo: SQLite, the Jakarta region, demo reports",
        description="Create (or reuse) a local SQLite database, apply migrations, load the "
        "bundled region pack and a few hundred demo reports, then serve.",
    )
    demo.add_argument(
        "--database-url",
        default=None,
        help="default: sqlite:///./sigap-demo.db (Jakarta) or ./sigap-demo-SLUG.db (other regions)",
    )
    demo.add_argument("--region", default="jakarta", help="bundled pack slug or pack folder")
    demo.add_argument("--reports", type=int, default=300, help="demo reports on a new database")
    _server_options(demo)
    demo.set_defaults(run=_demo)

    serve = commands.add_parser(
        "serve",
        help="serve the API with settings from the environment",
        description="Serve Sigap on uvicorn. The database must be upgraded and a region "
        "imported first (sigap db upgrade; sigap import-region PACK).",
    )
    _server_options(serve)
    serve.add_argument("--workers", type=int, default=1, help="worker processes")
    serve.set_defaults(run=_serve)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(title="db commands", metavar="DB_COMMAND")
    upgrade = db_commands.add_parser(
        "upgrade", help="apply all migrations to SIGAP_DATABASE_URL (or --database-url)"
    )
    upgrade.add_argument("--database-url", default=None)
    upgrade.set_defaults(run=_db_upgrade)

    region = commands.add_parser(
        "import-region",
        help="validate and import a region pack (areas, boundaries, units, categories, routing)",
        description="Validate a region pack folder (or the slug of a bundled pack, e.g. "
        "'jakarta') and import it in one transaction. Every problem is listed with file, row "
        "and reason, and nothing is changed if there is any. Restart running servers after.",
    )
    region.add_argument("pack", help="pack folder or bundled pack slug")
    region.add_argument("--database-url", default=None)
    region.add_argument("--check", action="store_true", help="only validate, change nothing")
    region.set_defaults(run=_import_region)
    export = commands.add_parser(
        "export-region",
        help="write the current configuration back as a region pack",
        description="Write the deployment's areas, current boundaries, units, categories (SLA "
        "targets) and routing rules as a region pack folder that import-region accepts.",
    )
    export.add_argument("path", help="the folder to write (created if missing)")
    export.add_argument("--database-url", default=None)
    export.set_defaults(run=_export_region)
    map_commands.add(commands)
    channel_commands.add(commands)
    transit_commands.add(commands)
    card_commands.add(commands)
    fare_commands.add(commands)
    _workflow_commands(commands)
    _photo_commands(commands)
    _notify_commands(commands)
    _audit_commands(commands)
    return parser


def _workflow_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sweep = commands.add_parser(
        "sweep",
        help="run the SLA sweep once: warn, escalate overdue reports, close unrated fixes",
        description="What `sigap worker` does every SIGAP_SWEEP_INTERVAL_S seconds, once (for "
        "cron, or to catch up after downtime).",
    )
    sweep.add_argument("--database-url", default=None)
    sweep.set_defaults(run=_sweep)
    account = commands.add_parser("account", help="officials' and citizens' accounts")
    account_commands = account.add_subparsers(title="account commands", metavar="ACTION")
    create = account_commands.add_parser(
        "create",
        help="create an account; the password is read from standard input",
        description="Create an account. Officials need --unit (a unit code, see the region "
        "pack's units.csv). The password is read from standard input (one line).",
    )
    create.add_argument("email")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--role",
        required=True,
        choices=("citizen", "field_officer", "unit_head", "supervisor", "admin"),
    )
    create.add_argument("--unit", default=None, help="unit code (officials)")
    create.add_argument("--language", default="id", choices=("id", "en"))
    create.add_argument("--database-url", default=None)
    create.set_defaults(run=_account_create)


def _sweep(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from sigap.config import Settings
    from sigap.db import opened
    from sigap.kit import utcnow
    from sigap.regions.state import load_state
    from sigap.workflow.sweep import sweep

    settings = Settings()
    with opened(args.database_url) as database:
        with database.reading() as session:
            state = load_state(session)
        window = timedelta(days=settings.rating_window_days)
        swept = sweep(database, state, utcnow(), rating_window=window)
    print(f"warned {swept.warned}, escalated {swept.escalated}, closed {swept.closed}")
    return 0


def _account_create(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import IntegrityError

    from sigap.accounts.service import create
    from sigap.db import opened

    password = sys.stdin.readline().rstrip("\n")
    if len(password) < 10:
        print("the password (read from standard input) must have at least 10 characters")
        return 2
    if args.role not in ("citizen", "admin") and args.unit is None:
        print(f"a {args.role} needs --unit")
        return 2
    try:
        with opened(args.database_url) as database, database.transaction() as session:
            account = create(
                session, email=args.email, name=args.name, password=password, role=args.role,
                unit_code=args.unit, language=args.language,
            )  # fmt: skip
            print(f"account {account.id} created: {account.email} ({account.role})")
    except LookupError as exc:
        print(exc)
        return 2
    except IntegrityError:
        print(f"an account with the e-mail {args.email} already exists")
        return 2
    return 0


def _photo_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    photo = commands.add_parser("photo", help="moderation of report photos")
    actions = photo.add_subparsers(title="photo commands", metavar="PHOTO_COMMAND")
    hide = actions.add_parser(
        "hide",
        help="take photo ID out of every public view and out of /media (the row stays)",
    )
    hide.add_argument("photo_id", type=int, metavar="ID")
    hide.add_argument("--database-url", default=None)
    hide.set_defaults(run=_photo_hide)
    rehash = actions.add_parser(
        "rehash",
        help="compute the perceptual hash of photos stored before proof-of-fix checks existed "
        "(read from their stored display files), so after-photos are compared with them too",
    )
    rehash.add_argument("--database-url", default=None)
    rehash.set_defaults(run=_photo_rehash)


def _photo_hide(args: argparse.Namespace) -> int:
    from sigap.photos import service

    with channel_commands.transaction(args) as session:
        service.hide(session, args.photo_id)
    print(f"photo {args.photo_id} hidden")
    return 0


def _photo_rehash(args: argparse.Namespace) -> int:
    from sigap.config import Settings
    from sigap.photos import proof, service

    with channel_commands.transaction(args) as session:
        hashed, missing = proof.rehash(session, service.storage_for(Settings()))
    print(f"{hashed} photos hashed, {missing} without a stored file")
    return 0


def _notify_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    worker = commands.add_parser(
        "worker",
        help="deliver the outbox (e-mail, webhooks) and run periodic jobs",
        description="Deliver outbox messages (e-mail, webhooks) with retries and run the "
        "periodic jobs, until SIGTERM or Ctrl-C. Several workers may run on PostgreSQL; on "
        "SQLite run one (or none, with SIGAP_INPROCESS_WORKER=true in the server).",
    )
    worker.add_argument("--once", action="store_true", help="one pass, then exit")
    worker.set_defaults(run=_worker)
    check = commands.add_parser(
        "check",
        help="verify configuration and connections; exit 1 and say what is wrong",
        description="Check the database (reachable, migrated, region imported), SMTP when "
        "configured, and the media folder when set. Exit status 1 when anything is wrong.",
    )
    check.set_defaults(run=_check)


def _worker(args: argparse.Namespace) -> int:
    import logging
    import signal

    from sigap.config import Settings
    from sigap.db import WORKER_POOL_SIZE, Database
    from sigap.jobs import build_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = Settings()
    database = Database(settings.database_url, pool_size=WORKER_POOL_SIZE)
    worker = build_worker(database, settings)
    if args.once:
        worker.run_periodic()
        handled = worker.run_once()
        print(f"handled {handled} messages")
        database.dispose()
        return 0
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: worker.stop())
    print(f"sigap worker delivering from {_safe(settings.database_url)}", flush=True)
    worker.run_forever()
    database.dispose()
    return 0


def _check(args: argparse.Namespace) -> int:
    from sigap.check import run
    from sigap.config import Settings

    findings = run(Settings())
    for finding in findings:
        print(f"{'ok  ' if finding.ok else 'FAIL'}  {finding.name:<11} {finding.detail}")
    return 0 if all(finding.ok for finding in findings) else 1


def _audit_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = commands.add_parser("audit", help="the tamper-evident history")
    actions = audit.add_subparsers(title="audit commands", metavar="AUDIT_COMMAND")
    verify = actions.add_parser(
        "verify",
        help="walk the history's hash chains; exit 1 and name the first broken link",
        description="Recompute the hash chain of every report's timeline and of the admin "
        "audit (docs/officials.md, 'Tamper-evident history'). With --heads, also compare a "
        "saved daily digest from /api/v1/open-data/chain-heads/DATE.json with the database.",
    )
    verify.add_argument("--database-url", default=None)
    verify.add_argument("--heads", type=Path, action="append", default=[], metavar="FILE")
    verify.set_defaults(run=_audit_verify)


def _audit_verify(args: argparse.Namespace) -> int:
    import json

    from sigap.db import opened
    from sigap.history import heads, verify

    with opened(args.database_url) as database, verify.snapshot(database) as session:
        verdict = verify.verify(session)
        saved = [(path, json.loads(path.read_text())) for path in args.heads]
        problems = [(p, heads.compare(session, document)) for p, document in saved]
    print(f"checked {verdict.events} report events, {verdict.admin_events} admin events")
    for broken in verdict.breaks:
        print(f"BROKEN {broken.chain} chain at {broken.describe()}")
    for path, found in problems:
        for problem in found:
            print(f"DIFFERS from {path}: {problem}")
    return 1 if verdict.breaks or any(found for _, found in problems) else 0


def _server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)


def _db_upgrade(args: argparse.Namespace) -> int:
    from sigap.config import Settings
    from sigap.migrations import upgrade

    url = args.database_url or Settings().database_url
    upgrade(url)
    print(f"database is up to date: {_safe(url)}")
    return 0


def _import_region(args: argparse.Namespace) -> int:
    from sigap.db import opened
    from sigap.regions import pack as packs
    from sigap.regions.service import import_pack

    try:
        pack = packs.read(packs.resolve(args.pack))
    except packs.PackError as exc:
        print(f"region pack refused, nothing changed ({len(exc.problems)} problems):")
        for problem in exc.problems:
            print(f"  {problem}")
        return 1
    if args.check:
        print(f"region pack {pack.meta['slug']} is valid")
        return 0
    try:
        with opened(args.database_url) as database, database.transaction() as session:
            result = import_pack(session, pack)
    except packs.PackError as exc:
        print("region pack refused, nothing changed:")
        print("\n".join(f"  {problem}" for problem in exc.problems))
        return 1
    version = "new" if result.new_boundary_version else "unchanged"
    print(
        f"imported {result.slug}: {result.areas} areas, {result.units} units, "
        f"{result.categories} categories, {result.questions} questions, {result.rules} routing "
        f"rules; boundary version {result.boundary_version_id} ({version})"
    )
    return 0


def _export_region(args: argparse.Namespace) -> int:

    from sigap.db import opened
    from sigap.errors import SigapError
    from sigap.regions.export import export_pack

    try:
        with opened(args.database_url) as database, database.reading() as session:
            counts = export_pack(session, Path(args.path))
    except SigapError as exc:
        print(exc.message("en"), file=sys.stderr)
        return 1
    print(f"exported to {args.path}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from sigap import serving
    from sigap.config import Settings
    from sigap.web.security import proxy_options

    serving.serve(
        "sigap.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=Settings().shutdown_timeout_s,
        **proxy_options(Settings()),
    )
    return 0


def _demo(args: argparse.Namespace) -> int:
    from sigap import serving
    from sigap.app import create_app
    from sigap.config import Settings
    from sigap.db import Database
    from sigap.demo import (
        DEMO_PASSWORD,
        busy_kelurahan,
        seed_accounts,
        seed_assignments,
        seed_cards,
        seed_reports,
        seed_transit,
    )
    from sigap.kit import utcnow
    from sigap.market.demo import seed_market
    from sigap.migrations import upgrade
    from sigap.models import Region
    from sigap.regions import pack as packs
    from sigap.regions.service import import_pack
    from sigap.regions.state import load_state
    from sigap.transit import state as transit_state
    from sigap.web.security import proxy_options

    url = f"http://{args.host}:{args.port}"
    pack = packs.read(packs.resolve(args.region))
    slug = pack.meta["slug"]
    default_db = "sigap-demo.db" if slug == "jakarta" else f"sigap-demo-{slug}.db"
    settings = Settings(
        database_url=args.database_url or f"sqlite:///./{default_db}",
        public_url=url,
        inprocess_worker=True,
        tile_dir=Settings().tile_dir or f"./{default_db.removesuffix('.db')}-tiles",
    )
    upgrade(settings.database_url)
    database = Database(settings.database_url)
    try:
        with database.transaction() as session:
            if session.get(Region, pack.meta["code"]) is None:
                import_pack(session, pack)
    except packs.PackError as exc:
        print("\n".join(str(problem) for problem in exc.problems))
        return 1
    with database.transaction() as session:
        transit = seed_transit(session, slug)
    # The network first: the demo's transit reports name its routes and stops.
    network = transit_state.load(database)
    with database.transaction() as session:
        accounts = seed_accounts(session, pack.meta.get("demo_accounts", []))
        state = load_state(session)
        added = seed_reports(
            session,
            state,
            count=args.reports,
            after_photos=demo_photos(settings),
            before_photos=demo_photos(settings, before=True),
            busy=busy_kelurahan(state, accounts),
            network=network,
        )
        if added:
            seed_assignments(session, state, accounts)
        card = seed_cards(session, slug, network)
        shops = seed_market(session, state, DEMO_PASSWORD, now=utcnow())
    database.dispose()
    print(f"Sigap demo ({_safe(settings.database_url)}, {added} new demo reports)")
    print(f"  Public map:   {url}/")
    print(f"  Citizen app:  {url}/app")
    print(f"  Officials:    {url}/officials")
    print(f"  Admin:        {url}/admin")
    print(f"  API docs:     {url}/docs")
    print(f"  Reports:      {url}/api/v1/reports")
    print(f"  Categories:   {url}/api/v1/categories")
    print(f"  OpenAPI:      {url}/openapi.json")
    print(f"  Open311:      {url}/open311/v2/discovery.xml")
    if transit:
        print(f"  Transit:      {url}/api/v1/transit/routes ({', '.join(transit)} imported)")
    if card:
        print(f"  Fare card:    {url}/app/cards (the first citizen's card ending {card})")
    if shops:
        print(f"  Market:       {url}/api/v1/market/products ({shops} demo shops)")
    database_option = f"--database-url {_safe(settings.database_url)}"
    print(f"  Open311 key:  sigap channel create 'My app' {database_option}")
    print(f"Demo logins (password '{DEMO_PASSWORD}'; officials and admin at /officials/login):")
    for account in accounts:
        print(f"  {account['email']:<32} {account['role']:<14} {account.get('unit') or ''}")
    sys.stdout.flush()
    serving.serve(
        create_app(settings),
        host=args.host,
        port=args.port,
        workers=1,
        log_level="warning",
        timeout_graceful_shutdown=settings.shutdown_timeout_s,
        **proxy_options(settings),
    )
    return 0


def demo_photos(settings: Settings, *, before: bool = False) -> list[StoredPhoto]:
    """The demo's after-photo (or report photo), taken in like any photo (stored once: names
    are content hashes)."""
    import anyio

    from sigap.demo import after_photo_jpeg, before_photo_jpeg
    from sigap.photos.service import storage_for, take_in

    picture = before_photo_jpeg() if before else after_photo_jpeg()
    return anyio.run(take_in, [picture], settings, storage_for(settings))


def _safe(url: str) -> str:
    """A database URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
