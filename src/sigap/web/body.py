"""JSON bodies validated by pydantic directly, for the hottest endpoints.

FastAPI's own body handling (dependency solving, ``json.loads``, then validation) costs more per
request than the whole of what a report submission does on the event loop; pydantic validates
raw JSON in one step. Errors come out exactly as FastAPI's would (``loc`` starts with "body"),
through the same handler, and :func:`document_bodies` puts the body into the OpenAPI schema.
Forms without files are read by :func:`read_fields`, under the text rule of :mod:`sigap.inputs`
(JSON bodies meet it in their schemas, :class:`sigap.inputs.Input`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from sigap.errors import SigapError
from sigap.inputs import check_fields

Model = TypeVar("Model", bound=BaseModel)
# A report is a few hundred bytes; a 4,000-character description in any script with every
# question answered fits many times over. Bigger bodies are refused, never buffered.
MAX_BODY_BYTES = 64 * 1024


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, read only up to ``limit`` bytes (beyond it: ``request_too_large``)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise SigapError("request_too_large", limit=limit)
    return bytes(body)


async def parse_json(request: Request, model: type[Model]) -> Model:
    return validated(await read_body(request), model)


def validated(body: bytes, model: type[Model]) -> Model:
    """``body`` as ``model``; its errors as FastAPI's (a 422 ``invalid_input``)."""
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        errors = [
            {"type": e["type"], "loc": ("body", *e["loc"]), "msg": e["msg"], "input": e["input"]}
            for e in exc.errors(include_url=False)
        ]
        raise RequestValidationError(errors) from None


async def read_fields(request: Request, *, max_fields: int = 1000) -> dict[str, str]:
    """A form's fields (url-encoded, or multipart without files), every value of each under
    the text rule of :mod:`sigap.inputs`; a repeated field gives its last value."""
    async with request.form(max_files=0, max_fields=max_fields) as form:
        check_fields(form.multi_items(), "body")
        return {key: value for key, value in form.items() if isinstance(value, str)}


def document_bodies(app: FastAPI, bodies: Mapping[tuple[str, str], type[BaseModel]]) -> None:
    """Add request bodies parsed by :func:`parse_json` to the app's OpenAPI document."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = generate()
        components = spec.setdefault("components", {}).setdefault("schemas", {})
        for (path, method), model in bodies.items():
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(schema.pop("$defs", {}))
            components[model.__name__] = schema
            ref = {"$ref": f"#/components/schemas/{model.__name__}"}
            spec["paths"][path][method]["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref}},
            }
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
