"""The imported feeds in the database: import (validated, one transaction), read back, export.

A feed is stored as its GTFS files, one deflated zip per feed (``transit_feed.archive``), not as
normalised tables: :mod:`sigap.transit.gtfs` is the one reader and validator, so storing its
input keeps one parse path (no second schema to keep in step with it); every process builds
its network in memory anyway and never queries a stop or a trip in SQL; and an export gives
back the whole feed, shapes and fares included, which the planner does not read yet. Tables of
stops and routes can be derived from the same rows when SQL needs them (reports naming a route).

A new version replaces the old one in the import's transaction and bumps
``transit_network.version``, which every server process compares with the network it has built
(:mod:`sigap.transit.state`): the old network answers until the new one is built.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.models import TransitFeed, TransitNetwork
from sigap.transit import gtfs

NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
# The files of GTFS Schedule (the reference in ../shared/data/transit/spec): what a feed keeps.
# Anything else in a folder or zip (a README, Transjakarta's route_list.txt) is left out.
GTFS_FILES = frozenset(
    {
        "agency.txt",
        "stops.txt",
        "routes.txt",
        "trips.txt",
        "stop_times.txt",
        "calendar.txt",
        "calendar_dates.txt",
        "fare_attributes.txt",
        "fare_rules.txt",
        "timeframes.txt",
        "rider_categories.txt",
        "fare_media.txt",
        "fare_products.txt",
        "fare_leg_rules.txt",
        "fare_leg_join_rules.txt",
        "fare_transfer_rules.txt",
        "areas.txt",
        "stop_areas.txt",
        "networks.txt",
        "route_networks.txt",
        "shapes.txt",
        "frequencies.txt",
        "transfers.txt",
        "pathways.txt",
        "levels.txt",
        "location_groups.txt",
        "location_group_stops.txt",
        "booking_rules.txt",
        "translations.txt",
        "feed_info.txt",
        "attributions.txt",
    }
)
# A fixed time inside the zip, so that the same files make the same archive (and sha256).
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class Loaded:
    """A feed read and validated from a folder or zip, ready to store."""

    name: str
    feed: gtfs.Feed
    archive: bytes
    files: list[str]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.archive).hexdigest()

    def span(self) -> tuple[date, date]:
        """The first and last day of the feed's calendars (the reader requires one)."""
        return service_span(self.feed) or (date.min, date.min)

    def counts(self) -> dict[str, int]:
        feed = self.feed
        return {
            "stops": len(feed.stops),
            "routes": len(feed.routes),
            "trips": len(feed.trips),
        }


def service_span(feed: gtfs.Feed) -> tuple[date, date] | None:
    """The first and last day of a feed's calendars, calendar_dates.txt's days included."""
    days = [s.start for s in feed.services.values()] + [s.end for s in feed.services.values()]
    days += [day for changes in feed.exceptions.values() for day in changes]
    return (min(days), max(days)) if days else None


def check_name(name: str) -> str:
    """A feed's name prefixes each of its ids (``mrt:SBHI``): no colon, nothing odd."""
    if not NAME.fullmatch(name):
        raise SigapError("transit_bad_feed_name", feed=name)
    return name


def load(path: Path, name: str) -> Loaded:
    """The feed at ``path`` (a folder or a zip), validated by the reader (its
    :class:`sigap.transit.gtfs.FeedError` names file, line and field) and packed to store."""
    feed = gtfs.read_feed(path, check_name(name))
    files = _texts(path)
    return Loaded(name, feed, pack(files), sorted(files))


def _texts(path: Path) -> dict[str, str]:
    """The feed's GTFS files as text (byte-order mark dropped), from a folder or a zip (at its
    root or in one folder inside it, as the reader accepts)."""
    if path.is_dir():
        return {
            p.name: p.read_text(encoding="utf-8-sig")
            for p in sorted(path.iterdir())
            if p.is_file() and p.name in GTFS_FILES
        }
    texts: dict[str, str] = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            base = member.rsplit("/", 1)[-1]
            if base in GTFS_FILES and base not in texts:
                texts[base] = archive.read(member).decode("utf-8-sig")
    return texts


def pack(files: Mapping[str, str]) -> bytes:
    """The files as one deflated zip, in name order, every entry dated alike."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name].encode("utf-8"))
    return buffer.getvalue()


def store(
    session: Session,
    feeds: Iterable[Loaded],
    now: datetime,
    credits: Mapping[str, str] | None = None,
) -> int:
    """Store ``feeds`` in the caller's transaction, each replacing its earlier version, and bump
    the network's version (returned). A feed keeps its credit unless ``credits`` gives one."""
    credits = credits or {}
    network = session.scalar(select(TransitNetwork).with_for_update())
    if network is None:
        network = TransitNetwork(id=1, version=0, changed_at=now)
        session.add(network)
    for loaded in feeds:
        row = session.get(TransitFeed, loaded.name)
        if row is None:
            row = TransitFeed(name=loaded.name, version=0, credit=None)
            session.add(row)
        row.version += 1
        row.archive = loaded.archive
        row.sha256 = loaded.sha256
        row.files = loaded.files
        row.agencies = [agency.name for agency in loaded.feed.agencies.values()]
        row.counts = loaded.counts()
        row.service_start, row.service_end = loaded.span()
        row.imported_at = now
        if loaded.name in credits:
            row.credit = credits[loaded.name] or None
    network.version += 1
    network.changed_at = now
    session.flush()
    return network.version


def remove(session: Session, names: Sequence[str], now: datetime) -> int:
    """Take the feeds ``names`` out of the network in the caller's transaction and bump its
    version (returned); a name of no stored feed changes nothing and raises."""
    rows = []
    for name in names:
        row = session.get(TransitFeed, name)
        if row is None:
            raise SigapError("transit_feed_not_found", feed=name)
        rows.append(row)
    network = session.scalar(select(TransitNetwork).with_for_update())
    if network is None:  # feeds are stored with the network's row: never without it
        raise SigapError("transit_no_network")
    for row in rows:
        session.delete(row)
    network.version += 1
    network.changed_at = now
    session.flush()
    return network.version


def version(session: Session) -> int | None:
    """The stored network's version (None: nothing imported yet), one single-row read."""
    return session.scalar(select(TransitNetwork.version))


def feeds(session: Session) -> tuple[int | None, list[TransitFeed]]:
    """The network's version, then its feeds: read in this order, so that a concurrent import
    can only make the feeds newer than the version, never the reverse (the next check then
    sees a newer version and builds again)."""
    current = version(session)
    rows = list(session.scalars(select(TransitFeed).order_by(TransitFeed.name)))
    return current, rows


def read(name: str, archive: bytes) -> gtfs.Feed:
    """A stored feed read back by the same reader (through a temporary file: the reader takes
    a path)."""
    with tempfile.TemporaryDirectory(prefix="sigap-gtfs-") as folder:
        path = Path(folder) / f"{name}.zip"
        path.write_bytes(archive)
        return gtfs.read_feed(path, name)


def export(session: Session, name: str, out: Path) -> TransitFeed:
    """Write the stored feed ``name`` to ``out`` as a GTFS zip, as it was imported."""
    row = session.get(TransitFeed, name)
    if row is None:
        raise SigapError("transit_feed_not_found", feed=name)
    out.write_bytes(row.archive)
    return row
