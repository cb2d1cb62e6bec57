"""Faults of the database: told apart from bugs, answered as "try again", ridden out.

A *fault* is an error that says the database cannot serve right now, so that the same work can
succeed a moment later: the connection was lost or refused, the server is shutting down or has
too many clients, a transaction lost a deadlock, the pool had no connection to give, SQLite's
file is locked or cannot be opened. Everything else (a constraint, a missing table, a bug)
is not one, and stays a 500 with its traceback.

- A request that meets a fault answers 503 ``database_unavailable`` with ``Retry-After``, in
  the form its client reads (:mod:`sigap.web.faults`).
- The group-commit writers write a batch once more after a lost connection, before anything
  was committed (:func:`sigap.db.commit_batch`).
- Background loops back off and log once per outage and once at recovery (:class:`Outage`),
  and say how they are to ``/healthz`` (:mod:`sigap.health`).
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time

import asyncpg
import psycopg
from sqlalchemy import exc as sa

# Errors by which PostgreSQL's drivers say "not now": the connection is lost or refused, the
# server shuts down or has too many clients, a transaction lost a deadlock; and, by class
# alone, errors of sockets and of waits for a connection.
_FAULTS: tuple[type[BaseException], ...] = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.TransactionRollbackError,
    sa.DisconnectionError,
    sa.TimeoutError,  # the pool waited its time for a connection
    ConnectionError,  # refused, reset, aborted: a socket to a server that went away
    TimeoutError,  # a connection attempt that got no answer
)
# The SQLSTATEs of a connection that is gone or never came, after which a new connection
# may succeed at once: class 08, admin/crash shutdown, cannot connect now, too many clients.
_LOST = ("08", "57P01", "57P02", "57P03", "53300")
# SQLite's faults share one class with its bugs ("no such table"): told by their message.
_SQLITE_FAULTS = (
    "database is locked",
    "database table is locked",
    "unable to open database file",
    "disk i/o error",
    "database or disk is full",
)


def is_fault(exc: BaseException) -> bool:
    """Whether ``exc`` (or the driver error it wraps, or the error it was raised from) says
    the database cannot serve right now; see the module's docstring."""
    return any(_is_fault_itself(error) for error in _chain(exc))


def is_disconnect(exc: BaseException) -> bool:
    """A fault of the connection itself (lost, refused, the server going down or full),
    after which the same work may well succeed at once on a new connection; not a lock, a
    timeout or a deadlock, which would only be waited for again."""
    return any(_is_lost(error) for error in _chain(exc))


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc``, the driver error a SQLAlchemy error wraps, and what it was raised ``from``;
    not the errors it was merely raised while handling (a bug in an ``except`` is a bug)."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(found) < 8:
        found.append(current)
        orig = current.orig if isinstance(current, sa.DBAPIError) else None
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return found


def _is_fault_itself(error: BaseException) -> bool:
    if _is_lost(error) or isinstance(error, _FAULTS):
        return True
    if isinstance(error, sqlite3.OperationalError):
        return str(error).lower().startswith(_SQLITE_FAULTS)
    return False


def _is_lost(error: BaseException) -> bool:
    if isinstance(error, sa.DBAPIError):
        return error.connection_invalidated
    if isinstance(error, sa.DisconnectionError | ConnectionError):
        return True
    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        # psycopg's own errors of the connection (lost, failed) carry no SQLSTATE.
        return error.sqlstate is None or error.sqlstate.startswith(_LOST)
    if isinstance(error, asyncpg.PostgresError):
        return str(getattr(error, "sqlstate", "")).startswith(_LOST)
    # asyncpg says "connection is closed" with the class it also uses for misuse.
    return isinstance(error, asyncpg.InterfaceError) and "closed" in str(error)


def describe(exc: BaseException) -> str:
    """One line about the error for a log or /healthz: the driver's class and first line (a
    SQLAlchemy error's own text also quotes the statement and its parameters)."""
    inner = exc.orig if isinstance(exc, sa.DBAPIError) and exc.orig is not None else exc
    text = str(inner).strip().splitlines()
    return f"{type(inner).__name__}: {text[0]}" if text else type(inner).__name__


class Outage:
    """The failures in a row of one background task (a loop that must never stop).

    The first failure is logged (a fault as a warning, anything else with its traceback),
    the following ones are not, and the first success after them is; between attempts the
    task waits :meth:`failed`'s delay, doubling from ``base_s`` up to ``cap_s`` (with some
    jitter, so that the processes of a deployment do not all reconnect at the same instant).
    """

    def __init__(
        self, task: str, logger: logging.Logger, *, base_s: float = 0.5, cap_s: float = 30.0
    ) -> None:
        self.task = task
        self.failures = 0
        self.error: str | None = None
        self._log = logger
        self._base_s = base_s
        self._cap_s = cap_s
        self._since = 0.0
        self._fault = False

    @property
    def down(self) -> bool:
        return self.failures > 0

    @property
    def troubled(self) -> bool:
        """Failing still after a retry: a blip that the first retry gets over is not told to
        /healthz (a load balancer would take the process out for nothing)."""
        return self.failures > 1

    def failed(self, exc: BaseException) -> float:
        """Count a failure (logged if it starts an outage, or changes its kind); the seconds
        to wait before the next attempt."""
        fault = is_fault(exc)
        if self.failures == 0 or fault != self._fault:
            if fault:
                self._log.warning("%s: database unavailable (%s); retrying", self.task,
                                  describe(exc))  # fmt: skip
            else:
                self._log.error("%s failed; retrying", self.task, exc_info=exc)
        if self.failures == 0:
            self._since = time.monotonic()
        self.failures += 1
        self._fault = fault
        self.error = describe(exc)
        delay = min(self._cap_s, self._base_s * 2.0 ** min(self.failures - 1, 16))
        return delay * random.uniform(0.8, 1.0)  # noqa: S311 - jitter, not a secret

    def succeeded(self) -> None:
        if self.failures:
            self._log.warning("%s: recovered after %.1f s (%d failed attempts)", self.task,
                              time.monotonic() - self._since, self.failures)  # fmt: skip
        self.failures = 0
        self.error = None

    def state(self) -> str:
        """For /healthz: ``ok``, or (:attr:`troubled`) how long it has been failing and why."""
        if not self.troubled:
            return "ok"
        return f"failing for {time.monotonic() - self._since:.0f} s: {self.error}"
