"""The one way in. API tokens (``POST /api/v1/auth/tokens``), the officials' and admins'
sign-in page (``/officials/login``) and the citizen app's (``/app/signin``) all call
:func:`sign_in`, so every channel is throttled alike (:mod:`sigap.auth.throttle`) and answers
alike: 401 ``invalid_credentials``, 429 ``sign_in_throttled`` or ``sign_in_locked``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from fastapi import Request
from sqlalchemy.orm import Session

from sigap.auth import throttle
from sigap.deps import client_address, clock, context_of, in_transaction
from sigap.errors import SigapError
from sigap.models import Account

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Refusal:
    error: SigapError


async def sign_in(
    request: Request,
    login: str | Callable[[Session], str],
    password: str,
    then: Callable[[Session, Account], T],
) -> T:
    """Check ``password`` for the account of ``login`` (an e-mail, or a function that finds
    the account's e-mail in the session, from a phone number say), then run ``then`` (issue a
    session or token) in the same transaction. A failure is counted and committed before its
    error is raised; ``then`` may still raise (a citizen on the officials' page), which undoes
    only what it did and the counter's reset."""
    ctx = context_of(request)
    host = request.client.host if request.client else None
    address, shown, now = client_address(request), partial_address(host), clock(request)

    def run(session: Session) -> T | _Refusal:
        email = (login(session) if callable(login) else login).strip().lower()
        tried = throttle.Attempt(email, password, address, shown, now, ctx.region.timezone)
        outcome = throttle.attempt(session, ctx.settings, tried)
        if isinstance(outcome, SigapError):
            return _Refusal(outcome)
        return then(session, outcome)

    result = await in_transaction(request, run)
    if isinstance(result, _Refusal):
        raise result.error
    return result


def partial_address(host: str | None) -> str:
    """Enough of an address for a person to recognize their office's network, not a
    machine: 203.0.113.x, or an IPv6 address's /48."""
    try:
        ip = ipaddress.ip_address(host or "")
    except ValueError:
        return "-"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv4Address):
        return str(ip).rsplit(".", 1)[0] + ".x"
    return str(ipaddress.ip_network(f"{ip}/48", strict=False))
