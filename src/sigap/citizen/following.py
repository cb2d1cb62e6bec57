"""A report in the app: by tracking token (the anonymous reporter's key, and the confirmation
after submit) or by id (any public report), with support, follow, comments, and for the
reporter the rating and the appeal, which call the CROP workflow's use cases."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from sigap.citizen import social
from sigap.citizen.pages import to_signin
from sigap.citizen.web import Visitor, check, page, read, visitor
from sigap.deps import clock, context_of, in_transaction, language_of
from sigap.errors import InvalidInput, NotFound, SigapError
from sigap.i18n import LANGUAGES
from sigap.photos import service as photos
from sigap.reports import present, service
from sigap.web.texts import translate
from sigap.workflow import actions

router = APIRouter(prefix="/app", include_in_schema=False)
TOKEN = re.compile(r"[A-Za-z0-9_-]{8,100}")  # tracking tokens are secrets.token_urlsafe(24)
TRACK_LINK = re.compile(r"/track/([A-Za-z0-9_-]{8,100})/?$")
REPORT_LINK = re.compile(r"/reports/(\d{1,18})/?$")


def _view(request: Request, who: Visitor, report: dict[str, Any], token: str | None) -> Any:
    ctx = context_of(request)
    storage = request.app.state.photo_storage

    def work(session: Session) -> dict[str, Any]:
        report_id = report["id"]
        owner = who.account_id is not None and social.is_reporter(
            session, who.account_id, report_id
        )
        return {
            "report": report,
            "view": present.report(
                ctx.region, report, service.timeline(session, report_id), ctx.language,
                photos.public(session, [report_id])[report_id], storage,
            ),
            "comments": social.comments(session, report_id),
            "supported": social.supported(
                session, report_id, who.account_id, who.device_hash
            ),
            "following": who.account_id is not None
            and social.follows(session, who.account_id, report_id),
            "owner": owner or token is not None,
            "token": token,
        }  # fmt: skip

    return work


async def _show(
    request: Request, who: Visitor, report: dict[str, Any], token: str | None, **extra: Any
) -> Response:
    data = await read(request, _view(request, who, report, token))
    public_url = context_of(request).settings.public_url
    status = extra.pop("status_code", 200)
    return page(
        request, who, "report.html", status_code=status, public_url=public_url,
        new=request.query_params.get("new") == "1", **{"error": None, **data, **extra},
    )  # fmt: skip


@router.get("/track")
async def track_box(request: Request) -> Response:
    """The "track a report" box: a tracking code or a whole pasted link, to its page."""
    pasted = request.query_params.get("token", "")
    target = tracked_path(pasted)
    if target is None:
        if not pasted.strip():
            return RedirectResponse("/app", status_code=303)
        return await _unknown_token(request)
    lang = request.query_params.get("lang")
    suffix = f"?lang={lang}" if lang in LANGUAGES else ""
    return RedirectResponse(target + suffix, status_code=303)


def tracked_path(pasted: str) -> str | None:
    """The app's page of a tracking code or link: ``CODE``, ``…/app/track/CODE``,
    ``…?token=CODE`` or ``…/reports/ID``; None when the text is none of those."""
    text = pasted.strip()
    if TOKEN.fullmatch(text):
        return f"/app/track/{text}"
    link = urlsplit(text)
    token = parse_qs(link.query).get("token", [""])[-1]
    found = TRACK_LINK.search(link.path)
    if found is not None or TOKEN.fullmatch(token):
        return f"/app/track/{found.group(1) if found is not None else token}"
    found = REPORT_LINK.search(link.path)
    return f"/app/reports/{found.group(1)}" if found is not None else None


@router.get("/track/{token}")
async def track(request: Request, token: str) -> Response:
    return await _found(request, lambda s: service.by_tracking_token(s, token), token)


@router.get("/reports/{report_id}")
async def report_page(request: Request, report_id: int) -> Response:
    return await _found(request, lambda s: service.get(s, report_id), None)


async def _found(request: Request, find: Callable[[Session], Any], token: str | None) -> Response:
    """The report page of what ``find`` finds, or the missing page (404)."""
    who = await visitor(request)
    try:
        report = await read(request, find)
    except NotFound as missing:
        if token is not None:
            return await _unknown_token(request, who)
        return page(request, who, "missing.html", status_code=404, tracking=False,
                    message=missing.message(context_of(request).language))  # fmt: skip
    return await _show(request, who, report, token)


async def _unknown_token(request: Request, who: Visitor | None = None) -> Response:
    """404, in words a reporter understands, with the box to try again."""
    who = who or await visitor(request)
    message = translate(language_of(request), "app_track_unknown")
    return page(request, who, "missing.html", status_code=404, tracking=True, message=message)


@router.post("/reports/{report_id}/{action}")
async def act(request: Request, report_id: int, action: str) -> Response:
    """support, follow, unfollow, comment, rate, appeal: a form post, then back to the page."""
    return await _act(request, action, lambda s: report_id, None)


@router.post("/track/{token}/{action}")
async def act_by_token(request: Request, token: str, action: str) -> Response:
    return await _act(request, action, lambda s: service.by_tracking_token(s, token)["id"], token)


async def _act(
    request: Request, action: str, find: Callable[[Session], int], token: str | None
) -> Response:
    who = await visitor(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    check(who, form.get("csrf"))
    needs_account = action in ("follow", "unfollow", "comment") or (
        action in ("rate", "appeal") and token is None
    )
    if needs_account and who.subject is None:
        return to_signin(request)
    handler = HANDLERS.get(action)
    if handler is None:
        raise NotFound("not_found")
    ctx = context_of(request)
    options = actions.Options(
        rating_window=timedelta(days=ctx.settings.rating_window_days), now=clock(request)
    )

    def run(session: Session) -> int:
        report_id = find(session)
        owner_only = action in ("rate", "appeal") and token is None
        if owner_only and not social.is_reporter(session, who.account_id or 0, report_id):
            raise SigapError("not_your_report", status=403)
        handler(session, ctx.region, who, report_id, form, options)
        return report_id

    try:
        report_id = await in_transaction(request, run)
    except SigapError as error:
        report = await read(request, lambda s: service.get(s, find(s)))
        return await _show(
            request, who, report, token, error=error.message(ctx.language),
            status_code=error.status,
        )  # fmt: skip
    back = f"/app/track/{token}" if token else f"/app/reports/{report_id}"
    return RedirectResponse(f"{back}?done={action}", status_code=303)


Handler = Callable[[Session, Any, Visitor, int, dict[str, str], actions.Options], None]


def _support(s: Session, region: Any, who: Visitor, rid: int, form: Any, o: Any) -> None:
    social.support(s, rid, account_id=who.account_id, device=who.device_hash)


def _follow(s: Session, region: Any, who: Visitor, rid: int, form: Any, o: Any) -> None:
    social.follow(s, who.account_id or 0, rid)


def _unfollow(s: Session, region: Any, who: Visitor, rid: int, form: Any, o: Any) -> None:
    social.unfollow(s, who.account_id or 0, rid)


def _comment(s: Session, region: Any, who: Visitor, rid: int, form: Any, o: Any) -> None:
    body = form.get("body", "").strip()
    if not body or len(body) > 2000:
        raise InvalidInput("invalid_input")
    social.comment(s, who.account_id or 0, rid, body)


def _rate(s: Session, region: Any, who: Visitor, rid: int, form: Any, o: Any) -> None:
    """3-5 stars close the report; 1-2 stars with a reason reopen it (the CROP rule)."""
    try:
        stars = int(form.get("stars", ""))
    except ValueError:
        raise InvalidInput("invalid_input") from None
    if not 1 <= stars <= 5:
        raise InvalidInput("invalid_input")
    note = form.get("comment", "").strip()[:2000] or None
    if stars <= 2:
        if note is None:
            raise InvalidInput("rating_reason_required")
        actions.reopen(s, region, actions.REPORTER, rid, reason=note, rating=stars, options=o)
    else:
        actions.accept(s, region, actions.REPORTER, rid, rating=stars, comment=note, options=o)


def _appeal(s: Session, region: Any, who: Visitor, rid: int, form: Any, o: Any) -> None:
    reason = form.get("reason", "").strip()[:2000]
    actions.appeal(s, region, actions.REPORTER, rid, reason=reason, options=o)


HANDLERS: dict[str, Handler] = {
    "support": _support,
    "follow": _follow,
    "unfollow": _unfollow,
    "comment": _comment,
    "rate": _rate,
    "appeal": _appeal,
}
