"""Live events: every new timeline event, pushed to Server-Sent-Events clients of any process.

The timeline (``report_event``) is the log: a notification carries no data, it only says "there
is something new". Each server process has one :class:`LiveHub` that, when woken, reads the
events after the last one it saw (one query per wake-up, however many clients) and fans them
out; while no client listens it reads nothing, and a new client first brings it up to date
(:meth:`LiveHub.join`). Writers call :func:`announce` inside their transaction: on PostgreSQL
that is a ``NOTIFY``, delivered to every listening process only if and when the transaction
commits; on SQLite it wakes the hubs of the writing process after commit. Every hub also looks
on its own every ``live_poll_s`` seconds, which covers writes of other processes on SQLite and
notifications lost while a listener reconnects.

PostgreSQL may commit ids out of order (two writers take ids 7 and 8; 8 commits first), so
the hub remembers which ids above its *floor* it has seen and keeps reading from the floor
until a missing id appears or ``GAP_S`` passes (a rolled-back transaction's id never comes).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Table, case, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from sigap import models
from sigap.db import Database
from sigap.faults import Outage
from sigap.moderation.rules import PUBLIC

log = logging.getLogger("sigap.live")
CHANNEL = "sigap_live"
GAP_S = 5.0
READ_LIMIT = 1000
RETRY_MS = 3000
EVENT = cast(Table, models.ReportEvent.__table__)
REPORT = cast(Table, models.Report.__table__)
AREA = cast(Table, models.Area.__table__)

_ANNOUNCED = "sigap.live.announced"
# The hubs of this process, woken after a local commit (SQLite has no NOTIFY).
_local_wakers: set[Callable[[], None]] = set()


def announce(session: Session) -> None:
    """Tell every live hub, after this transaction commits, that the timeline grew."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))  # repeats in one transaction fold into one
    elif not session.info.get(_ANNOUNCED):
        session.info[_ANNOUNCED] = True
        event.listen(session, "after_commit", _wake_local, once=True)


def announce_committed(database: Database) -> None:
    """Tell every live hub that a batch the group-commit writer has committed grew the
    timeline. On PostgreSQL a ``NOTIFY`` in a transaction of its own, committed without
    waiting for the disk (a lost notification costs a hub one poll, never data): inside the
    batch's transaction it would hold PostgreSQL's notification lock through the commit's WAL
    flush, and two writers' commits would queue one behind the other (docs/perf-log.md, "Open311").
    On SQLite, this process's hubs (the writer process's server wakes its own)."""
    if database.dialect != "postgresql":
        wake_local()
        return
    # One round trip: in autocommit mode the driver adds no BEGIN of its own and sends a query
    # without parameters as one simple query, the whole transaction.
    with database.autocommit() as connection:
        connection.exec_driver_sql(
            f"BEGIN; SET LOCAL synchronous_commit = off; NOTIFY {CHANNEL}; COMMIT"
        )


def _wake_local(session: Session) -> None:
    session.info.pop(_ANNOUNCED, None)
    wake_local()


def wake_local() -> None:
    """Wake this process's hubs (also after a commit of the writer process on SQLite)."""
    for wake in list(_local_wakers):
        wake()


class Client:
    """One SSE connection's queue of ready-made frames; full means the client is too slow."""

    def __init__(self, limit: int) -> None:
        self.frames: deque[tuple[int, str]] = deque()
        self.wake = asyncio.Event()
        self.dropped = False
        self._limit = limit

    def push(self, event_id: int, frame: str) -> bool:
        if len(self.frames) >= self._limit:
            self.dropped = True
            self.wake.set()
            return False
        self.frames.append((event_id, frame))
        self.wake.set()
        return True


def is_public(row: Any) -> bool:
    """Internal notes are for officials only (the rule of ``reports.present.is_public``), and
    the events of a report the public may not see are not sent (sigap.moderation.rules)."""
    return not (row.data or {}).get("internal") and row.visibility == PUBLIC


def frame(row: Any) -> str:
    data = {
        "report_id": row.report_id,
        "action": row.action,
        "status": row.to_status,
        "category_code": row.category_code,
        "lat": row.lat,
        "lon": row.lon,
        "kelurahan_code": row.kelurahan_code,
        "at": row.created_at.isoformat().replace("+00:00", "Z"),
    }
    return f"id: {row.id}\nevent: report\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def read_after(database: Database, after_id: int) -> list[Any]:
    """The next page (``READ_LIMIT``) of timeline events after ``after_id``, oldest first."""
    # A confidential report's point is its kelurahan's label point, as everywhere public.
    confidential = REPORT.c.confidential.is_(True)
    query = (
        select(
            EVENT.c.id,
            EVENT.c.report_id,
            EVENT.c.action,
            EVENT.c.to_status,
            EVENT.c.created_at,
            EVENT.c.data,
            REPORT.c.category_code,
            case((confidential, AREA.c.label_lat), else_=REPORT.c.lat).label("lat"),
            case((confidential, AREA.c.label_lon), else_=REPORT.c.lon).label("lon"),
            REPORT.c.kelurahan_code,
            REPORT.c.visibility,
        )
        .join(REPORT, REPORT.c.id == EVENT.c.report_id)
        .join(AREA, AREA.c.code == REPORT.c.kelurahan_code)
        .where(EVENT.c.id > after_id)
        .order_by(EVENT.c.id)
        .limit(READ_LIMIT)
    )
    with database.reading() as session:
        return list(session.execute(query).all())


