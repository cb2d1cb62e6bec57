"""Group commit in a process of its own: the server's hot write path without the server's GIL.

:class:`sigap.db.BatchWriter` writes every queued submission in one transaction from a thread
of the server. Under load that thread and the event loop take turns on one GIL, so a report's
database work and its HTTP work add up on one core (docs/perf-log.md, "Submit").
:class:`ProcessWriter` keeps the same contract (``await submit(item)`` answers only after the
commit) but runs the handler in a child process connected by a socket pair:

- the server writes each item as one frame (4-byte length, pickle) from the event loop and
  reads the answers through an asyncio protocol: no thread of the server is involved;
- the child reads every frame that has arrived, hands them to the handler in one transaction,
  commits, and answers the whole batch in one frame; a batch whose transaction fails is
  retried item by item, so one bad item fails alone;
- the handler runs in the child and may shrink what it sends back (``wire``); ``unwire`` runs in
  the server and turns it back into the caller's result from the item it still holds.

The children are forked from a template, ``python -m sigap.writer``, that each server process
starts with its first writer: it imports Sigap once (about 1.3 s of CPU), then forks a writer
for each socket the server hands it (sent with SCM_RIGHTS, with the modules the writer runs, which
the template imports first), in a few milliseconds. The writer's configuration, database password
included, is the first frame on its own socket, never on a command line. The template ends when
its server does (its control socket closes); a template that ended is started again.

A crash of the child fails the requests it had not answered (503 ``writer_unavailable``: not
acknowledged, so the client retries) and the next submission starts a new child; a crash of the
server closes the socket, and the child finishes its batch and exits.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import gc
import importlib
import logging
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any, Generic, NoReturn, TypeVar

from sigap.db import BUSY_TIMEOUT_S, Checkpointer, Database, after_batch, commit_batch
from sigap.errors import SigapError
from sigap.faults import Outage

log = logging.getLogger("sigap.writer")
Item = TypeVar("Item")
Result = TypeVar("Result")
HEADER = struct.Struct("!I")
PID = struct.Struct("!q")
MAX_FRAME = 256 * 1024 * 1024
TEMPLATE_TIMEOUT_S = 60.0  # for its first fork, which waits for its imports (9 s seen, loaded)


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
    item is committed and answered; ``unwire(item, sent) -> result`` runs here. ``title``:
    the child's process name (at most 15 characters)."""

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
        title: str = "sigap-writer",
    ) -> None:
        # Sent as the first frame, not on a command line, where `ps` would show a password.
        self._config = (
            database_url,
            handler,
            wire,
            after_commit,
            max_batch,
            busy_timeout_s,
            title,
        )
        named = [name for name in (handler, wire, after_commit) if name is not None]
        self._modules = sorted({name.partition(":")[0] for name in named})
        self._unwire = unwire
        self._on_batch = on_batch
        self._pid: int | None = None
        self._transport: asyncio.Transport | None = None
        self._ended: asyncio.Future[None] | None = None  # done when the child's socket closes
        self._waiting: dict[int, tuple[Item, asyncio.Future[Result]]] = {}
        self._next = 0
        self._starting = asyncio.Lock()  # bound to a loop at its first use, not here

    @property
    def pid(self) -> int | None:
        return self._pid

    async def start(self) -> asyncio.Transport:
        """Start the child, once however many submissions find it gone at the same time."""
        async with self._starting:
            if self._transport is not None and not self._transport.is_closing():
                return self._transport
            return await self._spawn()

    async def _spawn(self) -> asyncio.Transport:
        for attempt in (1, 2):  # once more with a new template if the first one failed
            ours, theirs = socket.socketpair()
            try:
                # In a thread: the first fork of a template waits for its imports.
                self._pid = await asyncio.to_thread(fork_writer, theirs, self._modules)
            except BaseException as error:
                ours.close()  # a writer forked before the template failed reads EOF and exits
                if attempt == 2 or not isinstance(error, OSError):
                    raise
                continue
            break
        loop = asyncio.get_running_loop()
        self._ended = ended = loop.create_future()
        self._transport, _ = await loop.create_connection(lambda: _Answers(self, ended), sock=ours)
        self._transport.write(frame(self._config))
        return self._transport

    async def submit(self, item: Item) -> Result:
        transport = self._transport
        if transport is None or transport.is_closing():
            try:
                transport = await self.start()
            except OSError as error:  # no template could be started, or fork failed
                log.exception("no writer process could be started")
                raise SigapError("writer_unavailable") from error
        self._next += 1
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting[self._next] = (item, future)
        transport.write(frame((self._next, item)))
        return await future

    async def close(self, timeout: float = 30.0) -> None:
        """Let the child write what it has, then wait for it to exit: its end of the socket
        closes as it exits, after its database connections."""
        transport, ended = self._transport, self._ended
        if transport is None or ended is None or transport.is_closing():
            return
        transport.write_eof()
        try:
            await asyncio.wait_for(asyncio.shield(ended), timeout)
        except TimeoutError:
            log.error("the writer process did not finish within %s s: killed", timeout)
            if self._pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._pid, signal.SIGKILL)
            transport.close()

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
    def __init__(self, writer: ProcessWriter[Any, Any], ended: asyncio.Future[None]) -> None:
        self._writer = writer
        self._ended = ended
        self._buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        for answers in frames(self._buffer):
            self._writer._settle(answers)

    def connection_lost(self, exc: Exception | None) -> None:
        self._writer._lost()
        if not self._ended.done():
            self._ended.set_result(None)


