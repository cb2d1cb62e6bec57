"""The officials' web app (CROP): sign in, the unit's inbox, its map, a report and its actions.

Server-rendered and mobile first: a lurah works on a phone. The session is a cookie (HttpOnly,
SameSite=Lax, Secure on https) naming a revocable row in ``auth_session``; every form carries
that session's CSRF token. Pages reuse the JSON API's use cases and visibility rule.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sigap.auth import service as auth
from sigap.auth.deps import COOKIE, check_csrf, cookie_subject
from sigap.auth.service import Subject
from sigap.auth.signin import sign_in
from sigap.auth.web import cookie_options, safe_next
from sigap.citizen import social
from sigap.db import Database
from sigap.deps import Context, clock, context_of, in_transaction
from sigap.errors import SigapError
from sigap.inputs import Id
from sigap.models import Account
from sigap.models.states import OPEN_IN_INDEX_ORDER, OPEN_STATUSES, STATUSES
from sigap.moderation.rules import Audience
from sigap.officials import actions, service, uploads
from sigap.officials.schemas import InboxItem, InboxSort
from sigap.regions.state import RegionState, rw_layer, street_layer
from sigap.web import fields
from sigap.web.body import read_fields
from sigap.web.pages import render
from sigap.workflow import machine
from sigap.workflow.actions import Actor, Options
from sigap.workflow.sla import is_overdue

router = APIRouter(prefix="/officials", include_in_schema=False)
LOGIN_CSRF = "sigap_login_csrf"


async def official_page(request: Request) -> Subject | Response:
    """The signed-in official, or the way to the sign-in form (back here afterwards)."""
    subject = await cookie_subject(request)
    if subject is None or not subject.is_official:
        return _to_login(request)
    return subject


def _to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/officials/login?{urlencode({'next': target})}", status_code=303)


@router.get("/login")
async def login_form(request: Request, next: str = "/officials") -> Response:
    token = secrets.token_urlsafe(24)
    page = render(request, "officials/login.html", csrf=token, next=_safe_next(next), error=None)
    page.set_cookie(LOGIN_CSRF, token, max_age=3600, **cookie_options(request))
    return page


@router.post("/login")
async def login(request: Request) -> Response:
    form = await read_fields(request)
    ctx = context_of(request)
    next_url = _safe_next(form.get("next") or "/officials")
    expected = request.cookies.get(LOGIN_CSRF) or ""
    if not expected or not secrets.compare_digest(str(form.get("csrf") or ""), expected):
        return _login_error(request, SigapError("csrf_failed"), next_url)
    lifetime = timedelta(hours=ctx.settings.web_session_hours)

    def issue(session: Session, account: Account) -> auth.Issued:
        if account.role not in auth.OFFICIAL_ROLES:
            raise SigapError("official_only")
        return auth.issue(session, account, kind="web", lifetime=lifetime)

    email, password = str(form.get("email", "")), str(form.get("password", ""))
    try:
        issued = await sign_in(request, email, password, issue)
    except SigapError as error:
        return _login_error(request, error, next_url)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        COOKIE,
        issued.token,
        max_age=lifetime.seconds + lifetime.days * 86400,
        **cookie_options(request),
    )
    response.delete_cookie(LOGIN_CSRF, path="/")
    return response


def _login_error(request: Request, error: SigapError, next_url: str) -> Response:
    token = secrets.token_urlsafe(24)
    page = render(
        request,
        "officials/login.html",
        status_code=error.status,
        csrf=token,
        next=next_url,
        error=error.message(context_of(request).language),
    )
    page.headers.update(error.headers or {})  # a throttled sign-in's Retry-After
    page.set_cookie(LOGIN_CSRF, token, max_age=3600, **cookie_options(request))
    return page


def _safe_next(target: str) -> str:
    """Our own officials' or admin console pages: never an open redirect."""
    return safe_next(target, ("/officials", "/admin"), "/officials")


