"""What every input must be, whatever carries it: path, query string, header, JSON body or form.

A value that the database cannot hold or the clock cannot convert is the client's mistake and
answers 422 ``invalid_input`` (400 in Open311; a detail per field, worded in the client's
language by :mod:`sigap.web.errors`), never a 500. Each rule is applied once, where input enters:

- **Ids** (:data:`Id`, :data:`SmallId`): 1 up to the largest value of the column looked up,
  BIGINT for reports and what grows with them (events, photos, comments, outbox messages),
  INTEGER for accounts, units, rules, channels, webhooks and admin events. Past it both
  databases raise instead of finding nothing. Ids read by hand (forms, cursors, lists in one
  parameter) go through :func:`id_of`.
- **Page numbers** (:data:`PageNumber`): 1 to :data:`PAGE_MAX`, so an offset stays small.
- **Text**: no C0 control character but tab, line feed and carriage return. PostgreSQL cannot
  store NUL at all; the others have no place in a report and can hide text from its reader.
  Checked at the app's entry for the path, the query string and every header
  (:func:`refusal`), in every string of a request body (:class:`Input`, the base of the body
  schemas) and in every field of a form (:func:`check_fields`).
- **Times** (:data:`Instant`, :func:`storable`): as written and in UTC at least a day inside
  the calendar Python can count (0001-01-02 to 9999-12-30), so that no shift between zones,
  to UTC for the database or to local time for a page, overflows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError
from starlette.types import Scope

from sigap.errors import SigapError

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
PAGE_MAX = 10_000_000

Id = Annotated[int, Field(ge=1, le=INT64_MAX)]
SmallId = Annotated[int, Field(ge=1, le=INT32_MAX)]
# A live client's Last-Event-ID: an event id, or 0 for "from the first event".
EventCursor = Annotated[int, Field(ge=0, le=INT64_MAX)]
PageNumber = Annotated[int, Field(ge=1, le=PAGE_MAX)]
# A count or an order kept in an INTEGER column.
SmallInt = Annotated[int, Field(ge=-INT32_MAX - 1, le=INT32_MAX)]

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTROL_BYTES = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ESCAPED_CONTROL = re.compile(rb"%(?:0[0-8bcefBCEF]|1[0-9a-fA-F])")  # %00 in a query string
TEXT_ERROR = "control_character"
TEXT_MESSAGE = "Text must not contain control characters such as NUL (tabs and line breaks may)"
EARLIEST = datetime.min.replace(tzinfo=UTC) + timedelta(days=1)
LATEST = datetime.max.replace(tzinfo=UTC) - timedelta(days=1)
TIME_ERROR = "datetime_out_of_range"
TIME_MESSAGE = "Input should be a time between 0001-01-02 and 9999-12-30, in UTC too"


IDEMPOTENCY_KEY_MAX = 200  # the Idempotency-Key header of every POST that takes one


def check_idempotency_key(key: str | None) -> None:
    """An Idempotency-Key header, when sent, has 1 to 200 characters (reports, orders)."""
    if key is not None and not 1 <= len(key) <= IDEMPOTENCY_KEY_MAX:
        raise SigapError("invalid_idempotency_key")


def has_control(value: object) -> bool:
    """Whether a string anywhere in ``value`` (lists, dicts' keys and values, models) has a
    control character the text rule refuses."""
    if isinstance(value, str):
        return CONTROL.search(value) is not None
    if isinstance(value, list | tuple | set | frozenset):
        return any(has_control(item) for item in value)
    if isinstance(value, dict):
        return any(has_control(k) or has_control(v) for k, v in value.items())
    if isinstance(value, BaseModel):
        return has_control(value.__dict__)
    return False


def text_refused(*loc: str | int) -> RequestValidationError:
    """One field refused by the text rule, as FastAPI's own validation errors come (so the
    same handlers answer it, in the JSON API's, Open311's or a page's form)."""
    error = {"type": TEXT_ERROR, "loc": loc, "msg": TEXT_MESSAGE, "input": None}
    return RequestValidationError([error])


class Input(BaseModel):
    """A request body or form: no string anywhere in it holds a refused control character."""

    @field_validator("*")
    @classmethod
    def _text_rule(cls, value: Any) -> Any:
        if has_control(value):
            raise PydanticCustomError(TEXT_ERROR, TEXT_MESSAGE)
        return value


def check_fields(fields: Iterable[tuple[str, object]], *where: str) -> None:
    """Refuse a form's (name, value) pairs when one breaks the text rule; ``where`` heads the
    location named in the error (``body``)."""
    for name, value in fields:
        if has_control(name) or has_control(value):
            raise text_refused(*where, name)


def refusal(scope: Scope) -> RequestValidationError | None:
    """What the text rule refuses in a request's path, query string or headers (the body is
    left to its readers), or None. Asked of every request: a few regular expression searches."""
    if CONTROL.search(scope["path"]):
        return text_refused("path")
    query: bytes = scope["query_string"]
    if query and (ESCAPED_CONTROL.search(query) or CONTROL_BYTES.search(query)):
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        names = [name for name, value in pairs if has_control(name) or has_control(value)]
        return text_refused("query", names[0] if names else "")
    headers = scope["headers"]
    if CONTROL_BYTES.search(b"\t".join(value for _, value in headers)):
        name = next(n for n, value in headers if CONTROL_BYTES.search(value))
        return text_refused("header", name.decode("latin-1"))
    return None


def id_of(raw: object, maximum: int = INT64_MAX) -> int | None:
    """``raw`` (an int, or decimal digits) as an id from 1 to ``maximum``, else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 19:
        raw = int(raw)
    if isinstance(raw, int) and 1 <= raw <= maximum:
        return raw
    return None


def storable(value: datetime) -> bool:
    """Whether ``value``, as written and in UTC, is at least a day inside Python's calendar:
    then no zone's shift takes it out (offsets are less than a day)."""
    wall = value.replace(tzinfo=UTC)  # as written
    if not EARLIEST <= wall <= LATEST:
        return False
    return EARLIEST <= wall - (value.utcoffset() or timedelta(0)) <= LATEST


def _instant(value: datetime) -> datetime:
    if not storable(value):
        raise PydanticCustomError(TIME_ERROR, TIME_MESSAGE)
    return value


Instant = Annotated[datetime, AfterValidator(_instant)]
