"""Open311's most polled GETs, answered before Starlette's middleware and FastAPI's routing.

A client that follows its requests asks ``requests/{id}`` again and again, and every client
starts at ``services``. Through the framework each cost two to three times its own work
(middleware, matching the path against every route, resolving dependencies, a Response
object); here the path is matched once and the same service functions answer as the routes in
:mod:`sigap.open311.router` do, with the same bytes, errors and headers. Anything else (another
method, ``extensions``, an unknown format) goes on to the routes.
"""

from __future__ import annotations

import re

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from sigap.deps import context_of
from sigap.errors import SigapError
from sigap.open311 import render, service
from sigap.open311.schemas import Format

ONE = re.compile(r"/open311/v2/requests/([^/]+)\.(json|xml)")
SERVICES = re.compile(r"/open311/v2/services\.(json|xml)")
PREFIX = "/open311/v2/"
CORS = (b"access-control-allow-origin", b"*")


def takes(scope: Scope) -> bool:
    """Whether :func:`serve` answers this request (cheap: asked of every request)."""
    return (
        scope["type"] == "http"
        and scope["method"] == "GET"
        and scope["path"].startswith(PREFIX)
        and (ONE.fullmatch(scope["path"]) or SERVICES.fullmatch(scope["path"])) is not None
        and not (scope["query_string"] and "extensions" in QueryParams(scope["query_string"]))
    )


async def serve(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer a request :func:`takes`; ``scope["app"]`` is the Sigap app."""
    request = Request(scope, receive)
    path = scope["path"]
    one = ONE.fullmatch(path)
    try:
        ctx = context_of(request)
        service.check_jurisdiction(
            request.query_params.get("jurisdiction_id"), ctx.region, ctx.settings
        )
        if one is not None:
            fmt = Format(one[2])
            body = await service.one_document(request.app.state.db, ctx, one[1], fmt)
        else:
            fmt = Format(path.rsplit(".", 1)[1])
            body = service.services_document(ctx, fmt)
    except SigapError as exc:
        response = render.error_response(exc, request)
        response.headers["Access-Control-Allow-Origin"] = "*"
        await response(scope, receive, send)
        return
    headers = [
        (b"content-length", str(len(body)).encode()),
        (b"content-type", render.MEDIA_TYPES[fmt].encode()),
        CORS,
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
