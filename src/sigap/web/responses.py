"""Responses serialised once by pydantic (FastAPI would validate a returned model again)."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def json_response(
    model: BaseModel, *, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        content=model.model_dump_json(),
        status_code=status_code,
        headers=headers,
        media_type="application/json",
    )
