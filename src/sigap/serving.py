"""Serving with uvicorn, and stopping without dropping a request.

Closing a listening socket resets every connection the kernel accepted into its queue but no
process took yet: their clients see "connection reset" after sending a request, which no proxy
retries for a POST. With ``--workers N`` the supervisor also keeps its copy of the socket open
until every worker is gone, so the queue keeps filling all that time. On SIGTERM each server
(:class:`SigapServer`) therefore:

1. answers every request that starts from now on with 503 ``shutting_down`` and
   ``Retry-After`` (``Sigap.draining``), and tells live streams to end (clients reconnect to
   another server with their Last-Event-ID);
2. drops new connection attempts at the socket (a one-instruction socket filter on Linux):
   their SYN is retransmitted and then refused once the socket is closed, which a client or
   proxy can retry safely, since nothing was sent;
3. keeps accepting until the kernel's queue of accepted connections is empty (read from
   TCP_INFO), and a moment more (``FIRST_REQUEST_S``) for the last ones accepted to send
   their request: uvicorn closes connections without a request in progress, so each of those
   gets its 503 rather than a reset;
4. then stops as uvicorn does: closes the socket, lets requests in progress finish within
   ``SIGAP_SHUTDOWN_TIMEOUT_S``, runs the lifespan's shutdown (the writer commits its batch,
   the in-process worker finishes its pass).
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import socket
import struct
import sys
import time
from typing import Any

import uvicorn
from uvicorn.supervisors import multiprocess

log = logging.getLogger("sigap")

SO_ATTACH_FILTER = 26  # Linux
BPF_RET_K = 0x06  # return the constant: 0 bytes kept, i.e. the packet is dropped
QUEUE_WAIT_S = 2.0
FIRST_REQUEST_S = 0.3


class _Instruction(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint32),
    ]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Instruction))]


def refuse_new_connections(sock: socket.socket) -> bool:
    """Drop every packet that reaches the listening ``sock`` from now on (new SYNs); the
    connections already accepted by the kernel stay in its queue. False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    drop = (_Instruction * 1)(_Instruction(BPF_RET_K, 0, 0, 0))
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, bytes(_Program(1, drop)))
    except OSError:
        return False
    return True


def queued(sock: socket.socket) -> int:
    """Connections the kernel accepted on the listening ``sock`` that no process took yet
    (``tcpi_unacked`` of a listener, Linux); 0 where unknown."""
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    except (OSError, AttributeError):
        return 0
    return int(struct.unpack_from("I", info, 24)[0]) if len(info) >= 28 else 0


def _sigap_app(app: Any) -> Any:
    """The Sigap app inside uvicorn's wrappers (proxy headers, message logger)."""
    for _ in range(8):
        if hasattr(app, "draining"):
            return app
        app = getattr(app, "app", None)
    return None


class SigapServer(uvicorn.Server):
    """uvicorn's server, with the shutdown described in this module's docstring."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        app = _sigap_app(self.config.loaded_app)
        if app is not None:
            app.drain()
        listening = [s for server in self.servers for s in (server.sockets or [])]
        listening += list(sockets or [])
        raw = [socket.socket(fileno=s.fileno()) for s in listening]
        try:
            refused = [refuse_new_connections(s) for s in raw]  # every socket, not the first
            if any(refused):
                deadline = time.monotonic() + QUEUE_WAIT_S
                while any(queued(s) for s in raw) and time.monotonic() < deadline:
                    await asyncio.sleep(0.01)  # the loop accepts them meanwhile
                await asyncio.sleep(FIRST_REQUEST_S)
        finally:
            for s in raw:
                s.detach()  # the fd belongs to uvicorn, which closes it
        await super().shutdown(sockets)


class SigapProcess(multiprocess.Process):
    """A worker of uvicorn's supervisor whose server is a :class:`SigapServer` (the worker is
    a spawned process: it finds this class by name, with the server it makes)."""

    @property
    def server(self) -> uvicorn.Server:
        if self._server is None:
            self._server = SigapServer(config=self.config)
        return self._server


def serve(app: Any, *, host: str, port: int, workers: int, **options: Any) -> None:
    """``uvicorn.run`` with :class:`SigapServer` in every process."""
    config = uvicorn.Config(app, host=host, port=port, workers=workers, **options)
    if workers <= 1:
        SigapServer(config).run()
        return
    # uvicorn's supervisor makes its workers by this module-level name, in this process.
    multiprocess.Process = SigapProcess  # type: ignore[misc]
    sock = config.bind_socket()
    multiprocess.Multiprocess(config, sockets=[sock]).run()
