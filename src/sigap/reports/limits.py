"""Abuse limits on filing reports, the same for every channel (see :mod:`sigap.reports.filing`).

A submission is counted against each thing it comes from that is known: the Sigap account,
the device (the citizen app's signed device id, or the device id an app sends), the caller's
address (hashed; only for callers without a channel key) and the channel key's quota. Each
count reads the newest rows of its own index (``ix_report_reporter_*`` and
``ix_report_channel_id``) up to the limit, so a check costs the same however many reports an
address filed before; all of them are one statement (:func:`recent`).

The check runs in the group-commit writer's transaction, just before the report is inserted
(:func:`refusals`, from :func:`sigap.reports.service.store_batch`): the counts are exact, with
the batch's earlier submissions counted too (:class:`Tally`), and the writer's connection has
the index pages in its cache, where a read of its own on the server would start cold after
every commit (SQLite) and cost a connection and a round trip (PostgreSQL). A refused
submission fails alone, as a :class:`Refused` answer; its photos, stored before, stay as
unreferenced files. Over a limit: 429 with ``Retry-After``, the seconds until the oldest
counted report leaves the hour.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Protocol, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Integer,
    Select,
    Table,
    bindparam,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.engine import Dialect

from sigap import models
from sigap.config import Settings
from sigap.errors import SigapError
from sigap.geo.spatial import Circle
from sigap.models.base import UTCDateTime

REPORT = cast(Table, models.Report.__table__)
REPORTER = cast(Table, models.ReportReporter.__table__)
IDEMPOTENCY = cast(Table, models.IdempotencyKey.__table__)

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a submission comes from, as each channel's adapter knows it.

    ``channel`` is stored on the report ("api", "web", or an Open311 channel's slug);
    ``device`` and ``address`` as stored on the private reporter row (hashed where the server
    chose them); ``quota`` is a keyed channel's reports an hour (None: no quota)."""

    channel: str
    account_id: int | None = None
    device: str | None = None
    address: str | None = None
    quota: int | None = None
    limits: Limits | None = None  # None: not counted (imports, demo data)


@dataclass(frozen=True, slots=True)
class Limits:
    """The deployment's numbers, carried with each submission to the writer (which has no
    settings of its own)."""

    per_hour: int
    per_address: int
    same_per_day: int
    same_m: float

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            settings.reports_per_hour,
            settings.address_reports_per_hour,
            settings.identical_per_day,
            settings.identical_m,
        )


def too_many(
    code: str, limit: int, newest: Sequence[datetime], now: datetime, window: timedelta = HOUR
) -> None:
    """Raise 429 ``code`` when ``limit`` rows (their times, newest first) fall in ``window``,
    with ``Retry-After``: when the oldest of them leaves it."""
    if len(newest) < limit or newest[limit - 1] < now - window:
        return
    wait = math.ceil((newest[limit - 1] + window - now).total_seconds())
    raise SigapError(code, retry_after_s=max(wait, 1), limit=limit)


def _part(kind: str, query: Select[Any], limit: str) -> Select[Any]:
    """One part of :data:`PARTS`: the newest rows of ``query`` up to ``:limit``, tagged."""
    newest = query.limit(bindparam(limit, type_=Integer)).subquery()
    return select(literal_column(f"'{kind}'").label("kind"), newest.c.at)


def _by_reporter(column: ColumnElement[Any], name: str) -> Select[Any]:
    return (
        select(REPORT.c.created_at.label("at"))
        .select_from(REPORT.join(REPORTER, REPORT.c.id == REPORTER.c.report_id))
        .where(column == bindparam(name))
        .order_by(REPORTER.c.report_id.desc())
    )


def _same_problem(column: ColumnElement[Any], name: str) -> Select[Any]:
    """The person's newest reports (by the index of ``column``, at most ``:n_recent``: as many
    as the hourly limit lets one file in a day) that are of the same category, near the point
    (metres from degrees by the factors of :meth:`Circle.metres_per_degree`, passed in) and of
    the last day. Driven by the person's index, never by the category's reports of the day."""
    recent = (
        select(REPORT.c.created_at.label("at"), REPORT.c.category_code, REPORT.c.lon, REPORT.c.lat)
        .select_from(REPORT.join(REPORTER, REPORT.c.id == REPORTER.c.report_id))
        .where(column == bindparam(name))
        .order_by(REPORTER.c.report_id.desc())
        .limit(bindparam("n_recent", type_=Integer))
        .subquery()
    )
    dx = (recent.c.lon - bindparam("lon", type_=Float)) * bindparam("per_lon", type_=Float)
    dy = (recent.c.lat - bindparam("lat", type_=Float)) * bindparam("per_lat", type_=Float)
    return select(recent.c.at).where(
        recent.c.at >= bindparam("day_ago", type_=UTCDateTime()),
        recent.c.category_code == bindparam("category"),
        dx * dx + dy * dy <= bindparam("radius2", type_=Float),
    )


