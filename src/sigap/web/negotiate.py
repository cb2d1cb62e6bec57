"""Who is asking: a person's browser (answer HTML) or an API client (answer JSON).

A request gets HTML only when both hold: its path is a page's (not the JSON API, Open311,
photos, static files or the OpenAPI document) and its ``Accept`` header prefers ``text/html``
to ``application/json``. Everything else keeps the JSON error shape, byte for byte, so an API
client that sends ``Accept: */*`` or nothing never sees a page.
"""

from __future__ import annotations

from starlette.requests import Request

NOT_PAGES = ("/api/", "/open311/", "/media/", "/static/")
OPENAPI = "/openapi.json"


def is_page_path(path: str) -> bool:
    return not path.startswith(NOT_PAGES) and path != OPENAPI


def wants_html(request: Request) -> bool:
    if not is_page_path(request.scope["path"]):
        return False
    accept = request.headers.get("accept")
    return accept is not None and prefers_html(accept)


def prefers_html(accept: str) -> bool:
    """``text/html`` named with a quality above what ``application/json`` gets (by name or by
    a wildcard). Browsers name text/html at q=1 and reach JSON only through ``*/*;q=0.8``."""
    html = 0.0
    json = 0.0
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        media = media.strip().lower()
        quality = _quality(params)
        if media in ("text/html", "application/xhtml+xml"):
            html = max(html, quality)
        elif media in ("application/json", "application/*", "*/*"):
            json = max(json, quality)
    return html > json


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0
