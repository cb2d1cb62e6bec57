"""The outbox worker: claims due messages, hands each to the handler of its topic, records the
outcome; and runs the periodic jobs (the purge of old messages here; the others, registered by
:mod:`sigap.jobs`).

It runs as its own process (``sigap worker``; several at once on PostgreSQL) or as a thread
inside the server (``SIGAP_INPROCESS_WORKER=true``, which ``sigap demo`` sets). A handler
returns normally when the message is delivered and raises when it is not; the worker then
retries it later with backoff, or, when it raised ``outbox.Undeliverable``, lists it as dead at
once. Deliveries run side by side and each is recorded when it ends. Handlers must tolerate a
second delivery of the same message (a worker killed between sending and recording sends
again after its lease runs out).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from sigap.config import Settings
from sigap.db import Database
from sigap.faults import Outage
from sigap.kit import utcnow
from sigap.notify import fanout, mail, outbox, payloads, webhooks
from sigap.notify.outbox import Message

log = logging.getLogger("sigap.worker")


@dataclass(frozen=True, slots=True)
class Failure:
    error: str
    final: bool = False  # straight to dead: trying again cannot help (outbox.Undeliverable)


Outcome = Failure | None  # None: delivered
Handler = Callable[[Message], None]
# Handles many messages at once (one transaction for all); returns each message's outcome.
BatchHandler = Callable[[list[Message]], dict[int, Outcome]]
PeriodicJob = Callable[[Database, datetime], None]


@dataclass
class _Periodic:
    interval_s: float
    fn: PeriodicJob
    outage: Outage
    next_at: float = 0.0


class Worker:
    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self._handlers: dict[str, Handler] = {}
        self._batch_handlers: dict[str, BatchHandler] = {}
        # One-message handlers (e-mail, webhooks) run on these threads, each message on its
        # own; the loop claims more as soon as one ends, so a receiver that is slow (up to its
        # timeout) holds one thread and never the rest of the queue.
        self._pool = ThreadPoolExecutor(settings.worker_concurrency, "sigap-deliver")
        self._sending: dict[Future[Outcome], Message] = {}
        self._periodic: dict[str, _Periodic] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._outage = Outage("outbox worker", log)

    def register(self, topic: str, handler: Handler) -> None:
        """``topic`` is exact (``mail.send``) or a family (``report.*``)."""
        self._handlers[topic] = handler

    def register_batch(self, topic: str, handler: BatchHandler) -> None:
        """For topics whose messages are cheaper together (one transaction for all); run on
        the worker's loop, so keep them to quick database work."""
        self._batch_handlers[topic] = handler

    def register_periodic(self, name: str, interval_s: float, fn: PeriodicJob) -> None:
        """Run ``fn(database, now)`` every ``interval_s`` seconds, first at the worker's start.
        On PostgreSQL one worker at a time runs a job (an advisory lock named after it; a
        worker that finds it taken skips that round); on SQLite there is one worker. The job
        still commits its own work in its own transactions and must be safe to repeat."""
        self._periodic[name] = _Periodic(interval_s, fn, Outage(f"periodic job {name}", log))

    def _key(self, topic: str) -> str | None:
        family = topic.split(".", 1)[0] + ".*"
        for key in (topic, family):
            if key in self._batch_handlers or key in self._handlers:
                return key
        return None

    def run_once(self) -> int:
        """Claim one batch, deliver all of it and record the outcomes; the number of messages
        handled (``sigap worker --once`` and the tests; the running worker pipelines)."""
        handled = self._dispatch(self.settings.outbox_batch)
        self._collect(None)
        return handled

    def _dispatch(self, limit: int) -> int:
        """Claim up to ``limit`` due messages: start the one-message handlers on the delivery
        threads, and run and record the rest (batch handlers, unknown topics) at once."""
        with self.database.transaction() as session:
            batch = outbox.claim(
                session, now=utcnow(), lease_s=self.settings.outbox_lease_s, limit=limit
            )
        groups: dict[str | None, list[Message]] = {}
        for message in batch:
            groups.setdefault(self._key(message.topic), []).append(message)
        outcomes: dict[int, Outcome] = {}
        for key, messages in groups.items():
            if key is not None and key in self._handlers:
                for message in messages:
                    sending = self._pool.submit(_attempt, self._handlers[key], message)
                    self._sending[sending] = message
            else:
                outcomes.update(self._deliver_group(key, messages))
        self._record([(m, outcomes[m.id]) for m in batch if m.id in outcomes])
        return len(batch)

    def _collect(self, timeout_s: float | None) -> None:
        """Record the deliveries that end within ``timeout_s`` (at least one of them, if any
        does); None: wait for every delivery under way."""
        if not self._sending:
            return
        when = ALL_COMPLETED if timeout_s is None else FIRST_COMPLETED
        ended, _ = wait(list(self._sending), timeout_s, when)
        self._record([(self._sending.pop(f), f.result()) for f in ended])

    def _deliver_group(self, key: str | None, messages: list[Message]) -> dict[int, Outcome]:
        if key is None:
            return {m.id: Failure(f"no handler for topic {m.topic!r}") for m in messages}
        try:
            return self._batch_handlers[key](messages)
        except Exception as exc:  # the batch handler broke: every message is retried
            log.warning("batch delivery of %s failed: %s", key, exc)
            return {m.id: Failure(_error(exc)) for m in messages}

    def _record(self, outcomes: list[tuple[Message, Outcome]]) -> None:
        if not outcomes:
            return
        settings, now = self.settings, utcnow()
        with self.database.transaction() as session:
            outbox.mark_delivered(session, [m.id for m, failure in outcomes if failure is None])
            for message, failure in outcomes:
                if failure is None:
                    continue
                state = outbox.mark_failed(
                    session,
                    message,
                    failure.error,
                    now=now,
                    max_attempts=settings.outbox_max_attempts,
                    base_s=settings.outbox_backoff_s,
                    cap_s=settings.outbox_backoff_max_s,
                    final=failure.final,
                )
                if state == "dead":
                    log.error("message %s is dead: %s", message.message_id, failure.error)

    def run_periodic(self) -> None:
        for name, job in self._periodic.items():
            if time.monotonic() < job.next_at:
                continue
            job.next_at = time.monotonic() + job.interval_s
            try:
                with outbox.job_lock(self.database.write_engine, f"sigap:{name}") as mine:
                    if mine:
                        job.fn(self.database, utcnow())
            except Exception as exc:  # tried again after a backoff, at most the interval
                retry_s = min(job.interval_s, job.outage.failed(exc))
                job.next_at = time.monotonic() + retry_s
                continue
            job.outage.succeeded()

    def run_forever(self) -> None:
        """Deliver until :meth:`stop`, with up to ``worker_concurrency`` deliveries under way:
        claim as many as there are free threads, record each delivery when it ends, and sleep
        ``worker_poll_s`` only when nothing is due or under way. At the stop, the deliveries
        under way finish (each within its timeout) and are recorded. After a failed pass (the
        database away) it waits a backoff (:class:`sigap.faults.Outage`)."""
        while not self._stop.is_set():
            self.run_periodic()
            try:
                free = self.settings.worker_concurrency - len(self._sending)
                limit = min(free, self.settings.outbox_batch)
                claimed = self._dispatch(limit) if limit > 0 else 0
                if claimed:
                    self._collect(0)  # record what ended meanwhile, then claim again
                elif self._sending:
                    self._collect(self.settings.worker_poll_s)  # until one ends, or a poll
                else:
                    self._stop.wait(self.settings.worker_poll_s)
            except Exception as exc:  # the database went away: wait, then try again
                self._stop.wait(self._outage.failed(exc))
                continue
            self._outage.succeeded()
        try:
            self._collect(None)
        except Exception:  # unrecorded: their leases run out and they are sent again
            log.exception("recording the last deliveries failed")

    def health(self) -> dict[str, str]:
        """For /healthz (the in-process worker): whether it runs, and its failing loops."""
        if self._thread is None or not self._thread.is_alive():
            return {"worker": "stopped"}
        outages = [self._outage, *(job.outage for job in self._periodic.values())]
        failing = [f"{o.task}: {o.state()}" for o in outages if o.troubled]
        return {"worker": "; ".join(failing) or "ok"}

    def start(self) -> None:
        """Run in a background thread (the in-process worker of ``sigap demo``)."""
        self._thread = threading.Thread(target=self.run_forever, name="sigap-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._pool.shutdown(wait=False)


def _attempt(handler: Handler, message: Message) -> Outcome:
    try:
        handler(message)
    except outbox.Undeliverable as exc:  # retrying cannot help: dead at once, with the reason
        log.warning("message %s (%s) is undeliverable: %s", message.message_id, message.topic, exc)
        return Failure(_error(exc), final=True)
    except Exception as exc:  # any other failure of a delivery is retried, never fatal
        log.warning("delivery of %s (%s) failed: %s", message.message_id, message.topic, exc)
        return Failure(_error(exc))
    return None


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def build_notify_worker(database: Database, settings: Settings) -> Worker:
    """The worker with the outbox's handlers and purge; :func:`sigap.jobs.build_worker` adds
    the other packages' periodic jobs (notify imports none of them)."""
    worker = Worker(database, settings)
    deliverer = webhooks.Deliverer(
        timeout_s=settings.webhook_timeout_s,
        allow=settings.webhook_allow,
        concurrency=settings.worker_concurrency,
    )

    def expand_all(session: Session, messages: list[Message]) -> None:
        # A second worker that took a row after its lease ran out finds it delivered: skipped.
        mine = outbox.finish_claimed(session, [m.id for m in messages])
        messages = [m for m in messages if m.id in mine]
        batch = fanout.Batch(session, messages)
        rows = [row for m in messages for row in fanout.expand(batch, settings, m)]
        if rows:
            session.execute(outbox.OUTBOX.insert(), rows)

    def expand(messages: list[Message]) -> dict[int, Outcome]:
        """Recipients' messages and the parents' delivery commit together: exactly one
        fan-out per message, one transaction per batch (one by one if the batch fails)."""
        try:
            with database.transaction() as session:
                expand_all(session, messages)
            return dict.fromkeys((m.id for m in messages), None)
        except Exception:
            log.warning("fan-out of a batch failed; trying message by message")

        def alone(message: Message) -> None:
            with database.transaction() as session:
                expand_all(session, [message])

        return {m.id: _attempt(alone, m) for m in messages}

    def send_mail(message: Message) -> None:
        p = message.payload
        email = mail.compose(
            settings, to=p["to"], name=p["template"], language=p["language"], context=p["context"]
        )
        mail.send(settings, email)

    def send_webhook(message: Message) -> None:
        p = message.payload
        with database.reading() as session:
            endpoint = webhooks.endpoints(session, {p["endpoint_id"]}).get(p["endpoint_id"])
        if endpoint is None or not endpoint["active"]:
            return  # deleted or disabled since: nothing is owed to it any more
        body = payloads.webhook_body(p)
        deliverer.post(
            url=endpoint["url"], secret=endpoint["secret"], event_id=p["event_id"], body=body
        )

    def purge(database: Database, now: datetime) -> None:
        keep = timedelta(days=settings.outbox_keep_days)
        with database.transaction() as session:
            outbox.purge_delivered(session, older_than=now - keep)

    worker.register_batch("report.*", expand)
    worker.register(fanout.MAIL_TOPIC, send_mail)
    worker.register(payloads.WEBHOOK_TOPIC, send_webhook)
    worker.register_periodic("outbox-purge", 3600, purge)
    return worker
