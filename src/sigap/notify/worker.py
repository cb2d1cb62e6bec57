"""The outbox worker: claims due messages, hands each to the handler of its topic, records the
outcome; and runs the periodic jobs (purge of old messages; the SLA sweep registers here).

It runs as its own process (``sigap worker``; several at once on PostgreSQL) or as a thread
inside the server (``SIGAP_INPROCESS_WORKER=true``, which ``sigap demo`` sets). A handler
returns normally when the message is delivered and raises when it is not; the worker then
retries it later with backoff. Handlers must tolerate a second delivery of the same message
(a worker killed between sending and recording sends again after its lease runs out).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sigap.config import Settings
from sigap.db import Database
from sigap.kit import utcnow
from sigap.notify import fanout, mail, outbox, webhooks
from sigap.notify.outbox import Message

log = logging.getLogger("sigap.worker")
Handler = Callable[[Message], None]
PeriodicJob = Callable[[Database, datetime], None]


@dataclass
class _Periodic:
    interval_s: float
    fn: PeriodicJob
    next_at: float = 0.0


class Worker:
    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self._handlers: dict[str, Handler] = {}
        self._periodic: dict[str, _Periodic] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def register(self, topic: str, handler: Handler) -> None:
        """``topic`` is exact (``mail.send``) or a family (``report.*``)."""
        self._handlers[topic] = handler

    def register_periodic(self, name: str, interval_s: float, fn: PeriodicJob) -> None:
        """Run ``fn(database, now)`` every ``interval_s`` seconds, first at the worker's start.
        Every worker process runs it: make the job safe to run concurrently (a row lock, or
        ``FOR UPDATE SKIP LOCKED`` on what it changes)."""
        self._periodic[name] = _Periodic(interval_s, fn)

    def handler_for(self, topic: str) -> Handler | None:
        return self._handlers.get(topic) or self._handlers.get(topic.split(".", 1)[0] + ".*")

    def run_once(self) -> int:
        """Claim one batch and deliver it; the number of messages handled."""
        now = utcnow()
        with self.database.transaction() as session:
            batch = outbox.claim(
                session,
                now=now,
                lease_s=self.settings.outbox_lease_s,
                limit=self.settings.outbox_batch,
            )
        delivered: list[int] = []
        failed: list[tuple[Message, str]] = []
        for message in batch:
            error = self._deliver(message)
            if error is None:
                delivered.append(message.id)
            else:
                failed.append((message, error))
        if batch:
            self._record(delivered, failed)
        return len(batch)

    def _deliver(self, message: Message) -> str | None:
        handler = self.handler_for(message.topic)
        if handler is None:
            return f"no handler for topic {message.topic!r}"
        try:
            handler(message)
        except Exception as exc:  # any failure of a delivery is retried, never fatal
            log.warning("delivery of %s (%s) failed: %s", message.message_id, message.topic, exc)
            return f"{type(exc).__name__}: {exc}"
        return None

    def _record(self, delivered: list[int], failed: list[tuple[Message, str]]) -> None:
        settings, now = self.settings, utcnow()
        with self.database.transaction() as session:
            outbox.mark_delivered(session, delivered)
            for message, error in failed:
                state = outbox.mark_failed(
                    session,
                    message,
                    error,
                    now=now,
                    max_attempts=settings.outbox_max_attempts,
                    base_s=settings.outbox_backoff_s,
                    cap_s=settings.outbox_backoff_max_s,
                )
                if state == "dead":
                    log.error("message %s is dead: %s", message.message_id, error)

    def run_periodic(self) -> None:
        for name, job in self._periodic.items():
            if time.monotonic() < job.next_at:
                continue
            job.next_at = time.monotonic() + job.interval_s
            try:
                job.fn(self.database, utcnow())
            except Exception:  # a failed run is retried at the next interval
                log.exception("periodic job %s failed", name)

    def run_forever(self) -> None:
        """Deliver until :meth:`stop`; sleep ``worker_poll_s`` only when nothing was due."""
        while not self._stop.is_set():
            self.run_periodic()
            try:
                handled = self.run_once()
            except Exception:  # the database went away: wait and try again
                log.exception("outbox worker pass failed")
                handled = 0
            if handled == 0:
                self._stop.wait(self.settings.worker_poll_s)

    def start(self) -> None:
        """Run in a background thread (the in-process worker of ``sigap demo``)."""
        self._thread = threading.Thread(target=self.run_forever, name="sigap-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)


def build_worker(database: Database, settings: Settings) -> Worker:
    """The worker with Sigap's handlers and periodic jobs."""
    worker = Worker(database, settings)
    deliverer = webhooks.Deliverer(timeout_s=settings.webhook_timeout_s)

    def expand(message: Message) -> None:
        # Recipients' messages and the parent's delivery commit together: exactly one fan-out.
        # A second worker that took the row after a lease ran out finds it delivered: no-op.
        with database.transaction() as session:
            if not outbox.finish_claimed(session, message.id):
                return
            rows = fanout.expand(session, settings, message)
            if rows:
                session.execute(outbox.OUTBOX.insert(), rows)

    def send_mail(message: Message) -> None:
        p = message.payload
        email = mail.compose(
            settings, to=p["to"], name=p["template"], language=p["language"], context=p["context"]
        )
        mail.send(settings, email)

    def send_webhook(message: Message) -> None:
        p = message.payload
        with database.reading() as session:
            endpoint = webhooks.endpoint(session, p["endpoint_id"])
        if endpoint is None or not endpoint["active"]:
            return  # deleted or disabled since: nothing is owed to it any more
        body = webhooks.event_body(p["event_id"], p["type"], p["created_at"], p["data"])
        deliverer.post(
            url=endpoint["url"], secret=endpoint["secret"], event_id=p["event_id"], body=body
        )

    def purge(database: Database, now: datetime) -> None:
        keep = timedelta(days=settings.outbox_keep_days)
        with database.transaction() as session:
            outbox.purge_delivered(session, older_than=now - keep)

    worker.register("report.*", expand)
    worker.register(fanout.MAIL_TOPIC, send_mail)
    worker.register(fanout.WEBHOOK_TOPIC, send_webhook)
    worker.register_periodic("outbox-purge", 3600, purge)
    return worker
