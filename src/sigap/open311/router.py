"""HTTP for Open311 GeoReport v2 under /open311/v2: every resource in .xml and .json.

Handlers parse, call one service function, render. Errors of every kind (Sigap's, validation,
unknown paths) come back as the spec's errors document in the format of the path; see
:class:`sigap.open311.render.Open311Route`. The hot routes (``sigap.app.HOT_ROUTES``: services,
the request lists, one request, filing) take only the request and read their parameters with
:func:`sigap.web.params.read` from one model each, documented from the same model: FastAPI's
resolution of each parameter would cost them about half of their time.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.routing import Match

from sigap.channels import service as channels
from sigap.channels.service import ChannelRef
from sigap.db import Database
from sigap.deps import Context, ReadSession, context_of
from sigap.errors import SigapError
from sigap.kit import sha256_hex
from sigap.open311 import mapping, render, schemas, service
from sigap.open311.form import Submission, parse
from sigap.open311.schemas import Format
from sigap.web import params
from sigap.web.body import read_body

router = APIRouter(prefix="/open311/v2", tags=["open311"], route_class=render.Open311Route)
Fmt = Annotated[Format, Path(description="xml or json")]
REQUEST_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {"schema": schemas.RequestForm.model_json_schema()}
        },
        "description": "Plus attribute[code]=value, and attribute[code][]=value for several "
        "values, as the service definition asks. Send an Idempotency-Key header to make "
        "retries safe.",
    }
}


Jurisdiction = Annotated[str | None, Query(description=schemas.JURISDICTION)]


def _context(request: Request, jurisdiction_id: str | None) -> Context:
    """The request's context, for a jurisdiction this server answers for."""
    ctx = context_of(request)
    service.check_jurisdiction(jurisdiction_id, ctx.region, ctx.settings)
    return ctx


async def _open311(request: Request, jurisdiction_id: Jurisdiction = None) -> Context:
    """The context as a dependency of the routes FastAPI reads the parameters of."""
    return _context(request, jurisdiction_id)


async def _submission(request: Request) -> Submission:
    """The form, read only up to the size limit (a huge body is refused, not buffered)."""
    body = await read_body(request)
    return parse(body, request.headers.get("content-type"))


async def _channel(request: Request, submission: Submission) -> ChannelRef:
    """The channel of the api_key (in the body as the spec sends it, or the query string):
    from the cache of keys seen valid a moment ago, else in a short read of its own, so that
    no connection is held while the report waits for its commit."""
    key = submission.form.api_key or request.query_params.get("api_key")
    if not key:
        raise SigapError("missing_api_key")
    cache: channels.KeyCache = request.app.state.api_keys
    key_hash = sha256_hex(key)
    found = cache.get(key_hash)
    if found is None:
        database: Database = request.app.state.db
        found = await database.read_async(lambda c: channels.by_key_hash(c, key_hash))
        if found is None:
            raise SigapError("invalid_api_key")
        cache.put(key_hash, found)
    return found


Open311Ctx = Annotated[Context, Depends(_open311)]
T = TypeVar("T")


def _answers(model: Any, status: int = 200) -> dict[int | str, dict[str, Any]]:
    """OpenAPI: the resource (as JSON; the .xml form has the same elements) and the errors."""
    return {
        status: {
            "model": model,
            "description": "JSON shown; the .xml form has the same elements",
            "content": {"text/xml": {}},
        },
        "4XX": {"model": list[schemas.Error], "description": "errors: 400, 403 or 404"},
    }


@router.get("/discovery.{fmt}", summary="Service discovery", responses=_answers(schemas.Discovery))
async def discovery(fmt: Fmt, ctx: Open311Ctx) -> Response:
    return render.respond(
        "discovery", mapping.discovery(ctx.region, ctx.settings, ctx.language), fmt
    )


@router.get(
    "/services.{fmt}",
    summary="Service list (the report categories)",
    responses=_answers(list[schemas.Service]),
    openapi_extra=params.documented(schemas.Where),
)
async def services(request: Request) -> Response:
    args = params.read(schemas.Where, request)
    ctx = _context(request, args.jurisdiction_id)
    return render.answer(service.services_document(ctx, args.fmt), args.fmt)


@router.get(
    "/services/{service_code}.{fmt}",
    summary="Service definition",
    responses=_answers(schemas.ServiceDefinition),
)
async def service_definition(service_code: str, fmt: Fmt, ctx: Open311Ctx) -> Response:
    def make() -> bytes:
        definition = service.definition(ctx.region, service_code, ctx.language)
        return render.document("service_definition", definition, fmt)

    key = ("definition", service_code, ctx.language, fmt)
    return render.answer(service.DOCUMENTS.get(ctx.region, key, make), fmt)


@router.post(
    "/requests.{fmt}",
    status_code=201,
    summary="Create a service request (needs an api_key)",
    openapi_extra=params.documented(schemas.PostArgs, **REQUEST_FORM),
    responses=_answers(list[schemas.RequestCreated], 201),
)
async def create_request(request: Request) -> Response:
    args = params.read(schemas.PostArgs, request)
    ctx = _context(request, args.jurisdiction_id)
    submission = await _submission(request)
    channel = await _channel(request, submission)
    result = await service.submit(request, ctx, channel, submission, args.idempotency_key)
    fmt = args.fmt
    headers = {"Location": f"/open311/v2/requests/{result.report['id']}.{fmt.value}"}
    if result.replayed:
        headers["Idempotent-Replayed"] = "true"
    created = service.created(ctx, result)
    status = 200 if result.replayed else 201
    return render.respond("service_requests", [created], fmt, status=status, headers=headers)


@router.get(
    "/tokens/{token}.{fmt}",
    summary="The service request id of a token",
    responses=_answers(list[schemas.TokenResult]),
)
def token(token: str, fmt: Fmt, ctx: Open311Ctx, session: ReadSession) -> Response:
    return render.respond("service_requests", [service.token(session, token)], fmt)


@router.get(
    "/requests.{fmt}",
    summary="Service requests (last 90 days unless filtered)",
    responses=_answers(list[schemas.ServiceRequest]),
    openapi_extra=params.documented(schemas.SearchArgs),
)
async def requests(request: Request) -> Response:
    args = params.read(schemas.SearchArgs, request)
    ctx = _context(request, args.jurisdiction_id)
    database: Database = request.app.state.db
    built: service.Built = request.app.state.open311_built
    found = await service.search(database, ctx, args, built)
    return render.respond("service_requests", found, args.fmt)


@router.get(
    "/requests/{service_request_id}.{fmt}",
    summary="One service request",
    responses=_answers(list[schemas.ServiceRequest]),
    openapi_extra=params.documented(schemas.OneArgs),
)
async def one_request(request: Request) -> Response:
    args = params.read(schemas.OneArgs, request)
    ctx = _context(request, args.jurisdiction_id)
    database: Database = request.app.state.db
    fmt, report_id = args.fmt, args.service_request_id
    if not args.extensions:  # the usual ask: its document is built in one go
        return render.answer(await service.one_document(database, ctx, report_id, fmt), fmt)
    found = await service.one(database, ctx, report_id, extensions=True)
    return render.respond("service_requests", found, fmt)


@router.api_route(
    "/{path:path}",
    methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    include_in_schema=False,
)
async def unknown(request: Request) -> Response:
    """Anything else under /open311/v2: the spec's errors document, not the JSON API's."""
    for route in router.routes:
        if route.matches(request.scope)[0] is Match.PARTIAL:
            raise SigapError("method_not_allowed")
    raise SigapError("not_found")
