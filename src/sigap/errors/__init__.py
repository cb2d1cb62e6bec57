"""The one error family.

Every error a client can see is a :class:`SigapError`: a stable machine ``code`` (never renamed:
clients and the Open311 adapter switch on it) and what the registry :data:`CODES` declares for
it, once: its HTTP status and its message in Bahasa Indonesia and English (tables in
:mod:`sigap.errors.public`, :mod:`sigap.errors.staff`, :mod:`sigap.errors.transit`,
:mod:`sigap.errors.fares`, :mod:`sigap.errors.market` and :mod:`sigap.errors.cards`). A raise
site names the code and the message's params, never a status: one code answers one status
everywhere. Two meanings are two
codes (``category_not_found`` 404 for an address, ``unknown_category`` 422 for a value sent).
Only the Open311 adapter translates statuses, in one place, to the spec's
(:func:`sigap.open311.render.status_of`). Expected business errors are never a 500. The JSON
shape is the same everywhere::

    {"error": {"code": "outside_service_area", "message": "...", "details": [...]}}
"""

from __future__ import annotations

from typing import Any

from sigap.errors import cards, fares, market, public, staff, transit
from sigap.errors.code import RETRY_AFTER_S, ErrorCode, merge

__all__ = ["CODES", "RETRY_AFTER_S", "ErrorCode", "OutsideServiceArea", "SigapError"]

CODES: dict[str, ErrorCode] = merge(
    public.CODES, staff.CODES, transit.CODES, fares.CODES, market.CODES, cards.CODES
)


class SigapError(Exception):
    """An error with a stable machine code; its status and messages are the registry's.
    ``headers`` go on the answer, JSON or page; ``retry_after_s`` (a 429's wait) overrides
    the code's own ``Retry-After``."""

    def __init__(
        self,
        code: str,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        retry_after_s: int | None = None,
        **params: Any,
    ) -> None:
        if code not in CODES:
            raise KeyError(f"error code {code!r} is not in the registry")
        if "status" in params:
            raise TypeError(f"{code}: the status is the registry's ({CODES[code].status})")
        super().__init__(code)
        self.code = code
        self.params = params
        self.details = details or []
        wait = CODES[code].retry_after_s if retry_after_s is None else retry_after_s
        if wait is not None:
            headers = {"Retry-After": str(wait), **(headers or {})}
        self.headers: dict[str, str] | None = headers

    @property
    def status(self) -> int:
        return CODES[self.code].status

    def message(self, language: str) -> str:
        entry = CODES[self.code]
        return (entry.en if language == "en" else entry.id).format(**self.params)

    def body(self, language: str) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message(language)}
        if self.details:
            error["details"] = self.details
        return {"error": error}


class OutsideServiceArea(SigapError):
    """``outside_service_area``, named for the routing code and its tests that catch it."""

    def __init__(self, *, lat: float, lon: float, region: str) -> None:
        super().__init__("outside_service_area", lat=lat, lon=lon, region=region)
