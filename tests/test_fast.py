"""sigap.web.fast: the handler of an error is looked up as Starlette looks it up."""

from __future__ import annotations

from sigap.errors import OutsideServiceArea, SigapError
from sigap.web.fast import handler_for


def test_the_handler_of_an_error_is_the_one_of_its_nearest_class() -> None:
    def sigap(*_: object) -> None: ...
    def outside(*_: object) -> None: ...

    handlers = {SigapError: sigap, OutsideServiceArea: outside}
    assert handler_for(handlers, OutsideServiceArea(lat=0, lon=0, region="r")) is outside
    assert handler_for(handlers, SigapError("invalid_cursor")) is sigap
    assert handler_for(handlers, ValueError("x")) is None
