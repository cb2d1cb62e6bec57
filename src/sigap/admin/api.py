"""The admin JSON API under /api/v1/admin: admin role only (bearer token), every change
audited in ``admin_event`` in the change's own transaction."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from sigap.admin import people, questions, schemas, service
from sigap.admin.console import change, route_test, workflow_options
from sigap.auth.deps import CurrentAdmin
from sigap.channels.service import list_all
from sigap.deps import context_of, in_reading
from sigap.errors import SigapError
from sigap.history import audit
from sigap.history.schemas import AuditEvent
from sigap.inputs import Id, SmallId

T = TypeVar("T")
router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.get("/units", response_model=list[schemas.Unit], summary="Every unit, active or not")
async def units(admin: CurrentAdmin, request: Request) -> list[dict[str, Any]]:
    return await in_reading(
        request, lambda s: [service.unit_dict(u) for u in service.list_units(s)]
    )


@router.post("/units", status_code=201, response_model=schemas.Unit, summary="Create a unit")
async def create_unit(
    admin: CurrentAdmin, request: Request, body: schemas.NewUnit
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        return service.unit_dict(service.create_unit(session, admin, **body.model_dump()))

    return await change(request, run)


@router.post(
    "/units/{unit_id}/rename",
    response_model=schemas.Unit,
    summary="Rename a unit (both languages)",
)
async def rename_unit(
    admin: CurrentAdmin, request: Request, unit_id: SmallId, body: schemas.Rename
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        return service.unit_dict(
            service.rename_unit(session, admin, unit_id, name_id=body.name_id, name_en=body.name_en)
        )

    return await change(request, run)


@router.post(
    "/units/{unit_id}/move",
    response_model=schemas.Unit,
    summary="Move a unit in the tree (cycles refused)",
)
async def move_unit(
    admin: CurrentAdmin, request: Request, unit_id: SmallId, body: schemas.Move
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        return service.unit_dict(
            service.move_unit(session, admin, unit_id, parent_code=body.parent_code)
        )

    return await change(request, run)


@router.post(
    "/units/{unit_id}/deactivate",
    response_model=schemas.UnitDeactivated,
    summary="Deactivate a unit; its open reports and routes go to another unit",
)
async def deactivate_unit(
    admin: CurrentAdmin, request: Request, unit_id: SmallId, body: schemas.Deactivate
) -> dict[str, Any]:
    state = context_of(request).region
    options = workflow_options(request)

    def run(session: Session) -> dict[str, Any]:
        moved = service.deactivate_unit(
            session,
            state,
            admin,
            unit_id,
            to_unit_code=body.to_unit,
            reason=body.reason,
            options=options,
        )
        return {"unit_id": unit_id, "reports_forwarded": moved, "to_unit": body.to_unit}

    return await change(request, run)


@router.get("/officials", response_model=list[schemas.Official], summary="Every official's account")
async def officials(admin: CurrentAdmin, request: Request) -> list[dict[str, Any]]:
    return await in_reading(
        request, lambda s: [people.account_dict(a) for a in people.list_officials(s)]
    )


@router.post(
    "/officials",
    status_code=201,
    response_model=schemas.OfficialWithPassword,
    summary="Create an official; the one-time password is in the answer, shown once",
)
async def create_official(
    admin: CurrentAdmin, request: Request, body: schemas.NewOfficial
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        account, password = people.create_official(session, admin, **body.model_dump())
        return {**people.account_dict(account), "one_time_password": password}

    return await change(request, run, region=False)


@router.post(
    "/officials/{account_id}/assign",
    response_model=schemas.Official,
    summary="Set an official's role and unit",
)
async def assign_official(
    admin: CurrentAdmin, request: Request, account_id: SmallId, body: schemas.Assign
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        account = people.assign_official(
            session, admin, account_id, role=body.role, unit_code=body.unit_code
        )
        return people.account_dict(account)

    return await change(request, run, region=False)


@router.post(
    "/officials/{account_id}/deactivate",
    response_model=schemas.Official,
    summary="Deactivate an official; sessions revoked",
)
async def deactivate_official(
    admin: CurrentAdmin, request: Request, account_id: SmallId
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        return people.account_dict(people.deactivate_official(session, admin, account_id))

    return await change(request, run, region=False)


@router.post(
    "/officials/{account_id}/password",
    response_model=schemas.OfficialWithPassword,
    summary="Reset an official's password (one-time password in the answer; sessions revoked)",
)
async def reset_password(
    admin: CurrentAdmin, request: Request, account_id: SmallId
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        account, password = people.reset_password(session, admin, account_id)
        return {**people.account_dict(account), "one_time_password": password}

    return await change(request, run, region=False)


@router.get(
    "/categories",
    response_model=list[schemas.Category],
    summary="Every category with its SLA targets",
)
async def categories(admin: CurrentAdmin, request: Request) -> list[dict[str, Any]]:
    return await in_reading(
        request, lambda s: [service.category_dict(c) for c in service.list_categories(s)]
    )


@router.post(
    "/categories", status_code=201, response_model=schemas.Category, summary="Create a category"
)
async def create_category(
    admin: CurrentAdmin, request: Request, body: schemas.NewCategory
) -> dict[str, Any]:
    values = body.model_dump(exclude={"code"})

    def run(session: Session) -> dict[str, Any]:
        category = service.save_category(session, admin, body.code, values, create=True)
        return service.category_dict(category)

    return await change(request, run)


@router.patch(
    "/categories/{code}",
    response_model=schemas.Category,
    summary="Change a category's names, SLA targets, photo rule or activity (new reports only)",
)
async def update_category(
    admin: CurrentAdmin, request: Request, code: str, body: schemas.CategoryValues
) -> dict[str, Any]:
    values = body.model_dump(exclude_unset=True)

    def run(session: Session) -> dict[str, Any]:
        category = service.save_category(session, admin, code, values, create=False)
        return service.category_dict(category)

    return await change(request, run)


@router.get(
    "/categories/{code}/questions",
    response_model=list[schemas.Question],
    summary="A category's extra questions, retired ones last",
)
async def category_questions(
    admin: CurrentAdmin, request: Request, code: str
) -> list[dict[str, Any]]:
    return await in_reading(
        request, lambda s: [questions.question_dict(q) for q in questions.list_questions(s, code)]
    )


@router.post(
    "/categories/{code}/questions",
    status_code=201,
    response_model=schemas.Question,
    summary="Add a question to a category (asked of new reports)",
)
async def add_question(
    admin: CurrentAdmin, request: Request, code: str, body: schemas.NewQuestion
) -> dict[str, Any]:
    values = body.model_dump()

    def run(session: Session) -> dict[str, Any]:
        return questions.question_dict(questions.add_question(session, admin, code, values))

    return await change(request, run)


@router.patch(
    "/categories/{code}/questions/{question}",
    response_model=schemas.Question,
    summary="Change a question (not its datatype); old answers stay as stored",
)
async def update_question(
    admin: CurrentAdmin,
    request: Request,
    code: str,
    question: str,
    body: schemas.QuestionValues,
) -> dict[str, Any]:
    values = body.model_dump(exclude_unset=True)

    def run(session: Session) -> dict[str, Any]:
        changed = questions.update_question(session, admin, code, question, values)
        return questions.question_dict(changed)

    return await change(request, run)


@router.delete(
    "/categories/{code}/questions/{question}",
    status_code=204,
    summary="Remove (retire) a question: no longer asked; old answers keep their meaning",
)
async def remove_question(admin: CurrentAdmin, request: Request, code: str, question: str) -> None:
    await change(request, lambda s: questions.remove_question(s, admin, code, question))


@router.get(
    "/routing",
    response_model=list[schemas.Rule],
    summary="The routing rules (category x area -> unit)",
)
async def rules(admin: CurrentAdmin, request: Request) -> list[dict[str, Any]]:
    state = context_of(request).region
    return await in_reading(
        request, lambda s: [service.rule_dict(r, state) for r in service.list_rules(s)]
    )


@router.post(
    "/routing",
    status_code=201,
    response_model=schemas.Rule,
    summary="Add a routing rule (new reports only)",
)
async def add_rule(admin: CurrentAdmin, request: Request, body: schemas.NewRule) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        rule = service.add_rule(session, admin, **body.model_dump())
        return {**service.rule_dict(rule), "unit_code": body.unit_code}

    return await change(request, run)


@router.delete("/routing/{rule_id}", status_code=204, summary="Remove a routing rule")
async def remove_rule(admin: CurrentAdmin, request: Request, rule_id: SmallId) -> None:
    await change(request, lambda s: service.remove_rule(s, admin, rule_id))


@router.get(
    "/routing/test",
    response_model=schemas.RouteTest,
    summary="Where a report at this point in this category would go",
)
async def test_route(
    admin: CurrentAdmin,
    request: Request,
    category: str,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
) -> dict[str, Any]:
    return route_test(context_of(request).region, category, lat, lon)


@router.get(
    "/channels", response_model=list[schemas.Channel], summary="Channel API keys (prefixes only)"
)
async def channels(admin: CurrentAdmin, request: Request) -> list[dict[str, Any]]:
    return await in_reading(request, lambda s: [people.channel_dict(c) for c in list_all(s)])


@router.post(
    "/channels",
    status_code=201,
    response_model=schemas.ChannelCreated,
    summary="Create a channel key (shown once)",
)
async def create_channel(
    admin: CurrentAdmin, request: Request, body: schemas.NewChannel
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        channel, key = people.create_channel(
            session, admin, name=body.name, reports_per_hour=body.reports_per_hour
        )
        return {**people.channel_dict(channel), "api_key": key}

    return await change(request, run, region=False)


@router.put(
    "/channels/{channel_id}/quota",
    response_model=schemas.Channel,
    summary="Set a channel's reports an hour",
)
async def channel_quota(
    admin: CurrentAdmin, request: Request, channel_id: SmallId, body: schemas.ChannelQuota
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        found = people.set_channel_quota(session, admin, channel_id, body.reports_per_hour)
        return people.channel_dict(found)

    return await change(request, run, region=False)


@router.post(
    "/channels/{channel_id}/revoke", response_model=schemas.Channel, summary="Revoke a channel key"
)
async def revoke_channel(
    admin: CurrentAdmin, request: Request, channel_id: SmallId
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        return people.channel_dict(people.revoke_channel(session, admin, channel_id))

    return await change(request, run, region=False)


@router.get(
    "/photos",
    response_model=list[schemas.Photo],
    summary="The moderation queue: newest photos, hidden ones included",
)
async def photos(admin: CurrentAdmin, request: Request) -> list[dict[str, Any]]:
    storage = request.app.state.photo_storage

    def query(session: Session) -> list[dict[str, Any]]:
        return [
            {
                "id": p.id,
                "report_id": p.report_id,
                "kind": p.kind,
                "hidden": p.hidden,
                "thumb_url": storage.url(p.thumb_key),
                "created_at": p.created_at.isoformat(),
            }
            for p in people.recent_photos(session)
        ]

    return await in_reading(request, query)


@router.post(
    "/photos/{photo_id}/{action}",
    response_model=schemas.PhotoModerated,
    summary="Hide or restore a photo",
)
async def moderate(
    admin: CurrentAdmin, request: Request, photo_id: Id, action: str
) -> dict[str, Any]:
    if action not in ("hide", "restore"):
        raise SigapError("not_found")
    hidden = action == "hide"
    await change(
        request, lambda s: people.moderate_photo(s, admin, photo_id, hidden=hidden), region=False
    )
    return {"id": photo_id, "hidden": hidden}


@router.get(
    "/comments",
    response_model=list[schemas.Comment],
    summary="Citizens' newest comments, hidden ones included",
)
async def comments(admin: CurrentAdmin, request: Request) -> list[dict[str, Any]]:
    return await in_reading(
        request, lambda s: [people.comment_dict(c) for c in people.recent_comments(s)]
    )


@router.post(
    "/comments/{comment_id}/{action}",
    response_model=schemas.Comment,
    summary="Hide, restore or redact a comment",
)
async def moderate_comment(
    admin: CurrentAdmin,
    request: Request,
    comment_id: Id,
    action: str,
    body: schemas.Redaction | None = None,
) -> dict[str, Any]:
    text = body.body if body is not None else ""

    def run(session: Session) -> dict[str, Any]:
        comment = people.moderate_comment(session, admin, comment_id, action=action, body=text)
        return people.comment_dict(comment)

    return await change(request, run, region=False)


@router.get(
    "/events",
    response_model=list[AuditEvent],
    summary="The audit trail of console changes, newest first",
)
async def events(
    admin: CurrentAdmin,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_id: SmallId | None = None,
) -> list[dict[str, Any]]:
    return await in_reading(
        request,
        lambda s: [audit.as_dict(e) for e in audit.recent(s, limit=limit, before_id=before_id)],
    )
