"""Open311's most polled GETs, answered before Starlette's middleware and FastAPI's routing.

A client that follows its requests asks ``requests/{id}`` again and again, clients that mirror
the city poll ``requests`` lists, and every client starts at ``services``. Through the
framework the small ones cost two to three times their own work (middleware, matching the path
against every route, resolving dependencies, a Response object); here the path is matched once
and the same service functions answer as the routes in :mod:`sigap.open311.router` do, with the
same bytes, errors and headers. Anything else (another method, ``extensions``, an unknown
format, service definitions) goes on to the routes.
"""

from __future__ import annotations

import re
from typing import get_origin

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from sigap.deps import context_of
from sigap.errors import SigapError
from sigap.open311 import render, schemas, service
from sigap.open311.schemas import Format

PATHS = re.compile(r"/open311/v2/(?:services|requests|requests/([^/]+))\.(json|xml)")
PREFIX = "/open311/v2/"
CORS = (b"access-control-allow-origin", b"*")
SEARCH_FIELDS = schemas.RequestSearch.model_fields
SEARCH_LISTS = {
    name for name, field in SEARCH_FIELDS.items() if get_origin(field.annotation) is list
}


def takes(scope: Scope) -> bool:
    """Whether :func:`serve` answers this request (cheap: asked of every request)."""
    return (
        scope["type"] == "http"
        and scope["method"] == "GET"
        and scope["path"].startswith(PREFIX)
        and PATHS.fullmatch(scope["path"]) is not None
        and not (scope["query_string"] and "extensions" in QueryParams(scope["query_string"]))
    )


async def serve(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer a request :func:`takes`; ``scope["app"]`` is the Sigap app."""
    request = Request(scope, receive)
    path = scope["path"]
    found = PATHS.fullmatch(path)
    if found is None:
        raise ValueError(f"not a fast-lane path: {path}")  # takes() said it was
    fmt = Format(found[2])
    state = request.app.state
    try:
        ctx = context_of(request)
        service.check_jurisdiction(
            request.query_params.get("jurisdiction_id"), ctx.region, ctx.settings
        )
        if found[1] is not None:
            body = await service.one_document(state.db, ctx, found[1], fmt)
        elif path.startswith("/open311/v2/services"):
            body = service.services_document(ctx, fmt)
        else:
            query = search_of(request.query_params, ctx.language)
            items = await service.search(state.db, ctx, query, state.open311_built)
            body = render.document("service_requests", items, fmt)
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


def search_of(params: QueryParams, language: str) -> schemas.RequestSearch:
    """The filters of GET requests, read from the query string as FastAPI reads a query
    model (a list from every value of a repeated parameter, else the last value), and refused
    with the same errors."""
    data = {
        name: params.getlist(name) if name in SEARCH_LISTS else params[name]
        for name in SEARCH_FIELDS
        if name in params
    }
    try:
        return schemas.RequestSearch.model_validate(data)
    except ValidationError as exc:
        errors = [{**error, "loc": ("query", *error["loc"])} for error in exc.errors()]
        raise render.from_validation(RequestValidationError(errors), language) from None
