"""Routes answered before Starlette's middleware stack and FastAPI's routing.

Each request through the framework passes half a dozen middleware layers and a match against
every route before its handler runs; for the hottest ones that cost a quarter to a half of the
whole request. A fast route is a plain handler of its own route (the route stays, for the
OpenAPI document and for anything the fast lane does not take), called here directly; its
errors go through the app's own exception handlers, looked up as Starlette looks them up, so
the answer is the same byte for byte. The handler of ``Exception`` (the 500) answers as
Starlette's outermost middleware calls it: the response is sent, then the error is raised again
for the server to log. An error no handler takes propagates as it would.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

Handler = Callable[[Request], Awaitable[Response]]


async def answer(
    scope: Scope,
    receive: Receive,
    send: Send,
    handler: Handler,
    exception_handlers: Mapping[Any, Callable[..., Any]],
) -> None:
    """Run ``handler`` for the request of ``scope`` (whose ``app`` is set) and send its
    response, or the response of the app's handler of its error."""
    request = Request(scope, receive)
    try:
        response = await handler(request)
    except Exception as exc:
        handle = handler_for(exception_handlers, exc)
        if handle is None:
            raise
        response = await handle(request, exc)
        if handle is exception_handlers.get(Exception):
            await response(scope, receive, send)
            raise
    await response(scope, receive, send)


def handler_for(
    handlers: Mapping[Any, Callable[..., Any]], exc: Exception
) -> Callable[..., Any] | None:
    """The handler of ``exc``: the one registered for its class or the nearest base class."""
    for cls in type(exc).__mro__:
        if cls in handlers:
            return handlers[cls]
    return None