@router.post("/logout")
async def logout(request: Request) -> Response:
    subject = await cookie_subject(request)
    if subject is not None:
        form = await read_fields(request)
        check_csrf(subject, form.get("csrf") or "")
        await in_transaction(request, lambda s: auth.revoke_hash(s, subject.session_hash))
    response = RedirectResponse("/officials/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("")
async def inbox(request: Request) -> Response:
    subject = await official_page(request)
    if isinstance(subject, Response):
        return subject
    ctx = context_of(request)
    query = request.query_params
    statuses = [s for s in query.getlist("status") if s in STATUSES] or list(OPEN_IN_INDEX_ORDER)
    sort = InboxSort.urgency if set(statuses) <= OPEN_STATUSES else InboxSort.recent
    assignable = subject.role in machine.ASSIGNABLE
    mine = assignable and query.get("mine") == "1"
    filters = service.InboxFilters(
        statuses,
        [c for c in query.getlist("category") if c],
        query.get("kelurahan") or None,
        query.get("overdue") == "1",
        subject.account_id if mine else None,
        query.get("rw") or None,
    )
    now = clock(request)
    database: Database = request.app.state.db

    def read() -> tuple[list[InboxItem], str | None]:
        with database.reading() as session:
            return service.inbox_items(
                session,
                ctx.region,
                subject,
                filters,
                now=now,
                sort=sort,
                limit=50,
                cursor=query.get("cursor") or None,
                language=ctx.language,
                storage=request.app.state.photo_storage,
            )

    try:
        items, next_cursor = await run_in_threadpool(read)
    except SigapError:
        items, next_cursor = [], None
    next_params = [(k, v) for k, v in query.multi_items() if k != "cursor"]
    in_scope = _kelurahan_in_scope(ctx, subject)
    return render(
        request,
        "officials/inbox.html",
        subject=subject,
        unit=_unit_name(ctx, subject),
        items=items,
        countdown=countdown,
        now=now,
        filters=filters,
        categories=list(ctx.region.categories.values()),
        kelurahan=in_scope,
        rws=rw_choices(database, ctx.region, filters.kelurahan or _only(in_scope)),
        statuses=STATUSES,
        assignable=assignable,
        mine=mine,
        next_url=f"?{urlencode([*next_params, ('cursor', next_cursor)])}" if next_cursor else None,
    )


@router.get("/map")
async def unit_map(request: Request) -> Response:
    subject = await official_page(request)
    if isinstance(subject, Response):
        return subject
    ctx = context_of(request)
    now = clock(request)
    database: Database = request.app.state.db

    def read() -> list[Any]:
        with database.reading() as session:
            rows, _ = service.inbox(
                session,
                subject,
                service.InboxFilters(),
                now=now,
                sort=InboxSort.urgency,
                limit=1000,
                cursor=None,
            )
            return rows

    points = [
        {
            "id": row.id,
            "lat": row.lat,
            "lon": row.lon,
            "status": row.status,
            "category": ctx.region.categories[row.category_code].name(ctx.language),
            "overdue": is_overdue(row.due_at, now),
        }
        for row in await run_in_threadpool(read)
    ]
    return render(
        request,
        "officials/map.html",
        subject=subject,
        unit=_unit_name(ctx, subject),
        points=points,
    )


@router.get("/reports/{report_id}")
async def report_page(request: Request, report_id: Id) -> Response:
    subject = await official_page(request)
    if isinstance(subject, Response):
        return subject
    return await _report_page(request, subject, report_id, error=None)


async def _report_page(
    request: Request,
    subject: Subject,
    report_id: int,
    *,
    error: str | None,
    status_code: int = 200,
    failed: str | None = None,
    form_errors: dict[str, str] | None = None,
) -> Response:
    """The report's page; after a refused action (``failed``), its errors under their fields."""
    ctx = context_of(request)
    database: Database = request.app.state.db

    def read() -> Any:
        with database.reading() as session:
            report = service.view(
                session,
                ctx.region,
                subject,
                report_id,
                language=ctx.language,
                storage=request.app.state.photo_storage,
                network=ctx.network,
            )
            streets = street_layer(session, ctx.region)
            street = streets.nearest_name(report.lon, report.lat) if streets else None
            found = social.comments(session, report_id, audience=Audience.OFFICIAL)
            return found, report, street

    try:
        comments, report, street = await run_in_threadpool(read)
    except SigapError as missing:
        return render(
            request,
            "officials/missing.html",
            status_code=missing.status,
            subject=subject,
            message=missing.message(ctx.language),
        )
    return render(
        request,
        "officials/report.html",
        status_code=status_code,
        subject=subject,
        report=report,
        street=street,
        comments=comments,
        error=error,
        failed=failed,
        form_errors=form_errors or {},
        done=request.query_params.get("done"),
        countdown=countdown,
        now=clock(request),
        reasons=machine.REJECTION_REASONS,
        units=sorted(
            (u for u in ctx.region.units.values() if u.active), key=lambda u: u.name(ctx.language)
        ),
    )


@router.post("/reports/{report_id}/comments/{comment_id}/hide")
async def hide_comment(request: Request, report_id: Id, comment_id: Id) -> Response:
    """Moderation: an abusive comment leaves every public view (it stays for the record)."""
    subject = await official_page(request)
    if isinstance(subject, Response):
        return subject
    ctx = context_of(request)
    try:
        fields, _ = await uploads.read_action(request, ctx)
        check_csrf(subject, fields.get("csrf") or "")
        await in_transaction(
            request, lambda s: social.hide_comment(s, subject, report_id, comment_id)
        )
    except SigapError as error:
        return await _report_page(
            request, subject, report_id, error=error.message(ctx.language), status_code=error.status
        )
    return RedirectResponse(f"/officials/reports/{report_id}?done=hide_comment", status_code=303)


@router.post("/reports/{report_id}/{action}")
async def act(request: Request, report_id: Id, action: str) -> Response:
    subject = await official_page(request)
    if isinstance(subject, Response):
        return subject
    ctx = context_of(request)
    try:
        fields, stored = await uploads.read_action(request, ctx)
        check_csrf(subject, fields.get("csrf") or "")
        body = actions.from_form(action, fields)
    except KeyError:
        return await _report_page(request, subject, report_id, error=None, status_code=404)
    except RequestValidationError as invalid:
        return await _invalid(request, subject, report_id, action, invalid)
    except SigapError as error:
        return await _refused(request, subject, report_id, action, error)
    options = Options(
        rating_window=timedelta(days=ctx.settings.rating_window_days),
        now=clock(request),
        proof_distance_m=ctx.settings.proof_max_distance_m,
    )
    actor = Actor.official(subject)

    def perform(session: Session) -> object:
        return actions.perform(
            session, ctx.region, actor, report_id, body, options=options, stored=stored
        )

    try:
        await in_transaction(request, perform)
    except SigapError as error:
        return await _refused(request, subject, report_id, action, error)
    return RedirectResponse(f"/officials/reports/{report_id}?done={action}", status_code=303)


async def _refused(
    request: Request, subject: Subject, report_id: int, action: str, error: SigapError
) -> Response:
    shown = fields.form_errors(error, fields.OFFICIAL_ACTIONS, context_of(request).language)
    return await _report_page(
        request, subject, report_id, error=shown.message, status_code=error.status,
        failed=action, form_errors=shown.fields,
    )  # fmt: skip


async def _invalid(
    request: Request,
    subject: Subject,
    report_id: int,
    action: str,
    invalid: RequestValidationError,
) -> Response:
    """A form its model refused (a note too long, a flag that is no flag): the page again,
    each error under its field, nothing changed."""
    language = context_of(request).language
    shown = fields.validation_errors(invalid.errors(), fields.OFFICIAL_ACTIONS, language)
    status = SigapError("invalid_input").status
    return await _report_page(
        request, subject, report_id, error=shown.message, status_code=status,
        failed=action, form_errors=shown.fields,
    )  # fmt: skip


def countdown(due_at: datetime | None, now: datetime, language: str) -> str:
    """Time left before a deadline (or how late it is), as an official reads it at a glance."""
    if due_at is None:
        return ""
    seconds = int((due_at - now).total_seconds())
    hours, minutes = divmod(abs(seconds) // 60, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days}h" if language == "id" else f"{days}d"] if days else []
    parts += [f"{hours}j" if language == "id" else f"{hours}h", f"{minutes}m"]
    span = " ".join(parts)
    if seconds <= 0:
        return f"terlambat {span}" if language == "id" else f"{span} overdue"
    return f"{span} lagi" if language == "id" else f"{span} left"


def _unit_name(ctx: Context, subject: Subject) -> str:
    return ctx.region.units[subject.unit_id].name(ctx.language) if subject.unit_id else ""


def _only(kelurahan: list[tuple[str, str]]) -> str | None:
    """The one kelurahan of a lurah's scope (its RW are offered at once), else None."""
    return kelurahan[0][0] if len(kelurahan) == 1 else None


def rw_choices(database: Database, region: RegionState, kelurahan: str | None) -> list[str]:
    """The RW codes of a kelurahan for the inbox's RW filter (none without an RW layer)."""
    if kelurahan is None or "rw" not in region.layers:
        return []
    with database.reading() as session:
        rws = rw_layer(session, region) or []
    return sorted(rw.code for rw in rws if rw.kelurahan_code == kelurahan)


def _kelurahan_in_scope(ctx: Context, subject: Subject) -> list[tuple[str, str]]:
    """Kelurahan an official may filter by: those of the units in its scope."""
    areas = ctx.region.areas
    if subject.scope is None:
        codes = [code for code, area in areas.items() if area.level == "kelurahan"]
    else:
        codes = []
        for unit_id in subject.scope:
            code = ctx.region.units[unit_id].area_code
            if code is None:
                continue
            pending = [code]
            while pending:
                current = pending.pop()
                if areas[current].level == "kelurahan":
                    codes.append(current)
                pending.extend(ctx.region.children.get(current, []))
    return sorted({(code, areas[code].name) for code in codes}, key=lambda item: item[1])
