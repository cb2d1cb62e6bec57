"""One handler per error kind. API clients get the one JSON shape (see :mod:`sigap.errors`);
a browser asking for a page (:func:`sigap.web.negotiate.wants_html`) gets the same status, code
and headers as an HTML page in its language (``error.html``). An unexpected exception is a 500
(plain text for API clients, as Starlette answers it) and is still raised to be logged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse, Response

from sigap.deps import language_of
from sigap.errors import SigapError
from sigap.web import pages
from sigap.web.negotiate import wants_html
from sigap.web.texts import translate

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
    "int_parsing_size": "angkanya terlalu besar",
    "int_from_float": "harus berupa bilangan bulat",
    "int_type": "harus berupa bilangan bulat",
    "greater_than": "terlalu kecil",
    "less_than": "terlalu besar",
    "control_character": "berisi karakter kontrol (misalnya NUL); hapus karakter itu",
    "datetime_out_of_range": "harus waktu antara 0001-01-02 dan 9999-12-30, juga dalam UTC",
    "datetime_from_date_parsing": "harus berupa tanggal/waktu ISO 8601",
    "datetime_parsing": "harus berupa tanggal/waktu ISO 8601",
    "enum": "bukan salah satu nilai yang diizinkan",
    "json_invalid": "JSON tidak valid",
    "model_attributes_type": "harus berupa objek JSON",
    "dict_type": "harus berupa objek JSON",
    "string_type": "harus berupa teks",
    "bool_parsing": "harus true atau false",
}


# An adapter's form of the errors met on its paths (Open311's errors document, passed in by
# the app: web imports no adapter).
Adapter = Callable[[Request, SigapError | RequestValidationError], Response]

# After an unexpected error the server closes the connection (uvicorn does, once the 500 is
# sent); a kept-alive client learns it from the answer.
CLOSE = {"Connection": "close"}


def render(error: SigapError, language: str) -> JSONResponse:
    headers = {"Content-Language": language}
    if error.headers:
        headers.update(error.headers)
    return JSONResponse(error.body(language), status_code=error.status, headers=headers)


def title_key(status: int) -> str:
    if status in (403, 404, 429, 503):
        return f"error_title_{status}"
    return "error_title_500" if status >= 500 else "error_title_other"


def page(
    request: Request,
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The error as a page: its title names what happened, its machine code is shown small."""
    response = pages.render(
        request,
        "error.html",
        status_code=status,
        status=status,
        code=code,
        title=translate(language_of(request), title_key(status)),
        message=message,
    )
    if headers:
        response.headers.update(headers)
    return response


def answer(request: Request, error: SigapError) -> Response:
    language = language_of(request)
    if wants_html(request):
        return page(request, error.status, error.code, error.message(language), error.headers)
    return render(error, language)


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


def adapter_of(request: Request, adapters: Mapping[str, Adapter]) -> Adapter | None:
    """The adapter whose path prefix the request's path has, if any."""
    path: str = request.scope["path"]
    return next((a for prefix, a in adapters.items() if path.startswith(prefix)), None)


def install(app: FastAPI, adapters: Mapping[str, Adapter]) -> None:
    """The app's handlers; errors met on an adapter's paths outside its routes (a request
    refused before routing, the server stopping) are answered in the adapter's form."""

    @app.exception_handler(SigapError)
    async def sigap_error(request: Request, exc: SigapError) -> Response:
        adapter = adapter_of(request, adapters)
        return answer(request, exc) if adapter is None else adapter(request, exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        adapter = adapter_of(request, adapters)
        if adapter is not None:
            return adapter(request, exc)
        language = language_of(request)
        details = field_details(exc.errors(), language)
        return answer(request, SigapError("invalid_input", details=details))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code)
        if wants_html(request):
            if code is None:
                return page(request, exc.status_code, "http_error", str(exc.detail), exc.headers)
            message = SigapError(code).message(language_of(request))
            return page(request, exc.status_code, code, message, exc.headers)
        if code is None:
            return JSONResponse(
                {"error": {"code": "http_error", "message": str(exc.detail)}},
                status_code=exc.status_code,
            )
        return render(SigapError(code), language_of(request))

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        """Called by Starlette's outermost middleware, which raises ``exc`` again afterwards
        (so the server logs it). The server then closes the connection, so the answer says
        so: a client must not send its next request on it (it would get no answer)."""
        if wants_html(request):
            code = "server_error"
            message = translate(language_of(request), "error_500")
            return page(request, 500, code, message, CLOSE)
        return PlainTextResponse("Internal Server Error", status_code=500, headers=CLOSE)
