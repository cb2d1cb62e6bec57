"""What every page of the citizen app needs: who is there (account or device), CSRF, render.

A visitor without an account gets a long-lived random device cookie. It identifies the device
for +1 (one support per device) and is also the anonymous forms' CSRF token (double submit: a
page on another site can neither read the cookie nor guess it). A signed-in citizen's forms
carry the session's CSRF token, as in the officials' app.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from sigap.auth import devices
from sigap.auth.deps import cookie_subject
from sigap.auth.service import Subject
from sigap.auth.web import cookie_options
from sigap.deps import client_address, language_of
from sigap.errors import SigapError
from sigap.kit import sha256_hex
from sigap.web.pages import render
from sigap.web.texts import TEXTS, translate

DEVICE = "sigap_device"
ICONS = {
    "traffic": "🚦", "trash": "🗑️", "flood": "🌊", "road": "🛣️", "lamp": "💡", "tree": "🌳",
    "drain": "🕳️", "fire": "🔥", "water": "🚰", "bus": "🚌", "parking": "🅿️", "vendor": "🛒",
    "building": "🏢", "bridge": "🌉", "billboard": "🪧", "people": "👥", "police": "👮",
    "hospital": "🏥", "food": "🍲", "smoking": "🚭", "landslide": "⛰️", "irrigation": "💧",
    "crop": "🌾", "facility": "🏛️", "train": "🚆",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Visitor:
    subject: Subject | None
    device: str
    new_device: bool
    address: str | None = None  # hashed, for the limits per address

    @property
    def csrf(self) -> str:
        if self.subject is not None and self.subject.csrf_token:
            return self.subject.csrf_token
        return self.device

    @property
    def account_id(self) -> int | None:
        return self.subject.account_id if self.subject is not None else None

    @property
    def device_hash(self) -> str:
        return sha256_hex(self.device)


async def visitor(request: Request) -> Visitor:
    """Who is there: the signed-in account, and the device (issued now when the cookie is
    missing or not one this server signed, see :mod:`sigap.auth.devices`)."""
    subject = await cookie_subject(request)
    secret: bytes = request.app.state.device_secret
    device = request.cookies.get(DEVICE, "")
    address = client_address(request)
    if devices.is_valid(secret, device):
        return Visitor(subject, device, False, address)
    return Visitor(subject, devices.issue(secret), True, address)


def check(visitor: Visitor, submitted: str | None) -> None:
    if not submitted or not hmac.compare_digest(submitted, visitor.csrf):
        raise SigapError("csrf_failed")


def page(
    request: Request, who: Visitor, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    response = render(
        request,
        f"citizen/{template}",
        status_code=status_code,
        visitor=who,
        icons=ICONS,
        action_label=lambda action: _action_label(request, action),
        **context,
    )
    if who.new_device:
        response.set_cookie(DEVICE, who.device, max_age=365 * 86400, **cookie_options(request))
    return response


def _action_label(request: Request, action: str) -> str:
    key = f"action_{action}"
    return translate(language_of(request), key) if key in TEXTS else action
