"""Signing in for API clients: issue, list and revoke bearer tokens."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response, status
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sigap.auth import schemas, service
from sigap.auth.deps import CurrentSubject
from sigap.auth.service import Subject
from sigap.auth.signin import sign_in
from sigap.config import Settings
from sigap.db import Database
from sigap.deps import Ctx, in_transaction
from sigap.errors import SigapError
from sigap.models import Account
from sigap.regions.state import RegionState

router = APIRouter(prefix="/api/v1/auth", tags=["sign-in"])


def me(state: RegionState, subject: Subject) -> schemas.Me:
    unit = state.units[subject.unit_id].code if subject.unit_id is not None else None
    return schemas.Me(
        id=subject.account_id,
        name=subject.name,
        email=subject.email,
        role=subject.role,
        unit=unit,
        language=subject.language,
    )


@router.post(
    "/tokens",
    status_code=status.HTTP_201_CREATED,
    summary="Sign in: get a token",
    description="Wrong credentials answer 401 `invalid_credentials`. Repeated failures for an "
    "e-mail address, or from one client address, answer 429 `sign_in_throttled` (growing "
    "delays) and then `sign_in_locked` (the account is locked for a while), with Retry-After; "
    "the right password is not checked until then.",
)
async def login(body: schemas.Login, request: Request, ctx: Ctx) -> schemas.TokenIssued:
    settings: Settings = ctx.settings
    lifetime = timedelta(days=settings.api_token_days)

    def issue(session: Session, account: Account) -> tuple[service.Issued, Subject]:
        issued = service.issue(session, account, kind="api", lifetime=lifetime, label=body.label)
        subject = service.subject_of(session, ctx.region, issued.token, kind="api")
        assert subject is not None  # noqa: S101 - issued just above
        return issued, subject

    issued, subject = await sign_in(request, body.email, body.password, issue)
    return schemas.TokenIssued(
        token=issued.token,
        token_id=issued.token_id,
        expires_at=issued.expires_at,
        account=me(ctx.region, subject),
    )


@router.get("/me", summary="Who the token belongs to")
def whoami(subject: CurrentSubject, ctx: Ctx) -> schemas.Me:
    return me(ctx.region, subject)


@router.get("/tokens", summary="This account's live sessions and tokens")
async def list_tokens(subject: CurrentSubject, request: Request) -> list[schemas.TokenInfo]:
    database: Database = request.app.state.db

    def find() -> list[schemas.TokenInfo]:
        with database.reading() as session:
            return [
                schemas.TokenInfo(
                    token_id=service.token_id(row.token_hash),
                    kind=row.kind,
                    label=row.label,
                    created_at=row.created_at,
                    expires_at=row.expires_at,
                )
                for row in service.live_tokens(session, subject.account_id)
            ]

    return await run_in_threadpool(find)


@router.delete(
    "/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke a token"
)
async def revoke_token(token_id: str, subject: CurrentSubject, request: Request) -> Response:
    if len(token_id) < 8:
        raise SigapError("token_not_found", token_id=token_id)
    revoked = await in_transaction(
        request, lambda session: service.revoke(session, subject.account_id, token_id)
    )
    if not revoked:
        raise SigapError("token_not_found", token_id=token_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/tokens", status_code=status.HTTP_204_NO_CONTENT, summary="Sign out: revoke this token"
)
async def logout(subject: CurrentSubject, request: Request) -> Response:
    await in_transaction(
        request, lambda session: service.revoke_hash(session, subject.session_hash)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
