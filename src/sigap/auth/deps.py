"""Who is calling: bearer tokens for the JSON API, the session cookie (+ CSRF) for web pages.

The JSON API never reads the cookie, so a page on another site cannot make a signed-in
browser act through it; web forms carry the session's CSRF token, checked on every POST.

The one admin policy: an active account with the role ``admin`` (:func:`admin_only`), through
its bearer token on ``/api/v1/admin`` (:data:`CurrentAdmin`) or its session cookie on the
console's pages under ``/admin``. There is no other key: every admin change is done, and
audited, as an account. Scripts sign in as an admin account (a labelled, revocable API token);
the first admin account is made with ``sigap account create --role admin``.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from sigap.auth.service import SUBJECT, Subject, subject_from
from sigap.db import Database
from sigap.deps import context_of
from sigap.errors import SigapError
from sigap.kit import sha256_hex

COOKIE = "sigap_session"


async def _lookup(request: Request, token: str, kind: str) -> Subject | None:
    """The token's subject, read on every request (a revoked token is refused at once): by its
    sha256, the only form stored, from the event loop (:data:`sigap.auth.service.SUBJECT`)."""
    database: Database = request.app.state.db
    row = await database.fetch_by_key(SUBJECT, sha256_hex(token))
    return subject_from(row, context_of(request).region, kind=kind)


async def bearer_subject(request: Request) -> Subject:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    subject = None
    if scheme.lower() == "bearer" and token.strip():
        subject = await _lookup(request, token.strip(), "api")
    if subject is None:
        raise SigapError("not_signed_in")
    return subject


async def bearer_official(request: Request) -> Subject:
    subject = await bearer_subject(request)
    if not subject.is_official:
        raise SigapError("official_only")
    return subject


def admin_only(subject: Subject) -> Subject:
    """``subject`` if it is an admin, else 403 ``admin_only``: the one rule of who is an admin,
    for the JSON API and the console's pages alike."""
    if subject.role != "admin":
        raise SigapError("admin_only")
    return subject


async def bearer_admin(request: Request) -> Subject:
    """The bearer token's subject, if it is an admin; else 403 ``admin_only`` (401 unsigned)."""
    return admin_only(await bearer_subject(request))


async def cookie_subject(request: Request) -> Subject | None:
    """The signed-in web user, or None (pages redirect to the sign-in form)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    return await _lookup(request, token, "web")


def check_csrf(subject: Subject, submitted: str | None) -> None:
    expected = subject.csrf_token or ""
    if not submitted or not expected or not hmac.compare_digest(submitted, expected):
        raise SigapError("csrf_failed")


CurrentSubject = Annotated[Subject, Depends(bearer_subject)]
CurrentOfficial = Annotated[Subject, Depends(bearer_official)]
CurrentAdmin = Annotated[Subject, Depends(bearer_admin)]
"""Every route under ``/api/v1/admin`` takes this (tests/test_access.py checks it)."""
