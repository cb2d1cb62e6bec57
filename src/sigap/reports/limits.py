"""Abuse limits on filing reports, the same for every channel (see :mod:`sigap.reports.filing`).

A submission is counted against each thing it comes from that is known: the Sigap account,
the device (the citizen app's signed device id, or the device id an app sends), the caller's
address (hashed; only for callers without a channel key) and the channel key's quota. Each
count reads the newest rows of its own index (``ix_report_reporter_*``, and
``ix_report_channel_created_at`` within the hour) up to the limit, so a check costs the same
however many reports an address filed before; all of them are one statement (:func:`recent`).

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

import functools
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Protocol, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Float,
    FromClause,
    Integer,
    Select,
    Table,
    bindparam,
    case,
    func,
    literal_column,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

from sigap import models
from sigap.config import Settings
from sigap.errors import SigapError
from sigap.geo.spatial import Circle
from sigap.models.base import UTCDateTime
from sigap.models.rows import NewReport

REPORT = cast(Table, models.Report.__table__)
REPORTER = cast(Table, models.ReportReporter.__table__)
IDEMPOTENCY = cast(Table, models.IdempotencyKey.__table__)
MINUTES = cast(Table, models.ChannelMinute.__table__)

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


# The values one submission's check is given (:func:`_params`), by name, and their types:
# those of the columns they are compared with.
_ACCOUNT, _DEVICE = REPORTER.c.reporter_account_id.type, REPORTER.c.device_id.type
VALUES: dict[str, TypeEngine[Any]] = {
    "account": _ACCOUNT, "device": _DEVICE, "address": REPORTER.c.client_ip.type,
    "channel": REPORT.c.channel.type, "key": IDEMPOTENCY.c.key.type,
    "same_account": _ACCOUNT, "same_device": _DEVICE, "day_ago": REPORT.c.created_at.type,
    "hour_ago": REPORT.c.created_at.type, "skip_channel": Integer(),
    "category": REPORT.c.category_code.type, "lon": Float(), "lat": Float(), "per_lon": Float(),
    "per_lat": Float(), "radius2": Float(),
    **{f"n_{name}": Integer() for name in ("account", "device", "address", "channel", "key")},
    "n_same": Integer(), "n_recent": Integer(), "channel_since": BigInteger(),
    "channel_quota": Integer(), "channel_batch": Integer(),
}  # fmt: skip


# What the limits count, by the name of the value that selects it.
KINDS = ("account", "device", "address", "channel", "same_account", "same_device", "key")


def _parts(
    value: Callable[[str], Any], outer: FromClause | None = None, kinds: Sequence[str] = KINDS
) -> dict[str, Select[Any]]:
    """The ``kinds`` of :data:`KINDS` as statements: the newest rows of each, up to the limit.
    ``value(name)`` is a bound parameter (one submission's check), or a
    column of ``outer``, a batch's values row by row (:func:`batched`), to which every part is
    correlated."""

    def own(query: Select[Any]) -> Select[Any]:
        return query if outer is None else query.correlate(outer)

    def newest(kind: str, query: Select[Any], limit: str | ColumnElement[Any]) -> Select[Any]:
        rows = own(query.limit(value(limit) if isinstance(limit, str) else limit)).subquery()
        return own(select(literal_column(f"'{kind}'").label("kind"), rows.c.at))

    def by_reporter(column: ColumnElement[Any], name: str) -> Select[Any]:
        return own(
            select(REPORT.c.created_at.label("at"))
            .select_from(REPORT.join(REPORTER, REPORT.c.id == REPORTER.c.report_id))
            .where(column == value(name))
            .order_by(REPORTER.c.report_id.desc())
        )

    def same_problem(column: ColumnElement[Any], name: str) -> Select[Any]:
        """The person's newest reports (by the index of ``column``, at most ``n_recent``: as
        many as the hourly limit lets one file in a day) that are of the same category, near
        the point (metres from degrees by the factors of :meth:`Circle.metres_per_degree`)
        and of the last day. Driven by the person's index, never by the category's reports."""
        mine = by_reporter(column, name).add_columns(
            REPORT.c.category_code, REPORT.c.lon, REPORT.c.lat
        )
        recent = own(mine.limit(value("n_recent"))).subquery()
        dx = (recent.c.lon - value("lon")) * value("per_lon")
        dy = (recent.c.lat - value("lat")) * value("per_lat")
        return own(
            select(recent.c.at).where(
                recent.c.at >= value("day_ago"),
                recent.c.category_code == value("category"),
                dx * dx + dy * dy <= value("radius2"),
            )
        )

    def matching(at: ColumnElement[Any], column: ColumnElement[Any], name: str) -> Select[Any]:
        return own(select(at.label("at")).where(column == value(name)))

    account, device = REPORTER.c.reporter_account_id, REPORTER.c.device_id
    address = REPORTER.c.client_ip
    made: dict[str, Callable[[], Select[Any]]] = {
        "account": lambda: newest("account", by_reporter(account, "account"), "n_account"),
        "device": lambda: newest("device", by_reporter(device, "device"), "n_device"),
        "address": lambda: newest("address", by_reporter(address, "address"), "n_address"),
        # A channel's reports of the last hour, newest first: by ix_report_channel_created_at,
        # whichever plan the value's statistics suggest. Ordered by id with no time bound, a
        # new channel among a million reports of "api" made PostgreSQL walk the primary key
        # backwards through all of them (300 ms a submission, in the writer's one cycle). Only
        # the rows a verdict can look at are sent: the newest ``skip_channel`` are skipped in
        # the index (see :func:`_channel_window`), not read out, whatever the quota.
        #
        # First, though, the channel's reports counted by the minute (:func:`_counted`): a
        # channel whose last 61 minutes, with the batch's submissions on top, stay below its
        # quota cannot refuse any of them, and its hour is not read at all: LIMIT 0, which
        # both databases evaluate before the scan and then skip it (a condition in WHERE
        # would be tested row by row on SQLite).
        "channel": lambda: newest(
            "channel",
            matching(REPORT.c.created_at, REPORT.c.channel, "channel")
            .where(REPORT.c.created_at >= value("hour_ago"))
            .order_by(REPORT.c.created_at.desc())
            .offset(value("skip_channel")),
            case(
                (_counted(value) + value("channel_batch") > value("channel_quota"),
                 value("n_channel")),
                else_=literal_column("0"),
            ),
        ),
        # The same problem, by the same person: the account, else the device. Not by address:
        # behind a carrier's NAT many people share one, and several of them reporting one
        # flood is what the map should show.
        "same_account": lambda: newest("same", same_problem(account, "same_account"), "n_same"),
        "same_device": lambda: newest("same", same_problem(device, "same_device"), "n_same"),
        "key": lambda: newest(
            "key", matching(IDEMPOTENCY.c.created_at, IDEMPOTENCY.c.key, "key"), "n_key"
        ),
    }  # fmt: skip
    return {kind: made[kind]() for kind in kinds}


def _counted(value: Callable[[str], Any]) -> ColumnElement[Any]:
    """The channel's reports of the minutes from the one ``channel_since`` falls in on: at
    least its reports of the hour (:class:`sigap.models.ChannelMinute`, kept by triggers)."""
    return (
        select(func.coalesce(func.sum(MINUTES.c.reports), literal_column("0")))
        .where(MINUTES.c.channel == value("channel"), MINUTES.c.minute >= value("channel_since"))
        .scalar_subquery()
    )


PARTS = _parts(lambda name: bindparam(name, type_=VALUES[name]))


@functools.cache
def recent(parts: tuple[str, ...]) -> Select[Any]:
    """One statement of the ``parts`` a submission has values for (one round trip; a handful
    of shapes, each compiled once)."""
    if len(parts) == 1:
        return PARTS[parts[0]]
    return select(union_all(*(PARTS[name] for name in parts)).subquery())


@functools.cache
def batched(parts: tuple[str, ...]) -> Select[Any]:
    """One statement for a whole write batch on PostgreSQL: the values of every submission as
    arrays (one element each), unnested row by row with their ordinal ``i``, and the
    :func:`recent` parts joined laterally to each row. A part a submission has no value for
    finds nothing (``= NULL``). One execute a batch, where one a submission cost the writer's
    cycle 15 % (docs/perf-log.md)."""
    names = sorted({name for kind in parts for name in PARTS[kind].compile().params})
    values = (
        func.unnest(*(bindparam(name, type_=ARRAY(VALUES[name])) for name in names))
        .table_valued(*names, with_ordinality="i")
        .render_derived(name="submission")
    )
    counted = _parts(lambda name: values.c[name], values, parts)
    rows = union_all(*(counted[name] for name in parts)).subquery().lateral("counted")
    return select(values.c.i, rows.c.kind, rows.c.at).select_from(values.join(rows, true()))


class _Compiled:
    """A :func:`recent` statement compiled once per dialect, run on the DBAPI cursor: it runs
    once per submission in the writer, where SQLAlchemy's own execute (cache key, parameter
    and row processing) cost several times the query. Values pass through their types' bind
    processors, the times through the column's result processor, as SQLAlchemy would."""

    # Keyed by the dialect's name and driver: the sync engine and the async one (PostgreSQL's
    # pre-check, sigap.db) are both psycopg, whose SQL, parameter order and processors are the
    # same (their dialects differ only in how they connect), so they share entries; another
    # driver a URL may name compiles differently (asyncpg's $1 parameters, psycopg2's lack of
    # psycopg's casts).
    _made: ClassVar[dict[tuple[str, tuple[str, ...], str, str], _Compiled]] = {}

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
    def of(
        cls,
        make: Callable[[tuple[str, ...]], Select[Any]],
        parts: tuple[str, ...],
        dialect: Dialect,
    ) -> _Compiled:
        """``make(parts)`` (:func:`recent` or :func:`batched`), compiled for ``dialect``."""
        key = (make.__name__, parts, dialect.name, dialect.driver)
        if key not in cls._made:
            cls._made[key] = cls(make(parts), dialect)
        return cls._made[key]

    def send(self, raw: Any, values: dict[str, Any]) -> Any:
        """Execute on a new cursor of the DBAPI connection ``raw``; the cursor, to read."""
        given = {**self.fixed, **{k: v for k, v in values.items() if k in self.bind}}
        for name, process in self.bind.items():
            if process is not None and given.get(name) is not None:
                given[name] = process(given[name])
        params: Any = tuple(given[name] for name in self.names) if self.names else given
        cursor = raw.cursor()
        # psycopg's own connection (the writer's): a server-side prepared statement from the
        # first execute (its automatic preparing did not take this statement: 0.9 ms a batch
        # of 32 unprepared, 0.4 ms prepared). sqlite3 keeps its own statement cache; the async
        # engine's adapted cursor (the pre-check with photos) takes no options.
        if type(raw).__module__.startswith("psycopg"):
            cursor.execute(self.sql, params, prepare=True)
        else:
            cursor.execute(self.sql, params)
        return cursor

    def rows(self, cursor: Any) -> list[tuple[Any, ...]]:
        """The rows of ``cursor``, their last column (a time) as SQLAlchemy would give it."""
        try:
            rows: list[tuple[Any, ...]] = cursor.fetchall()
        finally:
            cursor.close()
        if self.time is None:
            return rows
        return [(*row[:-1], self.time(row[-1])) for row in rows]


