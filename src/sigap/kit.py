"""Small generic helpers (time, cursors, hashing, a query, the base of response models) with no
business rules in them."""

from __future__ import annotations

import base64
import gc
import hashlib
import json
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, SQLColumnExpression, exists, or_, select
from sqlalchemy.orm import Session


class Answer(BaseModel):
    """The base of the JSON API's response models that describe answers built as dicts: a key
    the model does not name fails validation (the endpoint's tests fail) instead of vanishing
    from the answer, as FastAPI would drop it."""

    model_config = ConfigDict(extra="forbid")


# A time as the handlers write it, ``datetime.isoformat()`` (``+00:00``; pydantic would write
# ``Z`` for a datetime field), declared as a date-time for the OpenAPI document.
IsoTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


def settle_heap() -> None:
    """Leave what the process holds now (the region snapshot, the maps' layers, the imported
    modules) to reference counting alone: the cyclic collector stops walking those millions of
    objects at each of its full collections, which made a small request about 30 µs slower
    (docs/perf-log.md, "one path per request"). What is freed later is still freed; only a
    cycle among these objects waits for :func:`unsettle_heap`, at the app's end."""
    gc.freeze()


def unsettle_heap() -> None:
    gc.unfreeze()


def utcnow() -> datetime:
    """Timezone-aware now in UTC; every stored time is UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Attach UTC to naive values read back from SQLite (it stores no offset)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def rupiah(amount: int) -> str:
    """``3500`` → ``Rp 3.500``, ``-1500`` → ``-Rp 1.500``: Indonesian digit grouping, in both
    languages alike (the pages' ``rupiah``)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


def sha256_hex(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def encode_cursor(values: list[Any]) -> str:
    """Opaque keyset cursor: the sort key values of the last row of a page."""
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any] | None:
    """The values of a cursor, or None when it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        return None
    return values if isinstance(values, list) else None


def split_values(values: list[str] | None) -> list[str]:
    """Query values given repeated (``?status=a&status=b``) or comma-separated (``a,b``)."""
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def exists_any(
    session: Session, where: ColumnElement[bool], *either: tuple[SQLColumnExpression[Any], object]
) -> bool:
    """Whether a row matches ``where`` and any one of the ``(column, value)`` pairs whose value
    is given (None and "" are not): "this account or this device". False, without a query,
    when no value is given."""
    matches = [column == value for column, value in either if value is not None and value != ""]
    if not matches:
        return False
    return bool(session.scalar(select(exists().where(where, or_(*matches)))))
