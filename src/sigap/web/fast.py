"""The gate at the start of the app's router: refusals, draining, and the hot routes first.

Every request passes the whole middleware stack the framework builds (Starlette's
``ServerErrorMiddleware`` and ``ExceptionMiddleware`` with the app's handlers, FastAPI's own
layers, and any middleware added with ``add_middleware``), then reaches :class:`Gate`, which
stands where the router's walk begins (Starlette's router-level middleware slot,
``Router.middleware_stack``). There:

- a request whose path, query or headers break the text rule (:mod:`sigap.inputs`) is
  refused, and once the server is stopping (``Sigap.drain``) every request is answered 503
  ``shutting_down``: both are raised, so the app's exception handlers answer them as they
  answer every other error;
- a request to one of the few hottest routes (:data:`sigap.app.HOT_ROUTES`) is handed to that
  route as the framework would hand it: matched by the route's own ``matches`` (which reads
  its path parameters), and run by the route's own application (FastAPI's request handler:
  dependencies, parameters, validation, the route class's error form). What is skipped is
  the walk over the other routes before it, which in this FastAPI matches each included
  router twice and costs as much as a small route's own work;
- anything else takes the walk.

A hot route found by the walk would be the same route: the hot routes come first in the walk
(the routers that own them are included first, and no route before them shares their
paths); ``tests/test_fast.py`` compares every kind of answer both ways. With FastAPI's native
telemetry on, the walk is taken, since it records the route it chose.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from fastapi.routing import RouteContext, iter_route_contexts
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from sigap import inputs
from sigap.errors import SigapError

TELEMETRY = "fastapi.telemetry"


class HotRoute:
    """One route of the app, as the walk would run it once matched."""

    def __init__(self, context: RouteContext) -> None:
        self.matches: Callable[[Scope], tuple[Match, Scope]] = context.matches
        self.app: ASGIApp = context.app
        self.route = context.original_route


def hot_routes(
    routes: Collection[BaseRoute], wanted: Collection[tuple[str, str]]
) -> tuple[HotRoute, ...]:
    """The routes of ``wanted`` (method, path as declared), found among ``routes`` as the walk
    finds them (the first of a path), which stops there: each route's context is built on the
    way (about 2 ms each, once per app and per test), so the hot routes' routers come first. A
    route that is not there is a bug, not a slower app."""
    found: dict[tuple[str, str], HotRoute] = {}
    for context in iter_route_contexts(list(routes)):
        for method in context.methods or ():
            key = (method, context.path or "")
            if key in wanted and key not in found:
                found[key] = HotRoute(context)
        if len(found) == len(wanted):
            break
    missing = [key for key in wanted if key not in found]
    if missing:
        raise LookupError(f"hot routes not among the app's routes: {missing}")
    return tuple(found[key] for key in wanted)


class Gate:
    """The router's start (see the module's docstring). ``app`` is the router's walk."""

    def __init__(self, app: ASGIApp, owner: Any) -> None:
        self.app = app
        self.owner = owner  # the Sigap app: its ``draining`` and ``hot``
        self.hot: tuple[HotRoute, ...] = ()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if self.owner.draining:
                raise SigapError("shutting_down", headers={"Connection": "close"})
            refused = inputs.refusal(scope)
            if refused is not None:
                raise refused
            if TELEMETRY not in scope:
                for route in self.hot:
                    match, child_scope = route.matches(scope)
                    if match is Match.FULL:
                        scope.setdefault("router", self.owner.router)
                        scope.update(child_scope)
                        scope["route"] = route.route
                        await route.app(scope, receive, send)
                        return
        await self.app(scope, receive, send)
