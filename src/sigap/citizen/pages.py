"""The citizen app's account pages: home, sign up, sign in, sign out, my reports.

Server-rendered and mobile first (360 px); every form carries a CSRF token (see
:mod:`sigap.citizen.web`). Reports are filed on /app/new (sigap.citizen.filing).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from sigap.auth import service as auth
from sigap.auth.deps import COOKIE
from sigap.auth.signin import sign_in
from sigap.auth.web import cookie_options, safe_next
from sigap.citizen import accounts, social
from sigap.citizen.web import Visitor, check, page, visitor
from sigap.deps import context_of, in_reading, in_transaction
from sigap.errors import SigapError
from sigap.models import Account
from sigap.moderation import rules
from sigap.reports import service as reports
from sigap.reports.present import is_public
from sigap.web.body import read_fields

router = APIRouter(prefix="/app", include_in_schema=False)


@router.get("")
async def home(request: Request) -> Response:
    return page(request, await visitor(request), "home.html")


@router.get("/signup")
async def signup_form(request: Request) -> Response:
    return page(request, await visitor(request), "sign.html", mode="signup", error=None, form={})


@router.get("/signin")
async def signin_form(request: Request) -> Response:
    return page(request, await visitor(request), "sign.html", mode="signin", error=None, form={})


@router.post("/signup")
async def signup(request: Request) -> Response:
    return await _sign(request, "signup")


@router.post("/signin")
async def signin(request: Request) -> Response:
    return await _sign(request, "signin")


async def _sign(request: Request, mode: str) -> Response:
    who = await visitor(request)
    form = await read_fields(request)
    ctx = context_of(request)
    lifetime = timedelta(hours=ctx.settings.web_session_hours)

    def issue(session: Session, account: Account) -> auth.Issued:
        return auth.issue(session, account, kind="web", lifetime=lifetime)

    def sign_up(session: Session) -> auth.Issued:
        account = accounts.sign_up(
            session,
            email=form.get("email", ""),
            phone=form.get("phone", ""),
            name=form.get("name", ""),
            password=form.get("password", ""),
            minimum=ctx.settings.citizen_password_min,
        )
        return issue(session, account)

    def login(session: Session) -> str:
        return accounts.login_email(session, form.get("identifier", ""))

    try:
        check(who, form.get("csrf"))
        if mode == "signup":
            issued = await in_transaction(request, sign_up)
        else:
            issued = await sign_in(request, login, form.get("password", ""), issue)
    except SigapError as error:
        form.pop("password", None)
        answer = page(
            request, who, "sign.html", status_code=error.status, mode=mode,
            error=error.message(ctx.language), form=form,
        )  # fmt: skip
        answer.headers.update(error.headers or {})  # a throttled sign-in's Retry-After
        return answer
    response = RedirectResponse(_safe_next(form.get("next", "")), status_code=303)
    response.set_cookie(
        COOKIE, issued.token, max_age=int(lifetime.total_seconds()), **cookie_options(request)
    )
    return response


def _safe_next(target: str) -> str:
    return safe_next(target, ("/app", "/reports/"), "/app/my")


@router.post("/signout")
async def signout(request: Request) -> Response:
    who = await visitor(request)
    form = await read_fields(request)
    check(who, form.get("csrf") or "")
    if who.subject is not None:
        session_hash = who.subject.session_hash
        await in_transaction(request, lambda s: auth.revoke_hash(s, session_hash))
    response = RedirectResponse("/app", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def to_signin(request: Request, back: str | None = None) -> RedirectResponse:
    """To the sign-in page, then back to ``back`` (a form's page), or else to this page."""
    return RedirectResponse(f"/app/signin?next={back or request.url.path}", status_code=303)


@router.get("/my")
async def my_reports(request: Request) -> Response:
    who = await visitor(request)
    if who.subject is None:
        return to_signin(request)
    account_id = who.subject.account_id
    ctx = context_of(request)

    def work(session: Session) -> dict[str, Any]:
        own = social.mine(session, account_id)
        # Followed reports as the public sees them now (a moderator may have acted since).
        followed = [
            {**r, "description": rules.public_summary(ctx.region, r, ctx.language)}
            for r in social.followed(session, account_id)
            if r["visibility"] == rules.PUBLIC
        ]
        ids = [r["id"] for r in own + followed]
        timelines = {
            report_id: [event for event in events if is_public(event)]
            for report_id, events in reports.timelines(session, ids).items()
        }  # internal notes and assignments are for officials only
        return {"own": own, "followed": followed, "timelines": timelines}

    return page(request, who, "my.html", **(await in_reading(request, work)))


def signed_in(who: Visitor) -> bool:
    return who.subject is not None
