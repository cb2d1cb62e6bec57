"""``sigap check``: is this deployment configured and connected? Each check says what is wrong
and what to do, so an operator reads the fix, not a traceback."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from sigap.config import Settings
from sigap.db import WORKER_POOL_SIZE, Database, pg_connections
from sigap.kit import utcnow


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    detail: str


def run(settings: Settings) -> list[Finding]:
    findings: list[Finding] = [_public_url(settings)]
    database = Database(settings.database_url, settings.read_database_url, pool_size=1)
    try:
        reachable = _step("database", lambda: _database(database, settings.db_pool_size))
        findings.append(reachable)
        if reachable.ok:
            migrated = _step("migrations", lambda: _migrations(database))
            findings.append(migrated)
            findings.append(_step("region", lambda: _region(database)))
            if migrated.ok:
                findings.append(_step("transit", lambda: _transit(database)))
    finally:
        database.dispose()
    if settings.smtp_host:
        findings.append(_step("smtp", lambda: _smtp(settings)))
    else:
        findings.append(Finding("smtp", True, "not configured (SIGAP_SMTP_HOST): no e-mail sent"))
    findings.append(
        _step("media", lambda: _media(Path(settings.media_dir), settings.media_min_free_mb))
    )
    if settings.card_qris_merchant:
        merchant = settings.card_qris_merchant
        findings.append(_step("card_qris", lambda: _qris(merchant)))
    return findings


def _step(name: str, check: Callable[[], str]) -> Finding:
    try:
        return Finding(name, True, check())
    except Exception as exc:  # every failure is reported, none stops the other checks
        return Finding(name, False, f"{type(exc).__name__}: {exc}".splitlines()[0])


def _public_url(settings: Settings) -> Finding:
    ok = settings.public_url.startswith(("http://", "https://"))
    detail = settings.public_url if ok else "SIGAP_PUBLIC_URL must start with http:// or https://"
    return Finding("public_url", ok, detail)


def _database(database: Database, pool_size: int) -> str:
    with database.write_engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        if database.dialect != "postgresql":
            return f"{database.dialect} reachable"
        most = int(connection.scalar(text("SHOW max_connections")) or 0)
        reserved = int(connection.scalar(text("SHOW superuser_reserved_connections")) or 0)
    # What the servers may hold: what is left beside the superusers' share and a worker.
    each = pg_connections(pool_size)
    room = (most - reserved - pg_connections(WORKER_POOL_SIZE)) // each
    detail = (
        f"max_connections {most}: room for {room} server process(es) of up to {each} "
        f"connections (SIGAP_DB_POOL_SIZE={pool_size}) beside a worker"
    )
    if room < 1:
        raise RuntimeError(f"{detail}: raise max_connections or lower SIGAP_DB_POOL_SIZE")
    return f"postgresql reachable; {detail}"


def _migrations(database: Database) -> str:
    from sigap.migrations import alembic_config

    head = ScriptDirectory.from_config(alembic_config(database.url)).get_current_head()
    with database.write_engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current != head:
        raise RuntimeError(f"at {current or 'nothing'}, head is {head}: run 'sigap db upgrade'")
    return f"at head ({head})"


def _region(database: Database) -> str:
    from sigap.models import Area, Region

    with database.reading() as session:
        region = session.execute(select(Region)).scalars().first()
        if region is None:
            raise RuntimeError("no region imported: run 'sigap import-region jakarta' (or yours)")
        areas = session.execute(select(func.count()).select_from(Area)).scalar_one()
    return f"{region.code} ({areas} areas)"


def _transit(database: Database) -> str:
    """The imported feeds; a feed whose calendars are over plans nothing (import its current
    version). The pack's transit operators whose feed is not imported are named: no report can
    name their routes until it is (docs/transit.md, "Reports that name a route")."""
    from sigap.models import TransitFeed, TransitOperator

    with database.reading() as session:
        feeds = session.execute(
            select(TransitFeed.name, TransitFeed.service_end).order_by(TransitFeed.service_end)
        ).all()
        operators = list(session.scalars(select(TransitOperator.agency)))
    if not feeds:
        return "no feed imported (sigap import-gtfs): the journey planner is off"
    today = utcnow().date()
    ended = [f"{name} (ended {end})" for name, end in feeds if end < today]
    if ended:
        raise RuntimeError(
            f"calendars over, none of their trips is planned: {', '.join(ended)}; import their "
            "current versions (sigap import-gtfs)"
        )
    name, end = feeds[0]
    imported = {feed for feed, _ in feeds}
    waiting = sorted(a for a in operators if a.partition(":")[0] not in imported)
    note = f"; operators without their feed: {', '.join(waiting)}" if waiting else ""
    return f"{len(feeds)} feed(s); the first calendar to end: {name} on {end}{note}"


def _qris(static: str) -> str:
    """The fare card's QRIS merchant code reads as one, so top-ups can show a dynamic code."""
    from sigap.errors import SigapError
    from sigap.payments import qris

    try:
        found = qris.merchant(static)
    except SigapError as exc:
        raise ValueError(f"SIGAP_CARD_QRIS_MERCHANT: {exc.message('en')}") from None
    return f"QRIS merchant {found.name}, {found.city}"


def _smtp(settings: Settings) -> str:
    from sigap.notify import mail

    mail.probe(settings)
    return f"{settings.smtp_host}:{settings.smtp_port} ({settings.smtp_security}) answers"


def _media(path: Path, min_free_mb: int) -> str:
    """Writable (a file is written, as a photo would be: root passes any permission check,
    not a read-only disk) and with more free space than photos may leave."""
    path.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path, prefix=".sigap-check-") as probe:
        probe.write(b"sigap")
        probe.flush()
        os.fsync(probe.fileno())
    free_mb = shutil.disk_usage(path).free // 2**20
    if free_mb < min_free_mb:
        raise RuntimeError(
            f"{path}: {free_mb} MB free, under SIGAP_MEDIA_MIN_FREE_MB ({min_free_mb}): "
            "photos are refused; free space or move the folder"
        )
    return f"{path} writable, {free_mb} MB free"
