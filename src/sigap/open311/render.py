"""GeoReport documents in XML and JSON, errors included.

One tree of plain values makes both formats, so they cannot drift apart. JSON is that tree as
it is; XML follows the Spark convention backwards: a list becomes a container element whose
children are named by :data:`ITEM_TAGS` (``services`` → ``service``), a mapping becomes child
elements in field order, None an empty element. Elements are built with ElementTree, never by
pasting strings, so every value is escaped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Coroutine, Hashable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import orjson
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

from sigap.deps import language_of
from sigap.errors import SigapError
from sigap.open311.schemas import Error, Format
from sigap.web.errors import field_details
from sigap.web.routes import PlainRoute

ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "proof_notes": "proof_note",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "notes": "note",
    "photos": "photo",
}
MEDIA_TYPES = {
    Format.xml: "text/xml; charset=utf-8",
    Format.json: "application/json; charset=utf-8",
}
# The spec asks for this exact declaration; ElementTree would write encoding='utf-8'.
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/FFFF).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Codes that name a missing resource; Open311 wants 404 for those.
NOT_FOUND_CODES = frozenset({"unknown_category"})
# Domain field paths (the JSON API's names) → the Open311 parameter a client sent.
FIELD_NAMES = {
    "category": "service_code",
    "lon": "long",
    "address": "address_string",
    "reporter.name": "first_name/last_name",
    "reporter.email": "email",
    "reporter.phone": "phone",
    "reporter.device_id": "device_id",
    "reporter.account_id": "account_id",
}

V = TypeVar("V")
# A resource as a model, or already as plain values (the hot read paths build those).
Payload = BaseModel | Sequence[BaseModel] | Sequence[Mapping[str, Any]]


def tree(payload: Payload) -> Any:
    if isinstance(payload, BaseModel):
        return payload.model_dump(mode="json")
    return [item.model_dump(mode="json") if isinstance(item, BaseModel) else item
            for item in payload]  # fmt: skip


def xml_bytes(root: str, data: Any) -> bytes:
    element = _element(root, data)
    ET.indent(element)
    return (XML_DECLARATION + ET.tostring(element, encoding="unicode")).encode("utf-8")


def _element(tag: str, value: Any) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, Mapping):
        element.extend(_element(key, item) for key, item in value.items())
    elif isinstance(value, list):
        child = ITEM_TAGS[tag]  # a KeyError here is a bug: every list needs an item name
        element.extend(_element(child, item) for item in value)
    elif value is not None:
        element.text = _text(value)
    return element


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("\ufffd", str(value))


def json_bytes(data: Any) -> bytes:
    """Compact UTF-8 JSON (orjson: a page of a thousand requests in a millisecond or two)."""
    return orjson.dumps(data)


def respond(
    root: str,
    payload: Payload,
    fmt: Format,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The document ``root`` (the XML root element; JSON has no root) in ``fmt``."""
    return answer(document(root, payload, fmt), fmt, status=status, headers=headers)


def document(root: str, payload: Payload, fmt: Format) -> bytes:
    data = tree(payload)
    return xml_bytes(root, data) if fmt is Format.xml else json_bytes(data)


def answer(
    body: bytes, fmt: Format, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(body, status_code=status, headers=headers, media_type=MEDIA_TYPES[fmt])


class Remembered(Generic[V]):
    """Values made from one region snapshot (names, categories and questions come from it),
    kept until the snapshot changes: a reload of the region is a new snapshot object, so
    nothing stale is ever served. With ``size``, at most that many, the oldest dropped first.

    Open311 keeps the service list and definitions here (a few, by language and format) and
    the service requests of lists (keyed by every value of the row they show)."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size
        self._region: object = None
        self._made: dict[Hashable, V] = {}

    def get(self, region: object, key: Hashable, make: Callable[[], V]) -> V:
        if region is not self._region:
            self._region, self._made = region, {}
        made = self._made.get(key)
        if made is None:
            if self.size is not None and len(self._made) >= self.size:
                del self._made[next(iter(self._made))]
            made = self._made[key] = make()
        return made


def format_of(request: Request) -> Format:
    """The format of an answer, errors included: the path's extension; XML (the format the spec
    requires) when the path has no usable one."""
    return Format.json if request.url.path.endswith(".json") else Format.xml


def status_of(error: SigapError) -> int:
    """Open311's statuses: 404 for what does not exist, 403 for API keys, 429 for a limit and
    server errors as they are, and 400 for everything else the client can fix (the spec's
    status; the machine code is the JSON API's)."""
    if error.code in NOT_FOUND_CODES or error.status == 404:
        return 404
    if error.status in (403, 429) or error.status >= 500:
        return error.status
    return 400


def error_response(error: SigapError, request: Request) -> Response:
    language = language_of(request)
    errors = [Error(code=error.code, description=text) for text in _descriptions(error, language)]
    headers = {"Content-Language": language, **(error.headers or {})}
    return respond("errors", errors, format_of(request), status=status_of(error), headers=headers)


def _descriptions(error: SigapError, language: str) -> list[str]:
    """One description per problem: each invalid field gets its own errors/error."""
    fields = [d for d in error.details if "field" in d and "message" in d]
    if not fields:
        return [error.message(language)]
    return [f"{d['field']}: {d['message']}" for d in fields]


def from_validation(exc: RequestValidationError, language: str) -> SigapError:
    """FastAPI's and pydantic's validation errors as one SigapError, named as the client
    named the fields (``long``, not ``lon``)."""
    errors = [dict(item) for item in exc.errors()]
    for item in errors:
        if tuple(item.get("loc", ())) == ("path", "fmt"):
            return SigapError("unsupported_format", format=item.get("input"))
    for item in errors:
        item["loc"] = _client_name(tuple(item.get("loc", ())))
    return SigapError("invalid_input", details=field_details(errors, language))


def _client_name(loc: tuple[Any, ...]) -> tuple[str]:
    if loc and loc[0] in ("query", "path", "body", "header"):
        loc = loc[1:]
    path = ".".join(str(part) for part in loc)
    return (FIELD_NAMES.get(path, path),)


async def guarded(
    request: Request, handle: Callable[[Request], Coroutine[Any, Any, Response]]
) -> Response:
    """``handle``'s answer, or its error as the spec's errors document in the path's format;
    GET answers are open to pages on any origin (CORS), since everything they show is
    public."""
    try:
        response = await handle(request)
    except (SigapError, RequestValidationError) as exc:
        return error_answer(request, exc)
    if request.method == "GET":
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def error_answer(request: Request, error: SigapError | RequestValidationError) -> Response:
    """An error as :func:`guarded` answers it, also where the app's handlers meet it on
    Open311's paths (a refused request, a database fault: :mod:`sigap.web.errors`,
    :mod:`sigap.web.faults`)."""
    if isinstance(error, RequestValidationError):
        error = from_validation(error, language_of(request))
    response = error_response(error, request)
    if request.method == "GET":
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


class Open311Route(PlainRoute):
    """Every Open311 answer, errors included, in the format its path names (:func:`guarded`)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def route(request: Request) -> Response:
            return await guarded(request, handle)

        return route
