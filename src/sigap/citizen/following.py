"""A report's one page, for everyone: ``/reports/{id}``, the address Open311, e-mails, exports
and the map link to. It shows the report (place, photos, answers, both deadlines and whether
each was met, the rating, the public timeline), support (+1), follow and comments; and for its
reporter (the tracking code, or the account or device that filed it) the rating and the appeal,
which call the CROP workflow's use cases. ``/app/track/{token}`` renders the same page for the
holder of a tracking code (after a submit, with the confirmation); the app's former address
``/app/reports/{id}`` answers a 301 to ``/reports/{id}``, query string kept.

The page reads a fixed number of statements whatever the report holds (the report, its events,
its photos, its comments, and one each for support, follow and reporter), never one per item.
"""

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
from sigap.citizen.web import Visitor, check, page, visitor
from sigap.deps import Context, clock, context_of, in_reading, in_transaction, language_of
from sigap.errors import SigapError
from sigap.i18n import LANGUAGES
from sigap.inputs import Id
from sigap.models.rows import ReportRow
from sigap.moderation.rules import PARTS, Audience, is_visible, public_hidden
from sigap.photos import service as photos
from sigap.reports import present, reporter, service
from sigap.web import fields
from sigap.web.body import read_fields
from sigap.web.texts import translate
from sigap.workflow import actions

router = APIRouter(include_in_schema=False)
TOKEN = re.compile(r"[A-Za-z0-9_-]{8,100}")  # tracking tokens are secrets.token_urlsafe(24)
TRACK_LINK = re.compile(r"/track/([A-Za-z0-9_-]{8,100})/?$")
REPORT_LINK = re.compile(r"/reports/(\d{1,18})/?$")
COMMENT_MAX = 2000  # the comment, rating and appeal boxes (maxlength in report.html)


def _key(who: Visitor, token: str | None) -> reporter.Key:
    """What this visitor holds that may make them the reporter: the tracking code of the page's
    address, their account, their device (not a device seen for the first time: it filed
    nothing)."""
    device = None if who.new_device else who.device_hash
    return reporter.Key(token=token, account_id=who.account_id, device=device)


def _view(request: Request, who: Visitor, report: ReportRow, token: str | None) -> Any:
    ctx = context_of(request)
    storage = request.app.state.photo_storage
    now = clock(request)

    def work(session: Session) -> dict[str, Any]:
        report_id = report["id"]
        owner = reporter.owns(session, _key(who, token), report)
        # The reporter sees their own report whole; anyone else what the public sees, and
        # nothing of a report that is not public (sigap.moderation.rules).
        audience = Audience.OWNER if owner else Audience.PUBLIC
        if not is_visible(report["visibility"], audience):
            raise SigapError("report_not_found", report_id=report_id)
        hidden = public_hidden(report)
        return {
            "view": present.report(
                ctx.region, report, service.timeline(session, report_id), ctx.language,
                photos.public(session, [report_id])[report_id], storage, audience=audience,
                network=ctx.network,
            ),
            "visibility": report["visibility"],
            "public_hidden": hidden,
            "hidden_names": ", ".join(
                translate(ctx.language, f"mod_part_{part}") for part in PARTS if part in hidden
            ),
            "deadlines": present.deadlines(report, now),
            "comments": social.comments(session, report_id, audience=audience, report=report),
            "supported": social.supported(
                session, report_id, who.account_id, who.device_hash
            ),
            "following": who.account_id is not None
            and social.follows(session, who.account_id, report_id),
            "owner": owner,
            "token": token,
        }  # fmt: skip

    return work


async def _show(
    request: Request, who: Visitor, report: ReportRow, token: str | None, **extra: Any
) -> Response:
    data = await in_reading(request, _view(request, who, report, token))
    public_url = context_of(request).settings.public_url
    status = extra.pop("status_code", 200)
    context = {"error": None, "form_errors": {}, "form": {}, "failed": None, **data, **extra}
    return page(
        request, who, "report.html", status_code=status, public_url=public_url,
        new=request.query_params.get("new") == "1", comment_max=COMMENT_MAX, **context,
    )  # fmt: skip


@router.get("/app/track")
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
    return f"/reports/{found.group(1)}" if found is not None else None


@router.get("/app/track/{token}")
async def track(request: Request, token: str) -> Response:
    return await _found(request, lambda s: service.by_tracking_token(s, token), token)


@router.get("/reports/{report_id}")
async def report_page(request: Request, report_id: Id) -> Response:
    return await _found(request, lambda s: service.get(s, report_id), None)


@router.get("/app/reports/{report_id}")
async def former_report_page(request: Request, report_id: Id) -> Response:
    """The app's former address of a report (old links, bookmarks, installed apps)."""
    query = request.url.query
    target = f"/reports/{report_id}" + (f"?{query}" if query else "")
    return RedirectResponse(target, status_code=301)


