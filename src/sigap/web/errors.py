"""One handler per error kind, all rendering the same JSON shape (see :mod:`sigap.errors`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from sigap.deps import language_of
from sigap.errors import SigapError

# Indonesian wording of the validation failures clients meet; others fall back to English.
FIELD_MESSAGES_ID = {
    "missing": "wajib diisi",
    "extra_forbidden": "tidak dikenal; hapus bagian ini",
    "string_too_short": "terlalu pendek",
    "string_too_long": "terlalu panjang",
    "string_pattern_mismatch": "formatnya tidak sesuai",
    "greater_than_equal": "terlalu kecil",
    "less_than_equal": "terlalu besar",
    "float_parsing": "harus berupa angka",
    "float_type": "harus berupa angka",
    "finite_number": "harus berupa angka terhingga",
    "int_parsing": "harus berupa bilangan bulat",
    "datetime_from_date_parsing": "harus berupa tanggal/waktu ISO 8601",
    "datetime_parsing": "harus berupa tanggal/waktu ISO 8601",
    "enum": "bukan salah satu nilai yang diizinkan",
    "json_invalid": "JSON tidak valid",
    "model_attributes_type": "harus berupa objek JSON",
    "dict_type": "harus berupa objek JSON",
    "string_type": "harus berupa teks",
    "bool_parsing": "harus true atau false",
}


def render(error: SigapError, language: str) -> JSONResponse:
    return JSONResponse(
        error.body(language), status_code=error.status, headers={"Content-Language": language}
    )


def field_details(errors: Sequence[Mapping[str, Any]], language: str) -> list[dict[str, Any]]:
    """Pydantic's validation errors as ``{field, code, message}``, worded in ``language``."""
    details = []
    for item in errors:
        kind = str(item.get("type", "invalid"))
        message = str(item.get("msg", ""))
        if language == "id":
            message = FIELD_MESSAGES_ID.get(kind, message)
        field = ".".join(str(part) for part in item.get("loc", ()))
        details.append({"field": field, "code": kind, "message": message})
    return details


def install(app: FastAPI) -> None:
    @app.exception_handler(SigapError)
    async def sigap_error(request: Request, exc: SigapError) -> JSONResponse:
        return render(exc, language_of(request))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        language = language_of(request)
        details = field_details(exc.errors(), language)
        error = SigapError("invalid_input", status=422, details=details)
        return render(error, language)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code)
        if code is None:
            return JSONResponse(
                {"error": {"code": "http_error", "message": str(exc.detail)}},
                status_code=exc.status_code,
            )
        return render(SigapError(code, status=exc.status_code), language_of(request))