def last_id(database: Database) -> int:
    with database.reading() as session:
        return int(session.execute(select(func.max(EVENT.c.id))).scalar() or 0)


class LiveHub:
    def __init__(
        self, database: Database, *, poll_s: float, queue_size: int, gap_s: float = GAP_S
    ) -> None:
        self._database = database
        self._poll_s = poll_s
        self._queue_size = queue_size
        self._gap_s = gap_s
        self.clients: set[Client] = set()
        self.floor = 0
        self._seen: set[int] = set()
        self._gap_since: dict[int, float] = {}
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        # Nobody listened at the last wake-up, so nothing was read and the floor is behind;
        # catch_up() brings it to the present before a client's backlog is read.
        self._idle = False
        self._catching_up = asyncio.Lock()
        # Each loop rides out a lost database on its own (reconnects, backs off, logs once).
        self._reading = Outage("live events", log, base_s=0.2, cap_s=10.0)
        self._retry_s = 0.0
        self._listening = Outage("live events listener", log, base_s=0.2, cap_s=10.0)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.floor = await asyncio.to_thread(last_id, self._database)
        _local_wakers.add(self.wake_threadsafe)
        self._tasks.append(asyncio.create_task(self._pump()))
        if self._database.dialect == "postgresql":
            self._tasks.append(asyncio.create_task(self._listen()))

    async def stop(self) -> None:
        _local_wakers.discard(self.wake_threadsafe)
        # The pump finishes its read (a thread cannot be cancelled; its connection must go
        # back to the pool before the database is disposed); the listener is cancelled.
        self._stopping = True
        self._wake.set()
        for task in self._tasks[1:]:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.end_streams()

    def end_streams(self) -> None:
        """End every stream (the server is stopping: clients reconnect elsewhere)."""
        for client in list(self.clients):
            client.dropped = True
            client.wake.set()

    def wake_threadsafe(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    def subscribe(self) -> Client:
        client = Client(self._queue_size)
        self.clients.add(client)
        return client

    def unsubscribe(self, client: Client) -> None:
        self.clients.discard(client)

    async def join(self) -> Client:
        """A new client: subscribed, and the hub up to date (see :meth:`catch_up`). Read its
        backlog after this, not before."""
        client = self.subscribe()
        try:
            await self.catch_up()
        except BaseException:
            self.unsubscribe(client)
            raise
        return client

    def health(self) -> dict[str, str]:
        """For /healthz: whether the hub's loops run and read (see :class:`Outage`)."""
        if not self._stopping and any(task.done() for task in self._tasks):
            return {"live_events": "stopped"}
        for outage in (self._reading, self._listening):
            if outage.troubled:
                return {"live_events": outage.state()}
        return {"live_events": "ok"}

    async def catch_up(self) -> None:
        """After :meth:`subscribe`, before the client's backlog is read: if the hub stopped
        reading while nobody listened, start again from the newest event. The backlog (from
        the client's Last-Event-ID) then covers everything up to at least that point, and
        the hub everything after it."""
        async with self._catching_up:
            if not self._idle:
                return
            self.floor = await asyncio.to_thread(last_id, self._database)
            self._seen.clear()
            self._gap_since.clear()
            self._idle = False

    async def _listen(self) -> None:
        import psycopg

        conninfo = make_url(self._database.url).set(drivername="postgresql")
        dsn = conninfo.render_as_string(hide_password=False)
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    dsn, autocommit=True, connect_timeout=10, application_name="sigap-live"
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self._listening.succeeded()
                    self._wake.set()  # catch up on what was written while not listening
                    async for _ in conn.notifies():
                        self._wake.set()
                raise ConnectionError("the notifications ended")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database restarted or is away: listen again
                await asyncio.sleep(self._listening.failed(exc))

    async def _pump(self) -> None:
        while True:
            wait_s = self._poll_s
            if self._reading.down:  # try again soon, not only at the next poll
                wait_s = min(wait_s, self._retry_s)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait_s)
            self._wake.clear()
            if self._stopping:
                return
            if self._idle or not self.clients:
                self._idle = True  # no query per write batch while nobody watches
                continue
            try:
                rows = await asyncio.to_thread(read_after, self._database, self.floor)
                self.dispatch(rows)
            except Exception as exc:  # the floor stays: the next pass reads from it again
                self._retry_s = self._reading.failed(exc)
                continue
            self._reading.succeeded()
            if len(rows) == READ_LIMIT:
                self._wake.set()

    def dispatch(self, rows: list[Any]) -> None:
        """Send the rows not seen yet to every client, then move the floor past settled ids."""
        for row in rows:
            if row.id in self._seen:
                continue
            self._seen.add(row.id)
            if not is_public(row):
                continue
            chunk = frame(row)
            for client in list(self.clients):
                if not client.push(row.id, chunk):
                    self.clients.discard(client)
        self._advance(max(self._seen, default=self.floor))

    def _advance(self, top: int) -> None:
        now = time.monotonic()
        for missing in range(self.floor + 1, top + 1):
            if missing not in self._seen:
                self._gap_since.setdefault(missing, now)
        while self.floor < top:
            following = self.floor + 1
            if following in self._seen:
                self._seen.discard(following)
            elif now - self._gap_since.get(following, now) < self._gap_s:
                break
            self._gap_since.pop(following, None)
            self.floor = following