async def _found(
    request: Request, find: Callable[[Session], ReportRow], token: str | None
) -> Response:
    """The report page of what ``find`` finds, or the missing page (404): also for a report
    the visitor may not see (not public, and not theirs)."""
    who = await visitor(request)
    try:
        report = await in_reading(request, find)
        return await _show(request, who, report, token)
    except SigapError as missing:
        if missing.status != 404:
            raise
        if token is not None:
            return await _unknown_token(request, who)
        return page(request, who, "missing.html", status_code=404, tracking=False,
                    message=missing.message(context_of(request).language))  # fmt: skip


async def _unknown_token(request: Request, who: Visitor | None = None) -> Response:
    """404, in words a reporter understands, with the box to try again."""
    who = who or await visitor(request)
    message = translate(language_of(request), "app_track_unknown")
    return page(request, who, "missing.html", status_code=404, tracking=True, message=message)


@router.post("/app/reports/{report_id}/{action}")
async def act(request: Request, report_id: Id, action: str) -> Response:
    """support, follow, unfollow, comment, rate, appeal: a form post, then back to the page."""
    return await _act(request, action, lambda s: report_id, None, f"/reports/{report_id}")


@router.post("/app/track/{token}/{action}")
async def act_by_token(request: Request, token: str, action: str) -> Response:
    def find(session: Session) -> int:
        return int(service.by_tracking_token(session, token)["id"])

    return await _act(request, action, find, token, f"/app/track/{token}")


SIGNED_IN = ("follow", "unfollow", "comment")  # rate and appeal: the reporter (reports.reporter)


async def _act(
    request: Request, action: str, find: Callable[[Session], int], token: str | None, back: str
) -> Response:
    """Run the action in one transaction and go back to the page (303); on a refusal, the page
    again with the error next to the field it concerns and what was typed kept."""
    who = await visitor(request)
    form = await read_fields(request)
    check(who, form.get("csrf"))
    handler = HANDLERS.get(action)
    if handler is None:
        raise SigapError("not_found")
    if action in SIGNED_IN and who.subject is None:
        return to_signin(request, back)
    ctx = context_of(request)
    options = actions.Options(
        rating_window=timedelta(days=ctx.settings.rating_window_days), now=clock(request)
    )

    def run(session: Session) -> None:
        handler(session, ctx, who, _key(who, token), find(session), form, options)

    try:
        await in_transaction(request, run)
    except SigapError as error:
        if error.code == "not_your_report" and who.subject is None:
            return to_signin(request, back)  # perhaps the reporter, on another device
        report = await in_reading(request, lambda s: service.get(s, find(s)))
        shown = fields.form_errors(error, fields.REPORT_PAGE, ctx.language)
        form.pop("csrf", None)
        return await _show(
            request, who, report, token, error=shown.message, form_errors=shown.fields,
            form=form, failed=action, status_code=error.status,
        )  # fmt: skip
    return RedirectResponse(f"{back}?done={action}", status_code=303)


# (session, ctx, visitor, the visitor's reporter key, report id, form, options)
Handler = Callable[
    [Session, Context, Visitor, reporter.Key, int, dict[str, str], actions.Options], None
]
Key = reporter.Key


def _support(s: Session, ctx: Context, who: Visitor, k: Key, rid: int, form: Any, o: Any) -> None:
    social.support(
        s, rid, account_id=who.account_id, device=who.device_hash, address=who.address,
        per_hour=ctx.settings.supports_per_hour, now=o.now,
    )  # fmt: skip


def _follow(s: Session, ctx: Context, who: Visitor, k: Key, rid: int, form: Any, o: Any) -> None:
    social.follow(s, who.account_id or 0, rid, per_hour=ctx.settings.follows_per_hour, now=o.now)


def _unfollow(s: Session, ctx: Context, who: Visitor, k: Key, rid: int, form: Any, o: Any) -> None:
    social.unfollow(s, who.account_id or 0, rid)


def _text(form: dict[str, str], name: str) -> str:
    """A box's text, stripped; too long is refused rather than cut (the page says so)."""
    text = form.get(name, "").strip()
    if len(text) > COMMENT_MAX:
        raise fields.invalid(name, "string_too_long", max_length=COMMENT_MAX)
    return text


def _comment(s: Session, ctx: Context, who: Visitor, k: Key, rid: int, form: Any, o: Any) -> None:
    body = _text(form, "body")
    if not body:
        raise fields.invalid("body", "missing")
    social.comment(s, who.account_id or 0, rid, body)


def _rate(s: Session, ctx: Context, who: Visitor, k: Key, rid: int, form: Any, o: Any) -> None:
    """One box for the comment, which 1-2 stars need as their reason (the CROP rule)."""
    stars = form.get("stars", "")
    if stars not in ("1", "2", "3", "4", "5"):
        raise fields.invalid("stars", "missing")
    note = _text(form, "comment") or None
    reporter.rate(s, ctx.region, k, rid, stars=int(stars), comment=note, reason=note, options=o)


def _appeal(s: Session, ctx: Context, who: Visitor, k: Key, rid: int, form: Any, o: Any) -> None:
    reporter.appeal(s, ctx.region, k, rid, reason=_text(form, "reason"), options=o)


HANDLERS: dict[str, Handler] = {
    "support": _support,
    "follow": _follow,
    "unfollow": _unfollow,
    "comment": _comment,
    "rate": _rate,
    "appeal": _appeal,
}
