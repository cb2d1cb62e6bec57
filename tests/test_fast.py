"""sigap.web.fast: the handler of an error is looked up as Starlette looks it up."""

from __future__ import annotations

from sigap.errors import InvalidInput, NotFound, SigapError
from sigap.web.fast import handler_for


def test_the_handler_of_an_error_is_the_one_of_its_nearest_class() -> None:
    def sigap(*_: object) -> None: ...
    def not_found(*_: object) -> None: ...

    handlers = {SigapError: sigap, NotFound: not_found}
    assert handler_for(handlers, NotFound("report_not_found")) is not_found
    assert handler_for(handlers, InvalidInput("invalid_cursor")) is sigap
    assert handler_for(handlers, ValueError("x")) is None
