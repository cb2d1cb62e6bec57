"""Routes whose endpoint takes only the request and answers a ``Response`` run as plain
endpoints.

For such an endpoint FastAPI's request handler has nothing to do (no parameter to solve, no
body to read, no model to serialize: a ``Response`` is passed through), yet it still costs
about as much as a small route's own work. :class:`PlainRoute` hands the request straight to
the endpoint instead; every other route, and every route while FastAPI's native telemetry
records the request (it reads what the handler solved), keeps FastAPI's handler. The
endpoint's parameters are read by :func:`sigap.web.params.read` and documented from the same
model; its errors reach the app's handlers as any route's do.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
TELEMETRY = "fastapi.telemetry"


def takes_only_the_request(route: APIRoute) -> bool:
    dependant = route.dependant
    return (
        dependant.request_param_name is not None
        and inspect.iscoroutinefunction(route.endpoint)
        and len(inspect.signature(route.endpoint).parameters) == 1
        and not (
            dependant.path_params
            or dependant.query_params
            or dependant.header_params
            or dependant.cookie_params
            or dependant.body_params
            or dependant.dependencies
        )
        and not route.dependencies
    )


class PlainRoute(APIRoute):
    """See the module's docstring."""

    def get_route_handler(self) -> Handler:
        framework: Handler = super().get_route_handler()
        if not takes_only_the_request(self):
            return framework
        endpoint: Handler = self.endpoint

        async def plain(request: Request) -> Response:
            if TELEMETRY in request.scope:
                return await framework(request)
            response = await endpoint(request)
            if not isinstance(response, Response):
                raise TypeError(f"{self.path} must answer a Response, not {type(response)}")
            return response

        return plain
