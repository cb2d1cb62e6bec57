"""Group commit in a process of its own: the server's hot write path without the server's GIL.

:class:`sigap.db.BatchWriter` writes every queued submission in one transaction from a thread
of the server. Under load that thread and the event loop take turns on one GIL, so a report's
database work and its HTTP work add up on one core (docs/perf-log.md, "Submit").
:class:`ProcessWriter` keeps the same contract (``await submit(item)`` answers only after the
commit) but runs the handler in a child process, ``python -m sigap.writer``, connected by a
socket pair:

- the server writes each item as one frame (4-byte length, pickle) from the event loop and
  reads the answers through an asyncio protocol: no thread of the server is involved;
- the child reads every frame that has arrived, hands them to the handler in one transaction,
  commits, and answers the whole batch in one frame; a batch whose transaction fails is
  retried item by item, so one bad item fails alone;
- the handler runs in the child and may shrink what it sends back (``wire``); ``unwire`` runs in
  the server and turns it back into the caller's result from the item it still holds.

A crash of the child fails the requests it had not answered (503 ``writer_unavailable``: not
acknowledged, so the client retries) and the next submission starts a new child; a crash of the
server closes the socket, and the child finishes its batch and exits.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Generic, TypeVar

from sigap.db import BUSY_TIMEOUT_S, Checkpointer, Database, after_batch, commit_batch
from sigap.errors import SigapError
from sigap.faults import Outage

log = logging.getLogger("sigap.writer")
Item = TypeVar("Item")
Result = TypeVar("Result")
HEADER = struct.Struct("!I")
MAX_FRAME = 256 * 1024 * 1024


def frame(payload: Any) -> bytes:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def frames(buffer: bytearray) -> Iterator[Any]:
    """Take every complete frame off the front of ``buffer``."""
    start = 0
    while len(buffer) - start >= HEADER.size:
        (size,) = HEADER.unpack_from(buffer, start)
        if size > MAX_FRAME:
            raise ValueError(f"frame of {size} bytes")
        end = start + HEADER.size + size
        if len(buffer) < end:
            break
        # Only ever our own process on the other end of a socket pair (never a network peer).
        yield pickle.loads(memoryview(buffer)[start + HEADER.size : end])  # noqa: S301
        start = end
    del buffer[:start]


def _portable(error: BaseException) -> BaseException:
    """The error as it can cross the socket: a SigapError as it is, anything else by name."""
    if isinstance(error, SigapError):
        return error
    return RuntimeError(f"{type(error).__name__}: {error}")


class ProcessWriter(Generic[Item, Result]):
    """See the module's docstring. ``handler``, ``wire`` and ``after_commit`` are
    ``module:function`` names, the child imports them: ``handler(session, items) -> results``,
    ``wire(result) -> sent`` and ``after_commit(database)``, run once a batch with a stored
    item is committed and answered; ``unwire(item, sent) -> result`` runs here."""

    def __init__(
        self,
        database_url: str,
        handler: str,
        *,
        wire: str,
        unwire: Callable[[Item, Any], Result],
        on_batch: Callable[[], None] | None = None,
        after_commit: str | None = None,
        max_batch: int = 128,
        busy_timeout_s: float = BUSY_TIMEOUT_S,
    ) -> None:
        # Sent as the first frame, not on the command line, where `ps` would show a password.
        self._config = (database_url, handler, wire, after_commit, max_batch, busy_timeout_s)
        self._unwire = unwire
        self._on_batch = on_batch
        self._child: subprocess.Popen[bytes] | None = None
        self._transport: asyncio.Transport | None = None
        self._waiting: dict[int, tuple[Item, asyncio.Future[Result]]] = {}
        self._next = 0
        self._starting = asyncio.Lock()  # bound to a loop at its first use, not here

    @property
    def pid(self) -> int | None:
        return self._child.pid if self._child is not None else None

    async def start(self) -> asyncio.Transport:
        """Start the child, once however many submissions find it gone at the same time."""
        async with self._starting:
            if self._transport is not None and not self._transport.is_closing():
                return self._transport
            return await self._spawn()

    async def _spawn(self) -> asyncio.Transport:
        if self._child is not None:  # a writer that ended, or lost its socket
            self._child.kill()
            await asyncio.to_thread(self._child.wait)
        ours, theirs = socket.socketpair()
        # The child imports this very Sigap, wherever the server found it.
        source = str(Path(__file__).resolve().parents[1])
        path = os.pathsep.join(p for p in (source, os.environ.get("PYTHONPATH")) if p)
        self._child = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "sigap.writer", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            env={**os.environ, "PYTHONPATH": path},
        )
        theirs.close()
        loop = asyncio.get_running_loop()
        self._transport, _ = await loop.create_connection(lambda: _Answers(self), sock=ours)
        self._transport.write(frame(self._config))
        return self._transport

    async def submit(self, item: Item) -> Result:
        transport = self._transport
        if transport is None or transport.is_closing():
            transport = await self.start()
        self._next += 1
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting[self._next] = (item, future)
        transport.write(frame((self._next, item)))
        return await future

    async def close(self, timeout: float = 30.0) -> None:
        """Let the child write what it has, then wait for it to exit."""
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write_eof()
        child = self._child
        if child is None:
            return
        try:
            await asyncio.to_thread(child.wait, timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            await asyncio.to_thread(child.wait)
        if self._transport is not None:
            self._transport.close()

    def _settle(self, answers: list[tuple[int, bool, Any]]) -> None:
        for seq, ok, value in answers:
            item, future = self._waiting.pop(seq)
            if future.done():  # the client went away
                continue
            if ok:
                future.set_result(self._unwire(item, value))
            else:
                future.set_exception(value)
        if self._on_batch is not None:
            self._on_batch()

    def _lost(self) -> None:
        self._transport = None
        waiting, self._waiting = self._waiting, {}
        if waiting:
            log.error("the writer process ended with %d submissions unanswered", len(waiting))
        for _item, future in waiting.values():
            if not future.done():
                future.set_exception(SigapError("writer_unavailable"))


class _Answers(asyncio.Protocol):
    def __init__(self, writer: ProcessWriter[Any, Any]) -> None:
        self._writer = writer
        self._buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        for answers in frames(self._buffer):
            self._writer._settle(answers)

    def connection_lost(self, exc: Exception | None) -> None:
        self._writer._lost()


def _named(name: str) -> Callable[..., Any]:
    module, _, attribute = name.partition(":")
    function: Callable[..., Any] = getattr(importlib.import_module(module), attribute)
    return function


def serve(connection: socket.socket) -> None:
    """The child's loop: read what has arrived, write it in one transaction, answer."""
    buffer = bytearray()
    pending: list[Any] = []
    open_ = True
    while open_ and not pending:
        open_ = _receive(connection, buffer)
        pending.extend(frames(buffer))
    if not pending:
        return
    url, handler_name, wire_name, after_name, max_batch, busy_s = pending.pop(0)  # first frame
    handler, wire = _named(handler_name), _named(wire_name)
    after_commit = _named(after_name) if after_name else None
    database = Database(url, pool_size=1, background_checkpoint=True, busy_timeout_s=busy_s)
    checkpointer = Checkpointer(database.write_engine) if database.dialect == "sqlite" else None
    outage = Outage("report writer", log)
    try:
        while open_ or pending:
            if not pending:
                connection.setblocking(True)
                open_ = _receive(connection, buffer)
            connection.setblocking(False)
            while open_:
                try:
                    open_ = _receive(connection, buffer)
                except BlockingIOError:
                    break
            pending.extend(frames(buffer))
            batch, pending = pending[:max_batch], pending[max_batch:]
            if batch:
                answers = _write(database, handler, wire, batch, outage)
                connection.setblocking(True)
                try:
                    connection.sendall(frame(answers))
                except OSError:  # the server is gone; what was committed stays committed
                    open_ = False
                after_batch(after_commit, database, [ok for _seq, ok, _value in answers])
    finally:
        if checkpointer is not None:
            checkpointer.close()
        database.dispose()


def _receive(connection: socket.socket, buffer: bytearray) -> bool:
    data = connection.recv(1 << 20)
    buffer += data
    return bool(data)


def _write(
    database: Any,
    handler: Callable[..., Any],
    wire: Callable[[Any], Any],
    batch: list[tuple[int, Any]],
    outage: Outage | None = None,
) -> list[tuple[int, bool, Any]]:
    outcomes = commit_batch(database, handler, [item for _seq, item in batch], outage)
    answers = []
    for (seq, _item), (ok, value) in zip(batch, outcomes, strict=True):
        if ok:
            answers.append((seq, True, wire(value)))
            continue
        if not isinstance(value, SigapError):
            log.error("a submission failed in the writer process", exc_info=value)
        answers.append((seq, False, _portable(value)))
    return answers


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # Stopping is the server's decision: it closes the socket and the child writes what it
    # holds, then exits. A Ctrl-C or SIGTERM sent to the whole process group must not cut a
    # batch in half before its answer is sent.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with socket.socket(fileno=int(sys.argv[1])) as connection:
        serve(connection)


if __name__ == "__main__":
    main()
