"""A hot route's parameters: declared once as a pydantic model, read by one function, and
documented from the same model.

FastAPI resolves every declared parameter in steps of its own (its groups read, a cache key,
validation one parameter at a time), which costs a small request about half of its time
(docs/perf-log.md, "one path per request"). The hottest routes (``sigap.app.HOT_ROUTES``)
therefore take only the ``Request`` and call :func:`read` with their parameters' model: path,
query and header values validated in one ``model_validate``, refused with the errors FastAPI
gives (``RequestValidationError``, each ``loc`` starting with where the value was), through
the same handlers. :func:`documented` gives the route's ``openapi_extra`` from that model, so
the document and the parser cannot drift apart. A field is a query parameter unless its
annotation carries :data:`PATH` or :data:`HEADER`; a list field takes every value of a
repeated parameter, any other field the last (as FastAPI reads them).
"""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import Any, TypeVar, get_origin

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.requests import Request


class In(StrEnum):
    """Where a parameter is sent (an annotation's metadata: ``Annotated[str, PATH]``)."""

    PATH = "path"
    QUERY = "query"
    HEADER = "header"


PATH = In.PATH
HEADER = In.HEADER
Model = TypeVar("Model", bound=BaseModel)


@functools.cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, In, bool], ...]:
    """(name sent, where, takes every value) of each of the model's fields."""
    found = []
    for name, field in model.model_fields.items():
        where = next((m for m in field.metadata if isinstance(m, In)), In.QUERY)
        many = get_origin(field.annotation) is list
        found.append((field.alias or name, where, many))
    return tuple(found)


def read(model: type[Model], request: Request) -> Model:
    """The request's parameters as ``model``, or its errors as FastAPI gives them."""
    data: dict[str, Any] = {}
    query = request.query_params
    for sent, where, many in _fields(model):
        if where is In.PATH:
            if sent in request.path_params:
                data[sent] = request.path_params[sent]
        elif where is In.HEADER:
            value = request.headers.get(sent)
            if value is not None:
                data[sent] = value
        elif sent in query:
            data[sent] = query.getlist(sent) if many else query[sent]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        where_of = {sent: where for sent, where, _many in _fields(model)}  # errors only
        errors = []
        for error in exc.errors(include_url=False):
            loc = error["loc"]
            where = where_of.get(str(loc[0]), In.QUERY) if loc else In.QUERY
            errors.append({**error, "loc": (where.value, *loc)})
        raise RequestValidationError(errors) from None


def documented(model: type[BaseModel], **extra: Any) -> dict[str, Any]:
    """The ``openapi_extra`` of a route whose parameters are ``model`` (plus ``extra``, e.g.
    its request body)."""
    schema = model.model_json_schema(by_alias=True)
    definitions = schema.get("$defs", {})
    required = set(schema.get("required", ()))
    parameters = []
    for sent, where, _many in _fields(model):
        prop = _inline(dict(schema["properties"][sent]), definitions)
        parameter: dict[str, Any] = {
            "name": sent,
            "in": where.value,
            "required": where is In.PATH or sent in required,
            "schema": prop,
        }
        if "description" in prop:
            parameter["description"] = prop["description"]
        parameters.append(parameter)
    return {"parameters": parameters, **extra}


def _inline(prop: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """A property with its ``$ref`` to the model's own definitions written out in place."""
    ref = prop.pop("$ref", None)
    if ref is None:
        return prop
    return {**definitions[ref.rsplit("/", 1)[1]], **prop}
