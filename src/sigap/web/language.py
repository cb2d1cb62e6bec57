"""The language choice, remembered across the apps (portal, citizen, officials, admin).

A page asked for with ``?lang=id|en`` answers with the cookie ``sigap_lang`` (a year, path /,
SameSite=Lax); :func:`sigap.deps.language_of` reads it after ``?lang=`` and before
Accept-Language. The cookie is set here, around the whole app in ``Sigap.__call__`` rather than
in the page renderer, because the choice must also stick when the answer is a redirect
(``/admin?lang=en`` -> ``/admin/units``, a sign-in form's redirect): those are not rendered.
API paths (:func:`sigap.web.negotiate.is_page_path`) never get the cookie, so their answers stay
as they were; a request without ``lang=`` in its query string costs one substring test.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.types import Message, Scope, Send

from sigap.i18n import COOKIE, LANGUAGES, from_header
from sigap.web.negotiate import is_page_path

MAX_AGE = 365 * 86400


def remembering(scope: Scope, send: Send) -> Send:
    """``send``, or ``send`` adding the cookie when this page request chose a language."""
    query: bytes = scope.get("query_string", b"")
    if b"lang=" not in query or not is_page_path(scope["path"]):
        return send
    chosen = parse_qs(query.decode("latin-1")).get("lang", [""])[-1]
    if chosen not in LANGUAGES or _cookie(scope) == chosen:
        return send
    header = f"{COOKIE}={chosen}; Max-Age={MAX_AGE}; Path=/; SameSite=Lax".encode()

    async def send_with_cookie(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            headers.append((b"set-cookie", header))
            message = {**message, "headers": headers}
        await send(message)

    return send_with_cookie


def _cookie(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"cookie" and COOKIE.encode() in value:
            return from_header(value.decode("latin-1"))
    return None
