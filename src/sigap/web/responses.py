"""Responses serialised once by pydantic (FastAPI would validate a returned model again), and
answers built as dicts whose model only documents them."""

from __future__ import annotations

from typing import Any

from fastapi import Response
from pydantic import BaseModel, TypeAdapter

_DICT = TypeAdapter(dict[str, Any])


def json_response(
    model: BaseModel, *, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        content=model.model_dump_json(),
        status_code=status_code,
        headers=headers,
        media_type="application/json",
    )


def dict_response(content: dict[str, Any]) -> Response:
    """A dict answer serialised as FastAPI serialises a ``-> dict[str, Any]`` handler's, with
    no model run over it: for big hot answers (the ranking, the map's clusters) whose model is
    declared with ``responses=`` and checked by their tests. Validating the ranking's model
    costs about 13 microseconds a row (4 ms for a city's 311 units); the ``jsonable_encoder``
    FastAPI runs over a dict when ``response_model=None`` costs some 25 times this."""
    return Response(content=_DICT.dump_json(content), media_type="application/json")