# What the limits count, by the name of its value in :func:`_params`: the newest rows of each.
PARTS: dict[str, Select[Any]] = {
    "account": _part(
        "account", _by_reporter(REPORTER.c.reporter_account_id, "account"), "n_account"
    ),
    "device": _part("device", _by_reporter(REPORTER.c.device_id, "device"), "n_device"),
    "address": _part("address", _by_reporter(REPORTER.c.client_ip, "address"), "n_address"),
    "channel": _part(
        "channel",
        select(REPORT.c.created_at.label("at"))
        .where(REPORT.c.channel == bindparam("channel"))
        .order_by(REPORT.c.id.desc()),
        "n_channel",
    ),
    "same_account": _part(
        "same", _same_problem(REPORTER.c.reporter_account_id, "same_account"), "n_same"
    ),
    "same_device": _part("same", _same_problem(REPORTER.c.device_id, "same_device"), "n_same"),
    "key": _part(
        "key",
        select(IDEMPOTENCY.c.created_at.label("at")).where(IDEMPOTENCY.c.key == bindparam("key")),
        "n_key",
    ),
}


@functools.cache
def recent(parts: tuple[str, ...]) -> Select[Any]:
    """One statement of the ``parts`` a submission has values for (one round trip; a handful
    of shapes, each compiled once and cached by SQLAlchemy)."""
    if len(parts) == 1:
        return PARTS[parts[0]]
    return select(union_all(*(PARTS[name] for name in parts)).subquery())


