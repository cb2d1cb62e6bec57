"""The network under webhook deliveries: checked addresses and a deadline for the whole delivery.

:class:`GuardedBackend` is the connection factory of the deliveries' HTTP pool. For each new
connection it resolves the host once, checks every address (``notify.targets``) and connects
to the checked address itself, so no later lookup can swap it; the request keeps the URL's
host, so the ``Host`` header, TLS SNI and the certificate check all use the name.

An HTTP client's timeouts are per operation: a receiver that sends one byte a second never
lets a 10-second read timeout expire. Every stream the backend makes therefore reads the
delivery's deadline (:func:`deadline`, set by the deliverer around one request on its own
thread) and gives each operation only the time left, failing at once when none is: resolve,
connect, TLS handshake, send, headers and body together end at the deadline.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore2
from httpcore2 import ConnectError, ConnectTimeout, ReadTimeout, WriteTimeout

from sigap.notify import targets

_deadline: ContextVar[float | None] = ContextVar("sigap_delivery_deadline", default=None)
WRITE_CHUNK = 64 * 1024  # each chunk's send gets the time left when it starts


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Everything the backend does on this thread (or task) within the block ends by then."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def time_left(timeout: float | None, timed_out: type[Exception]) -> float | None:
    """The operation's own timeout shortened to the deadline; raise ``timed_out`` when past."""
    end = _deadline.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise timed_out("the delivery's time ran out")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore2.NetworkStream):
    def __init__(self, inner: httpcore2.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, time_left(timeout, ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        for start in range(0, len(buffer), WRITE_CHUNK):
            chunk = buffer[start : start + WRITE_CHUNK]
            self._inner.write(chunk, time_left(timeout, WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore2.NetworkStream:
        # The socket's timeout bounds the whole handshake in CPython (one deadline inside).
        left = time_left(timeout, ConnectTimeout)
        return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore2.NetworkBackend):
    """Connects only to addresses that :func:`targets.refusal` lets through."""

    def __init__(self, allow: tuple[targets.Network, ...]) -> None:
        self._allow = allow
        self._inner = httpcore2.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        left = time_left(timeout, ConnectTimeout)
        try:
            addresses = targets.resolve(host, port, timeout_s=30.0 if left is None else left)
        except targets.ResolveTimeout as exc:
            raise ConnectTimeout(str(exc)) from exc
        refused = targets.refusal(host, addresses, self._allow)
        if refused is not None:
            raise targets.TargetForbidden(refused)
        failure: Exception = ConnectError(f"{host} has no address")
        for address in addresses:  # each one checked above; the first that answers is used
            try:
                stream = self._inner.connect_tcp(
                    address, port, time_left(timeout, ConnectTimeout), local_address, socket_options
                )
            except (ConnectError, ConnectTimeout) as exc:
                failure = exc
                continue
            return DeadlineStream(stream)
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        raise ConnectError("webhooks are delivered over TCP only")
