"""One entry of the error registry: what a code answers, in every language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus

# When a client may try again after a 503 (seconds): a database blip or a new writer process
# is over well within it, and a longer outage is not helped by clients asking every second.
RETRY_AFTER_S = 5


@dataclass(frozen=True, slots=True)
class ErrorCode:
    """A code's HTTP status and its message in Bahasa Indonesia (``id``) and English (``en``);
    ``{name}`` placeholders are filled from the error's params. ``retry_after_s``: the
    ``Retry-After`` every answer of this code carries (a raise site may give its own, e.g. a
    429's wait)."""

    status: int
    id: str
    en: str
    retry_after_s: int | None = None

    def __post_init__(self) -> None:
        if HTTPStatus(self.status).value < 400:
            raise ValueError(f"an error's status is 4xx or 5xx, not {self.status}")
        if not (self.id.strip() and self.en.strip()):
            raise ValueError("an error has a message in both languages")


def merge(*tables: Mapping[str, ErrorCode]) -> dict[str, ErrorCode]:
    """The tables as one registry, each code declared once across all of them."""
    merged: dict[str, ErrorCode] = {}
    for table in tables:
        twice = merged.keys() & table.keys()
        if twice:
            raise ValueError(f"error codes declared twice: {sorted(twice)}")
        merged.update(table)
    return merged
