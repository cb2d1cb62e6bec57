"""Reading an officials' action: a url-encoded or JSON-less form, or a multipart form carrying
after-photos (resolve). Photos are decoded, cleaned and stored before the transaction, as on
submit (sigap.photos); a refused photo stops the action before anything changes."""

from __future__ import annotations

from fastapi import Request

from sigap.deps import Context
from sigap.photos import service as photos
from sigap.photos.service import StoredPhoto
from sigap.photos.upload import MAX_FIELDS, read_form
from sigap.web.body import read_fields


async def read_action(request: Request, ctx: Context) -> tuple[dict[str, str], list[StoredPhoto]]:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await read_fields(request, max_fields=MAX_FIELDS), []
    settings = ctx.settings
    multipart = await read_form(
        request, max_files=settings.photo_max_count, max_file_bytes=settings.photo_max_bytes
    )
    files = [upload.data for upload in multipart.files if upload.name == "photo" and upload.data]
    if not files:
        return multipart.fields, []
    stored = await photos.take_in(
        files,
        settings,
        request.app.state.photo_storage,
        limiter=request.app.state.photo_limiter,
    )
    return multipart.fields, stored