class _Compiled:
    """A :func:`recent` statement compiled once per dialect, run on the DBAPI cursor: it runs
    once per submission in the writer, where SQLAlchemy's own execute (cache key, parameter
    and row processing) cost several times the query. Values pass through their types' bind
    processors, the times through the column's result processor, as SQLAlchemy would."""

    _made: ClassVar[dict[tuple[tuple[str, ...], str], _Compiled]] = {}

    def __init__(self, statement: Select[Any], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        self.names = tuple(compiled.positiontup or ())  # positional styles; else named
        self.bind = {
            name: bind.type._cached_bind_processor(dialect) for name, bind in compiled.binds.items()
        }
        self.fixed = dict(compiled.params)
        self.time = UTCDateTime()._cached_result_processor(dialect, None)

    @classmethod
    def of(cls, parts: tuple[str, ...], dialect: Dialect) -> _Compiled:
        key = (parts, dialect.name)
        if key not in cls._made:
            cls._made[key] = cls(recent(parts), dialect)
        return cls._made[key]

    def send(self, raw: Any, values: dict[str, Any]) -> Any:
        """Execute on a new cursor of the DBAPI connection ``raw``; the cursor, to read."""
        given = {**self.fixed, **{k: v for k, v in values.items() if k in self.bind}}
        for name, process in self.bind.items():
            if process is not None and given.get(name) is not None:
                given[name] = process(given[name])
        params: Any = tuple(given[name] for name in self.names) if self.names else given
        cursor = raw.cursor()
        cursor.execute(self.sql, params)
        return cursor

    def read(self, cursor: Any) -> dict[str, list[datetime]]:
        found: dict[str, list[datetime]] = {}
        try:
            for kind, at in cursor.fetchall():
                found.setdefault(kind, []).append(
                    cast(datetime, self.time(at) if self.time else at)
                )
        finally:
            cursor.close()
        return found


class Submission(Protocol):
    """What the limits read of a prepared submission (:class:`sigap.reports.service.Prepared`)."""

    @property
    def report(self) -> dict[str, Any]: ...

    @property
    def source(self) -> Source | None: ...


def _params(
    source: Source, limits: Limits, key: str | None, report: dict[str, Any]
) -> dict[str, Any]:
    circle = Circle(report["lon"], report["lat"], limits.same_m)
    per_lon, per_lat = circle.metres_per_degree()
    return {
        "account": source.account_id, "n_account": limits.per_hour,
        "device": source.device, "n_device": limits.per_hour,
        "address": source.address, "n_address": limits.per_address,
        "channel": source.channel if source.quota else None, "n_channel": source.quota or 1,
        # The same problem, by the same person: the account, else the device. Not by address:
        # behind a carrier's NAT many people share one, and several of them reporting one
        # flood is what the map should show.
        "same_account": source.account_id,
        "same_device": source.device if source.account_id is None else None,
        "n_same": limits.same_per_day, "n_recent": limits.per_hour * 24,
        "day_ago": report["created_at"] - DAY, "category": report["category_code"],
        "lon": report["lon"], "lat": report["lat"], "per_lon": per_lon, "per_lat": per_lat,
        "radius2": circle.radius_m * circle.radius_m,
        "key": key, "n_key": 1,
    }  # fmt: skip


class Tally:
    """The submissions of one write batch accepted so far, by what the limits count: they
    are not in the database yet when the next one is checked."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, Any]] = Counter()

    @staticmethod
    def _keys(source: Source) -> list[tuple[str, Any]]:
        keys = [("account", source.account_id), ("device", source.device)]
        keys += [("address", source.address), ("channel", source.channel if source.quota else None)]
        return [(kind, value) for kind, value in keys if value is not None]

    def add(self, source: Source) -> None:
        self.counts.update(self._keys(source))

    def of(self, kind: str, source: Source) -> int:
        return next((self.counts[k] for k in self._keys(source) if k[0] == kind), 0)


def refusals(
    connection: Connection, items: Sequence[tuple[Submission, str | None]]
) -> list[SigapError | None]:
    """The 429 each submission of a write batch gets (``too_many_reports`` or
    ``identical_report_limit``), or None; read in the writer's transaction, where the counts
    are exact, the batch's earlier accepted items counted too. A retry whose Idempotency-Key
    is stored already was counted the first time and passes. On PostgreSQL the batch's reads
    go in one round trip (psycopg's pipeline): the writer's cycle is the submit's limit there."""
    raw: Any = connection.connection.dbapi_connection
    asked: list[tuple[_Compiled, Any] | None] = []
    with raw.pipeline() if hasattr(raw, "pipeline") else contextlib.nullcontext():
        for item, key in items:
            source = item.source
            if source is None or source.limits is None:
                asked.append(None)
                continue
            params = _params(source, source.limits, key, item.report)
            parts = tuple(name for name in PARTS if params[name] is not None)
            compiled = _Compiled.of(parts, connection.dialect) if parts else None
            asked.append((compiled, compiled.send(raw, params)) if compiled else None)
    tally, verdicts = Tally(), []
    for (item, _key), sent in zip(items, asked, strict=True):
        found = sent[0].read(sent[1]) if sent is not None else {}
        verdict = _verdict(item, found, tally) if item.source is not None else None
        if verdict is None and item.source is not None:
            tally.add(item.source)
        verdicts.append(verdict)
    return verdicts


def _verdict(item: Submission, found: dict[str, list[datetime]], tally: Tally) -> SigapError | None:
    source, report = item.source, item.report
    if source is None or source.limits is None or found.get("key"):
        return None
    limits, now = source.limits, report["created_at"]
    try:
        for kind, limit in (
            ("account", limits.per_hour),
            ("device", limits.per_hour),
            ("address", limits.per_address),
            ("channel", source.quota or 1),
        ):
            pending = [now] * tally.of(kind, source)
            newest = pending + sorted(found.get(kind, []), reverse=True)
            too_many("too_many_reports", limit, newest, now)
    except SigapError as refused:
        return refused
    if len(found.get("same", [])) >= limits.same_per_day:
        return SigapError(
            "identical_report_limit",
            retry_after_s=int(DAY.total_seconds()),
            limit=limits.same_per_day,
            metres=round(limits.same_m),
        )
    return None


@dataclass(frozen=True, slots=True)
class Refused:
    """A submission the writer refused, as it crosses from the writer process: the error's
    code, headers and message parameters (an exception's own pickling keeps only its code;
    the status is the code's)."""

    code: str
    headers: dict[str, str] | None
    params: dict[str, Any]

    @classmethod
    def of(cls, error: SigapError) -> Refused:
        return cls(error.code, error.headers, error.params)

    def error(self) -> SigapError:
        return SigapError(self.code, headers=self.headers, **self.params)