class Submission(Protocol):
    """What the limits read of a prepared submission (:class:`sigap.reports.service.Prepared`)."""

    @property
    def report(self) -> NewReport: ...

    @property
    def source(self) -> Source | None: ...


def _params(source: Source, limits: Limits, key: str | None, report: NewReport) -> dict[str, Any]:
    values = {
        "account": source.account_id, "n_account": limits.per_hour,
        "device": source.device, "n_device": limits.per_hour,
        "address": source.address, "n_address": limits.per_address,
        "channel": source.channel if source.quota else None, "n_channel": source.quota or 1,
        "hour_ago": report["created_at"] - HOUR, "skip_channel": 0, "key": key, "n_key": 1,
        "channel_since": minute_of(report["created_at"] - HOUR), "channel_quota": source.quota or 1,
        "channel_batch": 1,
        # The same problem, by the same person (see :func:`_parts`).
        "same_account": source.account_id,
        "same_device": source.device if source.account_id is None else None,
    }  # fmt: skip
    if source.account_id is None and source.device is None:
        return values
    circle = Circle(report["lon"], report["lat"], limits.same_m)
    per_lon, per_lat = circle.metres_per_degree()
    return values | {
        "n_same": limits.same_per_day, "n_recent": limits.per_hour * 24,
        "day_ago": report["created_at"] - DAY, "category": report["category_code"],
        "lon": report["lon"], "lat": report["lat"], "per_lon": per_lon, "per_lat": per_lat,
        "radius2": circle.radius_m * circle.radius_m,
    }  # fmt: skip