class _Template:
    """The server's end of a template process (see the module's docstring)."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        # The template imports this very Sigap, wherever the server found it.
        source = str(Path(__file__).resolve().parents[1])
        path = os.pathsep.join(p for p in (source, os.environ.get("PYTHONPATH")) if p)
        try:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "sigap.writer", str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                env={**os.environ, "PYTHONPATH": path},
            )
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        ours.settimeout(TEMPLATE_TIMEOUT_S)  # one that hangs is replaced
        self.control = ours
        self.owner = os.getpid()

    def fork(self, connection: socket.socket, modules: list[str]) -> int:
        socket.send_fds(self.control, [frame(modules)], [connection.fileno()])
        reply = b""
        while len(reply) < PID.size:
            data = self.control.recv(PID.size - len(reply))
            if not data:
                raise ConnectionError("the writers' template process ended")
            reply += data
        pid: int = PID.unpack(reply)[0]
        return pid

    def stop(self) -> None:
        """Close its control socket, which ends it, and wait for it."""
        self.control.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_template: _Template | None = None
_template_lock = threading.Lock()


def fork_writer(connection: socket.socket, modules: list[str]) -> int:
    """A writer process on ``connection`` (which this closes), forked by this process's template
    after it imported ``modules``; its pid. The template is started at the first call, and again
    after one that failed: the caller tries once more, on a new socket pair."""
    global _template
    with connection, _template_lock:
        if _template is not None and _template.owner != os.getpid():
            _template.control.close()  # this process's copy of its parent's: the parent's
            _template = None
        if _template is None:
            _template = _Template()
            atexit.unregister(_stop_template)
            atexit.register(_stop_template)
        try:
            return _template.fork(connection, modules)
        except OSError:
            _template.stop()
            _template = None
            raise


def _stop_template() -> None:
    if _template is not None and _template.owner == os.getpid():
        _template.stop()


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
    url, handler_name, wire_name, after_name, max_batch, busy_s, title = pending.pop(0)
    _title(title)  # which writer it is, in ps and top
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


def template(control: socket.socket) -> None:
    """The template's loop: for each socket the server hands over, import the modules named
    with it, fork a writer on it and answer its pid; return when the server's end closes."""
    signal.signal(signal.SIGCHLD, _reap)
    buffer = bytearray()
    handed: list[int] = []
    while True:
        data, fds, _flags, _address = socket.recv_fds(control, 1 << 16, 8)
        if not data:
            return
        buffer += data
        handed += fds
        for modules in frames(buffer):
            for module in modules:
                try:
                    importlib.import_module(module)
                except Exception:  # noqa: S112 - the writer imports it again and reports it
                    continue
            # What the template holds, never scanned by a writer's collections: its pages stay
            # shared with the template's instead of being copied.
            gc.freeze()
            fd = handed.pop(0)
            sys.stderr.flush()  # nothing buffered is written twice
            pid = os.fork()
            if pid == 0:
                _writer(fd, [control.fileno(), *handed])
            os.close(fd)
            control.sendall(PID.pack(pid))


def _writer(fd: int, inherited: list[int]) -> NoReturn:
    """A forked writer: serve its socket, then exit without returning to the template's loop."""
    code = 1
    try:
        for other in inherited:
            os.close(other)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        _title("sigap-writer")
        with socket.socket(fileno=fd) as connection:
            serve(connection)
        code = 0
    except BaseException:
        log.exception("the writer process failed")
    finally:
        logging.shutdown()
        os._exit(code)


def _reap(_signal: int, _frame: FrameType | None) -> None:
    """The template's ended writers: waited for, so that none stays a zombie."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _title(name: str) -> None:
    """The process's name in ``ps -o comm`` and ``top`` (Linux)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/comm").write_text(name)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # Stopping is the server's decision: it closes the socket and the writer writes what it
    # holds, then exits. A Ctrl-C or SIGTERM sent to the whole process group must not cut a
    # batch in half before its answer is sent (the writers inherit these from the template).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _title("sigap-writers")
    with socket.socket(fileno=int(sys.argv[1])) as control:
        template(control)


if __name__ == "__main__":
    main()
