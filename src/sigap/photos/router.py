"""``GET /media/{key}``: stored photo files, cached for a year (their names are their hashes)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from sigap.deps import ReadSession
from sigap.errors import SigapError
from sigap.photos import service
from sigap.photos.storage import KEY, Storage, content_type

router = APIRouter(tags=["photos"])
CACHE = "public, max-age=31536000, immutable"


@router.get(
    "/media/{key:path}",
    summary="A photo file (display size or thumbnail)",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/webp": {}}}},
)
async def media(key: str, request: Request, session: ReadSession) -> Response:
    """Unknown keys, originals and the files of hidden photos all give the same 404."""
    if not KEY.match(key) or key.startswith("originals/"):
        raise SigapError("not_found")
    if not await run_in_threadpool(service.servable, session, key):
        raise SigapError("not_found")
    # The name is the content's sha256, so it is also the perfect ETag. (nosniff, like every
    # security header, is added to every answer by sigap.web.security.)
    headers = {"Cache-Control": CACHE, "ETag": f'"{key.rsplit("/", 1)[1].split(".")[0]}"'}
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    storage: Storage = request.app.state.photo_storage
    data = await run_in_threadpool(storage.get, key)
    if data is None:
        raise SigapError("not_found")
    return Response(data, media_type=content_type(key), headers=headers)
