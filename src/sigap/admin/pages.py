"""The admin console's pages under /admin: the same use cases as the JSON API, as forms.

Admins sign in through the officials' sign-in (/officials/login): an admin is an official role.
Pages read the cookie session; every form carries the session's CSRF token. A one-time secret
(a new official's password, a channel key) is rendered once in the answer to the POST that
made it, never stored in the page's URL and never shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sigap.admin import market, moderation, people, questions, schemas, service
from sigap.admin.console import admin_page, change, route_test, workflow_options
from sigap.auth.deps import check_csrf
from sigap.auth.service import OFFICIAL_ROLES, Subject
from sigap.channels.service import list_all as list_channels
from sigap.db import Database
from sigap.deps import context_of
from sigap.errors import SigapError
from sigap.history import audit
from sigap.inputs import INT32_MAX, INT64_MAX, id_of
from sigap.models import Category
from sigap.models.category import QUESTION_DATATYPES
from sigap.models.unit import UNIT_KINDS
from sigap.notify import outbox, targets, webhooks
from sigap.regions.questions import format_choices, parse_choices
from sigap.transit import store as transit_store
from sigap.web.body import read_fields
from sigap.web.pages import render

router = APIRouter(prefix="/admin", include_in_schema=False)
SECTIONS = (
    "units",
    "officials",
    "categories",
    "routing",
    "channels",
    "webhooks",
    "photos",
    "comments",
    "moderation",
    "market",
    "events",
    "transit",
)
NAV = (*SECTIONS, "fares")  # the console's menu; the fare pages are sigap.admin.fares's
Fields = dict[str, str]
# An action: (session, admin, fields) -> a one-time secret to show, or None.
Action = Callable[[Session, Subject, Fields], str | None]


@router.get("")
async def home() -> Response:
    return RedirectResponse("/admin/units", status_code=303)


@router.get("/{section}")
async def section_page(request: Request, section: str) -> Response:
    if section not in SECTIONS:
        raise SigapError("not_found")
    subject = await admin_page(request)
    if isinstance(subject, Response):
        return subject
    return await _page(request, subject, section)


async def _page(
    request: Request,
    subject: Subject,
    section: str,
    *,
    error: str | None = None,
    secret: str | None = None,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
) -> Response:
    ctx = context_of(request)
    database: Database = request.app.state.db
    loader = LOADERS[section]

    def read() -> dict[str, Any]:
        with database.reading() as session:
            return loader(session, request)

    data = await run_in_threadpool(read)
    tester = _tester(request) if section == "routing" else None
    units = sorted(ctx.region.units.values(), key=lambda u: u.code)
    return render(
        request,
        f"admin/{section}.html",
        status_code=status_code,
        subject=subject,
        section=section,
        sections=NAV,
        error=error,
        secret=secret,
        done=request.query_params.get("done"),
        units=units,
        active_units=[u for u in units if u.active],
        unit_codes={u.id: u.code for u in units},
        categories=list(ctx.region.categories.values()),
        tester=tester,
        **data,
        **(extra or {}),
    )


def _tester(request: Request) -> dict[str, Any] | None:
    query = request.query_params
    if not (query.get("category") and query.get("lat") and query.get("lon")):
        return None
    ctx = context_of(request)
    try:
        lat, lon = float(query["lat"]), float(query["lon"])
        return {"ok": True, **route_test(ctx.region, query["category"], lat, lon)}
    except ValueError:
        return {"ok": False, "error": SigapError("invalid_input").message(ctx.language)}
    except SigapError as error:
        return {"ok": False, "error": error.message(ctx.language)}


@router.post("/{section}/{action}")
async def act(request: Request, section: str, action: str) -> Response:
    subject = await admin_page(request)
    if isinstance(subject, Response):
        return subject
    perform = ACTIONS.get((section, action))
    if section == "moderation":
        perform = moderation.actions(request).get(action)
    if (section, action) == ("market", "budget"):
        perform = market.set_budget(request)
    if perform is None:
        raise SigapError("not_found")
    fields = {key: value.strip() for key, value in (await read_fields(request)).items()}
    check_csrf(subject, fields.get("csrf"))
    region = section in ("units", "categories", "routing") or action == "triage"
    if (section, action) == ("units", "deactivate"):
        perform = _deactivate(request)
    try:
        if (section, action) == ("webhooks", "create"):
            await run_in_threadpool(_check_webhook_target, request, fields.get("url", ""))
        secret = await change(request, lambda s: perform(s, subject, fields), region=region)
    except (SigapError, ValueError) as error:
        refused = error if isinstance(error, SigapError) else SigapError("invalid_input")
        message = refused.message(context_of(request).language)
        return await _page(request, subject, section, error=message, status_code=refused.status)
    if secret is not None:
        return await _page(request, subject, section, secret=secret)
    return RedirectResponse(f"/admin/{section}?done={section}.{action}", status_code=303)


@router.get("/categories/{code}")
async def category_page(request: Request, code: str) -> Response:
    """One category's extra questions: list, change, retire, add."""
    subject = await admin_page(request)
    if isinstance(subject, Response):
        return subject
    return await _category_page(request, subject, code)


