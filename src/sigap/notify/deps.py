"""Who may use the admin API (dead letters, webhooks): an account with the role ``admin``
signed in with a bearer token, or — for operators' scripts and before any admin account
exists — the bearer token of ``SIGAP_ADMIN_TOKEN`` (unset: only admin accounts)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from sigap.auth.deps import bearer_admin
from sigap.config import Settings


async def require_admin(request: Request) -> None:
    settings: Settings = request.app.state.settings
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    expected = settings.admin_token
    if expected and scheme.lower() == "bearer" and hmac.compare_digest(token.strip(), expected):
        return
    await bearer_admin(request)  # 401 when not signed in, 403 when not an admin


AdminRequired = Annotated[None, Depends(require_admin)]
