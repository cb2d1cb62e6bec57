"""Open311's most polled GETs, answered before Starlette's middleware and FastAPI's routing.

A client that follows its requests asks ``requests/{id}`` again and again, clients that mirror
the city poll ``requests`` lists, and every client starts at ``services``. Through the
framework the small ones cost two to three times their own work (middleware, matching the path
against every route, resolving dependencies). :func:`route_of` picks them out for the app's
fast lane (:mod:`sigap.web.fast`), and :func:`get` answers them with the same service
functions as the routes in :mod:`sigap.open311.router`, its errors through the same
:func:`sigap.open311.render.guarded`, so the bytes, errors and headers are the routes'.
Anything else (another method, ``extensions``, an unknown format, service definitions) goes
on to the routes.
"""

from __future__ import annotations

import re
from typing import get_origin

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from sigap.deps import context_of
from sigap.open311 import render, schemas, service
from sigap.open311.schemas import Format
from sigap.web.fast import Handler

PATHS = re.compile(r"/open311/v2/(?:services|requests|requests/([^/]+))\.(json|xml)")
PREFIX = "/open311/v2/"
SEARCH_FIELDS = schemas.RequestSearch.model_fields
SEARCH_LISTS = {
    name for name, field in SEARCH_FIELDS.items() if get_origin(field.annotation) is list
}


def route_of(scope: Scope) -> Handler | None:
    """The handler of a request this lane answers, else None (cheap: asked of every
    request)."""
    if (
        scope["type"] == "http"
        and scope["method"] == "GET"
        and scope["path"].startswith(PREFIX)
        and PATHS.fullmatch(scope["path"]) is not None
        and not (scope["query_string"] and "extensions" in QueryParams(scope["query_string"]))
    ):
        return get
    return None


def refusing(scope: Scope, error: Exception) -> Handler:
    """A handler refusing the request with ``error``: in Open311's errors document under
    /open311/ (as its routes refuse), else by the app's handlers."""

    async def refuse(request: Request) -> Response:
        raise error

    if not scope["path"].startswith(PREFIX):
        return refuse
    return lambda request: render.guarded(request, refuse)


async def get(request: Request) -> Response:
    """The answer, or the error in Open311's form, as the routes give them."""
    return await render.guarded(request, _get)


async def _get(request: Request) -> Response:
    path = request.scope["path"]
    found = PATHS.fullmatch(path)
    if found is None:
        raise ValueError(f"not a fast-lane path: {path}")  # route_of() said it was
    fmt = Format(found[2])
    state = request.app.state
    ctx = context_of(request)
    service.check_jurisdiction(
        request.query_params.get("jurisdiction_id"), ctx.region, ctx.settings
    )
    if found[1] is not None:
        body = await service.one_document(state.db, ctx, found[1], fmt)
    elif path.startswith("/open311/v2/services"):
        body = service.services_document(ctx, fmt)
    else:
        items = await service.search(
            state.db, ctx, search_of(request.query_params), state.open311_built
        )
        body = render.document("service_requests", items, fmt)
    return render.answer(body, fmt)


def search_of(params: QueryParams) -> schemas.RequestSearch:
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
        raise RequestValidationError(errors) from None
