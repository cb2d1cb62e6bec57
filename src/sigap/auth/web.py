"""Cookie settings shared by the web apps (officials' and citizens'): one rule for all."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from sigap.deps import context_of


def cookie_options(request: Request) -> dict[str, Any]:
    """HttpOnly, SameSite=Lax, and Secure when the site is served over https (or configured)."""
    settings = context_of(request).settings
    secure = settings.cookie_secure
    if secure is None:
        secure = settings.public_url.startswith("https://")
    return {"httponly": True, "samesite": "lax", "secure": secure, "path": "/"}


def safe_next(target: str, prefix: str | tuple[str, ...], default: str) -> str:
    """Where to go after signing in: only a page of this app, never an open redirect."""
    return target if target.startswith(prefix) and "//" not in target else default