class Tally:
    """The submissions of one write batch accepted so far, by what the limits count: they
    are not in the database yet when the next one is checked."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, Any]] = Counter()

    @staticmethod
    def keys(source: Source) -> dict[str, Any]:
        """What ``source`` is counted by, by kind (those it has a value for)."""
        keys = {"account": source.account_id, "device": source.device, "address": source.address}
        keys["channel"] = source.channel if source.quota else None
        return {kind: value for kind, value in keys.items() if value is not None}

    def add(self, source: Source) -> None:
        self.counts.update(self.keys(source).items())


Found = dict[str, list[datetime]]  # the newest rows' times, by what they count


def refusals(
    connection: Connection, items: Sequence[tuple[Submission, str | None]]
) -> list[SigapError | None]:
    """The 429 each submission of a write batch gets (``too_many_reports`` or
    ``identical_report_limit``), or None; read in the writer's transaction, where the counts
    are exact, the batch's earlier accepted items counted too. A retry whose Idempotency-Key
    is stored already was counted the first time and passes. On PostgreSQL the whole batch is
    one statement (:func:`batched`): the writer's cycle is the submit's limit there; SQLite,
    in process, runs one statement a submission."""
    asked = {
        i: _params(item.source, item.source.limits, key, item.report)
        for i, (item, key) in enumerate(items)
        if item.source is not None and item.source.limits is not None
    }
    _channel_window(asked)
    _prune_minutes(connection, asked)
    raw: Any = connection.connection.dbapi_connection
    if connection.dialect.name == "postgresql":
        found = _found_together(raw, connection.dialect, asked)
    else:
        found = {i: _found(raw, connection.dialect, params) for i, params in asked.items()}
    tally, verdicts = Tally(), []
    for i, (item, _key) in enumerate(items):
        skipped = asked[i]["skip_channel"] if i in asked else 0
        verdict = _verdict(item, found.get(i, {}), tally, skipped) if i in asked else None
        if verdict is None and item.source is not None:
            tally.add(item.source)
        verdicts.append(verdict)
    return verdicts


def minute_of(at: datetime) -> int:
    """The Unix minute of ``at``, as the triggers on ``report`` count it (0025)."""
    return int(at.timestamp()) // 60


def _prune_minutes(connection: Connection, asked: dict[int, dict[str, Any]]) -> None:
    """Delete the batch's channels' counts from before two hours ago, once a minute."""
    channels = {p["channel"]: p["channel_since"] for p in asked.values() if p["channel"]}
    stale = {c: m for c, m in channels.items() if _pruned.get(c, -1) < m}
    if stale:
        before = min(stale.values()) - 60
        connection.execute(_MINUTES_PRUNE, {"channels": list(stale), "before": before})
        _pruned.update(stale)


_MINUTES_PRUNE = MINUTES.delete().where(
    MINUTES.c.channel.in_(bindparam("channels", expanding=True)),
    MINUTES.c.minute < bindparam("before"),
)
_pruned: dict[str, int] = {}  # per channel, the minute its old counts were last deleted


def _channel_window(asked: dict[int, dict[str, Any]]) -> None:
    """Read of a channel's hour only the rows a verdict can reach. A submission is refused when
    its channel's ``quota``-th newest report, counting the batch's earlier ones (at most ``b -
    1`` of the batch's ``b`` of that channel) as newest, is within the hour: so the rows from
    ``quota - b`` on. The newer ones are skipped in the index; if a later row is found, they
    exist (:func:`_verdict` counts them), and if none is, fewer than ``quota - b + 1`` are
    there, too few to refuse. A load on a channel of a large quota read its whole hour, per
    submission: 83 % of the writer's time (docs/perf-log.md)."""
    in_batch = Counter(p["channel"] for p in asked.values() if p["channel"] is not None)
    for params in asked.values():
        if params["channel"] is not None:
            quota = params["n_channel"]
            params["channel_batch"] = in_batch[params["channel"]]
            params["skip_channel"] = max(0, quota - in_batch[params["channel"]])
            params["n_channel"] = quota - params["skip_channel"]


def _used(params: dict[str, Any]) -> tuple[str, ...]:
    return tuple(kind for kind in KINDS if params[kind] is not None)


def _found(raw: Any, dialect: Dialect, params: dict[str, Any]) -> Found:
    found: Found = {}
    if parts := _used(params):
        compiled = _Compiled.of(recent, parts, dialect)
        for kind, at in compiled.rows(compiled.send(raw, params)):
            found.setdefault(kind, []).append(at)
    return found


def _found_together(
    raw: Any, dialect: Dialect, asked: dict[int, dict[str, Any]]
) -> dict[int, Found]:
    used = {part for params in asked.values() for part in _used(params)}
    if not used:
        return {}
    compiled = _Compiled.of(batched, tuple(kind for kind in KINDS if kind in used), dialect)
    order = list(asked)
    values = {name: [asked[i].get(name) for i in order] for name in compiled.bind}
    found: dict[int, Found] = {}
    for ordinal, kind, at in compiled.rows(compiled.send(raw, values)):
        found.setdefault(order[ordinal - 1], {}).setdefault(kind, []).append(at)
    return found


def _verdict(
    item: Submission, found: dict[str, list[datetime]], tally: Tally, skipped: int = 0
) -> SigapError | None:
    """The submission's refusal, if any. ``skipped``: the channel's newest rows the read
    passed over (:func:`_channel_window`), newer than any it found."""
    source, report = item.source, item.report
    if source is None or source.limits is None or found.get("key"):
        return None
    limits, now = source.limits, report["created_at"]
    limit = {"account": limits.per_hour, "device": limits.per_hour}
    limit |= {"address": limits.per_address, "channel": source.quota or 1}
    try:
        for kind, value in Tally.keys(source).items():
            pending = [now] * tally.counts[(kind, value)]
            rows = sorted(found.get(kind, []), reverse=True)
            if kind == "channel" and rows:
                rows = [now] * skipped + rows  # in the hour: newer than a row that is
            newest = pending + rows
            too_many("too_many_reports", limit[kind], newest, now)
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
