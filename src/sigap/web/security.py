"""Security headers on every answer: pages, the APIs, static files, photos, errors, the fast lane.

They are added in ``Sigap.__call__`` around ``send``, before the request is handed to the fast
lane or the framework, so no answer escapes them (a 404, a 500, a tile, a live stream). The
lists are built once per app from the settings, as bytes; a response pays for one list copy.

Pages get a Content-Security-Policy without inline script or inline style: every script is a
file under /static (a page's data travels in ``<script type="application/json">`` blocks, which
are not run), styles come from the stylesheets and from scripts through the CSSOM. Images may
also be ``data:`` (Leaflet's and Swagger UI's icons) and ``blob:`` (a photo's preview before it
is sent); the deployment's tile server (``map_tile_url``) and photo host (``media_url``), when
they are elsewhere, are added to ``img-src`` and ``connect-src``. Everything else (the JSON API,
Open311, photos, static files, the OpenAPI document) is never a document a browser should run,
so its policy allows nothing at all.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.types import Message, Scope, Send

from sigap.config import Settings
from sigap.web.negotiate import is_page_path

Header = tuple[bytes, bytes]

COMMON: tuple[Header, ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
HSTS = (b"strict-transport-security", b"max-age=31536000")


def source_of(url: str | None) -> str | None:
    """The CSP source of the host in ``url`` (a URL or an XYZ template), or None when it is
    relative or not http(s) (then 'self' covers it). A template's subdomain placeholder
    (``https://{s}.tile.example.org/{z}/{x}/{y}.png``) becomes a wildcard; a placeholder
    anywhere else in the host leaves only the scheme."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc.rpartition("@")[2]
    if "{" in host:
        first, _, rest = host.partition(".")
        if "{" in rest or not rest or not first.startswith("{") or not first.endswith("}"):
            return f"{parts.scheme}:"
        host = f"*.{rest}"
    return f"{parts.scheme}://{host}"


def page_policy(settings: Settings) -> str:
    """The Content-Security-Policy of pages under these settings."""
    media = settings.media_url or f"{settings.public_url.rstrip('/')}/media"
    elsewhere = [source_of(settings.map_tile_url), source_of(media)]
    extra = "".join(f" {source}" for source in dict.fromkeys(elsewhere) if source)
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data: blob:{extra}",
            f"connect-src 'self'{extra}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


class SecurityHeaders:
    """The headers of a page and of everything else, built once from the settings."""

    def __init__(self, settings: Settings) -> None:
        common = [*COMMON, HSTS] if settings.public_url.startswith("https://") else [*COMMON]
        self.page = [*common, (b"content-security-policy", page_policy(settings).encode())]
        self.other = [*common, (b"content-security-policy", API_POLICY.encode())]

    def adding(self, scope: Scope, send: Send) -> Send:
        """``send``, adding this request's headers to the start of its response."""
        extra = self.page if is_page_path(scope["path"]) else self.other

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        return send_with_headers


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for ``X-Forwarded-For``/``-Proto``: believed only from the peers in
    ``trusted_proxies``, and from nobody when it is empty (uvicorn's own default believes any
    loopback peer, which lets a client behind a careless proxy choose its address, and so
    its share of the per-address limits)."""
    if not settings.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": list(settings.trusted_proxies)}
