"""Who may use the admin API (dead letters, webhooks).

``require_admin`` is a PLACEHOLDER until officials sign in (the CROP issue): it accepts only the
bearer token of ``SIGAP_ADMIN_TOKEN`` and refuses everything when that is unset. Point
``AdminRequired`` at the real admin check then; nothing else needs to change.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from sigap.config import Settings
from sigap.errors import SigapError


def require_admin(request: Request) -> None:
    settings: Settings = request.app.state.settings
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    expected = settings.admin_token
    if not expected or scheme.lower() != "bearer" or not hmac.compare_digest(token, expected):
        raise SigapError("admin_required", status=401 if not header else 403)


AdminRequired = Annotated[None, Depends(require_admin)]