async def _category_page(
    request: Request,
    subject: Subject,
    code: str,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    database: Database = request.app.state.db

    def read() -> tuple[Category, list[dict[str, Any]]]:
        with database.reading() as session:
            listed = [questions.question_dict(q) for q in questions.list_questions(session, code)]
            return session.get_one(Category, code), listed

    try:
        category, items = await run_in_threadpool(read)
    except SigapError as missing:
        message = missing.message(context_of(request).language)
        return render(
            request,
            "officials/missing.html",
            status_code=missing.status,
            subject=subject,
            message=message,
        )
    return render(
        request,
        "admin/category.html",
        status_code=status_code,
        subject=subject,
        section="categories",
        sections=NAV,
        error=error,
        secret=None,
        done=request.query_params.get("done"),
        category=category,
        questions=items,
        datatypes=QUESTION_DATATYPES,
        format_choices=lambda values: format_choices(values, "\n"),
    )


@router.post("/categories/{code}/questions/{action}")
async def question_action(request: Request, code: str, action: str) -> Response:
    subject = await admin_page(request)
    if isinstance(subject, Response):
        return subject
    perform = QUESTION_ACTIONS.get(action)
    if perform is None:
        raise SigapError("not_found")
    fields = {key: value.strip() for key, value in (await read_fields(request)).items()}
    check_csrf(subject, fields.get("csrf"))
    try:
        await change(request, lambda s: perform(s, subject, code, fields))
    except SigapError as error:
        message = error.message(context_of(request).language)
        return await _category_page(request, subject, code, error=message, status_code=error.status)
    return RedirectResponse(f"/admin/categories/{code}?done=questions.{action}", status_code=303)


def _question_values(f: Fields, *, new: bool) -> dict[str, Any]:
    """The question form's fields as the use cases take them (what the API's bodies hold)."""
    values: dict[str, Any] = {
        key: f.get(key, "") for key in ("label_id", "label_en", "description_id", "description_en")
    }
    values["required"] = f.get("required") == "on"
    if f.get("order"):
        values["order"] = _id(f, "order")  # a position from 1, kept as an INTEGER
    if new or "values" in f:
        try:
            values["values"] = parse_choices(f.get("values", ""))
        except ValueError:
            raise SigapError("invalid_question_values") from None
    if new:
        values.update(code=f.get("code", ""), datatype=f.get("datatype", ""))
    else:
        values["active"] = f.get("active", "on") == "on"
    return values


def _add_question(session: Session, admin: Subject, code: str, f: Fields) -> None:
    questions.add_question(session, admin, code, _question_values(f, new=True))


def _update_question(session: Session, admin: Subject, code: str, f: Fields) -> None:
    values = _question_values(f, new=False)
    questions.update_question(session, admin, code, f.get("code", ""), values)


def _remove_question(session: Session, admin: Subject, code: str, f: Fields) -> None:
    questions.remove_question(session, admin, code, f.get("code", ""))


QUESTION_ACTIONS: dict[str, Callable[[Session, Subject, str, Fields], None]] = {
    "add": _add_question,
    "update": _update_question,
    "remove": _remove_question,
}


def _unit_id(session: Session, code: str) -> int:
    for unit in service.list_units(session):
        if unit.code == code:
            return unit.id
    raise SigapError("unknown_unit", unit=code)


def _deactivate(request: Request) -> Action:
    state = context_of(request).region
    options = workflow_options(request)

    def run(session: Session, admin: Subject, f: Fields) -> None:
        unit_id = _unit_id(session, f.get("unit", ""))
        service.deactivate_unit(
            session,
            state,
            admin,
            unit_id,
            to_unit_code=f.get("to_unit", ""),
            reason=f.get("reason", ""),
            options=options,
        )

    return run


def _create_unit(session: Session, admin: Subject, f: Fields) -> None:
    service.create_unit(
        session,
        admin,
        code=f.get("code", ""),
        name_id=f.get("name_id", ""),
        name_en=f.get("name_en", ""),
        kind=f.get("kind", ""),
        parent_code=f.get("parent_code") or None,
        area_code=f.get("area_code") or None,
    )


def _rename_unit(session: Session, admin: Subject, f: Fields) -> None:
    unit_id = _unit_id(session, f.get("unit", ""))
    service.rename_unit(
        session, admin, unit_id, name_id=f.get("name_id", ""), name_en=f.get("name_en", "")
    )


def _move_unit(session: Session, admin: Subject, f: Fields) -> None:
    unit_id = _unit_id(session, f.get("unit", ""))
    service.move_unit(session, admin, unit_id, parent_code=f.get("parent_code") or None)


def _create_official(session: Session, admin: Subject, f: Fields) -> str:
    account, password = people.create_official(
        session,
        admin,
        email=f.get("email", ""),
        name=f.get("name", ""),
        role=f.get("role", ""),
        unit_code=f.get("unit_code") or None,
        language=f.get("language") or "id",
    )
    return f"{account.email}: {password}"


def _assign_official(session: Session, admin: Subject, f: Fields) -> None:
    people.assign_official(
        session,
        admin,
        _id(f, "account_id"),
        role=f.get("role", ""),
        unit_code=f.get("unit_code") or None,
    )


def _deactivate_official(session: Session, admin: Subject, f: Fields) -> None:
    people.deactivate_official(session, admin, _id(f, "account_id"))


def _reset_password(session: Session, admin: Subject, f: Fields) -> str:
    account, password = people.reset_password(session, admin, _id(f, "account_id"))
    return f"{account.email}: {password}"


def _category_values(f: Fields) -> dict[str, Any]:
    """The form's values, checked by the API's own body (its ValidationError is a 422)."""
    names = ("name_id", "name_en", "icon", "response_hours", "resolution_hours", "sort_order")
    values: dict[str, Any] = {key: f[key] for key in names if f.get(key)}
    values["photo_required"] = f.get("photo_required") == "on"
    values["active"] = f.get("active", "on") == "on"
    return schemas.CategoryValues.model_validate(values).model_dump(exclude_unset=True)


def _save_category(create: bool) -> Action:
    def run(session: Session, admin: Subject, f: Fields) -> None:
        service.save_category(session, admin, f.get("code", ""), _category_values(f), create=create)

    return run


def _add_rule(session: Session, admin: Subject, f: Fields) -> None:
    service.add_rule(
        session,
        admin,
        category_code=f.get("category_code") or None,
        area_code=f.get("area_code") or None,
        unit_code=f.get("unit_code", ""),
    )


def _remove_rule(session: Session, admin: Subject, f: Fields) -> None:
    service.remove_rule(session, admin, _id(f, "rule_id"))


def _create_channel(session: Session, admin: Subject, f: Fields) -> str:
    channel, key = people.create_channel(session, admin, name=f.get("name", ""))
    return f"{channel.name}: {key}"


def _revoke_channel(session: Session, admin: Subject, f: Fields) -> None:
    people.revoke_channel(session, admin, _id(f, "channel_id"))


def _create_webhook(session: Session, admin: Subject, f: Fields) -> str:
    events = [e for e in f.get("events", "").replace(",", " ").split() if e]
    return people.create_webhook(session, admin, url=f.get("url", ""), events=events)


def _check_webhook_target(request: Request, url: str) -> None:
    """Before the transaction (a DNS lookup holds no lock); the same check as the API's."""
    settings = request.app.state.settings
    targets.check_registration(
        url, allow=settings.webhook_allow, timeout_s=settings.webhook_timeout_s
    )


def _delete_webhook(session: Session, admin: Subject, f: Fields) -> None:
    people.delete_webhook(session, admin, _id(f, "endpoint_id"))


def _retry_message(session: Session, admin: Subject, f: Fields) -> None:
    people.retry_message(session, admin, _id(f, "message_id", INT64_MAX))


def _load_webhooks(session: Session, request: Request) -> dict[str, Any]:
    """Endpoints (never their secrets) and the dead letters waiting for a retry."""
    endpoints = [
        {k: v for k, v in row.items() if k != "secret"} for row in webhooks.list_all(session)
    ]
    dead = [dict(row) for row in outbox.listing(session, state="dead", limit=100, before_id=None)]
    return {"webhooks": endpoints, "dead": dead, "counts": outbox.counts(session)}


def _photo(hidden: bool) -> Action:
    def run(session: Session, admin: Subject, f: Fields) -> None:
        people.moderate_photo(session, admin, _id(f, "photo_id", INT64_MAX), hidden=hidden)

    return run


def _comment(action: str) -> Action:
    def run(session: Session, admin: Subject, f: Fields) -> None:
        comment_id = _id(f, "comment_id", INT64_MAX)
        people.moderate_comment(session, admin, comment_id, action=action, body=f.get("body", ""))

    return run


def _id(f: Fields, name: str, maximum: int = INT32_MAX) -> int:
    """The id in a form's field, or the form is refused (422)."""
    found = id_of(f.get(name, ""), maximum)
    if found is None:
        raise SigapError("invalid_input")
    return found


def _noop(session: Session, admin: Subject, f: Fields) -> None:
    raise SigapError("not_found")


ACTIONS: dict[tuple[str, str], Action] = {
    ("units", "create"): _create_unit,
    ("units", "rename"): _rename_unit,
    ("units", "move"): _move_unit,
    ("units", "deactivate"): _noop,  # replaced per request: needs the region snapshot
    ("officials", "create"): _create_official,
    ("officials", "assign"): _assign_official,
    ("officials", "deactivate"): _deactivate_official,
    ("officials", "password"): _reset_password,
    ("categories", "create"): _save_category(True),
    ("categories", "update"): _save_category(False),
    ("routing", "add"): _add_rule,
    ("routing", "remove"): _remove_rule,
    ("channels", "create"): _create_channel,
    ("channels", "revoke"): _revoke_channel,
    ("webhooks", "create"): _create_webhook,
    ("webhooks", "delete"): _delete_webhook,
    ("webhooks", "retry"): _retry_message,
    ("photos", "hide"): _photo(True),
    ("photos", "restore"): _photo(False),
    ("comments", "hide"): _comment("hide"),
    ("comments", "restore"): _comment("restore"),
    ("comments", "redact"): _comment("redact"),
}


def _load_units(session: Session, request: Request) -> dict[str, Any]:
    return {"kinds": UNIT_KINDS}


def _load_officials(session: Session, request: Request) -> dict[str, Any]:
    officials = [people.account_dict(account) for account in people.list_officials(session)]
    return {"officials": officials, "roles": list(OFFICIAL_ROLES)}


def _load_categories(session: Session, request: Request) -> dict[str, Any]:
    state = context_of(request).region
    return {
        "all_categories": [service.category_dict(c) for c in service.list_categories(session)],
        "question_counts": {c.code: len(c.questions) for c in state.categories.values()},
    }


def _load_routing(session: Session, request: Request) -> dict[str, Any]:
    state = context_of(request).region
    return {"rules": [service.rule_dict(rule, state) for rule in service.list_rules(session)]}


def _load_channels(session: Session, request: Request) -> dict[str, Any]:
    return {"channels": [people.channel_dict(channel) for channel in list_channels(session)]}


def _load_photos(session: Session, request: Request) -> dict[str, Any]:
    storage = request.app.state.photo_storage
    photos = [
        {
            "id": photo.id,
            "report_id": photo.report_id,
            "kind": photo.kind,
            "hidden": photo.hidden,
            "thumb_url": storage.url(photo.thumb_key),
        }
        for photo in people.recent_photos(session)
    ]
    return {"photos": photos}


def _load_comments(session: Session, request: Request) -> dict[str, Any]:
    return {"comments": [people.comment_dict(c) for c in people.recent_comments(session)]}


def _load_events(session: Session, request: Request) -> dict[str, Any]:
    return {"events": [audit.as_dict(event) for event in audit.recent(session, limit=200)]}


def _load_transit(session: Session, request: Request) -> dict[str, Any]:
    """The stored feeds (the CSV upload's forms are in :mod:`sigap.admin.transit`)."""
    feeds = [
        {
            "name": row.name,
            "version": row.version,
            "agencies": ", ".join(row.agencies),
            "counts": row.counts,
            "span": f"{row.service_start} to {row.service_end}",
            "imported_at": row.imported_at.isoformat()[:16],
        }
        for row in transit_store.feeds(session)[1]
    ]
    return {"feeds": feeds}


LOADERS: dict[str, Callable[[Session, Request], dict[str, Any]]] = {
    "units": _load_units,
    "officials": _load_officials,
    "categories": _load_categories,
    "routing": _load_routing,
    "channels": _load_channels,
    "webhooks": _load_webhooks,
    "photos": _load_photos,
    "comments": _load_comments,
    "moderation": moderation.load,
    "market": market.load,
    "events": _load_events,
    "transit": _load_transit,
}
